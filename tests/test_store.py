"""The results store: saved results with their audit trail, listed and shown, written atomically."""

from __future__ import annotations

import argparse
import copy
import json
import signal
import subprocess
import sys
import textwrap

import pytest
from report_helpers import run_cli, write_json
from test_engine import BASE

from pcf.audit import audited_footprint, verify
from pcf.cli_report import add_save_options, save_from_args
from pcf.store import DEFAULT_STORE_NAME, STORE_ENV, ResultStore, StoreError, store_path


@pytest.fixture(scope="module")
def result(tiny_background, tmp_path_factory):
    bom = write_json(tmp_path_factory.mktemp("store") / "tiny.json", copy.deepcopy(BASE))
    return audited_footprint(bom, background=tiny_background)


def test_store_location_is_explicit_then_environment_then_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(STORE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert store_path() == tmp_path / DEFAULT_STORE_NAME
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "env.sqlite"))
    assert store_path() == tmp_path / "env.sqlite"
    assert store_path(tmp_path / "explicit.sqlite") == tmp_path / "explicit.sqlite"


def test_saved_result_comes_back_with_its_audit_trail_and_breakdowns(result, tmp_path):
    store = ResultStore(tmp_path / "results.sqlite")
    first = store.save(result, label="baseline")
    second = store.save(result)
    assert second == first + 1
    assert [r.id for r in store.list()] == [second, first]
    stored = store.get(first)
    assert stored.label == "baseline"
    assert stored.total_kg_co2e == pytest.approx(result.total_kg_co2e, rel=1e-15)
    assert stored.document["data_versions"]["audit"] == json.loads(json.dumps(result.data_versions["audit"]))
    by_stage = store.breakdown(first, "by_stage")
    assert sum(by_stage.values()) == pytest.approx(result.total_kg_co2e, rel=1e-12)
    assert store.check() == []


def test_a_document_altered_inside_the_store_is_refused(result, tmp_path):
    import sqlite3

    store = ResultStore(tmp_path / "results.sqlite")
    result_id = store.save(result)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE results SET document = replace(document, 'grid_a', 'grid_b') WHERE id = ?", (result_id,))
    with pytest.raises(StoreError, match="altered"):
        store.get(result_id)


def test_a_save_killed_midway_leaves_the_store_as_it_was(result, tmp_path):
    path = tmp_path / "results.sqlite"
    store = ResultStore(path)
    kept = store.save(result)
    document = write_json(tmp_path / "doc.json", result.to_dict())
    # a child process saves and is killed (SIGKILL, no cleanup) after half of the breakdown rows are written
    child = textwrap.dedent("""
        import json, os, signal, sys
        import pcf.store as store
        write = store._write_breakdowns
        def write_half_then_die(conn, result_id, rows):
            write(conn, result_id, rows[: len(rows) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        store._write_breakdowns = write_half_then_die
        store.ResultStore(sys.argv[1]).save(json.load(open(sys.argv[2])))
    """)
    done = subprocess.run([sys.executable, "-c", child, str(path), str(document)], capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    after = ResultStore(path)
    assert after.check() == []
    assert [r.id for r in after.list()] == [kept]
    assert after.save(result) > kept  # still writable
    assert after.check() == []


def test_footprint_save_option_saves_and_history_lists_and_shows(result, tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_save_options(parser)
    store = tmp_path / "results.sqlite"
    args = parser.parse_args(["--save", "--store", str(store), "--label", "first run"])
    result_id = save_from_args(args, result)
    assert save_from_args(parser.parse_args([]), result) is None
    capsys.readouterr()
    assert run_cli(["history", "--store", str(store)]) == 0
    listing = capsys.readouterr().out
    assert "first run" in listing and str(result.functional_unit["machine_id"]) in listing
    out = tmp_path / "exported.json"
    assert run_cli(["history", str(result_id), "--store", str(store), "--json", str(out)]) == 0
    assert "by stage" in capsys.readouterr().out
    exported = json.loads(out.read_text())
    assert exported["total_kg_co2e"] == pytest.approx(result.total_kg_co2e, rel=1e-15)


def test_history_without_a_store_is_a_one_line_error(tmp_path, capsys):
    assert run_cli(["history", "--store", str(tmp_path / "missing.sqlite")]) == 2
    assert "no results store here" in capsys.readouterr().err
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_result_exported_from_the_store_verifies(tiny_background, result, tmp_path):
    store = ResultStore(tmp_path / "results.sqlite")
    document = store.get(store.save(result)).document
    assert verify(write_json(tmp_path / "r.json", document), background=tiny_background).ok
