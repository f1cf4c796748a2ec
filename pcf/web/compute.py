"""Computing footprints for the web application: the background is compiled once per process (`Calculator`),
BOMs are composed with the shared modules of the library, results are saved with their PACT footprint, and
"recompute all" diffs every stored model's new footprint against its previous one by stage and by dataset.

Jobs run on one worker thread per process (`Calculator.submit`), their progress kept in the database so any
request (or another process) can show it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import yaml

from ..errors import PcfError
from .customer import delivery_figure, delivery_note, delivery_option, instrument_option
from .sankey import flows_of
from .service import ServiceError, WebService

METHODS = ("AR6", "AR5")
MODULE_SUFFIXES = (".yaml", ".json")
MAX_MODULE_DEPTH = 20


class ComputeError(PcfError):
    """A BOM cannot be composed or computed (the message names the file and row)."""


def _finite(value) -> float:
    value = float(value or 0.0)
    return value if math.isfinite(value) else 0.0


@dataclasses.dataclass(frozen=True)
class Loaded:
    """A compiled background and the audit record of the lci_data files it was compiled from."""

    background: object
    lci_block: dict


def load(lci_data: str | Path | None = None) -> Loaded:
    """Compile the background (from the disk cache when it is current) and hash its files, once per process."""
    from ..audit import lci_data_manifest, manifest_hash
    from ..data.background import compile_background
    from ..data.tables import lci_data_dir, load_lci_tables

    root = Path(lci_data) if lci_data is not None else lci_data_dir()
    tables = load_lci_tables(root)
    manifest = lci_data_manifest(root, tables.packs)
    return Loaded(compile_background(tables), {
        "root": str(root.resolve()), "packs": list(tables.packs), "optional_packs": [],
        "content_hash": tables.content_hash, "files_sha256": manifest_hash(manifest), "files": manifest})


class Calculator:
    """The compiled background (loaded once), the audit record of its files (hashed once), and a job worker."""

    def __init__(self, service: WebService, *, lci_data: str | Path | None = None, loaded: "Loaded | None" = None,
                 company: str | None = None, cache_results: int = 16):
        loaded = loaded or load(lci_data)
        self.company = company  # the PACT data owner when a BOM names no machine.manufacturer
        self.background, self.lci_block = loaded.background, loaded.lci_block
        self.service = service
        self._executor: ThreadPoolExecutor | None = None  # made on the first job, again after shutdown()
        self._results: OrderedDict[int, object] = OrderedDict()  # result id -> Result, for the report writers
        self._cache_size = cache_results
        self._lock = threading.Lock()
        # the choices of the compute form depend on the background only: listed once, not on every page and form
        datasets = self.background.tables.datasets
        category = datasets["category"]
        self._grids = tuple(sorted(k for k in self.background.keys if category.get(k) == "electricity"
                                   and k != "electricity_factory"))
        self._transports = tuple(sorted((k, str(datasets.loc[k, "name"])) for k in self.background.keys
                                        if datasets.loc[k, "category"] == "transport"
                                        and datasets.loc[k, "unit"] == "tkm"))

    # ------------------------------------------------------------------------------------------- options
    def grids(self) -> list[str]:
        """Electricity datasets a user may choose for the factory."""
        return list(self._grids)

    def transports(self) -> list[tuple[str, str]]:
        """(key, name) of the transport datasets per t*km a user may choose for the delivery to the customer."""
        return list(self._transports)

    def form_options(self, form) -> dict:
        """Checked options from a compute form: grid, GWP set, gaps, green electricity, delivery."""
        from ..electricity_claims import generation_technology

        out = self.options(grid=(form.get("grid") or None), method=form.get("method") or "AR6",
                           allow_gaps=form.get("allow_gaps") == "on")
        instruments = instrument_option(form, self.grids(),
                                        lambda key: generation_technology(self.background, key))
        if instruments:
            out["instruments"] = instruments
        delivery = delivery_option(form, [k for k, _name in self.transports()])
        if delivery:
            out["delivery"] = delivery
        return out

    def engine_options(self, options: dict) -> dict:
        """The engine's keyword options of a run's options: the instruments as a file under the store's files
        folder (content-addressed, recorded with its sha256 in the audit trail); the delivery is not the engine's
        (outside the cradle-to-gate boundary)."""
        out = {k: v for k, v in options.items() if k not in ("instruments", "delivery")}
        if options.get("instruments"):
            content = json.dumps(options["instruments"], sort_keys=True, indent=1).encode("utf-8")
            out["instruments"] = self.service.materialize(self.service.put_file(content, "instruments.json"))
        return out

    def delivery(self, options: dict, document: dict) -> dict | None:
        """The delivery figure of a run's options (None without a delivery), with the data loaded now."""
        if not options.get("delivery"):
            return None
        return delivery_figure(options["delivery"], document, self.background, options.get("method", "AR6"))

    def options(self, *, grid: str | None = None, method: str = "AR6", allow_gaps: bool = False) -> dict:
        """Checked engine options as recorded with a run ({} for the defaults)."""
        out: dict = {}
        if grid:
            if grid not in self.grids():
                raise ComputeError(f"unknown factory electricity dataset '{grid[:80]}'",
                                   expected="one of the listed electricity datasets")
            out["grid"] = grid
        if method not in METHODS:
            raise ComputeError(f"unknown GWP set '{method[:20]}'", expected="AR6 or AR5")
        if method != "AR6":
            out["method"] = method
        if allow_gaps:
            out["allow_gaps"] = True
        return out

    # ------------------------------------------------------------------------------------------- composing
    def compose(self, digest: str, filename: str, pins: dict[str, int] | None = None) -> tuple[Path, list[dict]]:
        """The file to compute: the stored BOM itself, or (when it refers with `ref` to subassemblies it does not
        define) a composed copy with those shared modules from the library appended to its `subassemblies`.
        Returns (path under the store's files folder, [{name, version, sha256}] of the modules used).
        pins: module name -> version (default: the newest version)."""
        path = self.service.materialize(digest)
        if path.suffix not in MODULE_SUFFIXES:
            return path, []
        from ..bom.readers import load_json_strict, load_yaml_with_rows

        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            data = load_json_strict(text, filename) if path.suffix == ".json" else \
                load_yaml_with_rows(text, source=filename, mark_rows=False)
        except (yaml.YAMLError, PcfError):
            return path, []  # the engine's reader reports the error with its row
        missing = _missing_refs(data)
        if not missing:
            return path, []
        data = dict(data)
        subassemblies = list(data.get("subassemblies") or [])
        used: list[dict] = []
        for _depth in range(MAX_MODULE_DEPTH):
            if not missing:
                break
            for name in sorted(missing):
                module = self.service.module(name, (pins or {}).get(name))
                if module is None:
                    raise ComputeError(f"'ref: {name}' names no subassembly of the BOM and no shared module of the "
                                       "library", file=filename, expected=f"a subassembly or a module named {name}")
                assembly = yaml.safe_load(module["content"])
                subassemblies.append(assembly)
                used.append({"name": name, "version": module["version"], "sha256": module["sha256"]})
            data["subassemblies"] = subassemblies
            missing = _missing_refs(data)
        else:
            raise ComputeError("shared modules refer to each other too deeply", file=filename)
        content = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        composed = self.service.put_file(content, "composed.json")
        return self.service.materialize(composed), used

    # ------------------------------------------------------------------------------------------- computing
    def check(self, path: Path, filename: str) -> list[dict]:
        """Row-by-row problems of a BOM before computing: lines not mapped to a dataset (ambiguous, unmapped,
        excluded) with their row, text and reason. A BOM that cannot be read raises a ComputeError."""
        from ..engine import prepare

        try:
            _system, intake, _bg, _notes = prepare(path, self.background)
        except PcfError as exc:
            raise ComputeError(_rename(exc.describe(), path, filename)) from None
        return intake_problems(intake)

    def footprint(self, path: Path, options: dict, *, progress=None):
        """The audited footprint of a BOM file with the process's background; the audit trail records the lci_data
        files as `pcf footprint` does (hashed once per process)."""
        from ..audit import audited_footprint

        result = audited_footprint(path, background=self.background, progress=progress,
                                   **self.engine_options(options))
        versions = dict(result.data_versions)
        versions["audit"] = {**versions["audit"], "lci_data": self.lci_block}
        return dataclasses.replace(result, data_versions=versions)

    def run(self, *, digest: str, filename: str, options: dict, model_version_id: int | None, model_id: int | None,
            user: str | None, progress=None, recompute_id: int | None = None, pins: dict | None = None) -> int:
        """Compose, compute and save one BOM; returns the result id. The previous footprint of the same model and
        options becomes Deprecated and the new one names it in precedingPfIds."""
        from ..pact import ExportOptions, PactError, to_pact_v3

        step = progress or (lambda _m: None)
        step("composing the BOM with the library's shared modules")
        path, used = self.compose(digest, filename, pins)
        try:
            result = self.footprint(path, options, progress=step)
        except PcfError as exc:
            raise ComputeError(_rename(exc.describe(), path, filename)) from None
        step("saving the result and its PACT footprint")
        previous = self.service.previous_result(model_id, options) if model_id is not None else None
        owner = {} if result.functional_unit.get("manufacturer") or not self.company else {"company_name": self.company}
        delivery = self.delivery(options, {"mass": dict(result.mass)})
        if delivery:  # outside the PCF: named in the comment only, never in the pcf values
            owner["comment"] = delivery_note(delivery)
        problems = intake_problems(result.intake)
        stale: list[str] = []
        try:
            footprint = to_pact_v3(result, ExportOptions(**owner))
            old = (previous or {}).get("footprint")
            if old and old["id"] != footprint["id"]:
                footprint = to_pact_v3(result, ExportOptions(**owner, preceding_pf_ids=(old["id"],)))
                stale = [old["id"]] if old["status"] == "Active" else []
            if self.service.footprint_document(footprint["id"]) is not None:
                footprint = None  # the same PCF is stored already (an unchanged recompute)
        except PactError as exc:
            footprint = None
            problems.append({"row": None, "line": "(PACT export)", "text": "", "status": "no PACT footprint",
                             "dataset": "", "reason": exc.describe()})
        result_id = self.service.save_result(result, file_sha256=digest, filename=filename, options=options,
                                             modules=used, model_version_id=model_version_id, footprint=footprint,
                                             user=user, problems=problems, flows=flows_of(result.lines),
                                             recompute_id=recompute_id, delivery=delivery)
        if stale and footprint is not None:
            self.service.deprecate_footprints(stale, user=user)
        self.remember(result_id, result)
        return result_id

    # ------------------------------------------------------------------------------------------- jobs
    def submit(self, job_id: str, work) -> Future:
        """Run `work(progress)` on the worker thread; its progress and outcome go to the job's row."""

        def task():
            progress = lambda message: self.service.update_job(job_id, status="running", step=message)
            try:
                progress("starting")
                outcome = work(progress)
                self.service.update_job(job_id, status="done", step="done",
                                        result_id=outcome if isinstance(outcome, int) else None)
            except PcfError as exc:
                self.service.update_job(job_id, status="failed", step="failed", error=exc.describe())
            except Exception as exc:  # a bug: say so, keep the worker alive
                self.service.update_job(job_id, status="failed", step="failed",
                                        error=f"internal error ({type(exc).__name__})")
                raise

        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pcf-job")
            return self._executor.submit(task)

    def shutdown(self) -> None:
        """Finish the running job, drop the queued ones (the application is stopping)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------------------------------- results
    def remember(self, result_id: int, result) -> None:
        with self._lock:
            self._results[result_id] = result
            self._results.move_to_end(result_id)
            while len(self._results) > self._cache_size:
                self._results.popitem(last=False)

    def _stored_input(self, result_id: int):
        """(stored result, its run record, the BOM file composed from its stored input and module versions)."""
        stored = self.service.result(result_id)
        run = stored["run"]
        if run is None:
            raise ServiceError(f"result {result_id} was not computed by the web application (no stored input)")
        pins = {m["name"]: m["version"] for m in run["modules"]}
        path, _used = self.compose(run["file_sha256"], run["filename"], pins)
        return stored, run, path

    def result_object(self, result_id: int):
        """The Result of a saved result (for the report, workbook and PACT writers): from the process's cache, else
        recomputed from the stored input, options and module versions and checked against the stored numbers."""
        with self._lock:
            cached = self._results.get(result_id)
        if cached is not None:
            return cached
        stored, run, path = self._stored_input(result_id)
        result = self.footprint(path, run["options"])
        moved = compare_documents(stored["document"], result.to_dict())
        if abs(moved["total"]["delta"]) > 1e-6 * max(1.0, abs(moved["total"]["old"])):
            raise ServiceError(f"result {result_id} cannot be reproduced with the data loaded now (total "
                               f"{moved['total']['old']:,.3f} -> {moved['total']['new']:,.3f} kg CO2e): "
                               "run 'recompute all' for a current result")
        self.remember(result_id, result)
        return result

    def variants(self, result_id: int, scenario_digest: str, scenario_name: str):
        """`pcf compare` of a saved result's BOM (its stored input, module versions and options) with the variants of
        a scenario file: a `pcf.compare.Comparison` (kg CO2e per machine, side by side)."""
        from ..compare import compare, load_scenarios
        from ..engine import prepare

        stored, run, path = self._stored_input(result_id)
        scenario_path = self.service.materialize(scenario_digest)
        try:
            scenarios = load_scenarios(scenario_path)
            system, _intake, background, _notes = prepare(path, self.background)
            instruments = self.engine_options(run["options"]).get("instruments")
            if instruments is not None:  # the result's green electricity applies to its variants too
                from ..electricity_claims import read_instruments

                system = system.model_copy(update={"factory": system.factory.model_copy(
                    update=read_instruments(instruments))})
            return compare(system, scenarios, background=background, method=run["options"].get("method", "AR6"),
                           grid=run["options"].get("grid"))
        except PcfError as exc:
            message = _rename(_rename(exc.describe(), scenario_path, scenario_name), path, run["filename"])
            raise ComputeError(message) from None

    def recompute_all(self, *, user: str | None, progress=None) -> int:
        """Recompute the newest version of every stored model with the newest shared modules and the data loaded
        now; each against its previous result with the same options. Returns the recompute id."""
        step = progress or (lambda _m: None)
        recompute_id = self.service.start_recompute(user)
        summary = []
        versions = self.service.latest_model_versions()
        for number, version in enumerate(versions, 1):
            step(f"model {number} of {len(versions)}: {version['name']} v{version['version']}")
            runs = self.service.results(model_version_ids=[v["id"] for v in
                                                            self.service.model_versions(version["model_id"])],
                                        limit=1)
            options = json.loads(runs[0]["options"]) if runs and runs[0]["options"] else {}
            previous = self.service.previous_result(version["model_id"], options)
            entry = {"model": version["name"], "version": version["version"], "options": options,
                     "old_result": previous["id"] if previous else None}
            try:
                new_id = self.run(digest=version["file_sha256"], filename=version["filename"], options=options,
                                  model_version_id=version["id"], model_id=version["model_id"], user=user,
                                  recompute_id=recompute_id)
            except PcfError as exc:
                entry["error"] = exc.describe()
                summary.append(entry)
                continue
            new = self.service.result(new_id)
            entry["new_result"] = new_id
            entry["modules"] = {"old": (previous or {}).get("run", {}).get("modules") if previous else None,
                                "new": new["run"]["modules"]}
            entry["lci_data"] = {"old": _lci_hash(previous["document"]) if previous else None,
                                 "new": _lci_hash(new["document"])}
            entry["diff"] = compare_documents(previous["document"] if previous else None, new["document"])
            summary.append(entry)
        self.service.finish_recompute(recompute_id, summary, user)
        return recompute_id


def _lci_hash(document: dict) -> str | None:
    return (document.get("data_versions") or {}).get("lci_data_hash")


def _rename(message: str, path: Path, filename: str) -> str:
    """An engine message with the stored file's path replaced by the name the user uploaded."""
    return message.replace(str(path), Path(filename).name).replace(str(path.resolve()), Path(filename).name)


