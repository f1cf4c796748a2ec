"""Audit trail: every result records how it was made, and `pcf verify` reproduces it or says what differs."""

from __future__ import annotations

import copy
import csv
import hashlib
import json

import pytest
from report_helpers import copy_workspace, run_cli, write_json
from test_engine import BASE, TOTAL

from pcf.audit import AuditError, audited_footprint, verify
from pcf.data.tables import load_lci_tables


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """The example machine computed from private copies of its BOM and of lci_data, written as result.json."""
    root = tmp_path_factory.mktemp("audit")
    bom, data = copy_workspace(root)
    result = audited_footprint(bom, lci_data=data, grid="electricity_cn_national_2023")
    path = result.write_json(root / "result.json")
    return bom, data, result, path


def test_result_records_input_hash_data_hash_version_options_and_timestamp(workspace):
    bom, data, result, path = workspace
    audit = json.loads(path.read_text())["data_versions"]["audit"]
    assert audit["input"]["sha256"] == hashlib.sha256(bom.read_bytes()).hexdigest()
    assert audit["lci_data"]["content_hash"] == load_lci_tables(data).content_hash == result.data_versions[
        "lci_data_hash"]
    flows = data / "flows.csv"
    assert audit["lci_data"]["files"]["flows.csv"] == hashlib.sha256(flows.read_bytes()).hexdigest()
    assert not any(name.startswith("packs/open_ceda/") and name != "packs/open_ceda/pack.yaml"
                   for name in audit["lci_data"]["files"])
    assert audit["options"] == {"grid": "electricity_cn_national_2023"}
    assert audit["pcf_version"] == result.data_versions["pcf"]
    assert audit["timestamp"].endswith("+00:00")


def test_verify_passes_on_an_untouched_result(workspace):
    _, _, result, path = workspace
    outcome = verify(path)
    assert outcome.ok, outcome.describe()
    assert outcome.recomputed["total_kg_co2e"] == pytest.approx(result.total_kg_co2e, rel=1e-12)


def test_verify_fails_on_a_tampered_input_file_and_names_what_differs(workspace, tmp_path):
    bom, _, result, path = workspace
    original = bom.read_text()
    try:
        bom.write_text(original.replace("mass_kg: 39.5", "mass_kg: 45.5", 1))
        outcome = verify(path)
    finally:
        bom.write_text(original)
    assert not outcome.ok
    failed = {c.name for c in outcome.checks if not c.ok}
    assert failed == {"input file", "recomputed result"}
    assert any(bom.name in d and "changed" in d for d in outcome.differences)
    assert any(d.startswith("total_kg_co2e: recorded") for d in outcome.differences)


def test_verify_fails_on_a_tampered_data_file_and_names_it(workspace):
    _, data, result, path = workspace
    table = data / "packs" / "materials" / "exchanges.csv"
    original = table.read_text()
    rows = list(csv.DictReader(original.splitlines()))
    row = next(r for r in rows if r["dataset"] == "steel_cold_rolled_cn")
    row["amount"] = str(float(row["amount"]) * 2)
    try:
        with table.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        outcome = verify(path)
    finally:
        table.write_text(original)
    assert not outcome.ok
    assert any(d.startswith("packs/materials/exchanges.csv: changed") for d in outcome.differences)
    assert any(d.startswith("lci_data content hash") for d in outcome.differences)
    assert any(d.startswith("total_kg_co2e: recorded") for d in outcome.differences)
    assert verify(path).ok  # restored: verified again


def test_verify_fails_on_an_edited_result_document(workspace, tmp_path):
    _, _, result, path = workspace
    document = json.loads(path.read_text())
    document["by_stage"]["production"] += 1.0
    outcome = verify(write_json(tmp_path / "edited.json", document))
    assert not outcome.ok
    assert [d for d in outcome.differences if d.startswith("by_stage.production: recorded")]


def test_pcf_verify_exits_0_when_verified_and_1_when_not(workspace, tmp_path, capsys):
    _, _, _, path = workspace
    assert run_cli(["verify", str(path)]) == 0
    assert "verified" in capsys.readouterr().out
    document = json.loads(path.read_text())
    document["total_kg_co2e"] *= 1.01
    assert run_cli(["verify", str(write_json(tmp_path / "edited.json", document))]) == 1
    assert "NOT verified" in capsys.readouterr().out


