"""Import Brightway with an explicitly chosen data directory.

`import bw2calc` imports bw2data when it is installed, and bw2data creates its project database in the user's data
directory unless BRIGHTWAY2_DIR names one. pcf never needs a bw2data project on its hot path, so unless the user
set BRIGHTWAY2_DIR (or PCF_BRIGHTWAY_DIR) it points bw2data at a scratch folder in pcf's cache, never the home
directory's Brightway projects.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import warnings
from pathlib import Path


def cache_dir() -> Path:
    """pcf's cache folder: $PCF_CACHE_DIR, else a per-user folder in the system temp directory."""
    configured = os.environ.get("PCF_CACHE_DIR")
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / f"pcf-cache-{os.getuid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


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


_prepare()
# bw2data announces its data directory on stdout when imported; keep pcf's stdout for pcf's output
with contextlib.redirect_stdout(io.StringIO()):
    import bw2calc  # noqa: E402
    import bw_processing  # noqa: E402

__all__ = ["bw2calc", "bw_processing", "brightway_dir", "cache_dir"]
