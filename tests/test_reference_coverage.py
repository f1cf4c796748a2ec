"""Reference coverage: the shipped examples rest on checked data; weak sources are rated and listed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pcf.data.background import default_background
from pcf.data.reference_checks import evaluate_reference_checks, load_reference_checks, weak_datasets
from pcf.data_quality import dataset_shares, reference_coverage
from pcf.methods import get_method

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "bill_of_materials").glob("*.yaml"))
MAPPING = ROOT / "lci_data" / "mapping"
SIGNIFICANT_SHARE = 0.005  # a dataset carrying >= 0.5 % of any example machine needs a reference
REQUIRED_COVERAGE = 0.95


@pytest.fixture(scope="module")
def background():
    return default_background()


@pytest.fixture(scope="module")
def checked(background):
    return evaluate_reference_checks(background, get_method(background.tables), load_reference_checks())


@pytest.fixture(scope="module")
def shares(background):
    return dataset_shares(EXAMPLES, background)


def test_references_cover_95_percent_of_every_example_machine(shares, checked):
    coverage = reference_coverage(shares, checked)
    assert set(coverage.index) == {p.stem for p in EXAMPLES}
    low = coverage[coverage < REQUIRED_COVERAGE]
    assert low.empty, f"reference coverage below {REQUIRED_COVERAGE:.0%}: {low.round(3).to_dict()}"


def test_every_dataset_carrying_half_a_percent_of_an_example_has_a_reference(shares, checked):
    referenced = {c.check.dataset for c in checked}
    significant = shares.abs().max(axis=1)
    missing = sorted(k for k, s in significant.items() if s >= SIGNIFICANT_SHARE and k not in referenced)
    assert missing == []


def test_every_dataset_the_mapping_table_can_choose_has_a_reference(checked):
    referenced = {c.check.dataset for c in checked}
    with open(MAPPING / "materials.csv", encoding="utf-8") as fh:
        chosen = {r["dataset"] for r in csv.DictReader(fh) if r["dataset"] != "EXCLUDE"}
    with open(MAPPING / "regional.csv", encoding="utf-8") as fh:
        chosen |= {r["regional_dataset"] for r in csv.DictReader(fh)}
    assert sorted(chosen - referenced) == []


def test_datasets_resting_on_a_secondary_copy_or_an_assumption_are_rated_reliability_5(background):
    weak = weak_datasets(background.tables)
    assert (weak["dq_reliability"] == 5).all(), weak[weak["dq_reliability"] != 5].index.tolist()
    page = (ROOT / "docs" / "data_quality.md").read_text(encoding="utf-8")
    section = page.split("## Known weak points", 1)[1]
    for key in weak.index:
        assert f"`{key}`" in section, f"{key} is not listed as a known weak point in docs/data_quality.md"
