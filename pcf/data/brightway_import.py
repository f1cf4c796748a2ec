"""Pluggable Brightway backgrounds: import LCI databases with bw2io into an explicitly chosen
project directory, and convert any Brightway database into pcf's plain ``lci_data`` tables.

Every public function takes ``project_dir``: the Brightway base directory is always chosen by the
caller and nothing is written to the user's home directory. ``bw2data`` is imported lazily, after
``BRIGHTWAY2_DIR`` has been pointed at ``project_dir`` (``import bw2data`` writes to its base
directory at import time).

Public API
----------
- :func:`import_excel_lci` - a bw2io Excel LCI workbook -> a Brightway database.
- :func:`import_uslci_ecospold1` - the USLCI FY21 Q3 EcoSpold01 release -> a Brightway database,
  with the cleaning steps documented in :data:`USLCI_CLEANING_STEPS`.
- :func:`tables_from_brightway` - any Brightway database -> ``datasets``, ``exchanges``,
  ``flows``, ``sources`` (+ ``unresolved``) tables in the layout of ``docs/lci_data_format.md``.
- :func:`cumulative_ghg_inventory` - cradle-to-gate per-gas inventories of selected activities
  (bw2calc), per unit of their reference product.
- :func:`classify_ghg_flow` - the biosphere flow -> pcf flow key rule used by both.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from ..errors import DataError

__all__ = [
    "BrightwayImportError",
    "GHG_FLOWS",
    "USLCI_CLEANING_STEPS",
    "classify_ghg_flow",
    "cumulative_ghg_inventory",
    "import_excel_lci",
    "import_uslci_ecospold1",
    "open_project",
    "tables_from_brightway",
]

DEFAULT_PROJECT = "pcf"
BIOSPHERE = "biosphere3"


class BrightwayImportError(DataError):
    """A background database could not be imported or converted; the message lists the culprits."""


# ---------------------------------------------------------------------------------------------
# Project handling
# ---------------------------------------------------------------------------------------------


def open_project(project_dir: str | Path, project_name: str = DEFAULT_PROJECT):
    """Point Brightway at ``project_dir`` (created if missing), select ``project_name``, and
    return the ``bw2data`` module.

    When ``bw2data`` is not imported yet, ``BRIGHTWAY2_DIR`` is set to ``project_dir`` first, so
    its import-time writes land there; otherwise its base directories are switched.
    """
    base = Path(project_dir).expanduser().resolve()
    base.mkdir(parents=True, exist_ok=True)
    (base / "logs").mkdir(exist_ok=True)
    if "bw2data" not in sys.modules:
        os.environ["BRIGHTWAY2_DIR"] = str(base)
    with contextlib.redirect_stdout(io.StringIO()):  # bw2data announces its data directory on stdout
        import bw2data as bd

    if Path(bd.projects._base_data_dir).resolve() != base:
        bd.projects.change_base_directories(base, base_logs_dir=base / "logs", project_name=project_name)
    if bd.projects.current != project_name:
        bd.projects.set_current(project_name)
    return bd


def _ensure_biosphere3(bd) -> None:
    """Create bw2io's default biosphere3 (ecoinvent 3.9 elementary flows) offline if missing."""
    import bw2io as bi

    if BIOSPHERE not in bd.databases:
        bi.create_default_biosphere3()
    bd.config.p["biosphere_database"] = BIOSPHERE


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------


def import_excel_lci(
    path: str | Path, project_dir: str | Path, database_name: str, *, project_name: str = DEFAULT_PROJECT
) -> str:
    """Import a bw2io Excel LCI workbook as ``database_name`` (replacing a database of that name).

    Steps: bw2io ``ExcelImporter`` default strategies; internal links by name, unit and location
    (``match_database``); biosphere links to biosphere3 by name, categories and unit. Any exchange
    left unlinked raises :class:`BrightwayImportError` listing it. Returns ``database_name``.
    """
    path = Path(path)
    if not path.is_file():
        raise BrightwayImportError(f"{path}: no such Excel file")
    bd = open_project(project_dir, project_name)
    _ensure_biosphere3(bd)
    import bw2io as bi

    importer = bi.ExcelImporter(str(path))
    original_name, importer.db_name = importer.db_name, database_name
    for activity in importer.data:
        activity["database"] = database_name
        for exc in activity.get("exchanges", []):
            if exc.get("database") == original_name:
                exc["database"] = database_name
    importer.apply_strategies()
    importer.match_database(fields=["name", "unit", "location"])
    importer.match_database(BIOSPHERE, fields=["name", "categories", "unit"], edge_kinds=["biosphere"])
    unlinked = [
        f"{exc.get('type')} '{exc.get('name')}' {exc.get('categories') or exc.get('location') or ''} "
        f"[{exc.get('unit')}] in '{activity.get('name')}'"
        for activity in importer.data
        for exc in activity.get("exchanges", [])
        if not exc.get("input")
    ]
    if unlinked:
        raise BrightwayImportError(
            f"{path}: {len(unlinked)} unlinked exchange(s); fix names/units/locations or categories:\n  "
            + "\n  ".join(sorted(set(unlinked)))
        )
    if database_name in bd.databases:
        del bd.databases[database_name]
    has_parameters = bool(getattr(importer, "project_parameters", None)) or bool(
        getattr(importer, "database_parameters", None)
    )
    if getattr(importer, "project_parameters", None):
        importer.write_project_parameters()
    importer.write_database(activate_parameters=has_parameters)
    return database_name