def test_a_result_without_an_audit_trail_cannot_be_verified(workspace, tmp_path):
    _, _, result, _ = workspace
    document = json.loads(json.dumps(result.to_dict()))
    del document["data_versions"]["audit"]
    with pytest.raises(AuditError, match="no audit trail"):
        verify(write_json(tmp_path / "plain.json", document))


def test_results_from_a_non_file_background_verify_with_that_background(tiny_background, tmp_path):
    bom = write_json(tmp_path / "tiny.json", copy.deepcopy(BASE))
    result = audited_footprint(bom, background=tiny_background)
    assert result.total_kg_co2e == pytest.approx(TOTAL, rel=1e-9)
    path = result.write_json(tmp_path / "result.json")
    assert verify(path, background=tiny_background).ok
    missing = verify(path)
    assert not missing.ok and "lci_data folder is missing" in missing.differences[-1]


# ------------------------------------------------------------------ bound deliverables (issue 11, item 6)
def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_result_json_lists_the_sha256_of_every_file_written_with_it(tiny_background, tmp_path):
    from pcf.report import write_report

    bom = write_json(tmp_path / "tiny.json", copy.deepcopy(BASE))
    result = audited_footprint(bom, background=tiny_background)
    files = write_report(result, tmp_path / "out", workbook=True)
    document = json.loads(files.result_json.read_text(encoding="utf-8"))
    recorded = document["data_versions"]["audit"]["deliverables"]
    assert set(recorded) == {"report_html", "workbook"}
    for role, path in (("report_html", files.html), ("workbook", files.workbook)):
        assert recorded[role] == {"file": path.name, "sha256": _sha256(path), "bytes": path.stat().st_size}
    assert document["total_kg_co2e"] == pytest.approx(TOTAL, rel=1e-9)


def test_a_result_without_an_audit_records_its_deliverables_too(tiny_background, tmp_path):
    import pcf
    from pcf.bom import model_from_data
    from pcf.report import write_report

    result = pcf.footprint(model_from_data(copy.deepcopy(BASE)), background=tiny_background)
    files = write_report(result, tmp_path / "out", workbook=False)
    document = json.loads(files.result_json.read_text(encoding="utf-8"))
    assert document["data_versions"]["deliverables"]["report_html"]["sha256"] == _sha256(files.html)


def test_pcf_pact_json_records_the_pact_files_sha256(tmp_path):
    from report_helpers import EXAMPLE_BOM

    out, result_json = tmp_path / "pf.json", tmp_path / "result.json"
    assert run_cli(["pact", str(EXAMPLE_BOM), "--out", str(out), "--json", str(result_json)]) == 0
    audit = json.loads(result_json.read_text(encoding="utf-8"))["data_versions"]["audit"]
    assert audit["deliverables"]["pact_v3"] == {"file": "pf.json", "sha256": _sha256(out),
                                                "bytes": out.stat().st_size}


def test_the_audit_records_the_code_version_and_commit_in_a_checkout(tiny_background, tmp_path):
    import subprocess
    from pathlib import Path

    import pcf

    bom = write_json(tmp_path / "tiny.json", copy.deepcopy(BASE))
    code = audited_footprint(bom, background=tiny_background).data_versions["audit"]["code"]
    assert code["pcf_version"] == pcf.__version__
    checkout = Path(pcf.__file__).resolve().parents[1]
    if not (checkout / ".git").exists():
        assert code["git_commit"] is None and code["git_dirty"] is None
        return
    head = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True)
    status = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
                            capture_output=True, text=True)
    assert code["git_commit"] == head.stdout.strip()
    assert code["git_dirty"] is bool(status.stdout.strip())


