"""The server: the protocol's messages, and linting off the event loop.

A change schedules a lint of its document after a short pause (more keystrokes within it
are taken together); the lint runs on one worker thread, so the loop keeps answering hover
and completion meanwhile. A lint that finishes after a newer version arrived is dropped and
the newest version linted: the editor only ever sees findings for what it holds.

A catalogue's own findings (SS801, SS804) need every file of it: once a document of a
catalogue is open, the files not open are linted in the background, a slice at a time on the
same thread (an editor's lint waits for one slice at most), and the catalogue's findings are
published on the open documents they belong to once it is all known; the opened document's
own findings come first.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..diagnostics import Diagnostic
from ..results import FileResult
from .diagnostics import to_lsp
from .positions import split_lines
from .state import State

logger = logging.getLogger(__name__)

# seconds a change that follows another this closely waits for the next keystroke
DEBOUNCE = 0.015
# seconds of background linting of a catalogue's other files at a time, once the editor has
# been quiet (no change, no lint under way) for WARM_AFTER: a keystroke waits for one slice at
# most, and none while typing goes on
WARM_SLICE = 0.01
WARM_AFTER = 0.05
# the files whose changes matter: specs, libraries and the configuration
_WATCHED = ("**/*.yaml", "**/*.yml", "**/*.json", "**/servicespec.toml", "**/pyproject.toml")


class SpecServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("servicespec", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.state = State()
        # one thread: the workspace is changed by one lint at a time, in order
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="servicespec-lint")
        self.debounce = DEBOUNCE
        self.linting: dict[str, asyncio.Task[None]] = {}
        self.changed: dict[str, float] = {}  # when each document last changed (monotonic)
        # the findings last published, by document: (range, code), for hover
        self.shown: dict[str, list[tuple[types.Range, str]]] = {}
        # by document, the text its findings were worked out for and the findings: its own,
        # and the catalogue's (apart: each is worked out at its own time)
        self.own: dict[str, tuple[str, list[types.Diagnostic]]] = {}
        self.shared: dict[str, tuple[str, list[Diagnostic], list[types.Diagnostic]]] = {}
        self.warming: dict[str, asyncio.Task[None]] = {}  # by catalogue

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or "utf-16"
        return str(getattr(encoding, "value", encoding))  # an lsprotocol enum, or its text

    def path_of(self, uri: str) -> str:
        return to_fs_path(uri) or uri

    def held_text(self, uri: str) -> tuple[str, int | None] | None:
        document = self.workspace.text_documents.get(uri)
        return None if document is None else (document.source, document.version)

    def schedule(self, uri: str, delay: float | None = None) -> None:
        """Lint `uri` soon; a lint of it already under way picks up the newest text. A
        change after a pause is linted at once; one that follows another within the
        debounce waits for the typing to stop."""
        now = time.monotonic()
        before, self.changed[uri] = self.changed.get(uri), now
        task = self.linting.get(uri)
        if task is not None and not task.done():
            return  # its loop lints again when it sees the version moved on
        if delay is None:
            delay = self.debounce if before is not None and now - before < self.debounce \
                else 0.0
        self.linting[uri] = asyncio.ensure_future(self._lint(uri, delay))

    async def _lint(self, uri: str, delay: float) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if delay:
                await asyncio.sleep(delay)
            held = self.held_text(uri)
            if held is None:
                return  # closed meanwhile
            text, version = held
            path = self.path_of(uri)
            texts = self.open_texts()
            try:
                results, key, found = await loop.run_in_executor(
                    self.pool, self.state.lint_with_catalogue, path, text, texts)
            except Exception:  # a bug: say so in the editor's log, keep serving
                logger.exception("linting %s failed", path)
                return
            now = self.held_text(uri)
            if now is None:
                return
            if now[1] != version or now[0] != text:
                delay = self.debounce
                continue  # superseded: lint the newest
            if found is not None:
                self.set_shared(found, texts, key, quiet=set(results))
            self.publish(results, texts)
            if key is not None and found is None:
                self.refresh(key)  # published first, the catalogue's findings follow
            return

    def refresh(self, key: str) -> None:
        """Work out the catalogue's findings, linting its stale files first, in the
        background; then show them."""
        task = self.warming.get(key)
        if task is None or task.done():
            self.warming[key] = asyncio.ensure_future(self._refresh(key))

    async def _refresh(self, key: str) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not any(self.state.catalogue_key(self.path_of(uri)) == key
                       for uri in self.workspace.text_documents):
                return  # its last document closed: no one to show them to
            await self.quiet()
            texts = self.open_texts()
            try:
                if await loop.run_in_executor(self.pool, self.state.warm, key, texts,
                                              WARM_SLICE):
                    continue
                found = await loop.run_in_executor(
                    self.pool, self.state.catalogue_findings, key, texts)
            except Exception:
                logger.exception("linting the catalogue %s failed", key)
                return
            if found is not None:  # else a file went stale meanwhile
                self.set_shared(found, texts, key)
                return

    async def quiet(self) -> None:
        """Return once no lint of the editor's is under way and no document has changed
        for WARM_AFTER seconds."""
        while True:
            busy = any(not task.done() for task in self.linting.values())
            since = time.monotonic() - max(self.changed.values(), default=0.0)
            if not busy and since >= WARM_AFTER:
                return
            await asyncio.sleep(max(WARM_AFTER - since, 0.005))

    def set_shared(self, found: dict[str, list[Diagnostic]], texts: dict[str, str],
                   key: str | None, quiet: Collection[str] = ()) -> None:
        """Take the catalogue's findings for the open documents of catalogue `key`, and
        show those of each that changed (but those in `quiet`, about to be published)."""
        for uri, document in list(self.workspace.text_documents.items()):
            path = self.path_of(uri)
            if self.state.catalogue_key(path) != key or texts.get(path) != document.source:
                continue
            mine = found.get(path, [])
            before = self.shared.get(uri)
            if before is not None and before[0] == document.source and before[1] == mine:
                continue
            diagnostics = to_lsp(FileResult(path, mine), document.source, self.encoding,
                                 self.lines_of)
            self.shared[uri] = (document.source, mine, diagnostics)
            if path not in quiet:
                self.show(uri)

    def open_texts(self) -> dict[str, str]:
        return {self.path_of(uri): d.source for uri, d in self.workspace.text_documents.items()}

    def publish(self, results: dict[str, Any], texts: dict[str, str]) -> None:
        """The findings of the documents linted that the editor has open (`texts`: the
        editor's texts they were linted with; one that has changed since is not shown, its
        own lint is on its way)."""
        # the editor's own spelling of each URI (its escapes may differ from ours)
        uris = {self.path_of(uri): uri for uri in self.workspace.text_documents}
        for path, result in results.items():
            uri = uris.get(path)
            document = self.workspace.text_documents.get(uri) if uri else None
            if uri is None or document is None or texts.get(path) != document.source:
                continue
            self.own[uri] = (document.source, to_lsp(result, document.source, self.encoding,
                                                     self.lines_of))
            self.show(uri)

    def show(self, uri: str) -> None:
        """Publish a document's findings, its own and the catalogue's, those worked out
        for the text the editor holds."""
        document = self.workspace.text_documents.get(uri)
        own = self.own.get(uri)
        if document is None or own is None or own[0] != document.source:
            return  # its own lint is on its way, and shows both
        shared = self.shared.get(uri)
        diagnostics = [*own[1], *(shared[2] if shared and shared[0] == document.source
                                  else [])]
        self.shown[uri] = [(d.range, str(d.code)) for d in diagnostics]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics, version=document.version))

    def text_of(self, path: str) -> str:
        """A file's text: the editor's when it has it open, else the disk's ("" when it
        cannot be read)."""
        uris = {self.path_of(uri): uri for uri in self.workspace.text_documents}
        document = self.workspace.text_documents.get(uris.get(path, ""))
        if document is not None:
            return document.source
        from ..loader import Loaded, read_text

        read = read_text(path)
        return "" if isinstance(read, Loaded) else read

    def lines_of(self, path: str) -> list[str]:
        return split_lines(self.text_of(path))

    def codes_at(self, uri: str, position: types.Position) -> list[str]:
        """The codes of the findings shown at a position."""
        at = (position.line, position.character)
        return list(dict.fromkeys(
            code for r, code in self.shown.get(uri, [])
            if (r.start.line, r.start.character) <= at <= (r.end.line, r.end.character)))

    def refresh_all(self) -> None:
        """The catalogues of the open documents may have changed: their findings too."""
        for key in {self.state.catalogue_key(self.path_of(u))
                    for u in self.workspace.text_documents}:
            if key is not None:
                self.refresh(key)

    def relint_open(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)


def make_server() -> SpecServer:
    server = SpecServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SpecServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("debounce"), (int, float)):
            ls.debounce = max(0.0, min(float(options["debounce"]), 5.0))

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SpecServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace
        dynamic = watched and watched.did_change_watched_files and \
            watched.did_change_watched_files.dynamic_registration
        if dynamic:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(
                    id="servicespec-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern=g) for g in _WATCHED]))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SpecServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SpecServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: SpecServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: SpecServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        for table in (ls.shown, ls.own, ls.shared):
            table.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri,
                                                                             diagnostics=[]))
        # the workspace goes back to the disk's text, and so do the library's users
        path, texts = ls.path_of(uri), ls.open_texts()
        results = await asyncio.get_running_loop().run_in_executor(
            ls.pool, ls.state.closed, path, texts)
        ls.publish(results, texts)
        ls.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: SpecServer, params: types.DidChangeWatchedFilesParams) -> None:
        changes = [(ls.path_of(c.uri), c.type == types.FileChangeType.Deleted)
                   for c in params.changes]
        texts = ls.open_texts()
        results = await asyncio.get_running_loop().run_in_executor(
            ls.pool, ls.state.files_changed, changes, texts)
        if results is None:  # the configuration changed: every open document may differ
            ls.relint_open()
        else:
            ls.publish(results, texts)
            ls.refresh_all()

    from .features import register

    register(server)
    return server
