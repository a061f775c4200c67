"""Reading files without hanging or exhausting memory; writing them without ever leaving one
half-written, and without replacing what is not a file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

# Read in pieces of this size when a file's size is not known: memory follows what the file
# holds, never the limit asked for.
CHUNK = 1024 * 1024


class NotRegularFile(OSError):
    """A FIFO, device, socket or folder where a file was expected (reading it could block
    forever or never end), or a symlink where none is followed."""


class FileTooLarge(OSError):
    """A file over the size limit of what reads it."""


def read_regular(path: str | os.PathLike[str], limit: int, *,
                 follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file `path`, of at most `limit` bytes.

    Anything else raises before a byte is read: NotRegularFile (checked before opening, so
    that a FIFO or a device is never opened, and again on the open file, so that a swap in
    between is caught), FileTooLarge, or the OSError of the open. Without `follow_symlinks`
    a symlink is NotRegularFile too.
    """
    _check_size(path, os.stat(path, follow_symlinks=follow_symlinks), limit)
    with open_regular(path, follow_symlinks=follow_symlinks) as fh:
        st = os.fstat(fh.fileno())
        _check_size(path, st, limit)
        data = read_at_most(fh, limit, st.st_size)
    if len(data) > limit:  # it grew since fstat
        raise FileTooLarge(errno.EFBIG, f"is over the limit of {limit:,} bytes", str(path))
    return data


def open_regular(path: str | os.PathLike[str], *, follow_symlinks: bool = True) -> BinaryIO:
    """`path` open for reading, if it is a regular file; NotRegularFile otherwise.

    Checked before opening (opening a FIFO blocks, opening some devices does something) and
    again on the open file, which was opened without waiting, so that a file swapped for a
    FIFO in between is caught too. Without `follow_symlinks` a symlink is NotRegularFile.
    """
    _check_regular(path, os.stat(path, follow_symlinks=follow_symlinks))
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow_symlinks:  # O_NOFOLLOW met a symlink
            raise NotRegularFile(errno.ELOOP, "is a symlink", str(path)) from None
        raise
    try:
        _check_regular(path, os.fstat(fd))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _check_regular(path: str | os.PathLike[str], st: os.stat_result) -> None:
    if stat.S_ISLNK(st.st_mode):
        raise NotRegularFile(errno.ELOOP, "is a symlink", str(path))
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(errno.EINVAL, "is not a regular file (a FIFO, device or socket?)",
                             str(path))


def _check_size(path: str | os.PathLike[str], st: os.stat_result, limit: int) -> None:
    _check_regular(path, st)
    if st.st_size > limit:
        raise FileTooLarge(errno.EFBIG, f"is over the limit of {limit:,} bytes", str(path))


def read_at_most(fh: BinaryIO, limit: int, size: int = 0) -> bytes:
    """Up to `limit + 1` bytes from `fh` (one more than allowed tells the caller it is over).

    `size` is what stat says the file holds: one read of it (plus the byte that shows the end)
    serves an ordinary file; the rest comes in pieces, so a huge `limit` costs nothing and a
    file whose size stat does not know (/proc) is still read whole.
    """
    wanted = limit + 1
    first = fh.read(min(wanted, max(size, 0) + 1))
    if len(first) < min(wanted, max(size, 0) + 1) or len(first) == wanted:
        return first
    chunks = [first]
    got = len(first)
    while got < wanted:
        chunk = fh.read(min(wanted - got, CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


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
    import tempfile  # here: the readers above are imported on every run, this is not needed

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
