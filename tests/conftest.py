"""Small real systems for the engine tests: a hand-checkable background built from tables (no mocks)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

# keep Brightway and pcf's cache out of the user's folders during tests
os.environ.setdefault("PCF_CACHE_DIR", tempfile.mkdtemp(prefix="pcf-test-cache-"))

from pcf.data.background import compile_background  # noqa: E402
from pcf.data.tables import tables_from_frames  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"

FLOWS = [
    # key, gas, class
    ("co2_fossil", "CO2", "fossil"),
    ("ch4_fossil", "CH4", "fossil"),
    ("co2_biogenic", "CO2", "biogenic_emission"),
    ("co2_uptake", "CO2", "biogenic_removal"),
    ("co2_luc", "CO2", "land_use_change"),
    ("co2e_aggregated", "CO2e", "aggregated"),
    ("co2e_fossil_declared", "CO2e", "fossil"),
    ("co2e_biogenic_declared", "CO2e", "biogenic_emission"),
    ("co2e_luc_declared", "CO2e", "land_use_change"),
    ("co2e_removal_declared", "CO2e", "biogenic_removal"),
]
AR6 = {"co2_fossil": 1.0, "ch4_fossil": 29.8, "co2_biogenic": 1.0, "co2_uptake": -1.0, "co2_luc": 1.0,
       "co2e_aggregated": 1.0, "co2e_fossil_declared": 1.0, "co2e_biogenic_declared": 1.0,
       "co2e_luc_declared": 1.0, "co2e_removal_declared": -1.0}

# key, unit, category, aircraft
DATASETS = [
    ("steel", "kg", "material", False),
    ("aluminium", "kg", "material", False),
    ("wood", "kg", "packaging", False),
    ("grid_a", "kWh", "electricity", False),
    ("grid_b", "kWh", "electricity", False),
    ("electricity_factory", "kWh", "placeholder", False),
    ("machining", "kg", "process", False),
    ("truck", "tkm", "transport", False),
    ("air", "tkm", "transport", True),
    ("motor", "piece", "component", False),
    ("eeio_electronics", "USD2022", "spend", False),
    ("controller", "piece", "component", False),
]
# dataset, kind, input, amount
EXCHANGES = [
    ("steel", "biosphere", "co2_fossil", 2.0),
    ("steel", "biosphere", "ch4_fossil", 0.01),  # steel: 2 + 0.01 * 29.8 = 2.298 kg CO2e / kg
    ("aluminium", "biosphere", "co2_fossil", 8.0),
    ("aluminium", "biosphere", "co2_luc", 0.5),  # aluminium: 8.5 kg CO2e / kg
    ("wood", "biosphere", "co2_fossil", 0.1),
    ("wood", "biosphere", "co2_biogenic", 0.2),
    ("wood", "biosphere", "co2_uptake", 1.6),  # wood: 0.3 kg CO2e / kg excluding uptake, -1.6 removal
    # a background loop: grid_a needs truck transport, the truck needs grid_a electricity
    ("grid_a", "biosphere", "co2_fossil", 0.5),
    ("grid_a", "technosphere", "truck", 0.001),
    ("truck", "biosphere", "co2_fossil", 0.1),
    ("truck", "technosphere", "grid_a", 0.01),
    ("grid_b", "biosphere", "co2e_aggregated", 0.2),
    ("machining", "technosphere", "electricity_factory", 2.0),  # 2 kWh of factory electricity per kg removed
    ("machining", "biosphere", "co2_fossil", 0.05),
    ("air", "biosphere", "co2_fossil", 1.0),
    ("motor", "technosphere", "steel", 3.0),
    ("motor", "technosphere", "aluminium", 1.0),  # motor: 3 * 2.298 + 8.5 = 15.394 kg CO2e / piece
    ("eeio_electronics", "biosphere", "co2_fossil", 0.4),
    ("controller", "technosphere", "eeio_electronics", 100.0),  # spend-based: 100 USD x 0.4 = 40 kg / piece
    ("controller", "technosphere", "steel", 2.0),  # plus 2 kg of steel: 4.596 kg
]

# the loop solved by hand: e = 0.5 + 0.001 t, t = 0.1 + 0.01 e  =>  e = 0.5001 / 0.99999
GRID_A = 0.5001 / 0.99999
TRUCK = 0.1 + 0.01 * GRID_A


def make_tables(exchanges=EXCHANGES):
    flows = pd.DataFrame(
        [{"key": k, "name": k, "categories": "air", "unit": "kilogram", "biosphere3_uuid": f"{i:032d}", "gas": g,
          "ghg_class": c} for i, (k, g, c) in enumerate(FLOWS)]
    )
    datasets = pd.DataFrame(
        [{"key": k, "name": k.replace("_", " "), "category": cat, "unit": u, "geography": "GLO",
          "reference_year": "2024", "source_id": "test", "source_locator": "tests/conftest.py",
          "dq_technological": 2, "dq_geographical": 3, "dq_temporal": 1, "dq_completeness": None,
          "dq_reliability": None, "aircraft": air, "gwp_basis": "AR6", "notes": "", "pack": "test",
          "source_title": "hand-made test data", "source_url": "", "licence": "CC0-1.0"}
         for k, u, cat, air in DATASETS]
    )
    ex = pd.DataFrame([{"dataset": d, "kind": k, "input": i, "amount": a, "unit": "", "comment": ""}
                       for d, k, i, a in exchanges])
    sources = pd.DataFrame([{"source_id": "test", "title": "hand-made test data", "licence": "CC0-1.0"}])
    return tables_from_frames(flows=flows, datasets=datasets, exchanges=ex, sources=sources,
                              methods={"ipcc_ar6_gwp100": pd.Series(AR6)}, origin="tests")


def copy_lci_data(target: Path) -> Path:
    """A private copy of the checkout's lci_data/ at `target`, without the build scripts (*.py) and without the
    large optional open_ceda pack (30 MB; read only when named)."""
    shutil.copytree(Path(__file__).resolve().parents[1] / "lci_data", target, ignore=lambda d, names: [n for n in names if n.endswith(".py")]
                    + (["open_ceda"] if Path(d).name == "packs" else []))
    return target


def unit_gwp(background, grid: str | None = None):
    """key -> cradle-to-gate kg CO2e (the background's default GWP method) per unit of that dataset, with
    `electricity_factory` supplied by dataset `grid` when given (else left free)."""
    from pcf.methods import get_method

    factors = get_method(background.tables).factors_for(background.flow_keys)
    cumulative = background.cumulative_with_grid(grid)
    return lambda key: float(cumulative[background.index(key)] @ factors)


@pytest.fixture(scope="session")
def tiny_background():
    return compile_background(make_tables(), use_disk_cache=False)


@pytest.fixture(scope="session")
def shipped_background():
    """The shipped open background of lci_data/ (pcf.data.background.default_background)."""
    from pcf.data.background import default_background

    return default_background()


@pytest.fixture(scope="session")
def reference_checked(shipped_background):
    """lci_data/reference_checks.csv evaluated against the shipped background (default GWP method)."""
    from pcf.data.reference_checks import evaluate_reference_checks, load_reference_checks
    from pcf.methods import get_method

    return evaluate_reference_checks(shipped_background, get_method(shipped_background.tables),
                                     load_reference_checks())


@pytest.fixture(scope="session")
def shipped_mapper(shipped_background):
    """The mapper of the shipped table (lci_data/mapping) over the shipped background."""
    from pcf.mapping import Mapper

    return Mapper.create(shipped_background)