# ---------------------------------------------------------------------------------------------
# USLCI (EcoSpold01)
# ---------------------------------------------------------------------------------------------

USLCI_CLEANING_STEPS: tuple[str, ...] = (
    "1 unzip: the FY21 Q3 'ecospold2' zip holds one EcoSpold01 XML file with 639 datasets.",
    "2 metadata repair (numbers untouched): 11 datasets lack timePeriod start/end dates, 5 lack "
    "modellingAndValidation, 9 lack dataEntryBy; bw2io's extractor dereferences all three and "
    "stops. Missing dates are set to the dataset timestamp, an empty modellingAndValidation and a "
    "dataEntryBy pointing to the first (or an 'unknown') person are inserted. Without this the "
    "natural-gas and petroleum-refining mixes the plastics depend on are lost.",
    "3 no XSD validation: the file breaks the EcoSpold01 schema 17,835 times (CAS 'n.a.', duplicate "
    "exchange numbers - openLCA writes flow ids there -, over-long author names, missing source "
    "titles), none of which bw2io reads as a number; it is parsed with pyecospold's element "
    "classes without the schema (single process: use_mp pickling fails).",
    "4 reference product only: openLCA exported multi-output processes unallocated (no "
    "<allocation> elements). bw2io reads co-products (output group 2) and wastes to treatment "
    "(group 3) as extra 'production' exchanges; they are removed and listed on the activity "
    "('pcf_removed_outputs'). All inputs and emissions stay with the reference product "
    "(no allocation: conservative for the reference product).",
    "5 codes: the EcoSpold dataset number is the activity code. 26 reference-flow names occur "
    "more than once (78 eGRID-subregion 'Electricity, at grid', 12 regional variants of each "
    "truck/bus transport, regional roundwood, 2-3 vintages of MDI, primary/secondary aluminium "
    "ingot, asphalt), so bw2io's activity-hash codes collide.",
    "6 names: bw2io's bundled 'us-lci' migration (renames inputs to the provider names), then the "
    "standard biosphere name/category normalisation.",
    "7 biosphere: linked to biosphere3 by name, categories, unit; the flows biosphere3 lacks are "
    "written to '<database>_biosphere' so that nothing is dropped (GHG mapping then works by name "
    "for both).",
    "8 technosphere: inputs linked by (name, unit, location), then (name, unit). When several "
    "datasets provide the same flow (step 5) - the EcoSpold01 export lost openLCA's default "
    "provider - the input goes to an added equal-share average of those providers "
    "(code 'avg:<flow number>'), documented on that node.",
    "9 cut-offs: inputs without any provider in the release (USLCI's 'Dummy_'/'CUTOFF' flows and "
    "flows whose process is not in this release, e.g. 'Disposal, solid waste') go to an added "
    "zero-burden node per flow (code 'cutoff:<slug>', categories ('cut-off',)), so every cut-off "
    "stays visible and its supply can be measured. Where a provider exists in another unit (e.g. "
    "natural gas mix in kg, consumed in m3) the node says so; no unit conversion is guessed.",
    "11 self-references: 'Aluminum, sheet, coated, at plant' (89204) and its steel twin consume "
    "exactly what they produce (the uncoated sheet feedstock was exported under the product's own "
    "name), which makes the matrix singular; such an input (>= 99.9 % of the output) goes to a "
    "cut-off node '<name> (self-reference, feedstock unknown)'.",
    "10 biogenic carbon: this export names fossil and biogenic CO2 alike ('Carbon dioxide', one "
    "flow id 9927; methane likewise). In the datasets that burn biomass - names with wood or biomass "
    "and combusted/power plant, e.g. 'Wood fuel; softwood; ... combusted in industrial boiler' "
    "(1.76 kg CO2/kg) - CO2 and CH4 to air are relabelled 'Carbon dioxide, non-fossil' and "
    "'Methane, non-fossil'. Elsewhere plain 'Carbon dioxide'/'Methane' count as fossil, which "
    "overstates fossil CO2 of processes that burn their own wood residues on site (pulp, paper, "
    "board mills): stated in the notes of every dataset this can affect.",
)

_NS = "{http://www.EcoInvent.org/EcoSpold01}"


def _repair_ecospold1_metadata(source: Path, target: Path) -> dict[str, int]:
    """Cleaning step 2; returns how many elements of each kind were added."""
    from lxml import etree

    tree = etree.parse(str(source), etree.XMLParser(huge_tree=True))
    added: collections.Counter = collections.Counter()
    for dataset in tree.getroot().iter(_NS + "dataset"):
        meta = dataset.find(_NS + "metaInformation")
        process = meta.find(_NS + "processInformation")
        period = process.find(_NS + "timePeriod")
        day = process.find(_NS + "dataSetInformation").get("timestamp", "1900-01-01")[:10]
        for which in ("start", "end"):
            if not any(period.find(f"{_NS}{which}{suffix}") is not None for suffix in ("Date", "Year", "YearMonth")):
                etree.SubElement(period, f"{_NS}{which}Date").text = day
                added["timePeriod date"] += 1
        if meta.find(_NS + "modellingAndValidation") is None:
            meta.insert(list(meta).index(process) + 1, etree.Element(_NS + "modellingAndValidation"))
            added["modellingAndValidation"] += 1
        admin = meta.find(_NS + "administrativeInformation")
        if admin is not None and admin.find(_NS + "dataEntryBy") is None:
            persons = admin.findall(_NS + "person")
            if not persons:
                etree.SubElement(admin, _NS + "person", number="1", name="unknown", address="unknown", countryCode="US")
            number = persons[0].get("number") if persons else "1"
            admin.insert(0, etree.Element(_NS + "dataEntryBy", person=number))
            added["dataEntryBy"] += 1
    tree.write(str(target), xml_declaration=True, encoding="UTF-8")
    return dict(added)


