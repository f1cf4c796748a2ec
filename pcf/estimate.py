"""Mass estimates for parts that come without a weight, each documented and flagged as estimated.

1. `dimensions`: envelope volume (length x width x thickness, mm) x the material's density
   (`lci_data/mapping/densities.csv`). An envelope overstates a part with holes or pockets: the estimate is an upper
   bound, and flagged as such.
2. `typical`: a typical mass per piece for the first keyword of `lci_data/mapping/typical_masses.csv` found in the
   line's name (fasteners, small hardware), longest keyword first.
Otherwise no estimate: the line is reported as lacking a mass and left out of the footprint, never set to 0 kg.

`mass_check` flags a mass given in the BOM that is far off what the line is (a unit mistake, g vs kg, is the usual
cause): more than SOLID_FACTOR x a solid block of the part's envelope in its material, or less than HOLLOW_FACTOR of
it; or a mass per piece outside the typical range of its class (`lci_data/mapping/typical_ranges.csv`: by keyword
of the line's text, else by dataset; each range states its basis).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .data.tables import lci_data_dir
from .errors import DataError
from .mapping import _token_pattern, normalise


@dataclass(frozen=True)
class MassEstimate:
    mass_kg: float
    method: str  # dimensions | typical
    basis: str  # what it rests on, for the report


SOLID_FACTOR = 1.5  # a part heavier than 1.5 x a solid block of its envelope cannot be (often: grams entered as kg)
HOLLOW_FACTOR = 1 / 200  # lighter than 0.5 % of its envelope: a kg value entered as g, or the wrong dimensions


@dataclass(frozen=True)
class TypicalRange:
    """Plausible mass per piece of a class of lines (kg), with its basis."""

    match: str  # keyword (a whole token of the line's text) | dataset (the mapped key)
    key: str
    low_kg: float
    high_kg: float
    basis: str


def _mass(kg: float) -> str:
    """A mass for a message: grams below 1 kg (0.05 g, 500 g), kg above."""
    return f"{kg * 1000:.4g} g" if kg < 1 else f"{kg:.4g} kg"


class _Cells:
    """One row of a mapping table; a value that is empty or not a finite number where one is needed raises
    ValueError and leaves the column's name in `column`."""

    def __init__(self, row: dict):
        self.row, self.column = row, None

    def text(self, name: str) -> str:
        self.column = name
        value = (self.row.get(name) or "").strip()
        if not value:
            raise ValueError("empty")
        return value

    def optional(self, name: str) -> str:
        return (self.row.get(name) or "").strip()

    def number(self, name: str) -> float:
        value = float(self.text(name))
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return value


def _rows(path: str, columns: tuple[str, ...], make) -> list:
    """`make(cells)` for every row of the CSV table at `path` (none when the file does not exist). A missing
    column, an empty cell, a non-number or a value `make` refuses is a DataError naming the file, row and column:
    no row is skipped."""
    out = []
    p = Path(path)
    if not p.exists():
        return out
    with p.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"lacks the column '{missing[0]}'", file=path, row=1, expected=", ".join(columns))
        for line, row in enumerate(reader, start=2):
            cells = _Cells(row)
            try:
                out.append(make(cells))
            except ValueError as exc:
                raise DataError(f"'{row.get(cells.column) or ''}' is not valid ({exc})", file=path, row=line,
                                column=cells.column) from None
    return out


@lru_cache(maxsize=2)
def _ranges(path: str) -> tuple[TypicalRange, ...]:
    def make(cells: _Cells) -> TypicalRange:
        match = cells.text("match")
        if match not in ("keyword", "dataset"):
            raise ValueError("expected keyword or dataset")
        key = cells.text("key")
        return TypicalRange(match, normalise(key) if match == "keyword" else key, cells.number("low_kg"),
                            cells.number("high_kg"), cells.optional("basis"))

    rows = _rows(path, ("match", "key", "low_kg", "high_kg"), make)
    return tuple(sorted(rows, key=lambda r: -len(r.key)))


@lru_cache(maxsize=2)
def _densities(path: str) -> dict[str, tuple[float, str]]:
    return dict(_rows(path, ("dataset", "density_kg_m3"), lambda cells: (
        cells.text("dataset"), (cells.number("density_kg_m3"), cells.optional("source")))))


