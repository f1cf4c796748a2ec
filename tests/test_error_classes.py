"""Every error class of pcf is documented in docs/errors.md and raised by a test.

The classes are found in the source (every class deriving, directly or not, from pcf.errors.PcfError), so a new
one fails here until it has a row in docs/errors.md and a test that raises it (`pytest.raises(TheClass`)."""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import pytest

from pcf.errors import PcfError

ROOT = Path(__file__).resolve().parents[1]


def error_classes() -> dict[str, Path]:
    """name -> defining file of PcfError and every class derived from it in pcf/."""
    bases: dict[str, tuple[set[str], Path]] = {}
    for path in (ROOT / "pcf").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {b.id if isinstance(b, ast.Name) else b.attr for b in node.bases
                         if isinstance(b, (ast.Name, ast.Attribute))}
                bases[node.name] = (names, path)
    found = {"PcfError": ROOT / "pcf" / "errors.py"}
    grew = True
    while grew:
        grew = False
        for name, (parents, path) in bases.items():
            if name not in found and parents & set(found):
                found[name] = path
                grew = True
    return found


def test_the_scan_finds_the_known_hierarchy():
    found = error_classes()
    assert {"PcfError", "BomError", "GraphError", "MappingError", "DataError", "SolveError", "ScenarioError",
            "PactSchemaUnavailable", "BrightwayImportError"} <= set(found)
    assert "Result" not in found


def test_every_error_class_has_a_row_in_docs_errors_md():
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    missing = sorted(name for name in error_classes() if f"| `{name}`" not in text)
    assert not missing, f"docs/errors.md has no row for {missing}"


def test_every_error_class_is_raised_by_a_test():
    tests = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    missing = sorted(name for name in error_classes()
                     if not re.search(rf"raises\((?:[\w.]+\.)?{name}\b", tests))
    assert not missing, f"no test raises {missing} (pytest.raises(...))"


def test_invalid_cutoff_shares_are_a_plain_pcf_error():
    from pcf.cli_options import intake_kwargs

    args = argparse.Namespace(cutoff_mass=2.0, cutoff_emissions=0.01, cutoff_total=0.05, mapping=None, aliases=None,
                              encoding=None, strict=False, allow_gaps=False, allow_net_credit=False)
    with pytest.raises(PcfError, match="invalid cut-off criteria") as info:
        intake_kwargs(args)
    assert type(info.value) is PcfError and info.value.expected == "shares between 0 and 1"


def test_pdf_without_weasyprint_is_a_report_error(monkeypatch):
    from pcf.report.pdf import ReportError, render_pdf

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed: import raises ImportError
    with pytest.raises(ReportError, match="PDF output needs WeasyPrint") as info:
        render_pdf("<html></html>")
    assert "pip install weasyprint" in info.value.expected


def test_an_invalid_name_in_the_web_app_is_a_service_error():
    from pcf.web import service

    with pytest.raises(service.ServiceError, match="invalid project name"):
        service.check_name("", "project")


def test_a_shared_module_that_is_not_an_assembly_is_a_compute_error():
    from pcf.web import pages
    from pcf.web.compute import ComputeError

    with pytest.raises(ComputeError, match="a module must be one assembly"):
        pages._check_module("frame", "kind: part\nid: frame\n")
