"""Every factor that matters is set beside an independent published value, and the weak ones are labelled as such."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import copy_lci_data, unit_gwp

from pcf.cli import main
from pcf.data.background import compile_background
from pcf.data.reference_checks import ReferenceCheck, load_reference_checks
from pcf.data.tables import lci_data_dir, load_lci_tables
from pcf.data_quality import render_data_quality_markdown
from pcf.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "bill_of_materials").glob("*.yaml"))


def _row(**kw):
    base = dict(dataset="steel_cn", quantity="kg CO2e", reference_value="2.0", reference_unit="kg CO2e/kg",
                source="Someone, A report, 2024", kind="association", year="2024", geography="CN",
                scope="cradle-to-gate", gwp_basis="AR6")
    base.update(kw)
    return ReferenceCheck.model_validate(base)


def test_band_is_thirty_percent_around_the_value_or_the_published_range():
    assert _row().band == pytest.approx((1.4, 2.6))
    assert _row(reference_low="1.5", reference_high="3.0").band == pytest.approx((1.05, 3.9))
    with pytest.raises(ValueError):
        _row(reference_low="2.5")  # the range must bracket the value
    with pytest.raises(ValueError):
        _row(kind="secondary copy")  # a reference is a primary publication
    with pytest.raises(ValueError):
        _row(reference_value="nan")


def test_every_reference_row_is_within_its_band_or_justified(reference_checked):
    assert reference_checked, "lci_data/reference_checks.csv has no rows"
    unexplained = [(c.check.dataset, round(c.ratio, 2)) for c in reference_checked if c.status == "OUTSIDE"]
    assert unexplained == []
    for c in reference_checked:
        assert c.ratio == pytest.approx(c.pcf_value / c.check.reference_value)


def test_a_reference_is_independent_of_the_datasets_own_source(shipped_background, reference_checked):
    ds = shipped_background.tables.datasets
    for c in reference_checked:
        own = ds.loc[c.check.dataset]
        assert own["source_title"].lower() not in c.check.source.lower(), c.check.dataset
        if own["source_url"] and c.check.url:
            assert own["source_url"].rstrip("/") != c.check.url.rstrip("/"), c.check.dataset


def test_the_data_quality_page_is_current(shipped_background):
    page = (ROOT / "docs" / "data_quality.md").read_text(encoding="utf-8")
    assert page == render_data_quality_markdown(shipped_background, EXAMPLES), \
        "docs/data_quality.md is stale: run `pcf data checks --markdown docs/data_quality.md`"


def _copy_with_extra_row(tmp_path, row: str) -> Path:
    copy = copy_lci_data(tmp_path / "lci_data")
    with open(copy / "reference_checks.csv", "a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    return copy


def test_a_bad_reference_row_is_named_by_file_row_and_column(tmp_path):
    copy = _copy_with_extra_row(tmp_path, "steel_cn,kg CO2e,,-2,,,kg CO2e/kg,X report,association,2024,CN,c2g,AR6,,,")
    rows = sum(1 for _ in open(copy / "reference_checks.csv", encoding="utf-8"))
    with pytest.raises(DataError) as info:
        load_reference_checks(copy)
    assert info.value.row == rows and info.value.column == "reference_value"
    assert "reference_checks.csv" in str(info.value)


def test_an_unexplained_miss_makes_pcf_data_checks_fail(tmp_path, monkeypatch, capsys):
    copy = _copy_with_extra_row(
        tmp_path, "electricity_cn_footprint_2024,kg CO2e,,2.0,,,kg CO2e/kWh,Invented Agency grid study 2030,"
                  "government,2030,CN,life cycle,AR6,,,")
    monkeypatch.setenv("PCF_LCI_DATA", str(copy))
    bg = compile_background(load_lci_tables(copy), use_disk_cache=False)
    monkeypatch.setattr("pcf.cli._tables", lambda args=None: bg)
    assert main(["data", "checks", "electricity_cn_footprint_2024", "--outside"]) == 1
    out = capsys.readouterr().out
    assert "OUTSIDE" in out and "0.29" in out  # 0.5777 / 2.0


def test_pcf_data_show_prints_the_checks_of_a_dataset(capsys):
    assert main(["data", "show", "electricity_cn_footprint_2024"]) == 0
    out = capsys.readouterr().out
    assert "source kind: government" in out
    assert "independent reference checks" in out and "Ember" in out


def test_every_semi_finished_product_lies_between_its_input_and_that_plus_its_processing(shipped_background):
    """lci_data/semi_finished.csv: a semi is its upstream metal (times the input range) plus a documented range of
    processing emissions; a factor outside that envelope (rolling adding 8 kg CO2e/kg) is a data error."""
    value = unit_gwp(shipped_background)

    with open(lci_data_dir() / "semi_finished.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 15
    for r in rows:
        upstream = value(r["upstream"])
        low = upstream * float(r["input_low"]) + float(r["processing_low"])
        high = upstream * float(r["input_high"]) + float(r["processing_high"])
        assert low <= value(r["dataset"]) <= high, (r["dataset"], round(value(r["dataset"]), 3), low, high)
        assert r["basis"].strip()
