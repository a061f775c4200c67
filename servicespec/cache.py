"""A content-hash cache of lint results: an unchanged file is not linted twice.

`.servicespec_cache/` in the current directory (or `$SERVICESPEC_CACHE_DIR`). It is never
needed for correctness: delete it at any time, or run `servicespec lint --no-cache`. Standard
input is never cached.

An entry is keyed by everything a file's findings depend on:
- the tool: servicespec's version, the size and modification time of each of its source
  files (an edit in a checkout counts), the Python version and the name and version of every
  installed distribution (pydantic-core, the parsers, ...);
- the configuration: the bytes of the `--config` file, or of every `servicespec.toml` and
  `pyproject.toml` from the file's folder up to the nearest `servicespec.toml` (more than
  `find_config` reads, never less: a change in any of them invalidates), and the
  command-line overrides (`--select`, `--ignore`, `--fail-on`);
- the file: its path as given (every finding names it, and per-file ignores match it) and
  its bytes.
An entry holds the file's findings exactly as they were reported and the `fail_on` threshold
of its configuration, so that on a full hit the run imports no parser, no validator and no
rule (see docs/performance.md). Entries live in 16 JSON bucket files by the key's first hex
digit; a bucket is written with `fsutil.write_atomic`, and one that cannot be read or does
not have the expected shape is ignored (and replaced on the next write).

The folder is input like any other: a repository can ship one, and a shared
`$SERVICESPEC_CACHE_DIR` can hold another user's entries, which would hide findings. So a
bucket is read only if it is a regular file (never through a symlink, never a FIFO or a
device) of at most MAX_BUCKET_BYTES, and the folder is used only if it is a real folder (not a
symlink) owned by the current user and writable by no one else, as git's `safe.directory` and
pip's cache decide; otherwise the run goes without the cache, with a one-line note. A new
folder is made private (0700).

A file linted in a worker process is read again there, and the entry is stored under the
hash of the bytes that were linted, so a file edited during the run cannot leave a wrong
entry.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .api import config_for, lint_file, map_in_processes
from .catalogue import Catalogue
from .diagnostics import Diagnostic, Related, Severity, Suppressed
from .fsutil import read_regular
from .jsontext import loads
from .results import Declared, FileResult, LintResult, PolicyInfo
from .textutil import path_text, terminal_safe

if TYPE_CHECKING:
    from .workspace import Workspace

CACHE_DIR_NAME = ".servicespec_cache"
ENV_DIR = "SERVICESPEC_CACHE_DIR"
FORMAT = 5
# Larger files are linted every time: reading them to hash them is not worth it, and the
# default input limit reports them at once anyway.
MAX_CACHED_BYTES = 16 * 1024 * 1024
# Entries per bucket (16 buckets): the oldest are dropped beyond this, or beyond this size.
MAX_BUCKET_ENTRIES = 4096
MAX_BUCKET_BYTES = 16 * 1024 * 1024
_CONFIG_NAMES = ("servicespec.toml", "pyproject.toml")
_SEVERITIES = {s.value: s for s in Severity}


def default_directory() -> Path:
    return Path(os.environ.get(ENV_DIR) or CACHE_DIR_NAME)


def _read_input(path: str) -> bytes | None:
    """The bytes of a file to key on; None for anything the linter is to report itself (a
    FIFO would block, a huge file is linted every time)."""
    try:
        return read_regular(path, MAX_CACHED_BYTES)
    except OSError:
        return None


def unsafe(directory: Path) -> str | None:
    """Why the cache folder must not be used, or None: it is the current user's alone (or
    does not exist yet)."""
    try:
        st = os.lstat(directory)
    except OSError as exc:
        return None if exc.errno == errno.ENOENT else f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return "is a symlink"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    if not hasattr(os, "geteuid"):  # Windows: no owner or mode bits to go by (ACLs decide)
        return None
    if st.st_uid != os.geteuid():
        return "belongs to another user"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "can be written by other users (chmod go-w makes it usable)"
    return None


def read_spec(file: str) -> bytes | None:
    """A spec's bytes as `read_regular` gives them, if the linter would read the file at all
    (not a link out of the working folder): else the linter reports it, uncached."""
    from .loader import followable

    return _read_input(file) if followable(file) else None


def tool_key() -> str:
    """What identifies the linter that made an entry (see the module docstring)."""
    h = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version}\0{sys.platform}\0".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(root, name))
                h.update(f"{root}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    for entry in sys.path:
        try:
            names = sorted(n for n in os.listdir(entry or ".")
                           if n.endswith((".dist-info", ".egg-info", ".egg-link", ".pth")))
        except OSError:
            continue
        if names:
            h.update(f"{os.path.abspath(entry)}\0{names}\0".encode())
    return h.hexdigest()


class ResultCache:
    """Lint results by content hash, in `directory`. Never raises on a bad cache."""

    def __init__(self, directory: Path, tool: str | None = None) -> None:
        self.directory = directory
        self.refused = unsafe(directory)  # why it is not used; None when it is
        self.tool = tool if tool is not None else tool_key()
        self._buckets: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._config_keys: dict[str, str | None] = {}

    # --- keys ------------------------------------------------------------------------------

    def config_key(self, file: str, config_path: str | None,
                   overrides: dict[str, Any]) -> str | None:
        """The configuration part of `file`'s key; None when a configuration file cannot be
        read (then the file is linted uncached and the linter reports the problem)."""
        if config_path is not None:
            where = "--config " + os.path.abspath(config_path)
        else:
            where = os.path.dirname(os.path.abspath(file))
        flags = json.dumps({k: (v.value if isinstance(v, Severity) else v)
                            for k, v in sorted(overrides.items()) if v is not None})
        memo = f"{where}\0{flags}"
        if memo not in self._config_keys:
            self._config_keys[memo] = self._make_config_key(config_path, where, flags)
        return self._config_keys[memo]

    def _make_config_key(self, config_path: str | None, where: str, flags: str) -> str | None:
        h = hashlib.sha256(f"{self.tool}\0{flags}\0".encode())
        if config_path is not None:
            data = _read_input(config_path)
            if data is None:
                return None
            h.update(f"{where}\0{len(data)}\0".encode() + data)
            return h.hexdigest()
        folder = where
        while True:
            for name in _CONFIG_NAMES:
                path = os.path.join(folder, name)
                if not os.path.isfile(path):
                    continue
                data = _read_input(path)
                if data is None:
                    return None
                h.update(f"{path}\0{len(data)}\0".encode() + data)
                if name == "servicespec.toml":  # find_config never looks further up
                    return h.hexdigest()
            parent = os.path.dirname(folder)
            if parent == folder:
                return h.hexdigest()
            folder = parent

    @staticmethod
    def file_key(config_key: str, file: str, data: bytes) -> str:
        # a file name that is not UTF-8 comes as lone surrogates: hashed as the bytes it was
        h = hashlib.sha256(f"{config_key}\0{file}\0{len(data)}\0".encode("utf-8",
                                                                        "surrogateescape"))
        h.update(data)
        return h.hexdigest()

    # --- entries ---------------------------------------------------------------------------

    def forget_config(self) -> None:
        """Read the configuration files again at the next `config_key`."""
        self._config_keys.clear()

    def get(self, key: str, file: str, catalogue: Catalogue | None = None
            ) -> tuple[FileResult, Severity] | None:
        """The entry of `key`, unless a library the file uses has changed since (an entry
        records the digest of its libraries, `Catalogue.digest`)."""
        entries = self._bucket(key)
        raw = entries.get(key)
        if raw is None:
            return None
        found = _decode(raw, file)
        if found is None:  # malformed: drop it, the file is linted again
            del entries[key]
            self._dirty.add(key[0])
            return None
        declared = found[0].declared
        if declared is not None and declared.uses and raw[5] != _digest(catalogue,
                                                                        declared.uses):
            return None  # linted against other libraries
        return found

    def put(self, key: str, result: FileResult, fail_on: Severity,
            catalogue: Catalogue | None = None) -> None:
        entries = self._bucket(key)
        entries.pop(key, None)
        declared = result.declared
        entries[key] = [fail_on.value, [_encode(d) for d in result.diagnostics],
                        [[s.reason, _encode(s.diagnostic)] for s in result.suppressed],
                        [[p.code, p.name, p.severity.value, p.summary, p.description, p.checks,
                          p.url] for p in result.policies.values()],
                        None if declared is None else [declared.kind, declared.id,
                                                       list(declared.uses),
                                                       list(declared.refers)],
                        _digest(catalogue, declared.uses) if declared and declared.uses
                        else ""]
        while len(entries) > MAX_BUCKET_ENTRIES:
            del entries[next(iter(entries))]
        self._dirty.add(key[0])

    def _bucket(self, key: str) -> dict[str, Any]:
        name = key[0]
        if name not in self._buckets:
            self._buckets[name] = self._read_bucket(name)
        return self._buckets[name]

    def _path(self, name: str) -> Path:
        return self.directory / f"results-{name}.json"

    def _read_bucket(self, name: str) -> dict[str, Any]:
        if self.refused:
            return {}
        try:
            doc = loads(read_regular(self._path(name), MAX_BUCKET_BYTES,
                                     follow_symlinks=False))
        except (OSError, ValueError):  # missing, not a file, too big or not JSON: start afresh
            return {}
        if not (isinstance(doc, dict) and doc.get("format") == FORMAT
                and doc.get("tool") == self.tool and isinstance(doc.get("entries"), dict)):
            return {}  # another version of the tool, or not a bucket at all
        return doc["entries"]

    def save(self) -> None:
        """Write the buckets that changed; a cache that cannot be written is not an error."""
        if not self._dirty or self.refused:
            return
        from .fsutil import write_atomic

        try:
            if not os.path.lexists(self.directory):
                self.directory.mkdir(mode=0o700, parents=True)
                # keep it out of version control and out of backups, as pytest and ruff do
                write_atomic(self.directory / ".gitignore", "# written by servicespec\n*\n")
                write_atomic(self.directory / "CACHEDIR.TAG",
                             "Signature: 8a477f597d28d172789f06886806bc55\n"
                             "# servicespec lint results: safe to delete.\n")
            if unsafe(self.directory):  # made by someone else since the start of the run
                return
            for name in sorted(self._dirty):
                path = self._path(name)
                if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
                    os.unlink(path)  # a symlink or FIFO in its place: never written through
                write_atomic(path, self._serialize(name))
        except OSError:
            pass
        finally:
            self._dirty.clear()

    def _serialize(self, name: str) -> str:
        """The bucket as JSON of at most MAX_BUCKET_BYTES (which a read would refuse): the
        oldest half of its entries is dropped until it fits."""
        entries = self._buckets[name]
        while True:
            text = json.dumps({"format": FORMAT, "tool": self.tool, "entries": entries},
                              separators=(",", ":"))  # ASCII: as many bytes as characters
            if len(text) <= MAX_BUCKET_BYTES or not entries:
                return text
            entries = dict(list(entries.items())[len(entries) // 2:])


def _encode(d: Diagnostic) -> list[Any]:
    return [d.code, d.name, d.severity.value, d.message, d.file, d.line, d.column,
            d.end_line, d.end_column, d.element, d.fingerprint, list(d.path),
            [[r.file, r.line, r.column, r.message] for r in d.related]]


def _decode(raw: Any, file: str) -> tuple[FileResult, Severity] | None:
    """An entry back as (result, fail_on); None unless it has exactly the shape `put`
    writes."""
    try:
        fail_on, items, hidden, described, declared, digest = raw
        if not isinstance(digest, str):
            return None
        diagnostics = [_decode_diagnostic(item) for item in items]
        suppressed = [Suppressed(_decode_diagnostic(item), reason) for reason, item in hidden]
        if not all(isinstance(s.reason, str) for s in suppressed):
            return None
        policies = {}
        for code, name, severity, summary, description, checks, url in described:
            if not (all(isinstance(s, str) for s in (code, name, summary, description, checks))
                    and (url is None or isinstance(url, str))):
                return None
            policies[code] = PolicyInfo(code, name, _SEVERITIES[severity], summary,
                                        description, checks, url)
        result = FileResult(path_text(file), diagnostics, suppressed=suppressed,
                            policies=policies, declared=_decode_declared(declared))
        return result, _SEVERITIES[fail_on]
    except (TypeError, ValueError, KeyError):
        return None


def _decode_declared(raw: Any) -> Declared | None:
    if raw is None:
        return None
    kind, id_, uses, refers = raw
    if not (isinstance(kind, str) and isinstance(id_, str) and isinstance(uses, list)
            and isinstance(refers, list) and all(isinstance(u, str) for u in uses + refers)):
        raise ValueError("not a declaration")
    return Declared(kind, id_, tuple(uses), tuple(refers))


def _digest(catalogue: Catalogue | None, uses: tuple[str, ...]) -> str:
    return (catalogue or Catalogue()).digest(uses)


def _text_of(data: bytes) -> str:
    """The text the loader made of `data` (what positions count in)."""
    from .loader import decode

    text = decode(data, "")
    return text if isinstance(text, str) else text.text


def _decode_diagnostic(raw: Any) -> Diagnostic:
    """One finding as `_encode` wrote it; ValueError unless it has exactly that shape."""
    code, name, severity, message, where, *numbers, element, fp, path, related = raw
    if not (all(isinstance(s, str) for s in (code, name, message, where, element, fp))
            and len(numbers) == 4 and all(type(n) is int for n in numbers)
            and type(path) is list and all(type(p) in (str, int) for p in path)
            and type(related) is list):
        raise ValueError("not a cached finding")
    line, column, end_line, end_column = numbers
    others = []
    for r_file, r_line, r_column, r_message in related:
        if not (isinstance(r_file, str) and type(r_line) is int and type(r_column) is int
                and isinstance(r_message, str)):
            raise ValueError("not a cached finding")
        others.append(Related(r_file, r_line, r_column, r_message))
    return Diagnostic(code, name, _SEVERITIES[severity], message, where, line, column,
                      end_line, end_column, element, fp, tuple(path), tuple(others))


def lint_with_cache(files: Sequence[str], *, config_path: str | None,
                    overrides: dict[str, Any], jobs: int | None = None,
                    directory: Path | None = None, workspace: Workspace | None = None
                    ) -> tuple[LintResult, Severity]:
    """The CLI's lint step with the cache in front: (results in the order of `files`, the
    `fail_on` threshold of the first file's configuration, with the overrides applied).

    Exactly what `api.lint_files` gives; files whose entry is missing are linted (in `jobs`
    processes) and stored. Standard input (`-`) is not supported here, and `files` must
    not be empty.
    """
    if not files or "-" in files:
        raise ValueError("lint_with_cache needs files, and not standard input")
    overrides = {k: v for k, v in overrides.items() if v is not None}
    cache = ResultCache(directory or default_directory())
    if cache.refused:
        print(f"servicespec: note: not using the cache {terminal_safe(str(cache.directory))}: "
              f"it {cache.refused}", file=sys.stderr)
    catalogue = workspace.catalogue if workspace is not None else None
    slots: list[tuple[FileResult, Severity] | None] = []
    misses: list[tuple[str, str | None]] = []  # (file, its config key when cacheable)
    for file in files:
        config_key = cache.config_key(file, config_path, overrides)
        data = read_spec(file) if config_key is not None else None
        found = None
        if config_key is not None and data is not None:
            found = cache.get(ResultCache.file_key(config_key, file, data), file, catalogue)
            if found is not None and found[0].diagnostics:  # the reporters quote the text
                found[0].text = _text_of(data)
        if found is None:
            misses.append((file, config_key if data is not None else None))
        slots.append(found)
    if misses:
        from .config import read_config

        fixed = read_config(Path(config_path)) if config_path else None
        work = partial(_lint_keyed, config=fixed, overrides=overrides, catalogue=catalogue)
        linted = iter(map_in_processes(work, misses, jobs=jobs))
        fresh: list[tuple[tuple[str, str | None], str | None, FileResult, Severity]] = []
        for i, slot in enumerate(slots):
            if slot is None:
                result, key, fail_on = next(linted)
                slots[i] = (result, fail_on)
                fresh.append((misses[len(fresh)], key, result, fail_on))
        # a configuration file edited during the run: store nothing made with it
        cache.forget_config()
        for (file, config_key), key, result, fail_on in fresh:
            if key is not None and config_key == cache.config_key(file, config_path, overrides):
                cache.put(key, result, fail_on, catalogue)
        cache.save()
    results = [slot[0] for slot in slots if slot is not None]
    first = slots[0]
    assert first is not None and len(results) == len(files)
    return LintResult(results), first[1]


def _lint_keyed(item: tuple[str, str | None], config: Any, overrides: dict[str, Any],
                catalogue: Catalogue | None = None) -> tuple[FileResult, str | None, Severity]:
    """Lint one file in a worker: (result, the key of the bytes linted, the file's fail_on)."""
    file, config_key = item
    base = config_for(file, config)
    cfg = base.merged(**overrides) if overrides else base
    data = read_spec(file) if config_key is not None else None
    if data is None:
        result, key = lint_file(file, cfg, catalogue=catalogue), None
    else:
        # the bytes just hashed, linted as the file they are (what lint_file would read)
        result = lint_file("-", cfg, stdin=data, display=file, catalogue=catalogue)
        key = ResultCache.file_key(config_key, file, data)  # type: ignore[arg-type]
    result.spec = None
    if not result.diagnostics:  # only findings quote the text
        result.text = None
    return result, key, cfg.fail_on
