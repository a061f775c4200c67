"""The catalogue's documents: which files form it, how their ids resolve, who uses whom.

One-shot `lint` builds a workspace from the folders given (or `catalogue =`), lints and
exits; a long-lived process (`serve`, an editor's language server) keeps one and calls
`update` with what changed, which says which documents to lint again. Rules still see one
service at a time, resolved against the libraries it uses (`catalogue.py`); the catalogue's
own rules, SS801 and SS804, run here over every file's `Declared`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Severity, fingerprint
from .fsutil import open_regular
from .loader import SPEC_HEAD_BYTES, Loaded, decode, read_text
from .results import Declared, FileResult

if TYPE_CHECKING:
    from .catalogue import Catalogue, SharedLibrary
    from .config import Config
    from .source import SourceMap

# The model and the engine are imported when a library is found or a file is linted: a run
# answered from the cache over a catalogue without libraries needs neither (performance.md).

# `kind: Library` (YAML) or `"kind": "Library"` (JSON) near the top: worth loading whole
_LIBRARY = re.compile(r"""(?:^|[{,])[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?Library\b""",
                      re.MULTILINE)


def declares_library(text: str) -> bool:
    """Whether a text says `kind: Library` near its top."""
    return bool(_LIBRARY.search(text[:SPEC_HEAD_BYTES]))


@dataclass
class Document:
    """One file of the catalogue as the workspace last read it. A library is loaded whole
    (its elements resolve other files' ids); a service is known by what linting it declared.
    """

    path: str
    declared: Declared | None = None
    library: SharedLibrary | None = None
    # says `kind: Library` near its top, whether or not it loads as one (the site gives it a
    # library's page, with its errors)
    claims_library: bool = False
    text: str | None = None  # a library's text that does not load as one


class Workspace:
    """The files of a catalogue, their libraries by id and who uses whom."""

    def __init__(self, files: Iterable[str] = (), config: Config | None = None) -> None:
        self.config = config
        self.documents: dict[str, Document] = {}
        for file in files:
            self.update(file)

    def update(self, path: str, text: str | None = None) -> list[str]:
        """Read one document again: from `text` (what an editor holds, which wins over the
        disk), else from the disk. Returns the documents to lint again: the document, and for
        a library every service that uses it, before or after the change."""
        before = self.dependents(path)
        document = self.documents.setdefault(path, Document(path))
        document.library = None
        document.claims_library = (is_library(path) if text is None
                                   else declares_library(text))
        if text is None and document.claims_library:
            read = read_text(path)
            text = None if isinstance(read, Loaded) else read
        if text is not None and document.claims_library:
            from .catalogue import SharedLibrary
            from .loader import load_text
            from .model.spec import Library
            from .model.validate import build_spec

            model, _ = build_spec(load_text(text, path))
            if isinstance(model, Library):
                document.library = SharedLibrary(path, model, text)
                document.declared = Declared(model.kind, model.metadata.id)
        document.text = text if document.claims_library and document.library is None else None
        return sorted({path, *before, *self.dependents(path)})

    def remove(self, path: str) -> list[str]:
        """Forget a deleted document; the documents to lint again (its users)."""
        users = self.dependents(path)
        self.documents.pop(path, None)
        return users

    def record(self, result: FileResult) -> None:
        """What linting a file found it declares (its id, `uses` and shared references)."""
        document = self.documents.get(result.file)
        if document is not None and document.library is None:
            document.declared = result.declared

    @property
    def catalogue(self) -> Catalogue:
        """The libraries by id; of two with one id the first by path (the other is SS801)."""
        from .catalogue import Catalogue

        libraries: dict[str, SharedLibrary] = {}
        broken: dict[str, str] = {}
        for path in sorted(self.documents):
            document = self.documents[path]
            if document.library is not None:
                libraries.setdefault(document.library.id, document.library)
            elif document.claims_library and document.text is not None:
                broken[path] = document.text
        return Catalogue(libraries, broken)

    def dependents(self, path: str) -> list[str]:
        """The services that use the library in `path` (none when it is no library)."""
        document = self.documents.get(path)
        if document is None or document.library is None:
            return []
        if self.catalogue.libraries.get(document.library.id) is not document.library:
            return []  # a duplicate (SS801): services resolve against the other one
        return sorted(p for p, d in self.documents.items() if d.declared is not None
                      and document.library.id in d.declared.uses)

    def lint(self, paths: Iterable[str] | None = None, texts: dict[str, str] | None = None,
             *, catalogue_rules: bool = True) -> dict[str, FileResult]:
        """Lint documents (default: all) one after another, with the catalogue's rules
        (`catalogue_rules=False`: without them, for a caller that adds them once the whole
        catalogue is known); `texts` are what an editor holds of open documents (linted
        instead of the disk's). The CLI lints in processes (`api.lint_files`) and then calls
        `catalogue_findings`."""
        from .engine import lint_loaded, lint_text

        catalogue = self.catalogue
        out = {}
        for path in sorted(self.documents) if paths is None else paths:
            config = self.config or _config_near(path)
            held = (texts or {}).get(path)
            limits = config.limits_value()
            text: str | Loaded
            if held is None:
                text = read_text(path, limits)
            elif len(held) * 4 <= limits.max_file_bytes:  # under the limit in any encoding
                text = held
            else:  # the size limit, as a file of these bytes gets it
                text = decode(held.encode("utf-8", "surrogatepass"), path, limits)
            result = lint_loaded(text, config, catalogue) if isinstance(text, Loaded) \
                else lint_text(text, path, config, catalogue)
            self.record(result)
            out[path] = result
        if not catalogue_rules:
            return out
        for path, found in self.catalogue_findings(out).items():
            out[path].diagnostics = sorted([*out[path].diagnostics, *found],
                                           key=lambda d: d.sort_key)
        return out

    def catalogue_findings(self, linted: dict[str, FileResult],
                           overrides: dict[str, object] | None = None
                           ) -> dict[str, list[Diagnostic]]:
        """SS801 over the files linted, and SS804 when every file of the catalogue was
        linted and it has a service: one file cannot know what the others use. Both only in
        a catalogue that has libraries: until it shares something, a folder of specs lints
        as it always did. A finding that an inline comment of its file suppresses goes to
        that file's result's `suppressed`, as the file's own findings do."""
        for result in linted.values():
            self.record(result)
        out: dict[str, list[Diagnostic]] = {}

        merged: dict[int, Config] = {}  # the command line's flags over each configuration

        def config_of(path: str) -> Config:
            config = self.config or _config_near(path)
            if overrides:
                config = merged.setdefault(id(config), config.merged(**overrides))
            return config

        def enabled(code: str, path: str) -> Config | None:
            config = config_of(path)
            return config if config.enabled(code, path) else None

        texts: dict[str, str] = {}  # the text each finding's position was read from

        libraries = self.catalogue.libraries
        if not libraries:  # a folder of v1 specs that shares nothing lints as it always did
            return out
        first: dict[str, str] = {}
        for path in sorted(p for p in self.documents if self.documents[p].declared):
            declared = self.documents[path].declared
            assert declared is not None
            earlier = first.setdefault(declared.id, path)
            config = enabled("SS801", path) if earlier != path and path in linted else None
            if config is not None:
                text = texts[path] = linted[path].text or _text(path)
                out.setdefault(path, []).append(_at(
                    path, text, ("metadata", "id"), "SS801", config,
                    f"'{declared.id}' is already the `metadata.id` of {earlier}: every file "
                    "of the catalogue needs its own id"))
        services = [d for d in self.documents.values()
                    if d.declared is not None and d.declared.kind == "Service"]
        # a library on its own (just written, or linted alone) has no users to miss yet
        if services and all(p in linted for p in self.documents):
            from .catalogue import SHARED_SECTIONS

            used = {r for d in self.documents.values() if d.declared for r in d.declared.refers}
            for shared in libraries.values():
                config = enabled("SS804", shared.file)
                if config is None:
                    continue
                texts[shared.file] = shared.text
                for section in SHARED_SECTIONS:
                    for j, element in enumerate(getattr(shared.library, section)):
                        if element.id not in used:
                            out.setdefault(shared.file, []).append(_at(
                                shared.file, shared.text, (section, j, "id"), "SS804", config,
                                f"{section[:-1]} '{element.id}' of library '{shared.id}' is "
                                "used by no service of the catalogue: remove it, or refer to "
                                "it from a service that relies on it"))
        return _without_suppressed(out, texts, linted, config_of)


def _without_suppressed(found: dict[str, list[Diagnostic]], texts: dict[str, str],
                        linted: dict[str, FileResult], config_of: Callable[[str], Config]
                        ) -> dict[str, list[Diagnostic]]:
    """The catalogue's findings less those an inline comment of their file suppresses, which
    join the file's result's `suppressed` (the file's own lint judged its comments)."""
    from .engine import apply_suppressions

    out = {}
    for path, diagnostics in found.items():
        text = texts[path]
        kept, suppressed = (diagnostics, []) if "servicespec:" not in text else \
            apply_suppressions(_loaded(text, path), diagnostics, config_of(path), judge=False)
        if suppressed and path in linted:
            result = linted[path]
            result.suppressed = sorted([*result.suppressed, *suppressed],
                                       key=lambda s: s.diagnostic.sort_key)
        if kept:
            out[path] = kept
    return out


def is_library(path: str) -> bool:
    """The file says `kind: Library` near its top (read no further)."""
    return declares_library(_head(path))


def _config_near(path: str) -> Config:
    from .config import find_config

    return find_config(Path(os.path.abspath(path)).parent).config


def _head(path: str) -> str:
    """The first bytes of a file as text (where `kind:` is); empty when it cannot be read
    (linting it says why)."""
    try:
        with open_regular(path) as fh:
            return fh.read(SPEC_HEAD_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""


def _text(path: str) -> str:
    text = read_text(path)
    return text.text if isinstance(text, Loaded) else text


@lru_cache(maxsize=4)
def _loaded(text: str, file: str) -> Loaded:
    """A file parsed once for all its findings (a library with many unused elements, an
    editor asking again while nothing changed) and its suppression comments."""
    from .loader import load_text  # the precise loader: anchors and all, as linting read it

    return load_text(text, file)


def _source(text: str, file: str) -> SourceMap:
    return _loaded(text, file).source


def _at(file: str, text: str, path: tuple[str | int, ...], code: str, config: Config,
        message: str) -> Diagnostic:
    span = _source(text, file).locate(path)
    element = ".".join(str(p) for p in path[:-1]) if code == "SS804" else "metadata.id"
    return Diagnostic(code, config.rule_name(code), config.severity_of(code, _SEVERITIES[code]),
                      message, file, span.line, span.column, span.end_line, span.end_column,
                      element, fingerprint(code, element, 0), path)


_SEVERITIES = {"SS801": Severity.ERROR, "SS804": Severity.INFO}  # CATALOGUE_CODES