def _lenient_extractor():
    """Cleaning step 3: bw2io's EcoSpold01 extractor without the XSD check."""
    from bw2io.extractors.ecospold1 import Ecospold1DataExtractor
    from lxml import objectify
    from pyecospold.core import EcospoldLookupV1

    class LenientEcospold1Extractor(Ecospold1DataExtractor):
        @classmethod
        def process_file(cls, filepath, db_name):
            parser = objectify.makeparser(huge_tree=True)
            parser.set_element_class_lookup(EcospoldLookupV1())
            root = objectify.parse(str(filepath), parser).getroot()
            return [cls.process_dataset(ds, filepath, db_name) for ds in root.datasets if ds.tag != "comment"]

    return LenientEcospold1Extractor


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def _keep_reference_product(data: list[dict]) -> list[dict]:
    """Cleaning step 4 (needs the extractor's integer flow numbers still on the exchanges)."""
    for ds in data:
        production = [exc for exc in ds["exchanges"] if exc["type"] == "production"]
        reference = next(
            (exc for exc in production if exc["name"] == ds["name"] and exc["unit"] == ds["unit"]),
            production[0] if production else None,
        )
        removed = [exc for exc in production if exc is not reference]
        if removed:
            ds["pcf_removed_outputs"] = [f"{exc['name']} {exc['amount']} {exc['unit']}" for exc in removed]
            ds["exchanges"] = [exc for exc in ds["exchanges"] if not any(exc is r for r in removed)]
        ds["code"] = str(ds["code"])
    return data


def _link_uslci_technosphere(data: list[dict], database_name: str) -> tuple[list[dict], dict[str, int]]:
    """Cleaning steps 8 and 9. Returns the data with added average and cut-off nodes."""
    by_full: dict[tuple, list[dict]] = collections.defaultdict(list)
    by_name_unit: dict[tuple, list[dict]] = collections.defaultdict(list)
    for ds in data:
        by_full[(ds["name"], ds["unit"], ds.get("location"))].append(ds)
        by_name_unit[(ds["name"], ds["unit"])].append(ds)
    added: dict[str, dict] = {}
    counts: collections.Counter = collections.Counter()
    for ds in data:
        for exc in ds["exchanges"]:
            if exc["type"] == "production":
                exc["input"] = (database_name, ds["code"])
                continue
            if exc["type"] != "technosphere":
                continue
            candidates = by_full.get((exc["name"], exc["unit"], exc.get("location"))) or by_name_unit.get(
                (exc["name"], exc["unit"]), []
            )
            produced = sum(e["amount"] for e in ds["exchanges"] if e["type"] == "production")
            if any(c is ds for c in candidates) and exc["amount"] >= 0.999 * produced:
                candidates = []  # step 11: a dataset consuming all it makes is a data error
                exc["name"] = f"{exc['name']} (self-reference, feedstock unknown)"
                counts["self-reference cut"] += 1
            if len(candidates) == 1:
                exc["input"] = (database_name, candidates[0]["code"])
                counts["linked"] += 1
                continue
            if candidates:
                code = f"avg:{_slug(exc['name'])}:{_slug(exc['unit'])}:{_slug(candidates[0].get('location'))}"
                if code not in added:
                    share = 1.0 / len(candidates)
                    added[code] = {
                        "name": f"{exc['name']} (equal-share average of {len(candidates)} USLCI providers)",
                        "code": code,
                        "database": database_name,
                        "unit": exc["unit"],
                        "location": candidates[0].get("location"),
                        "categories": ("average of providers",),
                        "type": "process",
                        "comment": "pcf cleaning step 8: the EcoSpold01 export lost the default provider; "
                        "providers (dataset numbers): " + ", ".join(c["code"] for c in candidates),
                        "exchanges": [{"input": (database_name, code), "type": "production", "amount": 1.0}]
                        + [
                            {"input": (database_name, c["code"]), "type": "technosphere", "amount": share}
                            for c in candidates
                        ],
                    }
                exc["input"] = (database_name, code)
                counts["linked to average"] += 1
                continue
            code = f"cutoff:{_slug(exc['name'])}:{_slug(exc['unit'])}"
            other_units = sorted({d["unit"] for d in data if d["name"] == exc["name"] and d["unit"] != exc["unit"]})
            if code not in added:
                added[code] = {
                    "name": exc["name"],
                    "code": code,
                    "database": database_name,
                    "unit": exc["unit"],
                    "location": exc.get("location") or "GLO",
                    "categories": ("cut-off",),
                    "type": "process",
                    "comment": "pcf cleaning step 9: no provider in the USLCI release; zero burden (cut-off)"
                    + (f"; a provider exists in unit(s) {other_units}, not converted" if other_units else ""),
                    "exchanges": [{"input": (database_name, code), "type": "production", "amount": 1.0}],
                }
            exc["input"] = (database_name, code)
            counts["cut-off"] += 1
    counts["average nodes"] = sum(1 for c in added if c.startswith("avg:"))
    counts["cut-off nodes"] = sum(1 for c in added if c.startswith("cutoff:"))
    return data + [added[c] for c in sorted(added)], dict(counts)


