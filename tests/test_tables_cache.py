"""The validated-tables cache (pcf/data/tables_cache.py): same tables and content hash as a fresh validation, any
changed byte of a file read validates again, and a corrupt, altered or foreign entry is rebuilt, never trusted."""

from __future__ import annotations

import csv
import json
import logging

import pandas as pd
import pytest
from conftest import copy_lci_data

from pcf.data import tables as tables_module
from pcf.data.tables import content_hash, load_lci_tables
from pcf.errors import DataError

FRAMES = ("flows", "datasets", "exchanges", "sources")


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("PCF_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def data(tmp_path):
    """A copy of the shipped lci_data without the optional open_ceda pack (never read)."""
    return copy_lci_data(tmp_path / "lci_data")


def _counting_validation(monkeypatch) -> list:
    calls = []
    original = tables_module._validate_rows

    def counted(path, rows, model):
        calls.append(path.name)
        return original(path, rows, model)

    monkeypatch.setattr(tables_module, "_validate_rows", counted)
    return calls


def _entries(cache):
    return sorted(cache.glob("tables-*.json")), sorted(cache.glob("tables-*.meta.json"))


def _assert_same(a, b):
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert list(a.methods) == list(b.methods)
    for name in a.methods:
        pd.testing.assert_series_equal(a.methods[name], b.methods[name])
    assert (a.content_hash, a.packs, a.origin) == (b.content_hash, b.packs, b.origin)


def test_cached_tables_are_the_validated_ones_with_the_same_content_hash(cache, data, monkeypatch):
    fresh = load_lci_tables(data, use_cache=False)
    assert not cache.exists() or not list(cache.glob("tables-*")), "use_cache=False writes nothing"
    first = load_lci_tables(data)  # validates and writes the entry
    payloads, metas = _entries(cache)
    assert len(metas) == 1 and len(payloads) == 2  # the payload and its meta (both match tables-*.json)
    meta = json.loads(metas[0].read_text())
    assert meta["content_hash"] == fresh.content_hash
    assert oct(metas[0].stat().st_mode & 0o777) == oct(0o600)
    monkeypatch.setattr(tables_module, "_validate_rows", lambda *a, **k: pytest.fail("validated again"))
    cached = load_lci_tables(data)
    _assert_same(cached, fresh)
    _assert_same(first, fresh)
    assert content_hash(cached) == fresh.content_hash  # the stored hash is the canonical one, recomputed here


def test_a_changed_byte_in_any_file_read_is_validated_again(cache, data, monkeypatch):
    before = load_lci_tables(data)
    calls = _counting_validation(monkeypatch)
    for relative, extra in (("flows.csv", "\n"), ("methods/ipcc_ar6_gwp100.csv", "\n"),
                            ("packs/materials/pack.yaml", "\n# a comment\n"), ("packs/materials/sources.csv", "\n"),
                            ("packs/materials/datasets.csv", "\n"), ("packs/materials/exchanges.csv", "\n")):
        path = data / relative
        path.write_bytes(path.read_bytes() + extra.encode())
        calls.clear()
        again = load_lci_tables(data)
        assert calls, f"a byte appended to {relative} must invalidate the cached tables"
        _assert_same(again, before)  # a blank line changes no table: the same content hash
    # a changed number gives the new number, not the cached one, and another content hash
    path = data / "packs" / "materials" / "exchanges.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].strip().split(",")
    amount = header.index("amount")
    row = next(i for i, line in enumerate(lines[1:], start=1) if line.count(",") == len(header) - 1
               and '"' not in line)
    fields = lines[row].rstrip("\n").split(",")
    fields[amount] = repr(float(fields[amount]) * 2 + 1)
    lines[row] = ",".join(fields) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    changed = load_lci_tables(data)
    assert changed.content_hash != before.content_hash
    ex = changed.exchanges[(changed.exchanges["pack"] == "materials") & (changed.exchanges["_row"] == row + 1)]
    assert float(ex["amount"].iloc[0]) == float(fields[amount])


def test_a_bad_row_is_refused_even_when_the_old_bytes_are_cached(cache, data):
    load_lci_tables(data)
    path = data / "packs" / "materials" / "datasets.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("dq_technological")] = "9"  # ratings go from 1 to 5
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(DataError) as err:
        load_lci_tables(data)
    assert err.value.file.endswith("datasets.csv") and err.value.row == 2


def _payload_and_meta(cache):
    metas = sorted(cache.glob("tables-*.meta.json"))
    assert len(metas) == 1
    return metas[0].with_name(metas[0].name.replace(".meta.json", ".json")), metas[0]


def _resign(payload, meta, document):
    """Rewrite the payload and record its new sha256 in the meta (a consistent forgery)."""
    import hashlib

    data = json.dumps(document).encode()
    payload.write_bytes(data)
    record = json.loads(meta.read_text())
    record["payload_sha256"] = hashlib.sha256(data).hexdigest()
    meta.write_text(json.dumps(record))


def test_a_corrupt_or_altered_entry_is_rebuilt_not_trusted(cache, data, caplog, monkeypatch):
    fresh = load_lci_tables(data, use_cache=False)
    load_lci_tables(data)
    payload, meta = _payload_and_meta(cache)
    original = payload.read_bytes()

    def reload_and_check(reason: str):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="pcf"):
            calls = _counting_validation(monkeypatch)
            again = load_lci_tables(data)
        assert calls, f"{reason}: the files must be validated again"
        _assert_same(again, fresh)
        assert any("tables cache" in r.getMessage() and "validated again" in r.getMessage()
                   for r in caplog.records), reason
        assert payload.read_bytes() == original, f"{reason}: the entry is rewritten"

    payload.write_bytes(original[: len(original) // 2])  # truncated
    reload_and_check("truncated")
    document = json.loads(original)
    amounts = document["frames"]["exchanges"]["data"]["amount"]
    amounts[0] = amounts[0] * 2 + 1
    payload.write_bytes(json.dumps(document).encode())  # a value changed, the recorded sha256 not
    reload_and_check("altered value")
    document = json.loads(original)
    document["frames"]["exchanges"]["data"]["input"][0] = "no_such_dataset_or_flow"
    _resign(payload, meta, document)  # forged consistently: the cross-reference check still refuses it
    reload_and_check("forged cross-reference")
    document = json.loads(original)
    del document["frames"]["datasets"]["data"]["name"]
    _resign(payload, meta, document)
    reload_and_check("missing column")
    record = json.loads(meta.read_text())
    meta.write_text(json.dumps({**record, "key": "0" * 64}))
    reload_and_check("meta of another key")
    payload.chmod(0o666)  # others may write it: not trusted
    reload_and_check("world-writable")


def test_verification_ignores_the_cache(cache, data, monkeypatch):
    load_lci_tables(data)
    calls = _counting_validation(monkeypatch)
    load_lci_tables(data, use_cache=False)
    assert "datasets.csv" in calls


def test_the_key_covers_every_byte_the_packs_asked_for_and_the_validating_code(tmp_path, monkeypatch):
    from pcf.data import tables_cache

    files = [("flows.csv", b"key,name\nco2,CO2\n"), ("packs/a/datasets.csv", b"key\nx\n")]
    key = tables_cache.cache_key(files, ())
    assert key == tables_cache.cache_key(list(files), ())  # deterministic
    assert tables_cache.cache_key([files[0], ("packs/a/datasets.csv", b"key\ny\n")], ()) != key  # one byte
    assert tables_cache.cache_key([files[0], ("packs/b/datasets.csv", files[1][1])], ()) != key  # another file
    assert tables_cache.cache_key(files[:1], ()) != key  # a file less
    assert tables_cache.cache_key(files, ("open_ceda",)) != key  # other optional packs
    code = tmp_path / "tables.py"
    code.write_text("# the validating code\n")
    monkeypatch.setattr(tables_cache, "_VALIDATOR_SOURCES", (code,))
    before = tables_cache.cache_key(files, ())
    code.write_text("# the validating code, changed\n")
    assert tables_cache.cache_key(files, ()) != before  # a change of the validators validates again
    code.unlink()
    assert tables_cache.cache_key(files, ()) is None  # code that cannot be read: nothing is cached
