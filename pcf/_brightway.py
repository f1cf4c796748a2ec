"""Import Brightway with an explicitly chosen data directory.

`import bw2calc` imports bw2data when it is installed, and bw2data creates its project database in the user's data
directory unless BRIGHTWAY2_DIR names one. pcf never needs a bw2data project on its hot path: it imports bw2calc
without bw2data (see `_import_bw2calc`), and unless the user set BRIGHTWAY2_DIR (or PCF_BRIGHTWAY_DIR) it points
bw2data, whenever something imports it, at a scratch folder in pcf's cache, never the home directory's Brightway
projects.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from pathlib import Path

import numpy as np

from .data.cache import cache_dir


def matplotlib_config_dir() -> Path:
    """Keep matplotlib's font cache in pcf's cache folder (not the home directory) unless MPLCONFIGDIR is set."""
    if "MPLCONFIGDIR" not in os.environ:
        os.environ["MPLCONFIGDIR"] = str(cache_dir() / "matplotlib")
    return Path(os.environ["MPLCONFIGDIR"])


def brightway_dir() -> Path:
    """The Brightway data directory pcf uses when the user chose none."""
    configured = os.environ.get("PCF_BRIGHTWAY_DIR")
    path = Path(configured) if configured else cache_dir() / "brightway"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _prepare() -> None:
    if not os.environ.get("BRIGHTWAY2_DIR"):
        os.environ["BRIGHTWAY2_DIR"] = str(brightway_dir())
    warnings.filterwarnings("ignore", message="(?s).*pypardiso")


def _import_bw2calc():
    """Import bw2calc without importing bw2data when nothing has imported it yet.

    `bw2calc.lca` imports bw2data at import time only to bind `get_node`, which `LCA.to_dataframe(annotate=True)`
    uses; bw2data's import (settings, SQLite, pint ...) costs about 0.5 s of every `pcf` command. bw2data is held
    back during that one import (so bw2calc binds None), then `get_node` is bound to a function that imports
    bw2data on its first call: bw2calc behaves exactly as before, and bw2data stays importable as usual.
    """
    held_back = "bw2data" not in sys.modules
    if held_back:
        sys.modules["bw2data"] = None  # `import bw2data` raises ImportError while this entry is None
    try:
        import bw2calc
        import bw2calc.lca
    finally:
        if held_back and sys.modules.get("bw2data", 0) is None:
            del sys.modules["bw2data"]
    if held_back and bw2calc.lca.get_node is None:
        bw2calc.lca.get_node = _get_node
    return bw2calc


def _get_node(*args, **kwargs):
    """bw2data's get_node, imported on first use (see _import_bw2calc)."""
    with contextlib.redirect_stdout(io.StringIO()):
        from bw2data import get_node
    return get_node(*args, **kwargs)


_prepare()
# bw2data announces its data directory on stdout when imported; keep pcf's stdout for pcf's output
with contextlib.redirect_stdout(io.StringIO()):
    bw2calc = _import_bw2calc()
    import bw_processing  # noqa: E402



def indices_array(rows, cols):
    """bw_processing's structured (row, col) indices array of a matrix's entries."""
    out = np.zeros(len(rows), dtype=bw_processing.INDICES_DTYPE)
    out["row"] = rows
    out["col"] = cols
    return out


__all__ = ["bw2calc", "bw_processing", "brightway_dir", "cache_dir", "indices_array"]
