"""The committed hostile-input corpus (tests/hostile/corpus, written by tests/hostile/make_corpus.py): every file is
refused by `pcf footprint` with exit code 2 and a one-line error that names the file and says what is wrong; no
traceback is shown and no result file is written."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from pcf.cli import main

CORPUS = Path(__file__).resolve().parent / "hostile" / "corpus"
with open(CORPUS / "expected.csv", encoding="utf-8") as _fh:
    EXPECTED = {row["file"]: row["error_contains"] for row in csv.DictReader(_fh)}


def test_the_corpus_is_complete():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.csv"}
    assert files == set(EXPECTED) and len(files) >= 35


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_file_is_refused_with_a_clear_error(name, tmp_path, capsys):
    bom = tmp_path / "in" / name  # a copy two folders deep, so that '../../..' cannot reach the corpus itself
    bom.parent.mkdir()
    shutil.copy(CORPUS / name, bom)
    out = tmp_path / "result.json"
    code = main(["footprint", str(bom), "--json", str(out)])
    captured = capsys.readouterr()
    assert code == 2, captured.out[-2000:]
    err = " ".join(captured.err.split())
    assert err.startswith("error:") and str(bom) in err, err
    assert " ".join(EXPECTED[name].split()) in err, err
    assert "Traceback" not in captured.err + captured.out
    assert not out.exists()
