"""The shipped lci_data as a whole: it loads, every dataset has provenance, the build is deterministic, and the
factory grid drives every process through the matrix."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import copy_lci_data

import pcf
from pcf.bom import model_from_data
from pcf.data.background import compile_background, default_background
from pcf.data.tables import FACTORY_ELECTRICITY, lci_data_dir, load_lci_tables
from pcf.methods import get_method


@pytest.fixture(scope="module")
def shipped():
    return default_background()


def test_every_dataset_has_source_licence_and_quality(shipped):
    ds = shipped.tables.datasets
    assert len(ds) > 500
    for column in ("source_title", "licence"):
        assert ds[column].fillna("").str.strip().ne("").all(), column
    for column in ("dq_technological", "dq_geographical", "dq_temporal"):
        assert ds[column].between(1, 5).all(), column
    assert ds["reference_year"].astype(str).str.strip().ne("").all()
    assert ds["geography"].astype(str).str.strip().ne("").all()


def test_every_dataset_except_the_placeholder_emits_something(shipped):
    method = get_method(shipped.tables)
    scores = shipped.cumulative_with_grid("electricity_cn_footprint_2024") @ method.factors_for(shipped.flow_keys)
    zero = [k for k, s in zip(shipped.keys, scores) if s == 0.0 and k != FACTORY_ELECTRICITY]
    assert zero == []


def test_build_is_deterministic(tmp_path):
    one = load_lci_tables()
    copy = copy_lci_data(tmp_path / "lci_data")
    two = load_lci_tables(copy)
    assert one.content_hash == two.content_hash
    # a changed number changes the hash
    path = copy / "methods" / "ipcc_ar6_gwp100.csv"
    path.write_text(path.read_text().replace("n2o,273,", "n2o,274,"))
    assert load_lci_tables(copy).content_hash != one.content_hash


def test_cache_gives_the_same_background(shipped):
    again = compile_background(load_lci_tables(), use_disk_cache=True)
    assert again.keys == shipped.keys
    assert np.array_equal(again.cumulative, shipped.cumulative)


def test_changing_the_factory_grid_changes_a_machined_part_by_the_hand_computed_amount(shipped):
    ex = shipped.tables.exchanges
    row = ex[(ex["dataset"] == "machining") & (ex["input"] == FACTORY_ELECTRICITY)]
    assert len(row) == 1, "machining must draw factory electricity"
    kwh_per_kg = float(row["amount"].iloc[0])
    method = get_method(shipped.tables)
    factors = method.factors_for(shipped.flow_keys)

    def grid_score(key):
        return float(shipped.cumulative[shipped.index(key)] @ factors)

    data = {
        "machine": {"id": "M", "name": "one machined part"},
        "factory": {"electricity": "electricity_cn_east_2023"},
        "items": [{"kind": "part", "id": "shaft", "material": "steel_hot_rolled", "mass_kg": 10,
                   "processes": [{"id": "turning", "dataset": "machining", "amount": 2.5, "unit": "kg"}]}],
    }
    system = model_from_data(data)
    east = pcf.footprint(system, background=shipped)
    wind = pcf.footprint(system, background=shipped, grid="electricity_cn_wind_footprint_2023")
    expected = 2.5 * kwh_per_kg * (grid_score("electricity_cn_east_2023")
                                   - grid_score("electricity_cn_wind_footprint_2023"))
    assert east.total_kg_co2e - wind.total_kg_co2e == pytest.approx(expected, rel=1e-9)
    assert expected > 0


@pytest.mark.parametrize("pack_yaml, message, row", [
    (b"optional: [true\n", "not valid YAML", 2),
    (b"\xff\xfe", "not UTF-8", None),
    (b"- optional\n", "not a mapping", None),
    (b"", "no pack to load", None),  # an empty pack.yaml is no setting; the folder has no datasets.csv
])
def test_a_bad_pack_yaml_or_no_pack_is_a_data_error_naming_the_file(tmp_path, pack_yaml, message, row):
    from pcf.errors import DataError

    root = tmp_path / "lci"
    (root / "packs" / "x").mkdir(parents=True)
    shutil.copy(lci_data_dir() / "flows.csv", root / "flows.csv")
    shutil.copytree(lci_data_dir() / "methods", root / "methods")
    (root / "packs" / "x" / "pack.yaml").write_bytes(pack_yaml)
    with pytest.raises(DataError, match=message) as caught:
        load_lci_tables(root, use_cache=False)
    expected = root / "packs" if message == "no pack to load" else root / "packs" / "x" / "pack.yaml"
    assert (caught.value.file, caught.value.row) == (str(expected), row)
