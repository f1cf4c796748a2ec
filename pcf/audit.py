"""Audit trail: how a result was made, and a check that it can be made again.

`audited_footprint` runs the ordinary engine (`pcf.engine.footprint_file`) and records, in
`result.data_versions["audit"]`, everything needed to reproduce the number: the input file's sha256, the sha256
of every lci_data file that was read (and of the user's mapping / alias tables), the lci_data content hash and
packs, the pcf and library versions, the options and a timestamp. The result document (`to_dict()`,
`pcf footprint --json`) carries it unchanged.

`verify` takes such a document, checks that the recorded files are still the same, recomputes the footprint from
them with the recorded options and compares the new document with the recorded one, field by field. It reports
exactly what differs: a changed file (by name and hash) and every number that moved.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import uuid
import inspect
import json
import math
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .errors import PcfError

AUDIT_FORMAT = 1
# fields that legitimately change between two identical computations
VOLATILE = {("data_versions", "computed_at"), ("data_versions", "lci_data_origin"), ("data_versions", "audit"),
            ("data_versions", "deliverables"), ("data_versions", "binding")}
DOCUMENT_NAMESPACE = uuid.UUID("6c1d2f0e-3b7a-5e4c-8f21-9a0b4c5d6e7f")  # pcf's namespace for report document ids
RTOL = 1e-9
ATOL_KG = 1e-9
# only these lci_data files influence a result (build scripts and READMEs do not)
DATA_SUFFIXES = (".csv", ".yaml", ".yml")
PATH_OPTIONS = ("mapping", "aliases", "instruments")
__all__ = ["AuditError", "audited_footprint", "code_version", "file_sha256", "lci_data_manifest", "record_deliverables",
           "check_deliverables", "result_sha256", "binding", "verify", "Verification"]


class AuditError(PcfError):
    """A result document cannot be verified (no audit trail, missing files) or its audit trail is malformed."""


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def lci_data_manifest(root: str | Path, packs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """sha256 of every lci_data file a computation with these packs reads, by path relative to `root`.

    Every data file (.csv, .yaml) under `root` - flows.csv, methods/, the mapping tables, the tables of the loaded
    packs - except the tables of packs that were not loaded (their pack.yaml is kept: it says why).
    """
    root = Path(root)
    out = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix not in DATA_SUFFIXES:
            continue
        relative = path.relative_to(root)
        parts = relative.parts
        if len(parts) >= 3 and parts[0] == "packs" and parts[1] not in packs and parts[2] != "pack.yaml":
            continue
        out[relative.as_posix()] = file_sha256(path)
    return out


def manifest_hash(manifest: dict[str, str]) -> str:
    """One sha256 over a manifest (sorted path and file hash pairs)."""
    digest = hashlib.sha256()
    for name in sorted(manifest):
        digest.update(f"{name}\0{manifest[name]}\n".encode())
    return digest.hexdigest()


def _shipped_tables() -> dict[str, str]:
    """sha256 of the data tables shipped inside the pcf package (e.g. BOM column aliases): they steer the modelling."""
    package = Path(__file__).resolve().parent
    return {f"pcf/{p.relative_to(package).as_posix()}": file_sha256(p) for p in sorted(package.rglob("*"))
            if p.is_file() and p.suffix in DATA_SUFFIXES and "__pycache__" not in p.parts}


def code_version() -> dict[str, Any]:
    """pcf's version, and when it runs from a git checkout its commit and whether the working tree differs from
    it (tracked files only): {"pcf_version", "git_commit", "git_dirty"}; the git fields are None outside a checkout
    or without git."""
    import subprocess

    out: dict[str, Any] = {"pcf_version": __version__, "git_commit": None, "git_dirty": None}
    checkout = Path(__file__).resolve().parents[1]
    if not (checkout / ".git").exists():
        return out
    try:
        commit = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return out
    out.update(git_commit=commit or None, git_dirty=bool(status.strip()))
    return out


def _without_binding(document: dict) -> dict:
    """The document without what is added when its files are written (deliverables, binding)."""
    document = json.loads(json.dumps(document, allow_nan=False))  # the JSON round trip of the written file
    versions = document.get("data_versions")
    if isinstance(versions, dict):
        versions.pop("deliverables", None)
        versions.pop("binding", None)
        if isinstance(versions.get("audit"), dict):
            versions["audit"].pop("deliverables", None)
            versions["audit"].pop("binding", None)
    return document


def result_sha256(document: dict) -> str:
    """The result hash shown in the report's footer: sha256 of the result document as canonical JSON (keys sorted,
    no spaces, UTF-8), without `deliverables` and `binding` (written after the report, which cannot hold its own
    hash). Recomputable from result.json: `result_sha256(json.load(open("result.json")))`."""
    canonical = json.dumps(_without_binding(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def binding(document: dict) -> dict[str, str]:
    """{"document_id", "result_sha256"} of a result document: the id is uuid5 of the result hash, so one result
    gives one document id."""
    digest = result_sha256(document)
    return {"document_id": str(uuid.uuid5(DOCUMENT_NAMESPACE, digest)), "result_sha256": digest}


def record_binding(document: dict, bound: dict[str, str]) -> dict:
    """The document with its binding in `data_versions.audit.binding` (or `data_versions.binding`)."""
    document = {**document, "data_versions": dict(document.get("data_versions") or {})}
    versions = document["data_versions"]
    if isinstance(versions.get("audit"), dict):
        versions["audit"] = {**versions["audit"], "binding": dict(bound)}
    else:
        versions["binding"] = dict(bound)
    return document


def check_binding(document: dict) -> Check | None:
    """The recorded result hash against the document's own (a result.json edited after the report fails)."""
    versions = document.get("data_versions") or {}
    audit = versions.get("audit") if isinstance(versions.get("audit"), dict) else {}
    recorded = audit.get("binding") or versions.get("binding")
    if not isinstance(recorded, dict):
        return None
    now = binding(document)
    if now != {k: recorded.get(k) for k in now}:
        return Check("result hash (report footer)", False, [
            f"recorded document {recorded.get('document_id')}, result sha256 {_short(recorded.get('result_sha256'))}; "
            f"the document now hashes to {_short(now['result_sha256'])}: result.json was edited"])
    return Check("result hash (report footer)", True,
                 [f"document {now['document_id']}, result sha256 {now['result_sha256']}"])


