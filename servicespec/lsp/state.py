"""What the server knows of the catalogue: the workspace, changed on the lint thread alone.

Every method here runs on the server's one worker thread. What the event loop reads while a
lint runs (hover, completion, navigation) is the snapshot taken at the end of each: the
catalogue's libraries and the files of the catalogue, replaced whole, never changed in place.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..api import discover, mentions_uses
from ..catalogue import SHARED_SECTIONS, Catalogue
from ..config import CONFIG_NAMES, find_config
from ..diagnostics import Diagnostic
from ..loader import declares_spec_text
from ..results import Declared, FileResult
from ..workspace import Workspace, declares_library


@dataclass(frozen=True)
class Snapshot:
    """One catalogue as the last lint left it."""

    catalogue: Catalogue = field(default_factory=Catalogue)
    files: tuple[str, ...] = ()  # every document of the catalogue


@dataclass
class _Found:
    """The catalogue's findings, and what they were worked out from (what each document
    declared, the editor's texts, and, the same objects while unchanged, each library as
    loaded and each folder's configuration): while none of it changes, a keystroke costs the
    catalogue nothing."""

    declared: list[tuple[str, Declared | None]]
    texts: dict[str, str]
    loaded: list[object]
    findings: dict[str, list[Diagnostic]]

    def holds(self, declared: list[tuple[str, Declared | None]], texts: dict[str, str],
              loaded: list[object]) -> bool:
        return (declared == self.declared and texts == self.texts
                and len(loaded) == len(self.loaded)
                and all(a is b for a, b in zip(loaded, self.loaded, strict=True)))


class State:
    """A workspace for each catalogue the open documents belong to (its folder), and one
    for each document that belongs to none (a lone service is resolved against nothing,
    and two folders' libraries never mix).

    A catalogue's own findings (SS801, SS804) need what every file of it declares, so the
    documents not open are linted too, a few at a time between the editor's lints (`warm`),
    and again when they change on disk (they are `stale` until then)."""

    def __init__(self) -> None:
        self.workspaces: dict[str, Workspace] = {}  # by folder, or by the lone file's path
        self.home: dict[str, str] = {}  # document -> its workspace's key
        self.snapshots: dict[str, Snapshot] = {}
        # by catalogue: the documents whose declarations are not known yet, or out of date
        self.stale: dict[str, set[str]] = {}
        self.found: dict[str, _Found] = {}

    def snapshot_of(self, path: str) -> Snapshot:
        key = self.home.get(path)
        return self.snapshots.get(key, Snapshot()) if key else Snapshot()

    def lint(self, path: str, text: str, texts: dict[str, str]) -> dict[str, FileResult]:
        """Lint an open document's text, and the services that use it when it is a
        library (with the text the editor holds of each that is open)."""
        text, texts = sound(text), {p: sound(t) for p, t in texts.items()}
        if not declares_spec_text(text):
            # other YAML and JSON (a compose file, a workflow) is no spec: left alone, as a
            # folder walk leaves it
            return {path: FileResult(path, [], text=text)}
        key = self._home_of(path, text, texts)
        workspace = self.workspaces[key]
        ids = _shared_ids(workspace, path)
        todo = workspace.update(path, text)
        if ids is not None and ids == _shared_ids(workspace, path):
            # a library retyped with the same ids: what its users refer to is unchanged, the
            # users not open need no lint for the catalogue's findings
            todo = [p for p in todo if p == path or p in texts]
        return self._lint(key, todo, {**texts, path: text})

    def lint_with_catalogue(self, path: str, text: str, texts: dict[str, str]
                            ) -> tuple[dict[str, FileResult], str | None,
                                       dict[str, list[Diagnostic]] | None]:
        """`lint`, the catalogue the document belongs to (None for a lone file) and its
        findings when it is all known (None while some files are stale)."""
        results = self.lint(path, text, texts)
        key = self.catalogue_key(path)
        return results, key, None if key is None else self.catalogue_findings(key, texts)

    def catalogue_key(self, path: str) -> str | None:
        """The folder of the catalogue a document belongs to (None for a lone file)."""
        key = self.home.get(path)
        return key if key is not None and key != path and key in self.workspaces else None

    def warm(self, key: str, texts: dict[str, str], budget: float) -> bool:
        """Lint the stale documents of a catalogue (the editor's text of one that is open)
        for what they declare, for about `budget` seconds, one at least, so that a lint of
        the editor's waits little behind it. Whether stale ones remain."""
        workspace, stale = self.workspaces.get(key), self.stale.get(key)
        if workspace is None or not stale or not workspace.catalogue.libraries:
            return False  # (a catalogue without libraries has no findings of its own)
        texts = {p: sound(t) for p, t in texts.items()}
        end = time.monotonic() + budget
        while stale:
            path = min(stale)
            stale.discard(path)
            if path in workspace.documents:
                workspace.lint([path], texts, catalogue_rules=False)
            if time.monotonic() >= end:
                break
        return bool(stale)

    def catalogue_findings(self, key: str, texts: dict[str, str]
                           ) -> dict[str, list[Diagnostic]] | None:
        """The catalogue's own findings by file, as `servicespec lint <folder>` reports
        them; None while some document of it is stale (they would be guesses)."""
        workspace = self.workspaces.get(key)
        if workspace is None:
            return None
        if not workspace.catalogue.libraries:  # as `lint`: a folder that shares nothing
            return {}
        if self.stale.get(key):
            return None
        documents = sorted(workspace.documents.items())
        declared = [(p, d.declared) for p, d in documents]
        texts = {p: sound(t) for p, t in texts.items() if p in workspace.documents}
        # the configuration as it is now (an edit counts without a restart, as for a lint)
        loaded: list[object] = [d.library for _, d in documents] + [
            find_config(Path(folder)).config
            for folder in sorted({os.path.dirname(p) for p, _ in documents})]
        found = self.found.get(key)
        if found is None or not found.holds(declared, texts, loaded):
            linted = {p: FileResult(p, [], text=texts.get(p), declared=d)
                      for p, d in declared}
            found = self.found[key] = _Found(declared, texts, loaded,
                                             workspace.catalogue_findings(linted))
        return found.findings

    def closed(self, path: str, texts: dict[str, str]) -> dict[str, FileResult]:
        """The editor closed a document: the disk's text counts again."""
        texts = {p: sound(t) for p, t in texts.items() if p != path}
        key = self.home.get(path)
        if key is None:
            return {}
        workspace = self.workspaces[key]
        if key == path or not os.path.lexists(path):
            todo = workspace.remove(path)
            self.home.pop(path, None)
            self.stale.get(key, set()).discard(path)
            if key == path:
                self._drop(key)
                return {}
        else:
            todo = workspace.update(path)  # what it declares is the disk's again
        return self._lint(key, todo, texts)

    def files_changed(self, changes: Iterable[tuple[str, bool]], texts: dict[str, str]
                      ) -> dict[str, FileResult] | None:
        """Files changed on disk (path, deleted). None when a configuration file changed:
        then every open document is to be linted again."""
        texts = {p: sound(t) for p, t in texts.items()}
        todo: dict[str, set[str]] = {}
        for path, deleted in changes:
            if os.path.basename(path) in CONFIG_NAMES:
                return None
            if path in texts:
                continue  # the editor's text wins over the disk's
            for key, workspace in self.workspaces.items():
                if key == path:
                    continue
                if deleted:
                    todo.setdefault(key, set()).update(workspace.remove(path))
                    self.home.pop(path, None)
                    self.stale.get(key, set()).discard(path)
                elif path in workspace.documents or _inside(path, key):
                    todo.setdefault(key, set()).update(workspace.update(path))
                    self.home.setdefault(path, key)
        out: dict[str, FileResult] = {}
        for key, paths in todo.items():
            out.update(self._lint(key, sorted(paths), texts))
        return out

    def _lint(self, key: str, paths: list[str], texts: dict[str, str]
              ) -> dict[str, FileResult]:
        """Lint the open documents among `paths`; the others (a library's users, when it
        changed) become stale, linted again in the background for what they declare."""
        workspace = self.workspaces[key]
        open_ = [p for p in paths if p in texts]
        if self.home.get(key) != key:  # a catalogue
            self.stale.setdefault(key, set()).update(
                p for p in paths if p not in texts and p in workspace.documents)
        # the catalogue's own findings are added apart (`catalogue_findings`), once every
        # file of it is known
        results = workspace.lint(open_, texts, catalogue_rules=False) if open_ else {}
        self.stale.get(key, set()).difference_update(open_)
        self.snapshots[key] = Snapshot(workspace.catalogue, tuple(sorted(workspace.documents)))
        return results

    def _drop(self, key: str) -> None:
        for table in (self.workspaces, self.snapshots, self.stale, self.found):
            table.pop(key, None)

    def _home_of(self, path: str, text: str, texts: dict[str, str]) -> str:
        """The key of the workspace a document belongs to, its catalogue read on first use:
        the folder its configuration names (`catalogue =`), else its own folder when it uses
        libraries or is one (a lone file is not a reason to walk the folder it sits in)."""
        folder = None
        if os.path.isabs(path):  # not an untitled buffer
            here = os.path.dirname(path)
            folder = find_config(Path(here)).config.catalogue_folder()
            if folder is None and (mentions_uses(text) or declares_library(text)):
                folder = here
        key = os.path.abspath(folder) if folder is not None and os.path.isdir(folder) \
            else path
        before = self.home.get(path)
        if before is not None and before != key:  # it joined or left a catalogue
            self.workspaces[before].remove(path)
            self.stale.get(before, set()).discard(path)
            if before == path:
                self._drop(before)
        self.home[path] = key
        if key not in self.workspaces:
            workspace = self.workspaces[key] = Workspace()
            if key != path:
                stale = self.stale[key] = set()
                for file in discover([key]):
                    file = os.path.abspath(file)
                    if file != path:
                        workspace.update(file, texts.get(file))
                        self.home.setdefault(file, key)
                        stale.add(file)
        return key


# a lone surrogate: JSON can carry one (`"\\udcff"`), UTF-8 and the YAML parser cannot
_SURROGATE = re.compile("[\ud800-\udfff]")


def sound(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD (one code point for another, so
    every column stays where it was)."""
    return _SURROGATE.sub("\ufffd", text)


def _shared_ids(workspace: Workspace, path: str) -> tuple[str, frozenset[str]] | None:
    """A library's id and the ids of its shared elements (None when `path` is no library)."""
    document = workspace.documents.get(path)
    shared = document.library if document is not None else None
    if shared is None:
        return None
    return shared.id, frozenset(e.id for s in SHARED_SECTIONS
                                for e in getattr(shared.library, s))


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)