def _missing_refs(data) -> set[str]:
    """Ids named by `kind: ref` lines that the BOM's `subassemblies` do not define."""
    if not isinstance(data, dict):
        return set()
    defined = {a.get("id") for a in data.get("subassemblies") or [] if isinstance(a, dict)}
    named: set[str] = set()
    stack = list(data.get("items") or []) + list(data.get("subassemblies") or [])
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            continue
        if item.get("kind") == "ref" and isinstance(item.get("ref"), str):
            named.add(item["ref"])
        stack.extend(item.get("children") or [])
    return named - defined


PROBLEM_STATUSES = ("ambiguous", "unmapped", "excluded", "proxy")


def intake_problems(intake) -> list[dict]:
    """Lines of the intake report to look at, row by row: not modelled (ambiguous, unmapped, excluded) or mapped to
    a proxy dataset. Mapped lines and lines with an estimated mass (modelled, flagged in the report) are left out."""
    rows: list[dict] = []
    if intake is None:
        return rows
    frame = intake.lines if hasattr(intake, "lines") else intake
    for record in frame.to_dict("records"):
        if record.get("status") not in PROBLEM_STATUSES:
            continue
        row = record.get("source_row")
        rows.append({"row": None if row is None or (isinstance(row, float) and math.isnan(row)) else int(row),
                     "line": record.get("line_id"), "text": record.get("given") or record.get("name"),
                     "status": record.get("status"), "dataset": record.get("dataset") or "",
                     "reason": record.get("reason") or ""})
    return rows


