"""The Python API: `load`, `lint`, `discover`. Returns data; never prints or exits.

The configuration, the engine and the parsers are imported where they are used: reporting
results read from the cache (`cache.py`) needs none of them (see docs/performance.md).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .diagnostics import Diagnostic, Severity
from .results import FileResult, LintResult
from .textutil import path_text

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .config import Config
    from .model.spec import Spec
    from .workspace import Workspace

T = TypeVar("T")
R = TypeVar("R")

SPEC_SUFFIXES = (".yaml", ".yml", ".json")
# what tools and installs leave behind (ruff's default excludes): `pip install .` copies the
# starter specs into build/lib/, which a walk of `.` would otherwise lint as the team's own
_SKIP_DIRS = {"node_modules", "__pycache__", "site-packages", "__pypackages__", "build",
              "dist", "_build", "buck-out", "venv"}


class InvalidSpecError(ValueError):
    """Raised by `load` when a file is not a valid spec; carries the diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic], reason: str = "") -> None:
        self.diagnostics = diagnostics
        first = diagnostics[0] if diagnostics else None
        where = f"{first.file}:{first.line}:{first.column}: {first.message}" if first else ""
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(f"invalid spec: {reason or where}{more}")


def discover(paths: Iterable[str | os.PathLike[str]], config: Config | None = None, *,
             config_file: str | None = None) -> list[str]:
    """Spec files under `paths`: a file named is always taken (`-` stands for standard
    input), folders are walked.

    A walk takes the `.yaml`, `.yml` and `.json` files that say they are specs
    (`apiVersion: servicespec/...` near their top), or, when the configuration sets
    `include`, those it matches; never those `exclude` matches. The configuration is the
    one found for the folder walked, or `config` (or the one in `config_file`). Hidden
    folders and symbolic links are passed over (a walk reads nothing outside the folders
    given, and a symlink loop cannot make it endless), and so are FIFOs and devices. Files
    found in `.` are named without `./`, as annotations and baselines name them.
    """
    from .loader import declares_spec

    found: list[str] = []
    for raw in paths:
        path = str(raw)
        if path == "-" or not os.path.isdir(path):
            found.append(path)
            continue
        select = _selection(path, config, config_file)
        for root, dirs, files in os.walk(path, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS
                             and not (select and select.matches(
                                 select.exclude, os.path.join(root, d, ""))))
            for name in sorted(files):
                if not name.endswith(SPEC_SUFFIXES) or name.startswith("."):
                    continue
                file = os.path.join(root, name).removeprefix(os.curdir + os.sep)
                if select is None:
                    taken = declares_spec(file)
                elif select.matches(select.exclude, file):
                    taken = False
                else:
                    taken = (select.matches(select.include, file) and not os.path.islink(file)
                             if select.include else declares_spec(file))
                if taken:
                    found.append(file)
    return list(dict.fromkeys(found))


def _selection(folder: str, config: Config | None, config_file: str | None
               ) -> Config | None:
    """The configuration whose `include` and `exclude` a walk of `folder` follows; None when
    they are not set. Its files are first looked at as bytes: loading the configuration's
    model imports the validator (pydantic-core) and the rules, which a run answered from the
    cache never needs unless the globs are there (see docs/performance.md)."""
    if config is None:
        if config_file is not None:
            if not _mentions_globs(config_file):
                return None
            from .config import read_config

            config = read_config(Path(config_file))
        elif _may_set_globs(os.path.abspath(folder)):
            from .config import find_config

            config = find_config(Path(folder)).config
        else:
            return None
    return config if config.include or config.exclude else None


_GLOBS = (b"include", b"exclude")


def _mentions_globs(file: str, words: tuple[bytes, ...] = _GLOBS) -> bool:
    """Whether a configuration file has one of the words, by default `include` or
    `exclude` (or cannot be read: then reading the configuration reports it)."""
    try:
        with open(file, "rb") as fh:
            data = fh.read(1 << 20)
    except OSError:
        return True
    return any(word in data for word in words)


def _may_set_globs(folder: str) -> bool:
    """False only when the configuration `find_config(folder)` gives cannot set `include` or
    `exclude`."""
    return _may_set(folder, _GLOBS)


