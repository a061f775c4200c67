"""Writing files without ever leaving one half-written, and without replacing what is not a
file."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *,
                 overwrite: bool = True) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`.

    A crash or Ctrl-C leaves either the old file or the new one, never a mix. With
    `overwrite=False` an existing path is kept and FileExistsError raised.

    Only a new path or a regular file is replaced. A FIFO, a terminal or another character
    device (`/dev/null`, `/dev/stdout`, a link to `/proc/self/fd/1`) is written to as it is,
    never renamed over (as root that would replace the system's `/dev/null`). A symbolic link
    to a file or a block device is refused (OSError): writing through a link could change a
    file outside the output asked for (a link planted in a repository), and replacing it
    could replace a system link.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        here = target.lstat()
    except FileNotFoundError:
        here = None
    if here is not None and not overwrite:
        raise FileExistsError(errno.EEXIST, "already exists", str(target))
    if here is not None and not stat.S_ISREG(here.st_mode):
        _write_through(target, payload)
        return
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


# what an output may be written through to: a stream, not a place where files are kept
_STREAMS = (stat.S_ISFIFO, stat.S_ISCHR, stat.S_ISSOCK)


def _write_through(target: Path, payload: bytes) -> None:
    """Write to a FIFO, a terminal or a character device (through links): checked on the
    opened file, so a swap between the check and the open changes nothing."""
    try:
        st = target.stat()
    except OSError:
        st = None
    if st is None or not any(kind(st.st_mode) for kind in _STREAMS):
        what = ("a folder" if st is not None and stat.S_ISDIR(st.st_mode) else
                "a symbolic link" if target.is_symlink() else "not a regular file")
        raise OSError(errno.EINVAL, f"{what}: write to a new or regular file, or to a "
                                    "stream such as /dev/stdout")
    fd = os.open(target, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        if not any(kind(os.fstat(fd).st_mode) for kind in _STREAMS):
            raise OSError(errno.EINVAL, "not a stream: write to a new or regular file",
                          str(target))
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _mode_for(target: Path) -> int:
    """The existing file's mode, else what the umask gives a new file."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