def test_verify_checks_the_delivered_files_against_their_recorded_sha256(tiny_background, tmp_path):
    from pcf.report import write_report

    bom = write_json(tmp_path / "tiny.json", copy.deepcopy(BASE))
    files = write_report(audited_footprint(bom, background=tiny_background), tmp_path / "out", workbook=True)
    outcome = verify(files.result_json, background=tiny_background)
    delivered = next(c for c in outcome.checks if c.name == "delivered files")
    assert outcome.ok and delivered.ok and len(delivered.details) == 2
    assert f"report_html: {files.html} sha256 {_sha256(files.html)[:12]}" in delivered.details
    recorded = _sha256(files.html)
    files.html.write_text(files.html.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    files.workbook.unlink()
    outcome = verify(files.result_json, background=tiny_background)
    assert not outcome.ok
    assert f"report_html: {files.html} changed (sha256 recorded {recorded[:12]}, now {_sha256(files.html)[:12]})" \
        in outcome.differences
    assert any(d.startswith(f"workbook: {files.workbook} missing (recorded sha256") for d in outcome.differences)
    # the recomputation itself still matches: only the delivered files fail
    assert next(c for c in outcome.checks if c.name == "recomputed result").ok
    # the files checked where they were moved to
    moved = tmp_path / "moved"
    moved.mkdir()
    assert not verify(files.result_json, background=tiny_background, deliverables=moved).ok


def test_pcf_verify_reports_a_changed_pact_file(workspace, tmp_path, capsys):
    bom, data, _, _ = workspace
    out, result_json = tmp_path / "pf.json", tmp_path / "result.json"
    assert run_cli(["pact", str(bom), "--lci-data", str(data), "--grid", "electricity_cn_national_2023",
                    "--out", str(out), "--json", str(result_json)]) == 0
    capsys.readouterr()
    assert run_cli(["verify", str(result_json)]) == 0
    assert "ok   delivered files" in capsys.readouterr().out
    out.write_text(out.read_text().replace('"Active"', '"Deprecated"'))
    assert run_cli(["verify", str(result_json)]) == 1
    printed = capsys.readouterr().out
    assert "FAIL delivered files" in printed and "pact_v3:" in printed and "changed" in printed


def test_the_pdf_footer_shows_the_document_id_and_the_result_hash(tiny_background, tmp_path):
    import uuid

    from pcf.audit import DOCUMENT_NAMESPACE, check_binding, result_sha256
    from pcf.report import write_report
    from pcf.report.pdf import render_pdf

    bom = write_json(tmp_path / "tiny.json", copy.deepcopy(BASE))
    files = write_report(audited_footprint(bom, background=tiny_background), tmp_path / "out", workbook=False)
    document = json.loads(files.result_json.read_text(encoding="utf-8"))
    bound = document["data_versions"]["audit"]["binding"]
    # the hash is the result document's own (canonical JSON without deliverables and binding), recomputable
    stripped = copy.deepcopy(document)
    del stripped["data_versions"]["audit"]["binding"], stripped["data_versions"]["audit"]["deliverables"]
    canonical = json.dumps(stripped, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert bound["result_sha256"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest() == result_sha256(document)
    assert bound["document_id"] == str(uuid.uuid5(DOCUMENT_NAMESPACE, bound["result_sha256"]))
    pdf = render_pdf(files.html.read_text(encoding="utf-8"))
    assert len(pdf.pages) > 1
    for page in pdf.pages:  # every page's footer (a margin box) holds both
        text = " ".join(box.text for box in page._page_box.descendants() if hasattr(box, "text"))
        assert f"document {bound['document_id']}" in text and f"result sha256 {bound['result_sha256']}" in text
        assert "page " in text and f" of {len(pdf.pages)}" in text
        margins = [b for b in page._page_box.children if getattr(b, "at_keyword", "").startswith("@bottom")
                   and b.children]  # the footer's boxes with content side by side, not overlapping
        spans = sorted((b.position_x, b.position_x + b.margin_width()) for b in margins)
        assert len(spans) == 2 and spans[0][1] <= spans[1][0] + 1e-6
    assert f"Document {bound['document_id']}; result sha256\n{bound['result_sha256']}" in files.html.read_text()
    assert check_binding(document).ok and verify(files.result_json, background=tiny_background).ok
    document["total_kg_co2e"] += 1  # a result.json edited after the report no longer matches its footer
    assert not check_binding(document).ok