def _may_set(folder: str, words: tuple[bytes, ...]) -> bool:
    """False only when no configuration file from `folder` up to the nearest
    servicespec.toml has one of the words: then `find_config(folder)` cannot set them."""
    while True:
        for name in ("servicespec.toml", "pyproject.toml"):
            candidate = os.path.join(folder, name)
            if not os.path.isfile(candidate):
                continue
            if _mentions_globs(candidate, words):
                return True
            if name == "servicespec.toml":  # find_config looks no further up
                return False
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent


def config_for(file: str, config: Config | None) -> Config:
    if config is not None:
        return config
    from .config import find_config

    folder = Path.cwd() if file == "-" else Path(os.path.abspath(file)).parent
    return find_config(folder).config


def lint_file(file: str, config: Config | None = None, *, stdin: bytes | None = None,
              display: str | None = None, catalogue: Catalogue | None = None,
              fast: bool = True) -> FileResult:
    from .engine import lint_loaded, lint_text
    from .fsutil import read_at_most
    from .loader import Loaded, decode, read_text

    cfg = config_for(file, config)
    limits = cfg.limits_value()
    # a name that is not UTF-8 is shown escaped, in every finding and output
    name = path_text(display or ("<stdin>" if file == "-" else file))
    if file == "-":
        # one byte over the limit is enough to refuse it: an endless pipe is not read to the end
        raw = stdin if stdin is not None else read_at_most(sys.stdin.buffer,
                                                            limits.max_file_bytes)
        text = decode(raw, name, limits)
    else:
        text = read_text(file, limits, name)
    if catalogue is None and file != "-" and not isinstance(text, Loaded):
        catalogue = catalogue_of(file, text, cfg)
    if isinstance(text, Loaded):
        return lint_loaded(text, cfg, catalogue)
    return lint_text(text, name, cfg, catalogue, fast=fast)


# a top-level `uses` key (YAML or JSON): only then is the catalogue looked for
_USES = re.compile(r"""(?:^|[{,])[ \t]*["']?uses["']?[ \t]*:""", re.MULTILINE)


def mentions_uses(text: str) -> bool:
    """Whether a spec's text has a top-level `uses` key: it may use libraries."""
    return bool(_USES.search(text))


def catalogue_of(file: str, text: str, config: Config | None = None) -> Catalogue | None:
    """The catalogue one file is resolved against, when it uses libraries (`load`, `render`
    and the other commands that take one file)."""
    if not mentions_uses(text):
        return None
    return open_workspace([file], [file], config).catalogue


