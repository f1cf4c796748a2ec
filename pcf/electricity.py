"""Electricity where the work happens: which grid supplies each link's `electricity_factory` demand.

`electricity_factory` is the placeholder that process datasets (machining, welding, coating ...) use for their
electricity. Which grid supplies it depends on who does the work, not on the machine maker alone:

* **maker** - the maker's factory grid (the BOM's `factory.electricity`, or `--grid`): factory energy lines,
  process steps on parts made in-house (no supplier, or a supplier that says "in-house") and process steps hung
  directly on an assembly or on the machine (assembly, test);
* **supplier** - the grid of the supplier's country (or province/state, `region`): process steps of a part made by
  a named supplier, a process step bought from a named supplier, and components whose line names a country;
* **home** - the dataset's own geography: materials, packaging, transport and anything else (a CN dataset ->
  `electricity_cn_footprint_2024`, an ISO country with an Ember dataset -> that, anything else -> the IEA world
  average `electricity_world_iea_2024`).

`--grid` and the comparator's electricity edit change only the maker's grid. `site_of` (which site does the work of
a line) and `GridResolver.grid_for` (which dataset is that site's grid) are pure; the product graph stores the
result on every link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import MappingError

MAKER, SUPPLIER, HOME = "maker", "supplier", "home"
SITES = (MAKER, SUPPLIER, HOME)
CN_DEFAULT = "electricity_cn_footprint_2024"
WORLD_DEFAULT = "electricity_world_iea_2024"
COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}  # codes used in practice for ISO 3166 GB and GR

_IN_HOUSE = re.compile(r"^\s*(in[\s_-]?house|inhouse|own\b|self[\s-]?made|自制|自产|内部|本厂|eigen)", re.IGNORECASE)
_EMBER = re.compile(r"^electricity_([a-z]{2})_ember_(\d{4})$")
_YEAR = re.compile(r"_(\d{4})$")


def is_in_house(supplier: str | None) -> bool:
    """True when a supplier field is empty or says the maker makes it ("in-house, Dongguan", "own shop")."""
    return not (supplier or "").strip() or bool(_IN_HOUSE.match(supplier))


@dataclass(frozen=True)
class Site:
    """Who does the work of a link: the maker, a supplier in `country`/`region`, or the dataset's own geography."""

    kind: str  # maker | supplier | home
    country: str | None = None
    region: str | None = None
    line: object = None  # the BOM line that named the supplier's country (for error messages)


def site_of(kind: str, line, owner=None) -> Site:
    """Which site's electricity a link uses. kind: the link's line kind; owner: the part a process step is on.

    Pure: depends on the line (and the part it belongs to) only.
    """
    if kind == "energy":
        return Site(MAKER)
    if kind == "process":
        if not is_in_house(line.supplier):
            return _supplier_site(line)
        if (line.supplier or "").strip():  # the step says in-house
            return Site(MAKER)
        if owner is not None and getattr(owner, "kind", None) == "part":
            return Site(MAKER) if is_in_house(owner.supplier) else _supplier_site(owner)
        return Site(MAKER)  # a process on an assembly or the machine: the maker's assembly and test
    if kind == "component":
        if (line.supplier or "").strip() and is_in_house(line.supplier):
            return Site(MAKER)
        if line.country or line.region:
            return _supplier_site(line)
        return Site(HOME)
    return Site(HOME)  # materials, packaging, transport


def _supplier_site(line) -> Site:
    if not (line.country or line.region):
        return Site(HOME)  # a supplier without a country: the dataset's own geography
    return Site(SUPPLIER, (line.country or "").strip().upper() or None, (line.region or "").strip() or None, line)


def _norm(text: str) -> str:
    text = re.sub(r"[\s_\-'.]", "", text.lower())
    for suffix in ("province", "municipality", "autonomousregion", "sheng", "shi"):
        if text.endswith(suffix) and len(text) > len(suffix) + 2:
            text = text[: -len(suffix)]
    return text


