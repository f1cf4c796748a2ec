"""`pcf.engine.footprint` works on models: given a ProductSystem, a Background and a Mapper it writes no file and
reads only pcf's shipped mapping tables (densities, typical masses), once per process (checked with an audit hook on
`open`); `footprint_file` (= `pcf.footprint`) is the edge that reads BOM files."""

from __future__ import annotations

import copy
import sys

import pytest
from test_engine import BASE, TOTAL

import pcf
from pcf.bom import model_from_data
from pcf.engine import footprint, footprint_file
from pcf.mapping import Mapper

_OPENED: list | None = None


def _hook(event, args):
    if _OPENED is not None and event == "open":
        _OPENED.append(args[0])


sys.addaudithook(_hook)  # audit hooks cannot be removed; this one records only while _OPENED is a list


def _opened_by(function) -> tuple[object, list[str]]:
    global _OPENED
    _OPENED = []
    try:
        out = function()
    finally:
        opened, _OPENED = _OPENED, None
    return out, [str(p) for p in opened if not str(p).endswith((".py", ".pyc"))]  # imports aside


def test_the_engine_writes_nothing_and_reads_only_shipped_tables_once(tiny_background):
    system = model_from_data(copy.deepcopy(BASE))
    mapper = Mapper.create(tiny_background)  # the shipped mapping table is read here, before
    first, opened = _opened_by(lambda: footprint(system, tiny_background, mapper=mapper))
    assert first.total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)
    assert all("/lci_data/mapping/" in p.replace("\\", "/") for p in opened), opened
    again, opened = _opened_by(lambda: footprint(system, tiny_background, mapper=mapper))
    assert opened == [] and again.total_kg_co2e == first.total_kg_co2e


def test_the_engine_refuses_a_path(tiny_background):
    with pytest.raises(TypeError, match="footprint_file"):
        footprint("bill_of_materials/formation_grading_machine.yaml", tiny_background)


def test_pcf_footprint_is_the_file_edge(tiny_background, tmp_path):
    import yaml

    path = tmp_path / "bom.yaml"
    path.write_text(yaml.safe_dump(copy.deepcopy(BASE)), encoding="utf-8")
    assert pcf.footprint is footprint_file
    assert pcf.footprint(path, background=tiny_background).total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)