def lint(paths: Sequence[str | os.PathLike[str]] | str, config: Config | None = None, *,
         jobs: int | None = None) -> LintResult:
    """Lint spec files and folders; `config` overrides the configuration files found.
    Services resolve their `uses` against the catalogue (`open_workspace`).

    Many files are linted in `jobs` processes (default: one per core); the result is the same
    as with one.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = discover(paths, config)
    workspace = open_workspace(paths, files, config)
    return LintResult(with_catalogue_findings(
        list(lint_files(files, config, jobs=jobs, catalogue=workspace.catalogue)), workspace))


def open_workspace(paths: Iterable[str | os.PathLike[str]], files: Sequence[str],
                   config: Config | None = None, *, config_file: str | None = None
                   ) -> Workspace:
    """The catalogue that the `files` found under `paths` belong to: the folder the
    configuration names (`catalogue =`), else the folders given and, for a file named
    alone that uses libraries, its own folder (so linting one file still resolves its
    `uses`)."""
    from .workspace import Workspace

    named = [str(p) for p in paths if str(p) != "-"]
    fixed = config
    if fixed is None and config_file is not None:
        from .config import read_config

        fixed = read_config(Path(config_file))
    if not named:
        return Workspace((), fixed)
    # the configuration is read only when it may name a catalogue (a run answered from the
    # cache loads no validator otherwise: docs/performance.md)
    folder = None
    start = named[0] if os.path.isdir(named[0]) else os.path.dirname(named[0]) or os.curdir
    if fixed is not None or _may_set(os.path.abspath(start), (b"catalogue",)):
        folder = config_for(named[0], fixed).catalogue_folder()
    if folder is not None:
        return Workspace(discover([folder], fixed), fixed)
    # a file named alone brings its folder only when it uses libraries: linting one file must
    # not walk whatever tree it sits in (a home folder, /tmp)
    alone = sorted({os.path.dirname(p) or os.curdir for p in named
                    if not os.path.isdir(p) and uses_libraries(p)})
    return Workspace(dict.fromkeys([*files, *discover(alone, fixed)]), fixed)


def uses_libraries(file: str) -> bool:
    """The file has a top-level `uses` (read as bytes, no parsing): it needs its catalogue."""
    from .fsutil import read_regular
    from .loader import DEFAULT_LIMITS

    try:
        raw = read_regular(file, DEFAULT_LIMITS.max_file_bytes)
    except OSError:
        return False  # linting it says why
    return mentions_uses(raw.decode("utf-8", "replace"))


def with_catalogue_findings(results: list[FileResult], workspace: Workspace,
                            overrides: dict[str, Any] | None = None) -> list[FileResult]:
    """The results with the catalogue's findings (SS801, SS804) added to their files
    (`overrides`: the command line's flags)."""
    found = workspace.catalogue_findings({r.file: r for r in results},
                                         {k: v for k, v in (overrides or {}).items()
                                          if v is not None})
    for result in results:
        if result.file in found:
            result.diagnostics = sorted([*result.diagnostics, *found[result.file]],
                                        key=lambda d: d.sort_key)
    return results


# below this many files, starting processes costs more than it saves
PARALLEL_MIN_FILES = 64
# a run of fewer files takes the precise path alone: the fast path's parser costs more to
# import than it saves on so few (`engine._fast_parser`)
FAST_MIN_FILES = 4


def lint_files(files: Sequence[str], config: Config | None = None,
               overrides: dict[str, Any] | None = None, *, jobs: int | None = None,
               stdin_filename: str | None = None, catalogue: Catalogue | None = None
               ) -> Iterator[FileResult]:
    """FileResults in the order of `files`, streamed; specs are not kept (memory stays flat).

    `config` replaces the configuration files; `overrides` (command-line flags) apply over
    whichever configuration each file gets.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    work = partial(_lint_for_pool, config=config, overrides=overrides,
                   stdin_filename=stdin_filename, catalogue=catalogue,
                   fast=len(files) >= FAST_MIN_FILES)
    yield from map_in_processes(work, files, jobs=1 if "-" in files else jobs)


def map_in_processes(work: Callable[[T], R], items: Sequence[T], *,
                     jobs: int | None = None, chunk: int | None = None) -> Iterator[R]:
    """`work(item)` for each item, in order, in `jobs` processes (default: one per core, up
    to 8, when there are many items), `chunk` items at a time (default: an eighth of a
    process's share, at most 64); `work` must be picklable."""
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 8) if len(items) >= PARALLEL_MIN_FILES else 1
    if jobs <= 1 or len(items) <= 1:
        yield from map(work, items)
        return
    from concurrent.futures import ProcessPoolExecutor

    chunk = chunk or max(1, min(64, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(min(jobs, len(items))) as pool:
        yield from pool.map(work, items, chunksize=chunk)


def _lint_for_pool(file: str, config: Config | None, overrides: dict[str, Any],
                   stdin_filename: str | None, catalogue: Catalogue | None = None,
                   fast: bool = True) -> FileResult:
    base = config_for(file, config)
    cfg = base.merged(**overrides) if overrides else base
    result = lint_file(file, cfg, display=stdin_filename if file == "-" else None,
                       catalogue=catalogue, fast=fast)
    result.spec = None
    if not result.diagnostics:  # only findings quote the text
        result.text = None
    return result


def load(path: str | os.PathLike[str]) -> Spec:
    """The model of one spec file; raises InvalidSpecError when it has file-level errors.

    Always the precise loader: the model is built from exactly what YAML 1.2 says.
    """
    from .config import Config
    from .engine import lint_loaded
    from .loader import read_file

    # the file's own structure, and its libraries found (a service with `uses`)
    config = Config(select=["SS0", "SS802", "SS803"])
    loaded = read_file(str(path), config.limits_value())
    result = lint_loaded(loaded, config, catalogue_of(str(path), loaded.text))
    errors = [d for d in result.diagnostics if d.severity == Severity.ERROR]
    if result.library is not None and not errors:
        raise InvalidSpecError([], f"{path_text(str(path))} is a library (`kind: Library`), not "
                               "a service: load a service that uses it, which has its elements")
    if result.spec is None or errors:
        raise InvalidSpecError(errors or result.diagnostics)
    return result.spec