@lru_cache(maxsize=2)
def _typical(path: str) -> tuple[tuple[str, float, str], ...]:
    rows = _rows(path, ("keyword", "mass_kg"), lambda cells: (
        normalise(cells.text("keyword")), cells.number("mass_kg"), cells.optional("source")))
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


class MassEstimator:
    """Estimates a part's mass from its dimensions and material, or from a typical mass for its name."""

    def __init__(self, root: Path | None = None):
        base = (root or lci_data_dir()) / "mapping"
        self.densities = _densities(str(base / "densities.csv"))
        self.typical = _typical(str(base / "typical_masses.csv"))
        self.ranges = _ranges(str(base / "typical_ranges.csv"))
        self._range_of: dict[tuple[str, str | None], TypicalRange | None] = {}  # see typical_range

    def _solid_block(self, dataset: str | None, dimensions_mm):
        """(kg, dimensions in mm, density kg/m3, its source) of a solid block of the part's envelope in its
        material, or None without dimensions or a density for the dataset."""
        if not dimensions_mm or dataset not in self.densities:
            return None
        length, width, thickness = dimensions_mm
        density, source = self.densities[dataset]
        return length * width * thickness * 1e-9 * density, (length, width, thickness), density, source

    def mass_check(self, *, dataset: str | None, text: str, mass_kg: float, dimensions_mm=None) -> str | None:
        """Why `mass_kg` (per piece, as given in the BOM) is implausible for the line, or None."""
        if mass_kg is None or mass_kg <= 0:
            return None
        block = self._solid_block(dataset, dimensions_mm)
        if block is not None:
            solid, (length, width, thickness), density, source = block
            if solid > 0 and not (solid * HOLLOW_FACTOR <= mass_kg <= solid * SOLID_FACTOR):
                hint = ("more than a solid block can weigh: a gram value entered in kg?" if mass_kg > solid else
                        f"under {HOLLOW_FACTOR * 100:g} % of a solid block: a kg value entered in g, or the wrong "
                        "dimensions?")
                return (f"{mass_kg:.4g} kg per piece is {mass_kg / solid:.3g} x a solid block of its "
                        f"{length:g} x {width:g} x {thickness:g} mm envelope in {dataset} ({solid:.4g} kg at "
                        f"{density:g} kg/m3, {source}): {hint}")
        found = self.typical_range(text, dataset)
        if found is None or found.low_kg <= mass_kg <= found.high_kg:
            return None
        hint = "a gram value entered in kg, or a total entered per piece?" if mass_kg > found.high_kg else \
            "a kg value entered in g?"
        return (f"{mass_kg:.4g} kg per piece is far outside the typical {_mass(found.low_kg)} to "
                f"{_mass(found.high_kg)} of '{found.key}' ({found.basis}): {hint}")

    def typical_range(self, text: str, dataset: str | None) -> TypicalRange | None:
        """The typical range of a line: by the longest keyword found in its text as a whole singular token (a
        keyword counts in the singular only: "screws", "cable ties" are lots of many pieces, not one piece), else
        by its dataset; worked out once per distinct (text, dataset)."""
        norm = normalise(text)
        key = (norm, dataset)
        if key not in self._range_of:
            found = next((r for r in self.ranges if r.match == "keyword" and r.key in norm
                          and _token_pattern(r.key, plurals=False).search(norm)), None)
            self._range_of[key] = found or next((r for r in self.ranges if r.match == "dataset"
                                                 and r.key == dataset), None)
        return self._range_of[key]

    def estimate(self, *, dataset: str | None, name: str, dimensions_mm=None) -> MassEstimate | None:
        block = self._solid_block(dataset, dimensions_mm)
        if block is not None:
            solid, (length, width, thickness), density, source = block
            return MassEstimate(solid, "dimensions",
                                f"{length:g} x {width:g} x {thickness:g} mm envelope x {density:g} kg/m3 ({source})")
        text = normalise(name)
        for keyword, mass, source in self.typical:  # longest keyword first, as a whole token
            if keyword and keyword in text and _token_pattern(keyword).search(text):
                return MassEstimate(mass, "typical", f"typical mass of '{keyword}' ({source})")
        return None