_BIOMASS_COMBUSTION = re.compile(r"(wood|biomass).*(combust|power plant|fuel, unspecified)|combust.*wood", re.I)


def _relabel_biomass_combustion_carbon(data: list[dict]) -> int:
    """Cleaning step 10; returns the number of exchanges relabelled."""
    count = 0
    for ds in data:
        if not _BIOMASS_COMBUSTION.search(ds["name"]):
            continue
        for exc in ds["exchanges"]:
            if exc["type"] != "biosphere" or _compartment(exc.get("categories")) != "air":
                continue
            if exc["name"] in ("Carbon dioxide", "Carbon dioxide, fossil"):
                exc["name"], exc["categories"] = "Carbon dioxide, non-fossil", ("air",)
                count += 1
            elif exc["name"] in ("Methane", "Methane, fossil"):
                exc["name"], exc["categories"] = "Methane, non-fossil", ("air",)
                count += 1
    return count


def import_uslci_ecospold1(
    zip_path: str | Path,
    project_dir: str | Path,
    database_name: str = "uslci",
    *,
    project_name: str = DEFAULT_PROJECT,
) -> str:
    """Import the USLCI FY21 Q3 EcoSpold01 release (``uslci_fy21_q3_01_olca_10_3_ecospold2.zip``)
    as ``database_name``, applying :data:`USLCI_CLEANING_STEPS`. Counts of what each step changed
    are stored in ``bw2data.databases[database_name]['pcf_cleaning']``. Returns ``database_name``.
    """
    zip_path = Path(zip_path)
    if not zip_path.is_file():
        raise BrightwayImportError(f"{zip_path}: no such USLCI zip")
    bd = open_project(project_dir, project_name)
    _ensure_biosphere3(bd)
    import bw2io as bi
    from bw2io import strategies as st

    if "us-lci" not in bi.migrations or "biosphere-2-3-categories" not in bi.migrations:
        bi.create_core_migrations()  # includes the bundled 'us-lci' name migration

    with zipfile.ZipFile(zip_path) as archive:
        members = [m for m in archive.namelist() if m.lower().endswith(".xml") and "categories" not in m.lower()]
        if len(members) != 1:
            raise BrightwayImportError(f"{zip_path}: expected one EcoSpold01 dataset file, found {members}")
        with tempfile.TemporaryDirectory(dir=Path(project_dir)) as tmp:
            raw = Path(archive.extract(members[0], tmp))
            cleaned = Path(tmp) / "uslci_cleaned.xml"
            repaired = _repair_ecospold1_metadata(raw, cleaned)
            importer = bi.SingleOutputEcospold1Importer(
                str(cleaned), database_name, use_mp=False, extractor=_lenient_extractor()
            )
    importer.strategies = [
        st.normalize_units,
        _keep_reference_product,
        st.drop_unspecified_subcategories,
        st.normalize_biosphere_categories,
        st.normalize_biosphere_names,
        st.strip_biosphere_exc_locations,
        st.ensure_categories_are_tuples,
    ]
    importer.apply_strategies()
    importer.migrate("us-lci")
    for ds in importer.data:
        for exc in ds["exchanges"]:
            exc.pop("code", None)  # openLCA flow ids, not links (see step 3)
    relabelled = _relabel_biomass_combustion_carbon(importer.data)
    importer.match_database(BIOSPHERE, fields=["name", "categories", "unit"], edge_kinds=["biosphere"])
    importer.data, link_counts = _link_uslci_technosphere(importer.data, database_name)
    unlinked_biosphere = {
        (exc["name"], tuple(exc.get("categories", ())), exc["unit"])
        for ds in importer.data
        for exc in ds["exchanges"]
        if exc["type"] == "biosphere" and not exc.get("input")
    }
    if unlinked_biosphere:
        supplementary = f"{database_name}_biosphere"
        if supplementary in bd.databases:
            del bd.databases[supplementary]
        bd.Database(supplementary).register(
            description=f"elementary flows of '{database_name}' that biosphere3 lacks (pcf cleaning step 7)"
        )
        importer.add_unlinked_flows_to_biosphere_database(supplementary)
    still_unlinked = [(ds["name"], exc["name"]) for ds in importer.data for exc in ds["exchanges"] if not exc.get("input")]
    if still_unlinked:
        raise BrightwayImportError(f"{zip_path}: {len(still_unlinked)} exchanges still unlinked: {still_unlinked[:20]}")
    if database_name in bd.databases:
        del bd.databases[database_name]
    importer.write_database()
    meta = bd.databases[database_name]
    meta["pcf_cleaning"] = {
        "steps": list(USLCI_CLEANING_STEPS),
        "metadata repairs": repaired,
        "technosphere links": link_counts,
        "biosphere flows not in biosphere3": len(unlinked_biosphere),
        "biomass-combustion CO2/CH4 exchanges relabelled non-fossil": relabelled,
        "datasets with removed co-product/waste outputs": sum(1 for ds in importer.data if ds.get("pcf_removed_outputs")),
    }
    bd.databases.flush()
    return database_name


