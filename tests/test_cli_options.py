"""Command-line options: unknown packs, non-positive counts, help texts that name the readable file types, and the
command modules imported plainly (an ImportError is not swallowed). Each user error: exit status 2, one line."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pcf.cli
from pcf.bom.readers import SUFFIXES
from pcf.cli import main
from pcf.data.tables import load_lci_tables
from pcf.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "bill_of_materials" / "formation_grading_machine.yaml"


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize("argv", [
    ["footprint", str(DEMO), "--with-pack", "nosuchpack"],
    ["map", str(DEMO), "--with-pack", "nosuchpack"],
    ["data", "--with-pack", "nosuchpack", "list"],
])
def test_an_unknown_pack_is_an_error_naming_the_known_packs(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    line = _one_line(captured.err)
    assert "unknown lci_data pack 'nosuchpack'" in line
    assert "open_ceda" in line and "materials" in line
    assert captured.out == ""


def test_the_loader_refuses_an_unknown_pack_too():
    with pytest.raises(DataError, match="unknown lci_data pack 'nosuch'") as info:
        load_lci_tables(optional_packs=("open_ceda", "nosuch"))
    assert "open_ceda" in info.value.expected


@pytest.mark.parametrize("command", [
    ["footprint", str(DEMO)],
    ["compare", str(DEMO), "--scenarios", "{tmp}/s.yaml"],
    ["report", str(DEMO), "--out", "{tmp}/report"],
])
@pytest.mark.parametrize("top", ["-3", "0", "many"])
def test_top_must_be_a_positive_whole_number(command, top, capsys, tmp_path):
    command = [c.format(tmp=tmp_path) for c in command]
    with pytest.raises(SystemExit) as info:
        main([*command, "--top", top])
    assert info.value.code == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"pcf {command[0]}: error: argument --top:") and top in line


def test_footprint_help_names_every_file_type_it_reads(capsys):
    with pytest.raises(SystemExit) as info:
        main(["footprint", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for suffix in SUFFIXES:  # .yaml .yml .json .csv .xlsx .xlsm
        assert suffix in text, suffix


def test_command_modules_are_imported_without_swallowing_import_errors():
    tree = ast.parse(Path(pcf.cli.__file__).read_text(encoding="utf-8"))
    calls = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert "__import__" not in calls
    swallowed = [h for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler) and isinstance(h.type, ast.Name)
                 and h.type.id in ("ImportError", "ModuleNotFoundError")]
    assert not swallowed
    commands = pcf.cli._parser()._subparsers._group_actions[0].choices
    assert {"footprint", "map", "report", "compare", "energy", "data"} <= set(commands)


def _modules_loaded_by(argv: list[str]) -> set[str]:
    """The modules a fresh interpreter has loaded after running `pcf ARGV` (stdout discarded)."""
    code = ("import contextlib, io, sys\nfrom pcf.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(sys.argv[1:])\n    except SystemExit:\n        pass\n"
            "sys.stderr.write('\\n'.join(sorted(sys.modules)))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    return set(done.stderr.split())


def test_help_loads_neither_brightway_nor_the_numeric_stack():
    loaded = _modules_loaded_by(["--help"])
    assert "pcf.cli" in loaded
    assert not loaded & {"bw2calc", "bw2data", "bw_processing", "scipy", "pandas", "numpy", "networkx", "pcf.engine"}


def test_data_list_reads_the_tables_without_loading_brightway():
    loaded = _modules_loaded_by(["data", "list"])
    assert "pcf.data.tables" in loaded and "pandas" in loaded
    assert not loaded & {"bw2calc", "bw2data", "bw_processing", "pcf.data.background"}


def test_verbose_logs_the_total_and_each_step_on_stderr(capsys):
    assert main(["footprint", str(DEMO), "-vv"]) == 0
    err = capsys.readouterr().err
    assert "pcf: INFO:" in err and "kg CO2e per machine" in err
    assert "pcf: DEBUG: building the product graph:" in err


def test_quiet_and_the_default_log_no_steps(capsys):
    for argv in (["-q", "footprint", str(DEMO)], ["footprint", str(DEMO)]):
        assert main(argv) == 0
        assert "pcf: INFO" not in capsys.readouterr().err


def test_verbose_and_quiet_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as info:
        main(["footprint", str(DEMO), "-v", "-q"])
    assert info.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_footprint_runs_without_importing_bw2data_which_stays_importable():
    assert "bw2data" not in _modules_loaded_by(["footprint", str(DEMO)])
    code = ("import pcf.solve, bw2calc.lca, sys\nassert 'bw2data' not in sys.modules\n"
            "import bw2data\nassert bw2calc.lca.get_node is not None and callable(bw2calc.lca.get_node)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
