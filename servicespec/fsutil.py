"""Writing files without ever leaving one half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *,
                 overwrite: bool = True) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`.

    A crash or Ctrl-C leaves either the old file or the new one, never a mix. With
    `overwrite=False` an existing file is kept and FileExistsError raised.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); give it the mode a plain write would
        os.chmod(tmp, _mode_for(target))
        if overwrite:
            os.replace(tmp, target)
        else:
            # link() fails if the target exists: no window in which another file is replaced
            os.link(tmp, target)
            os.unlink(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _mode_for(target: Path) -> int:
    """The existing file's mode, else what the umask gives a new file."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def exchange(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> None:
    """Swap two existing paths in one step, so that each name always holds one of the two.

    Linux's renameat2(RENAME_EXCHANGE); OSError where the system or the file system has no
    such call (the caller then falls back to two renames).
    """
    import ctypes
    import errno

    call = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if call is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_cwd, rename_exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE from <fcntl.h>, <stdio.h>
    if call(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), os.fspath(first))