# ---------------------------------------------------------------------------------------------
# GHG flow classification
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GhgFlow:
    """A pcf elementary flow and the biosphere3 flow it is identified with."""

    key: str
    name: str
    categories: str
    gas: str
    ghg_class: str


GHG_FLOWS: tuple[GhgFlow, ...] = (
    GhgFlow("co2_fossil", "Carbon dioxide, fossil", "air", "CO2", "fossil"),
    GhgFlow("co2_biogenic", "Carbon dioxide, non-fossil", "air", "CO2", "biogenic_emission"),
    GhgFlow("co2_luc", "Carbon dioxide, from soil or biomass stock", "air", "CO2", "land_use_change"),
    GhgFlow("co2_uptake", "Carbon dioxide, in air", "natural resource::in air", "CO2", "biogenic_removal"),
    GhgFlow("ch4_fossil", "Methane, fossil", "air", "CH4", "fossil"),
    GhgFlow("ch4_biogenic", "Methane, non-fossil", "air", "CH4", "biogenic_emission"),
    GhgFlow("n2o", "Dinitrogen monoxide", "air", "N2O", "fossil"),
    GhgFlow("sf6", "Sulfur hexafluoride", "air", "SF6", "fossil"),
    GhgFlow("nf3", "Nitrogen fluoride", "air", "NF3", "fossil"),
    GhgFlow("hfc_134a", "Ethane, 1,1,1,2-tetrafluoro-, HFC-134a", "air", "HFC-134a", "fossil"),
    GhgFlow("hfc_32", "Methane, difluoro-, HFC-32", "air", "HFC-32", "fossil"),
    GhgFlow("hfc_125", "Ethane, pentafluoro-, HFC-125", "air", "HFC-125", "fossil"),
    GhgFlow("hfc_143a", "Ethane, 1,1,1-trifluoro-, HFC-143a", "air", "HFC-143a", "fossil"),
    GhgFlow("hfc_23", "Methane, trifluoro-, HFC-23", "air", "HFC-23", "fossil"),
    GhgFlow("cf4", "Methane, tetrafluoro-, R-14", "air", "CF4", "fossil"),
    GhgFlow("c2f6", "Ethane, hexafluoro-, HFC-116", "air", "C2F6", "fossil"),
)

# Names (lower case, after bw2io's normalisation) -> pcf key, for emissions to any 'air' compartment.
# Aliases cover ecoinvent 2 / USLCI / SimaPro spellings. Plain 'Methane' and 'Carbon dioxide' (no
# origin given, as in older USLCI data) are counted as fossil: the higher AR6 CH4 factor and the
# conservative reading for CO2; the assumption is stated in the sources notes.
_AIR_NAMES: dict[str, str] = {
    "carbon dioxide, fossil": "co2_fossil",
    "carbon dioxide": "co2_fossil",
    "carbon dioxide, non-fossil": "co2_biogenic",
    "carbon dioxide, biogenic": "co2_biogenic",
    "carbon dioxide, from soil or biomass stock": "co2_luc",
    "carbon dioxide, land transformation": "co2_luc",
    "methane, fossil": "ch4_fossil",
    "methane": "ch4_fossil",
    "methane, non-fossil": "ch4_biogenic",
    "methane, biogenic": "ch4_biogenic",
    "methane, from soil or biomass stock": "ch4_biogenic",
    "methane, land transformation": "ch4_biogenic",
    "dinitrogen monoxide": "n2o",
    "nitrous oxide": "n2o",
    "sulfur hexafluoride": "sf6",
    "sulphur hexafluoride": "sf6",
    "nitrogen fluoride": "nf3",
    "nitrogen trifluoride": "nf3",
    "ethane, 1,1,1,2-tetrafluoro-, hfc-134a": "hfc_134a",
    "hfc-134a": "hfc_134a",
    "methane, difluoro-, hfc-32": "hfc_32",
    "hfc-32": "hfc_32",
    "ethane, pentafluoro-, hfc-125": "hfc_125",
    "hfc-125": "hfc_125",
    "ethane, 1,1,1-trifluoro-, hfc-143a": "hfc_143a",
    "hfc-143a": "hfc_143a",
    "methane, trifluoro-, hfc-23": "hfc_23",
    "hfc-23": "hfc_23",
    "methane, tetrafluoro-, r-14": "cf4",
    "methane, tetrafluoro-, cfc-14": "cf4",
    "methane, tetrafluoro-": "cf4",
    "tetrafluoromethane": "cf4",
    "carbon tetrafluoride": "cf4",
    "ethane, hexafluoro-, hfc-116": "c2f6",
    "ethane, hexafluoro-": "c2f6",
    "hexafluoroethane": "c2f6",
}
_RESOURCE_NAMES = {
    "carbon dioxide, in air": "co2_uptake",
    "carbon dioxide, biogenic, in air": "co2_uptake",
    "carbon dioxide": "co2_uptake",  # FEDEFL/USLCI: 'Carbon dioxide' under resource::air
}
# Greenhouse gases pcf has no key for (other HFCs, HCFCs, CFCs, PFCs, halons, CO2 to soil):
# reported as unresolved, never dropped silently.
_OTHER_GHG = re.compile(
    r"\b(hfc|hcfc|cfc|pfc|halon)s?\b|\b(hfc|hcfc|cfc|pfc)-\d|fluorocarbons|^perfluoro(methane|ethane|propane|butane|pentane|hexane)"
    r"|^(methane|ethane|propane|butane), [^ ]*fluoro|^(carbon dioxide|methane|dinitrogen monoxide|nitrous oxide)\b"
)


