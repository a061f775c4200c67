"""What the server knows of the catalogue: the workspace, changed on the lint thread alone.

Every method here runs on the server's one worker thread. What the event loop reads while a
lint runs (hover, completion, navigation) is the snapshot taken at the end of each: the
catalogue's libraries and the files of the catalogue, replaced whole, never changed in place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..api import discover, mentions_uses
from ..catalogue import Catalogue
from ..config import CONFIG_NAMES, find_config
from ..loader import declares_spec_text
from ..results import FileResult
from ..workspace import Workspace, declares_library


@dataclass(frozen=True)
class Snapshot:
    """One catalogue as the last lint left it."""

    catalogue: Catalogue = field(default_factory=Catalogue)
    files: tuple[str, ...] = ()  # every document of the catalogue


class State:
    """A workspace for each catalogue the open documents belong to (its folder), and one
    for each document that belongs to none (a lone service is resolved against nothing,
    and two folders' libraries never mix)."""

    def __init__(self) -> None:
        self.workspaces: dict[str, Workspace] = {}  # by folder, or by the lone file's path
        self.home: dict[str, str] = {}  # document -> its workspace's key
        self.snapshots: dict[str, Snapshot] = {}

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
        return self._lint(key, self.workspaces[key].update(path, text), texts)

    def closed(self, path: str, texts: dict[str, str]) -> dict[str, FileResult]:
        """The editor closed a document: the disk's text counts again."""
        texts = {p: sound(t) for p, t in texts.items()}
        key = self.home.get(path)
        if key is None:
            return {}
        workspace = self.workspaces[key]
        if key == path or not os.path.lexists(path):
            todo = workspace.remove(path)
            self.home.pop(path, None)
            if key == path:
                self.workspaces.pop(key, None)
                self.snapshots.pop(key, None)
                return {}
        else:
            todo = workspace.update(path)
        return self._lint(key, [p for p in todo if p != path], texts)

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
                elif path in workspace.documents or _inside(path, key):
                    todo.setdefault(key, set()).update(workspace.update(path))
                    self.home.setdefault(path, key)
        out: dict[str, FileResult] = {}
        for key, paths in todo.items():
            out.update(self._lint(key, sorted(p for p in paths if p in texts), texts))
        return out

    def _lint(self, key: str, paths: list[str], texts: dict[str, str]
              ) -> dict[str, FileResult]:
        workspace = self.workspaces[key]
        results = workspace.lint(paths, texts) if paths else {}
        self.snapshots[key] = Snapshot(workspace.catalogue, tuple(sorted(workspace.documents)))
        return results

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
            if before == path:
                self.workspaces.pop(before, None)
                self.snapshots.pop(before, None)
        self.home[path] = key
        if key not in self.workspaces:
            workspace = self.workspaces[key] = Workspace()
            if key != path:
                for file in discover([key]):
                    file = os.path.abspath(file)
                    if file != path:
                        workspace.update(file, texts.get(file))
                        self.home.setdefault(file, key)
        return key


# a lone surrogate: JSON can carry one (`"\\udcff"`), UTF-8 and the YAML parser cannot
_SURROGATE = re.compile("[\ud800-\udfff]")


def sound(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD (one code point for another, so
    every column stays where it was)."""
    return _SURROGATE.sub("\ufffd", text)


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)