def compare_documents(old: dict | None, new: dict) -> dict:
    """How a footprint moved: total, by stage and by dataset (kg CO2e per machine; old 0 when there is none)."""
    old = old or {}

    def pairs(a: dict, b: dict) -> list[dict]:
        keys = sorted(set(a) | set(b))
        rows = [{"key": k, "old": _finite(a.get(k)), "new": _finite(b.get(k))} for k in keys]
        for row in rows:
            row["delta"] = row["new"] - row["old"]
        return rows

    def by_dataset(document: dict) -> dict:
        return {row["dataset"]: _finite(row.get("kg_co2e")) for row in document.get("by_dataset") or []}

    datasets = sorted(pairs(by_dataset(old), by_dataset(new)), key=lambda r: -abs(r["delta"]))
    total_old, total_new = _finite(old.get("total_kg_co2e")), _finite(new.get("total_kg_co2e"))
    return {"total": {"old": total_old, "new": total_new, "delta": total_new - total_old},
            "by_stage": pairs(old.get("by_stage") or {}, new.get("by_stage") or {}),
            "by_module": sorted(pairs(old.get("by_module") or {}, new.get("by_module") or {}),
                                key=lambda r: -abs(r["delta"])),
            "by_dataset": [r for r in datasets if abs(r["delta"]) > 1e-9]}
