"""pcf's private cache folder, and safe reads and writes of the files kept there.

Nothing here imports numpy, pandas or Brightway: the lci_data loader uses it before any of them is needed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """pcf's cache folder: $PCF_CACHE_DIR, else a per-user folder in the system temp directory.

    Created private (0700); a folder owned by another user is refused and one that others may write to is made
    private, so that no one else can plant a cache file pcf would read.
    """
    from ..errors import DataError

    configured = os.environ.get("PCF_CACHE_DIR")
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / f"pcf-cache-{os.getuid()}"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = path.stat()
    if status.st_uid != os.getuid():
        raise DataError("the cache folder belongs to another user", file=str(path),
                        expected="a folder you own (set PCF_CACHE_DIR)")
    if status.st_mode & 0o077:
        path.chmod(0o700)
    return path


def read_own_file(path: Path) -> bytes:
    """The bytes of a cache file, refused (OSError) unless it is a regular file owned by this user that no one
    else may write to."""
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not _is_regular(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o022:
            raise OSError(f"{path} is not a private regular file of this user")
        return handle.read()


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a private temporary file in the same folder, renamed into place (readers
    never see half a file; two processes writing the same entry do not mix their bytes)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)