def classify_ghg_flow(name: str, categories: Iterable[str] | str | None) -> str | None:
    """pcf flow key for a biosphere flow given its name and categories, or None if it is not one of
    pcf's greenhouse-gas flows. Every 'air' sub-compartment maps to the same key."""
    compartment = _compartment(categories)
    lowered = " ".join(str(name).lower().split())
    if compartment == "air":
        return _AIR_NAMES.get(lowered)
    if compartment == "resource in air":
        return _RESOURCE_NAMES.get(lowered)
    return None


def _compartment(categories: Iterable[str] | str | None) -> str:
    """'air' for emissions to any air compartment (biosphere3 'air::*', FEDEFL/USLCI
    'emission::air', 'troposphere::*', 'stratosphere::*'), 'resource in air' for resources taken
    from air, else ''."""
    cats = tuple(categories.split("::")) if isinstance(categories, str) else tuple(categories or ())
    cats = tuple(str(c).strip().lower() for c in cats)
    top = cats[0] if cats else ""
    sub = cats[1] if len(cats) > 1 else ""
    if top in ("air", "troposphere", "stratosphere") or (top in ("emission", "emissions", "elementary flows") and sub == "air"):
        return "air"
    if top in ("natural resource", "resource", "resources", "raw", "raw materials") and "air" in sub:
        return "resource in air"
    return ""


def _is_other_ghg(name: str, categories: tuple) -> bool:
    lowered = " ".join(str(name).lower().split())
    if lowered.startswith("carbon dioxide, to soil or biomass stock"):
        return True
    return _compartment(categories) == "air" and bool(_OTHER_GHG.search(lowered))


# ---------------------------------------------------------------------------------------------
# Brightway database -> pcf tables
# ---------------------------------------------------------------------------------------------

_UNITS = {
    "kilogram": "kg",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "cubic meter": "m3",
    "litre": "litre",
    "liter": "litre",
    "ton kilometer": "tkm",
    "meter": "m",
    "square meter": "m2",
    "unit": "piece",
    "item": "piece",
    "person kilometer": "pkm",
    "hour": "h",
}
_CATEGORY_BY_UNIT = {"tkm": "transport", "pkm": "transport", "kWh": "electricity", "MJ": "fuel"}

DATASET_COLUMNS = [
    "key", "name", "category", "unit", "geography", "reference_year", "source_id", "source_locator",
    "dq_technological", "dq_geographical", "dq_temporal", "dq_completeness", "dq_reliability",
    "aircraft", "gwp_basis", "notes",
]
EXCHANGE_COLUMNS = ["dataset", "kind", "input", "amount", "unit", "comment"]
FLOW_COLUMNS = ["key", "name", "categories", "unit", "biosphere3_uuid", "gas", "ghg_class"]
SOURCE_COLUMNS = ["source_id", "title", "publisher", "year", "kind", "url", "read_at", "licence", "attribution", "notes"]
UNRESOLVED_COLUMNS = ["dataset", "kind", "input_database", "input_code", "input_name", "amount", "unit", "reason"]


def pcf_unit(unit: str) -> str:
    """pcf's short unit name for a Brightway unit name (unknown units are returned unchanged)."""
    return _UNITS.get(str(unit).lower(), unit)


def _reference_year(activity) -> str:
    for key in ("reference_year", "year"):
        if activity.get(key):
            return str(activity[key])
    for tag, value in activity.get("tags", []) or []:
        if tag == "ecoSpold01endDate" and value:
            return str(value)[:4]
    period = activity.get("time period") or {}
    if isinstance(period, dict) and period.get("end"):
        return str(period["end"])[:4]
    return ""


def _flow_rows(bd) -> pd.DataFrame:
    rows = []
    known = {}
    if BIOSPHERE in bd.databases:
        wanted = {(f.name, f.categories) for f in GHG_FLOWS}
        for node in bd.Database(BIOSPHERE):
            key = (node["name"], "::".join(node.get("categories", ())))
            if key in wanted:
                known[key] = node["code"]
    for flow in GHG_FLOWS:
        rows.append(
            {
                "key": flow.key,
                "name": flow.name,
                "categories": flow.categories,
                "unit": "kilogram",
                "biosphere3_uuid": known.get((flow.name, flow.categories), ""),
                "gas": flow.gas,
                "ghg_class": flow.ghg_class,
            }
        )
    return pd.DataFrame(rows, columns=FLOW_COLUMNS)