class GridResolver:
    """Which grid dataset is a site's grid, over one background (cached per background)."""

    def __init__(self, background):
        self.bg = background
        datasets = background.tables.datasets
        electricity = datasets[datasets["category"] == "electricity"]
        self.ember: dict[str, str] = {}
        best: dict[str, int] = {}
        for key in electricity.index:
            m = _EMBER.match(key)
            if m and int(m.group(2)) > best.get(m.group(1), -1):
                best[m.group(1)] = int(m.group(2))
                self.ember[m.group(1).upper()] = key
        self.regions: dict[str, str] = {}  # normalised code or name -> key (latest year)
        region_year: dict[str, int] = {}
        for key, row in electricity.iterrows():
            geo = str(row["geography"]).strip().upper()
            if not re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", geo):
                continue
            year = int(_YEAR.search(key).group(1)) if _YEAR.search(key) else 0
            names = {geo.lower()}
            m = re.match(r"^electricity_[a-z]{2}_([a-z]+)_\d{4}$", key)
            if m:
                names.add(m.group(1))
            m = re.match(r"^Electricity, (.+?) (provincial|state|regional) grid", str(row["name"]))
            if m:
                names.add(m.group(1))
            for name in names:
                norm = _norm(name)
                if year >= region_year.get(norm, -1):
                    region_year[norm] = year
                    self.regions[norm] = key

    def _country_of_region(self, region: str) -> str | None:
        m = re.fullmatch(r"([A-Za-z]{2})-[A-Za-z0-9]{1,3}", region.strip())
        if m:
            return m.group(1).upper()
        key = self.regions.get(_norm(region))
        return str(self.bg.tables.datasets.loc[key, "geography"])[:2].upper() if key else None

    def cn_grid(self, family: str | None) -> tuple[str, str]:
        """The national CN grid of the same family as the maker's declared grid where that is a CN grid."""
        if family and self.bg.has(family):
            geo = str(self.bg.tables.datasets.loc[family, "geography"]).upper()
            year = _YEAR.search(family)
            if geo.startswith("CN") and year:
                name = "footprint" if "footprint" in family else "national"
                candidate = f"electricity_cn_{name}_{year.group(1)}"
                if self.bg.has(candidate):
                    return candidate, f"China national grid, same series as the factory grid ({family})"
        return CN_DEFAULT, "China national grid (MEE life-cycle footprint)"

    def supplier_grid(self, site: Site, family: str | None) -> tuple[str, str]:
        """(grid key, reason) for a supplier in site.country / site.region; unknown country -> MappingError."""
        line = site.line
        country = COUNTRY_ALIASES.get(site.country or "", site.country)
        if site.region:
            key = self.regions.get(_norm(site.region))
            region_country = self._country_of_region(site.region)
            if key and (country is None or country == region_country):
                return key, f"regional grid of {site.region} (supplier's region)"
            if (country or region_country) == "CN":
                raise _error(line, f"unknown Chinese province '{site.region}' for the supplier's regional grid",
                             "region", "a province code (CN-JS) or name (Jiangsu) with a dataset electricity_cn_"
                             "<province>_<year>")
            country = country or region_country
        if country is None:
            raise _error(line, f"region '{site.region}' is not known and the line names no country", "country",
                         "an ISO 3166 country code")
        if country == "CN":
            return self.cn_grid(family)
        key = self.ember.get(country)
        if key is None and not self.ember:  # a background without national grids: resolved by the caller
            return WORLD_DEFAULT, f"no national grids in the background for {country}"
        if key is None:
            raise _error(line, f"unknown supplier country '{site.country}': pcf has no electricity grid for it",
                         "country", "an ISO 3166 alpha-2 code with a grid dataset (CN, or electricity_<iso2>_ember_"
                         "<year>: see `pcf data list --category electricity`)")
        suffix = f" (no regional grid for {site.region})" if site.region else ""
        return key, f"national grid of {country} (supplier's country){suffix}"

    def home_grid(self, dataset: str) -> tuple[str, str]:
        """(grid key, reason): the grid of a dataset's own geography."""
        geo = str(self.bg.tables.datasets.loc[dataset, "geography"]).strip().upper()
        if geo == "CN" or geo.startswith("CN-") or geo.startswith("CN "):
            key, reason = CN_DEFAULT, "China national grid (the dataset's geography)"
        elif len(geo) == 2 and COUNTRY_ALIASES.get(geo, geo) in self.ember:
            key, reason = self.ember[COUNTRY_ALIASES.get(geo, geo)], f"national grid of {geo} (the dataset's geography)"
        else:
            key, reason = WORLD_DEFAULT, f"world average grid (the dataset's geography is {geo})"
        return key, reason

    def grid_for(self, site: Site, dataset: str, family: str | None) -> tuple[str | None, str]:
        """(grid key, reason) of a non-maker site; (None, reason) for the maker (its grid is chosen at run time)."""
        if site.kind == MAKER:
            return None, "maker's factory grid"
        if site.kind == SUPPLIER:
            return self.supplier_grid(site, family)
        return self.home_grid(dataset)


def _error(line, message: str, column: str, expected: str) -> MappingError:
    if line is None:
        return MappingError(message, column=column, expected=expected)
    return MappingError(f"line '{line.id}': {message}", file=line.source_file, row=line.source_row, column=column,
                        expected=expected)


@lru_cache(maxsize=16)
def resolver(background) -> GridResolver:
    return GridResolver(background)