def record_deliverables(document: dict, files: dict[str, str | Path]) -> dict:
    """The result document with the sha256 and size of every file written with it (report HTML, PDF, workbook,
    PACT file), by role: in `data_versions.audit.deliverables` (or `data_versions.deliverables` for a result
    without an audit trail). A deliverable is bound to its result by these hashes; `verify` ignores them."""
    record = {role: {"file": Path(path).name, "sha256": file_sha256(path), "bytes": Path(path).stat().st_size}
              for role, path in files.items() if path is not None}
    document = {**document, "data_versions": dict(document.get("data_versions") or {})}
    versions = document["data_versions"]
    if isinstance(versions.get("audit"), dict):
        versions["audit"] = {**versions["audit"], "deliverables": record}
    else:
        versions["deliverables"] = record
    return document


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("numpy", "scipy", "pandas", "pydantic", "bw2calc", "bw_processing"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def _engine_parameters() -> set[str]:
    from .engine import footprint_file

    return set(inspect.signature(footprint_file).parameters)


def _jsonable_option(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in PATH_OPTIONS:
        path = Path(value).resolve()
        return {"path": str(path), "sha256": file_sha256(path)}
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return value


def audited_footprint(
    bom: str | Path,
    *,
    lci_data: str | Path | None = None,
    packs: tuple[str, ...] = (),
    background=None,
    progress=None,
    use_disk_cache: bool = True,
    **options,
):
    """`pcf.engine.footprint_file` of a BOM file, with the audit trail in `result.data_versions["audit"]`.

    lci_data: the lci_data folder (default: $PCF_LCI_DATA or the shipped one); packs: optional packs to load;
    background: an already compiled Background (e.g. from another Brightway database) - then the audit records
    its content hash only and `verify` needs the same background passed in; use_disk_cache: False validates the
    lci_data files and solves the background afresh, ignoring both disk caches (as `verify` does); options: grid, method, solver and the other keyword options of `pcf.engine.footprint_file` (mapping, aliases, cutoff ...), recorded as given.
    """
    from .data.background import compile_background
    from .data.tables import lci_data_dir, load_lci_tables
    from .engine import footprint_file as footprint

    bom_path = Path(bom)
    if not bom_path.is_file():
        raise AuditError("input file not found", file=str(bom), expected="a BOM file")
    supported = _engine_parameters()
    unknown = sorted(set(options) - supported)
    if unknown:
        raise AuditError(f"unknown footprint option(s) {unknown}", expected=f"one of {sorted(supported)}")
    lci_block: dict[str, Any]
    if background is None:
        root = Path(lci_data) if lci_data is not None else lci_data_dir()
        tables = load_lci_tables(root, optional_packs=tuple(packs), use_cache=use_disk_cache)
        background = compile_background(tables, use_disk_cache=use_disk_cache)
        manifest = lci_data_manifest(root, tables.packs)
        lci_block = {"root": str(root.resolve()), "packs": list(tables.packs), "optional_packs": list(packs),
                     "content_hash": tables.content_hash, "files_sha256": manifest_hash(manifest),
                     "files": manifest}
    else:
        lci_block = {"root": None, "packs": list(background.tables.packs), "optional_packs": list(packs),
                     "content_hash": background.content_hash, "origin": str(background.tables.origin),
                     "files_sha256": None, "files": {}}
    input_hash = file_sha256(bom_path)
    result = footprint(bom_path, background=background, progress=progress, **options)
    if file_sha256(bom_path) != input_hash:  # the file changed while we read it: the record would be false
        raise AuditError("the input file changed during the computation", file=str(bom_path))
    audit = {
        "format": AUDIT_FORMAT,
        "timestamp": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "pcf_version": __version__,
        "code": code_version(),
        "input": {"path": str(bom_path.resolve()), "given_as": str(bom), "sha256": input_hash,
                  "bytes": bom_path.stat().st_size},
        "lci_data": lci_block,
        "shipped_tables": _shipped_tables(),
        "options": {name: _jsonable_option(name, value) for name, value in sorted(options.items())},
        "libraries": _library_versions(),
    }
    versions = {**result.data_versions, "audit": audit}
    return dataclasses.replace(result, data_versions=versions)


# ---------------------------------------------------------------------------------------------- verification
@dataclass
class Check:
    """One verification step: what was checked, whether it passed, and the details."""

    name: str
    ok: bool
    details: list[str] = field(default_factory=list)


@dataclass
class Verification:
    """The outcome of `verify`: every check, and the recomputed document when it could be made."""

    checks: list[Check]
    recomputed: dict | None = None

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def differences(self) -> list[str]:
        return [detail for check in self.checks if not check.ok for detail in check.details]

    def describe(self) -> str:
        lines = []
        for check in self.checks:
            lines.append(f"{'ok  ' if check.ok else 'FAIL'} {check.name}")
            lines += [f"     {detail}" for detail in check.details]
        lines.append("verified: the result is reproduced exactly" if self.ok else "NOT verified")
        return "\n".join(lines)


def load_document(path: str | Path) -> dict:
    """Read a result document written by `pcf footprint --json` (or `pcf history ID --json`)."""
    path = Path(path)
    if not path.is_file():
        raise AuditError("not a regular file", file=str(path), expected="a result JSON file")
    from .bom.readers import max_input_bytes

    if path.stat().st_size > max_input_bytes():
        raise AuditError("file larger than the input limit", file=str(path), expected="a result JSON file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise AuditError(f"not a JSON document ({exc.msg} at line {exc.lineno})", file=str(path)) from None
    except UnicodeDecodeError:
        raise AuditError("not a JSON document (not UTF-8 text)", file=str(path),
                         expected="the JSON of `pcf footprint --json`") from None
    if not isinstance(document, dict) or "total_kg_co2e" not in document:
        raise AuditError("not a pcf result document", file=str(path), expected="the JSON of `pcf footprint --json`")
    return document


def audit_of(document: dict) -> dict:
    audit = (document.get("data_versions") or {}).get("audit")
    if not isinstance(audit, dict) or audit.get("format") != AUDIT_FORMAT:
        raise AuditError("the result has no audit trail (data_versions.audit)",
                         expected="a result computed with `pcf footprint --json` from pcf >= 0.1 with audit")
    return audit


def _short(digest: str | None) -> str:
    return (digest or "-")[:12]


def _check_input(audit: dict, bom: str | Path | None) -> tuple[Check, Path | None]:
    recorded = audit["input"]
    path = Path(bom) if bom is not None else Path(recorded["path"])
    if not path.is_file():
        return Check("input file", False, [f"{path}: not found (recorded sha256 {_short(recorded['sha256'])})"]), None
    now = file_sha256(path)
    if now != recorded["sha256"]:
        return Check("input file", False, [f"{path}: changed (sha256 recorded {_short(recorded['sha256'])}, "
                                           f"now {_short(now)})"]), path
    return Check("input file", True, [f"{path} sha256 {_short(now)}"]), path


def _check_lci_data(audit: dict, lci_data: str | Path | None) -> tuple[Check, Path | None]:
    block = audit["lci_data"]
    if block.get("root") is None and lci_data is None:
        return Check("lci_data files", True, ["not file-based: checked through its content hash"]), None
    root = Path(lci_data) if lci_data is not None else Path(block["root"])
    if not (root / "flows.csv").is_file():
        return Check("lci_data files", False, [f"{root}: not an lci_data folder"]), None
    now = lci_data_manifest(root, block["packs"])
    recorded = block.get("files") or {}
    details = []
    for name in sorted(set(recorded) | set(now)):
        if name not in now:
            details.append(f"{name}: missing (recorded sha256 {_short(recorded[name])})")
        elif name not in recorded:
            details.append(f"{name}: new file, not in the recorded data")
        elif now[name] != recorded[name]:
            details.append(f"{name}: changed (sha256 recorded {_short(recorded[name])}, now {_short(now[name])})")
    if details:
        return Check("lci_data files", False, details), root
    return Check("lci_data files", True, [f"{len(now)} files in {root}, sha256 {_short(manifest_hash(now))}"]), root


def _check_options(audit: dict) -> tuple[Check, dict]:
    """Rebuild the keyword options; file options (mapping, aliases) are checked against their recorded hash."""
    options, details, ok = {}, [], True
    for name, value in (audit.get("options") or {}).items():
        if name in PATH_OPTIONS and isinstance(value, dict):
            path = Path(value["path"])
            if not path.is_file():
                ok = False
                details.append(f"option {name}: {path} not found")
                continue
            now = file_sha256(path)
            if now != value["sha256"]:
                ok = False
                details.append(f"option {name}: {path} changed (sha256 recorded {_short(value['sha256'])}, "
                               f"now {_short(now)})")
            options[name] = path
        elif name == "cutoff" and isinstance(value, dict):
            from .coverage import CutoffCriteria

            options[name] = CutoffCriteria(**value)
        else:
            options[name] = value
    shipped = _shipped_tables() if audit.get("shipped_tables") else {}  # hashed once, not once per table
    for name, digest in (audit.get("shipped_tables") or {}).items():
        now = shipped.get(name)
        if now != digest:
            ok = False
            details.append(f"{name}: changed since the result was made (sha256 recorded {_short(digest)}, "
                           f"now {_short(now)})")
    if audit.get("pcf_version") != __version__:
        details.append(f"pcf version: recorded {audit.get('pcf_version')}, running {__version__} "
                       "(numbers are compared all the same)")
    shown = ", ".join(f"{k}={v if not isinstance(v, Path) else v.name}" for k, v in options.items()) or "defaults"
    return Check("options and shipped tables", ok, details or [shown]), options


def compare_documents(recorded: Any, recomputed: Any, *, path: tuple = (), rtol: float = RTOL) -> list[str]:
    """Every difference between two result documents (numbers within rtol are equal), as readable lines."""
    where = ".".join(str(p) for p in path) or "(document)"
    if isinstance(recorded, dict) and isinstance(recomputed, dict):
        out = []
        for key in list(recorded) + [k for k in recomputed if k not in recorded]:
            if (path + (key,))[:2] in VOLATILE:
                continue
            if key not in recomputed:
                out.append(f"{where}.{key}: in the recorded result but not recomputed")
            elif key not in recorded:
                out.append(f"{where}.{key}: recomputed but not in the recorded result")
            else:
                out += compare_documents(recorded[key], recomputed[key], path=path + (key,), rtol=rtol)
        return out
    if isinstance(recorded, list) and isinstance(recomputed, list):
        if len(recorded) != len(recomputed):
            return [f"{where}: {len(recorded)} entries recorded, {len(recomputed)} recomputed"]
        out = []
        for i, (a, b) in enumerate(zip(recorded, recomputed)):
            out += compare_documents(a, b, path=path + (i,), rtol=rtol)
        return out
    numbers = (int, float)
    if isinstance(recorded, numbers) and isinstance(recomputed, numbers) \
            and not isinstance(recorded, bool) and not isinstance(recomputed, bool):
        if math.isclose(recorded, recomputed, rel_tol=rtol, abs_tol=ATOL_KG):
            return []
        change = f" ({(recomputed - recorded) / recorded:+.4%})" if recorded else ""
        return [f"{where}: recorded {recorded!r}, recomputed {recomputed!r}{change}"]
    if recorded != recomputed:
        return [f"{where}: recorded {recorded!r}, recomputed {recomputed!r}"]
    return []


def _replace_strings(value: Any, names: set[str], placeholder: str) -> Any:
    if isinstance(value, dict):
        return {k: _replace_strings(v, names, placeholder) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_strings(v, names, placeholder) for v in value]
    return placeholder if isinstance(value, str) and value in names else value


def recorded_deliverables(document: dict) -> dict:
    """The deliverables a result document records (`data_versions.audit.deliverables`, or
    `data_versions.deliverables` without an audit trail), by role; {} when none."""
    versions = document.get("data_versions") or {}
    audit = versions.get("audit") if isinstance(versions.get("audit"), dict) else {}
    record = audit.get("deliverables") or versions.get("deliverables") or {}
    return record if isinstance(record, dict) else {}


def check_deliverables(document: dict, folder: str | Path | None) -> Check | None:
    """Each delivered file recorded with the result (report HTML, PDF, workbook, PACT file), looked up by its
    recorded name in `folder`, against its recorded sha256: a changed or missing file fails. None when the result
    records no deliverables."""
    record = recorded_deliverables(document)
    if not record:
        return None
    if folder is None:
        return Check("delivered files", False, ["not checked: the folder of the delivered files is unknown "
                                                "(--deliverables DIR)"])
    folder = Path(folder)
    details, ok = [], True
    for role, entry in sorted(record.items()):
        name = str((entry or {}).get("file") or "")
        path = folder / Path(name).name
        recorded = (entry or {}).get("sha256")
        if not name or not path.is_file():
            ok = False
            details.append(f"{role}: {path} missing (recorded sha256 {_short(recorded)})")
            continue
        now = file_sha256(path)
        if now != recorded:
            ok = False
            details.append(f"{role}: {path} changed (sha256 recorded {_short(recorded)}, now {_short(now)})")
        else:
            details.append(f"{role}: {path} sha256 {_short(now)}")
    return Check("delivered files", ok, details)


def verify(
    document: dict | str | Path,
    *,
    bom: str | Path | None = None,
    lci_data: str | Path | None = None,
    deliverables: str | Path | None = None,
    background=None,
    max_differences: int = 40,
) -> Verification:
    """Check a result document against its recorded inputs and recompute it.

    bom / lci_data: where the input file / lci_data folder are now, if they moved (default: the recorded paths);
    background: the compiled Background, for results made from a non-file background.
    deliverables: the folder of the files recorded as delivered with the result (default: the result file's folder);
    each is checked against its recorded sha256.
    """
    if not isinstance(document, dict):
        if deliverables is None:
            deliverables = Path(document).parent
        document = load_document(document)
    audit = audit_of(document)
    input_check, bom_path = _check_input(audit, bom)
    data_check, root = _check_lci_data(audit, lci_data)
    option_check, options = _check_options(audit)
    checks = [input_check, data_check, option_check]
    for extra in (check_binding(document), check_deliverables(document, deliverables)):
        if extra is not None:
            checks.append(extra)
    if bom_path is None:
        checks.append(Check("recomputation", False, ["not attempted: the input file is missing"]))
        return Verification(checks)
    if background is None and root is None:
        checks.append(Check("recomputation", False, ["not attempted: the lci_data folder is missing; pass the "
                                                     "background the result was made with"]))
        return Verification(checks)
    recorded_hash = audit["lci_data"]["content_hash"]
    try:
        # solved afresh from lci_data: a cached background is never trusted to confirm a result
        result = audited_footprint(bom_path, lci_data=root, packs=tuple(audit["lci_data"].get("optional_packs", ())),
                                   background=background, use_disk_cache=False, **options)
    except PcfError as exc:
        checks.append(Check("recomputation", False, [f"the recorded inputs no longer compute: {exc.describe()}"]))
        return Verification(checks)
    recomputed = json.loads(json.dumps(result.to_dict()))  # the same JSON round trip as the recorded file
    # the input may be named differently (relative, moved): compare its mentions as one placeholder
    names = {audit["input"]["path"], audit["input"].get("given_as"), str(bom_path), str(bom_path.resolve())}
    document, recomputed_cmp = (_replace_strings(d, names - {None}, "<input file>") for d in (document, recomputed))
    new_hash = recomputed["data_versions"]["audit"]["lci_data"]["content_hash"]
    if new_hash != recorded_hash:
        data_check.ok = False
        data_check.details.append(f"lci_data content hash: recorded {_short(recorded_hash)}, now {_short(new_hash)}")
    differences = compare_documents(document, recomputed_cmp)
    if len(differences) > max_differences:
        differences = differences[:max_differences] + [f"... and {len(differences) - max_differences} more"]
    total = f"total {recomputed['total_kg_co2e']:,.3f} kg CO2e"
    checks.append(Check("recomputed result", not differences, differences or [f"{total}: every field matches"]))
    return Verification(checks, recomputed)
