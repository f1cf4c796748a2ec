"""The package's import structure: core <- services <- presentation, nothing below the CLI imports the CLI, no import
cycles (function-level imports included), and every module imports on its own in a fresh interpreter.

The imports are read from the source (AST), so an import hidden inside a function counts like one at the top.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pcf"

CORE, SERVICES, PRESENTATION = 0, 1, 2
LAYER_NAMES = {CORE: "core", SERVICES: "services", PRESENTATION: "presentation"}
# a module belongs to the layer of the longest prefix listed here; a module not listed is checked as a service
LAYERS = {
    # core: models, data, the graph, matrices, solve, contributions, results, and the small pieces they use
    "pcf._version": CORE, "pcf.errors": CORE, "pcf.frozen": CORE, "pcf.units": CORE, "pcf.labels": CORE, "pcf.safe_text": CORE,
    "pcf.bom": CORE, "pcf.data": CORE, "pcf._brightway": CORE, "pcf.methods": CORE,
    "pcf.electricity": CORE,  # which grid supplies a site: a rule of the graph
    "pcf.coverage": CORE,  # cut-off criteria and their assessment: part of a Result
    "pcf.graph": CORE, "pcf.matrices": CORE, "pcf.solve": CORE, "pcf.contributions": CORE, "pcf.results": CORE,
    # services: computations on top of the core
    "pcf.engine": SERVICES, "pcf.compare": SERVICES, "pcf.energy": SERVICES, "pcf.audit": SERVICES,
    "pcf.store": SERVICES, "pcf.pact": SERVICES, "pcf.supplier": SERVICES, "pcf.packaging": SERVICES,
    "pcf.mapping": SERVICES, "pcf.intake": SERVICES, "pcf.estimate": SERVICES, "pcf.data_quality": SERVICES,
    "pcf.synthetic": SERVICES, "pcf.uncertainty": SERVICES,
    # presentation: what renders or parses for people
    "pcf.energy.render": PRESENTATION, "pcf.energy.plots": PRESENTATION, "pcf.report": PRESENTATION,
    "pcf.charts": PRESENTATION, "pcf.cli": PRESENTATION, "pcf.web": PRESENTATION,
}
# modules that may import pcf.cli*: the CLI itself
CLI_PREFIX = "pcf.cli"
# pcf/__init__.py is the users' facade: it may load only these at import (footprint is loaded on first use)
FACADE_EAGER = {"pcf._version", "pcf.errors"}


def _modules() -> dict[str, tuple[Path, bool]]:
    """module name -> (file, is a package)"""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


MODULES = _modules()


def _target(name: str) -> str | None:
    """The pcf module `name` refers to (an attribute of a module refers to the module)."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in MODULES else None


def _imports(module: str, path: Path, is_package: bool) -> list[tuple[str, int, bool]]:
    """(imported pcf module, line, at module level) for every import statement of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top_level = {id(node) for node in tree.body}
    type_only = set()  # `if TYPE_CHECKING:` blocks are read by type checkers only, never run
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(child) for child in ast.walk(node))
    for node in tree.body:  # imports under a top-level `if`/`try` still run at import
        if isinstance(node, (ast.If, ast.Try)):
            top_level.update(id(child) for child in ast.walk(node))
    package = module.split(".") if is_package else module.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                names.append(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
        for name in names:
            if name.split(".")[0] != "pcf":
                continue
            target = _target(name)
            if target and target != module:
                out.append((target, node.lineno, id(node) in top_level))
    return out


def _edges() -> dict[str, set[str]]:
    """module -> pcf modules it imports, with the packages Python runs on the way (pcf/__init__ aside: see
    test_the_facade_is_light), except its own package, which is already being imported."""
    edges = {}
    for module, (path, is_package) in MODULES.items():
        deps = set()
        for target, _line, _top in _imports(module, path, is_package):
            deps.add(target)
            parts = target.split(".")
            for k in range(2, len(parts)):
                parent = ".".join(parts[:k])
                if not (module == parent or module.startswith(parent + ".")):
                    deps.add(parent)
        deps.discard("pcf")  # checked on its own: nothing imports the facade
        edges[module] = deps
    return edges


def layer_of(module: str) -> int:
    if module.startswith(CLI_PREFIX):  # pcf.cli and every pcf.cli_* module
        return PRESENTATION
    best = max((prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")), key=len,
               default=None)
    return SERVICES if best is None else LAYERS[best]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules():
    cycles = _cycles(_edges())
    assert not cycles, "import cycles (function-level imports included): " + "; ".join(
        " <-> ".join(c) for c in cycles)


def test_every_module_imports_only_its_own_layer_and_below():
    wrong = []
    for module, (path, is_package) in MODULES.items():
        if module == "pcf":
            continue
        for target, line, _top in sorted(set(_imports(module, path, is_package))):
            if target == "pcf":
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports the pcf facade (import from the module "
                             "that defines the name)")
            elif layer_of(target) > layer_of(module):
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({LAYER_NAMES[layer_of(module)]}) imports {target} "
                             f"({LAYER_NAMES[layer_of(target)]})")
    assert not wrong, "\n".join(wrong)


def test_nothing_below_the_cli_imports_the_cli():
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {target}"
             for module, (path, is_package) in MODULES.items() if not module.startswith(CLI_PREFIX)
             for target, line, _top in _imports(module, path, is_package) if target.startswith(CLI_PREFIX)]
    assert not wrong, "\n".join(wrong)


def test_the_facade_is_light():
    path, is_package = MODULES["pcf"]
    eager = {target for target, _line, top in _imports("pcf", path, is_package) if top}
    assert eager <= FACADE_EAGER, f"pcf/__init__.py imports {sorted(eager - FACADE_EAGER)} at import"


def test_the_layer_rule_catches_an_upward_import():
    assert layer_of("pcf.results") == CORE and layer_of("pcf.compare.evaluation") == SERVICES
    assert layer_of("pcf.energy.render") == PRESENTATION and layer_of("pcf.energy.models") == SERVICES
    assert layer_of("pcf.web.app") == PRESENTATION and layer_of("pcf.cli_options") == PRESENTATION


# a child process per module, forked from one interpreter that has loaded the third-party libraries but no pcf
# module: each import starts from an empty pcf (isolation) without paying numpy/pandas/bw2calc start-up every time
_DRIVER = r"""
import importlib, os, sys, traceback
for lib in ("numpy", "scipy.sparse", "pandas", "networkx", "pydantic", "yaml", "rich.console", "bw2calc",
            "bw_processing", "matplotlib.pyplot", "openpyxl", "jinja2"):
    try:
        importlib.import_module(lib)
    except ImportError:
        pass
assert not [m for m in sys.modules if m == "pcf" or m.startswith("pcf.")]
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status:
        failed.append(name)
print("FAILED " + " ".join(failed) if failed else "OK")
sys.exit(1 if failed else 0)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the isolation driver forks one child per module (POSIX)")
def test_every_module_imports_in_a_fresh_interpreter():
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               MPLBACKEND="Agg")
    names = sorted(MODULES)
    done = subprocess.run([sys.executable, "-c", _DRIVER, *names], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-6000:]