def tables_from_brightway(
    project_dir: str | Path,
    database_name: str,
    *,
    project_name: str = DEFAULT_PROJECT,
    key_prefix: str = "",
    external_links: Mapping[tuple[str, str], str] | None = None,
    source: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Convert ``database_name`` into pcf's plain tables (``docs/lci_data_format.md``).

    Returns ``{"datasets", "exchanges", "flows", "sources", "unresolved"}``:

    - one dataset per activity, key ``key_prefix + slug(code)``; amounts are per 1 unit of the
      reference product (a production exchange of 2 divides every input by 2);
    - technosphere inputs from the same database become ``technosphere`` rows; inputs from other
      databases are kept only where ``external_links`` maps their ``(database, code)`` to a pcf
      dataset key (e.g. ``electricity_factory``);
    - biosphere exchanges are mapped to pcf flow keys with :func:`classify_ghg_flow` (every
      compartment variant); other flows are dropped and counted in the ``sources`` notes;
    - whatever cannot be expressed (inputs from other databases, other greenhouse gases, negative
      amounts, co-products, zero reference amount) is listed in ``unresolved`` with the reason.
    """
    bd = open_project(project_dir, project_name)
    if database_name not in bd.databases:
        raise BrightwayImportError(f"no database '{database_name}' in {project_dir} (project '{project_name}')")
    external_links = dict(external_links or {})
    nodes = list(bd.Database(database_name))
    key_of = {node["code"]: key_prefix + _slug(node["code"]) for node in nodes}
    duplicates = [k for k, n in collections.Counter(key_of.values()).items() if n > 1]
    if duplicates:
        raise BrightwayImportError(f"activity codes of '{database_name}' collide after slugging: {duplicates[:10]}")
    source_id = _slug(database_name)
    datasets, exchanges, unresolved = [], [], []
    dropped_non_ghg = 0
    flow_cache: dict[int, tuple[str, tuple, str]] = {}

    def unresolved_row(dataset_key, exc, node, amount, reason):
        unresolved.append(
            {
                "dataset": dataset_key,
                "kind": exc["type"],
                "input_database": node["database"] if node is not None else "",
                "input_code": node["code"] if node is not None else "",
                "input_name": node["name"] if node is not None else "",
                "amount": amount,
                "unit": pcf_unit(node.get("unit", "")) if node is not None else "",
                "reason": reason,
            }
        )

    for node in sorted(nodes, key=lambda n: n["code"]):
        key = key_of[node["code"]]
        unit = pcf_unit(node.get("unit", ""))
        own = [exc for exc in node.production() if exc.input.id == node.id]
        reference_amount = sum(exc["amount"] for exc in own)
        others = [exc for exc in node.production() if exc.input.id != node.id]
        if not own:
            reference_amount = 1.0  # bw2calc's implicit production of 1
        if reference_amount == 0:
            unresolved_row(key, {"type": "production"}, node, 0.0, "reference production amount is zero")
            continue
        for exc in others:
            unresolved_row(key, exc, exc.input, exc["amount"] / reference_amount, "co-product (not allocated)")
        datasets.append(
            {
                "key": key,
                "name": node["name"],
                "category": _CATEGORY_BY_UNIT.get(unit, "material"),
                "unit": unit,
                "geography": node.get("location") or "GLO",
                "reference_year": _reference_year(node),
                "source_id": source_id,
                "source_locator": f"{database_name} activity code {node['code']}",
                "dq_technological": "",
                "dq_geographical": "",
                "dq_temporal": "",
                "dq_completeness": "",
                "dq_reliability": "",
                "aircraft": "false",
                "gwp_basis": "AR6",
                "notes": f"converted from Brightway database '{database_name}'"
                + (f"; reference production amount {reference_amount:g} normalised to 1" if reference_amount != 1 else ""),
            }
        )
        per_input: dict[tuple[str, str], list] = {}
        for exc in node.technosphere():
            amount = exc["amount"] / reference_amount
            provider = exc.input
            if provider["database"] == database_name:
                target, target_unit = key_of[provider["code"]], pcf_unit(provider.get("unit", ""))
            elif (provider["database"], provider["code"]) in external_links:
                target, target_unit = external_links[(provider["database"], provider["code"])], pcf_unit(provider.get("unit", ""))
            else:
                unresolved_row(key, exc, provider, amount, "technosphere input from another database (no external_links entry)")
                continue
            if amount < 0:
                unresolved_row(key, exc, provider, amount, "negative technosphere amount (waste treatment or credit)")
                continue
            entry = per_input.setdefault(("technosphere", target), [0.0, target_unit, provider["name"]])
            entry[0] += amount
        for exc in node.biosphere():
            amount = exc["amount"] / reference_amount
            flow = exc.input
            if flow.id not in flow_cache:
                flow_cache[flow.id] = (flow["name"], tuple(flow.get("categories", ())), flow.get("unit", ""))
            name, categories, flow_unit = flow_cache[flow.id]
            pcf_key = classify_ghg_flow(name, categories)
            if pcf_key is None:
                if _is_other_ghg(name, categories):
                    unresolved_row(key, exc, flow, amount, "greenhouse gas without a pcf flow key")
                else:
                    dropped_non_ghg += 1
                continue
            if pcf_unit(flow_unit) != "kg":
                unresolved_row(key, exc, flow, amount, f"greenhouse gas in unit '{flow_unit}', expected kilogram")
                continue
            if amount < 0:
                unresolved_row(key, exc, flow, amount, "negative greenhouse-gas amount")
                continue
            entry = per_input.setdefault(("biosphere", pcf_key), [0.0, "kg", f"{name} {'::'.join(categories)}"])
            entry[0] += amount
            if f"{name} {'::'.join(categories)}" not in entry[2]:
                entry[2] += f"; {name} {'::'.join(categories)}"
        for (kind, target), (amount, target_unit, comment) in sorted(per_input.items()):
            exchanges.append(
                {"dataset": key, "kind": kind, "input": target, "amount": amount, "unit": target_unit, "comment": comment}
            )

    meta = dict(bd.databases[database_name])
    source = dict(source or {})
    notes = (
        f"{len(datasets)} datasets; {dropped_non_ghg} non-GHG biosphere exchanges dropped; "
        f"{len(unresolved)} exchanges unresolved (see the 'unresolved' table). Plain 'Methane' and "
        f"'Carbon dioxide' without origin are counted as fossil."
    )
    sources = pd.DataFrame(
        [
            {
                "source_id": source_id,
                "title": source.get("title", database_name),
                "publisher": source.get("publisher", ""),
                "year": source.get("year", ""),
                "kind": source.get("kind", "database"),
                "url": source.get("url", ""),
                "read_at": source.get("read_at", ""),
                "licence": source.get("licence", meta.get("licence", "")),
                "attribution": source.get("attribution", ""),
                "notes": (source.get("notes", "") + " " + notes).strip(),
            }
        ],
        columns=SOURCE_COLUMNS,
    )
    sources.attrs["dropped_non_ghg_exchanges"] = dropped_non_ghg
    sources.attrs["unresolved_exchanges"] = len(unresolved)
    return {
        "datasets": pd.DataFrame(datasets, columns=DATASET_COLUMNS),
        "exchanges": pd.DataFrame(exchanges, columns=EXCHANGE_COLUMNS),
        "flows": _flow_rows(bd),
        "sources": sources,
        "unresolved": pd.DataFrame(unresolved, columns=UNRESOLVED_COLUMNS),
    }


# ---------------------------------------------------------------------------------------------
# Cumulative (cradle-to-gate) per-gas inventories with bw2calc
# ---------------------------------------------------------------------------------------------


def cumulative_ghg_inventory(
    project_dir: str | Path,
    database_name: str,
    codes: Iterable[str],
    *,
    project_name: str = DEFAULT_PROJECT,
) -> pd.DataFrame:
    """Cradle-to-gate GHG inventory of each activity ``code`` of ``database_name`` per 1 unit of its
    reference product, solved with bw2calc over every database the activities reach.

    Returns a long table ``code, flow_key, amount`` (kg of the gas per reference unit) plus, as
    ``attrs``, ``other_ghg`` (kg of greenhouse gases pcf has no key for, per code) and
    ``cutoff_supply`` (supply of nodes in category ('cut-off',) per code, in their units).
    Negative cumulative amounts (net uptake) are kept; callers decide how to express them.
    """
    import bw2calc as bc

    bd = open_project(project_dir, project_name)
    codes = list(codes)
    activities = [bd.get_node(database=database_name, code=code) for code in codes]
    if not activities:
        return pd.DataFrame(columns=["code", "flow_key", "amount"])
    functional_unit, data_objs, _ = bd.prepare_lca_inputs({activities[0]: 1})
    lca = bc.LCA(demand={activities[0].id: 1}, data_objs=data_objs)
    lca.lci(factorize=True)
    flow_keys, other_rows, cutoff_columns = {}, [], []
    for flow_id, row in lca.dicts.biosphere.items():
        flow = bd.get_node(id=flow_id)
        categories = tuple(flow.get("categories", ()))
        key = classify_ghg_flow(flow["name"], categories)
        if key is not None:
            flow_keys[row] = key
        elif _is_other_ghg(flow["name"], categories):
            other_rows.append(row)
    for node_id, col in lca.dicts.activity.items():
        if tuple(bd.get_node(id=node_id).get("categories", ()) or ()) == ("cut-off",):
            cutoff_columns.append((col, bd.get_node(id=node_id)))
    records, other_ghg, cutoff_supply = [], {}, {}
    for code, activity in zip(codes, activities):
        lca.lci(demand={activity.id: 1})
        per_flow = lca.inventory.sum(axis=1).A1
        totals: dict[str, float] = collections.defaultdict(float)
        for row, key in flow_keys.items():
            totals[key] += float(per_flow[row])
        for key in sorted(totals):
            if totals[key] != 0.0:
                records.append({"code": code, "flow_key": key, "amount": totals[key]})
        other_ghg[code] = float(sum(per_flow[row] for row in other_rows))
        cutoff_supply[code] = {
            f"{node['name']} [{node.get('unit')}]": float(lca.supply_array[col])
            for col, node in cutoff_columns
            if abs(lca.supply_array[col]) > 0
        }
    table = pd.DataFrame(records, columns=["code", "flow_key", "amount"])
    table.attrs["other_ghg"] = other_ghg
    table.attrs["cutoff_supply"] = cutoff_supply
    return table
