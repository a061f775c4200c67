"""`servicespec serve`: the site as a live preview for the people writing the specs.

The site is built into a fresh temporary folder; a file watcher (watchfiles) rebuilds it into
another one when a spec or a configuration file is saved, and the server switches to it. Pages
built for serving carry a small script that long-polls `/__reload` and reloads the page when
the build changes. A spec with errors is simply a page listing them (the linter reports, it
does not raise); anything unexpected while building shows an error page, and the server keeps
running until the next save.

The server listens on 127.0.0.1 only and answers only requests addressed to it by that name
(or `localhost`), so a web page elsewhere cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Sequence
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..api import SPEC_SUFFIXES
from ..config import ConfigError, read_config
from ..textutil import terminal_safe
from .build import (
    BUILD_PLACEHOLDER,
    CONTENT_SECURITY_POLICY,
    Page,
    SiteError,
    build_stamp,
    error_page,
    static_files,
    write_pages,
    write_tree,
)

HOST = "127.0.0.1"
CONFIG_FILES = ("servicespec.toml", "pyproject.toml")
# how long one /__reload request waits for a new build before answering "no change"
POLL_SECONDS = 25.0
# how long a connection may stay silent (no request, or a request sent slowly) before it is
# closed, and how many may be open at once (each holds a thread; an open page holds one for
# its long poll): more are closed at once, so idle connections cannot pile up threads
IDLE_SECONDS = 30.0
MAX_CONNECTIONS = 32


# `serve` builds in a folder of its own under this one, in the system's temporary folder:
# one per user, so that the next `serve` finds what a killed one left
SERVE_FOLDER = "servicespec-serve-{uid}"
_RUN = re.compile(r"run-[a-z0-9_]{8}")


def serve_root() -> tuple[Path, int]:
    """A new folder for one server's builds, locked for as long as the process lives (the
    lock goes with the process however it ends, SIGKILL included), and the descriptor that
    holds the lock. The folders of servers that are gone, unlocked, are removed first: a
    killed `serve` leaves nothing behind for longer than the next start."""
    from .build import _lock

    base = Path(tempfile.gettempdir()) / SERVE_FOLDER.format(uid=os.getuid())
    with contextlib.suppress(FileExistsError):
        base.mkdir(mode=0o700)
    info = base.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        # another user's folder, or a link: never cleaned, never written into
        raise SiteError(f"{base} is not a private folder of this user: remove it, or set "
                        "TMPDIR to another temporary folder")
    # the base's own lock is held while a folder is made and locked, and while stale ones are
    # cleared: a folder just made is never taken for a stale one
    guard = _lock(base, wait=True)
    assert guard is not None
    try:
        for name in sorted(os.listdir(base)):
            folder = base / name
            if not _RUN.fullmatch(name) or folder.is_symlink() or not folder.is_dir():
                continue
            held = _lock(folder)
            if held is not None:  # nobody holds it: its server is gone
                try:
                    shutil.rmtree(folder, ignore_errors=True)
                finally:
                    os.close(held)
        root = Path(tempfile.mkdtemp(prefix="run-", dir=base))
        fd = _lock(root)
        assert fd is not None
    finally:
        os.close(guard)
    return root, fd


class SiteState:
    """The current build: which folder is served, its id, and the error if it failed.

    The configuration is looked up at every build: `config_file` (`--config`) read again,
    else the files found beside each spec (`config.find_config` sees them as they are now),
    so a saved configuration takes effect at the next build.

    A rebuild writes again only the pages whose spec file (inode, size, times) or applied
    configuration changed; the others are linked from the build before.
    """

    def __init__(self, paths: Sequence[str], config_file: str | None = None,
                 on_build: Callable[[str], None] | None = None) -> None:
        self.paths = list(paths)
        self.config_file = config_file
        self.on_build = on_build or (lambda message: None)
        self.root, self._root_lock = serve_root()
        self.folder = self.root / "empty"
        self.folder.mkdir()
        self.build_number = 0
        self.build_id = build_stamp(0)
        self.error = ""
        self.pages: list[Page] = []  # those of the current build
        self.changed = threading.Condition()
        self._build_lock = threading.Lock()
        self._closed = False

    def current(self) -> tuple[Path, str]:
        """The folder served and its build id, read together."""
        with self.changed:
            return self.folder, self.build_id

    def rebuild(self) -> None:
        """Build the site into a new folder and switch to it; never raises."""
        with self._build_lock:
            if self._closed:
                return
            number = self.build_number + 1
            build_id = build_stamp(number)
            folder = self.root / f"build-{number}"
            folder.mkdir()
            error = ""
            pages: list[Page] = []
            try:
                config = read_config(Path(self.config_file)) if self.config_file else None
                built = write_pages(self.paths, folder, config, live_reload=True,
                                    previous=self.pages, previous_folder=self.folder)
                pages = built.pages
                message = f"built {built.summary}"
            except (SiteError, ConfigError) as exc:
                error = str(exc)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                for line in traceback.format_exc().splitlines():  # it may quote spec text
                    print(terminal_safe(line), file=sys.stderr)
            if error:
                pages = []
                shutil.rmtree(folder, ignore_errors=True)
                files = {f"static/{name}": data for name, data in static_files().items()}
                files["index.html"] = error_page(error, live_reload=True)
                write_tree(files, folder)
                message = f"the site could not be built: {error}"
            # announced before it is served: whoever sees a build has had its message
            self.on_build(message)
            with self.changed:
                old = self.folder
                self.folder, self.build_number, self.build_id = folder, number, build_id
                self.error = error
                self.pages = pages
                self.changed.notify_all()
            # the build before last: no request can still be reading it
            stale = self.root / f"build-{number - 2}"
            if stale != old and stale.exists():
                shutil.rmtree(stale, ignore_errors=True)
            if old.name == "empty":
                shutil.rmtree(old, ignore_errors=True)

    def wait_for_change(self, seen: str, timeout: float) -> str:
        """The build id, once it differs from `seen` (or when `timeout` runs out)."""
        with self.changed:
            self.changed.wait_for(lambda: self.build_id != seen, timeout=timeout)
            return self.build_id

    def close(self) -> None:
        # a build under way ends first, and none starts after: nothing is written once the
        # builds are removed
        with self._build_lock:
            self._closed = True
            with self.changed:
                self.build_id = "closed"
                self.changed.notify_all()
            shutil.rmtree(self.root, ignore_errors=True)
            if self._root_lock >= 0:
                os.close(self._root_lock)
                self._root_lock = -1


class Handler(SimpleHTTPRequestHandler):
    """Static files from the current build, plus `/__reload`."""

    server: SiteHTTPServer

    def __init__(self, request: Any, client_address: Any, server: SiteHTTPServer) -> None:
        folder, self.build_id = server.state.current()
        super().__init__(request, client_address, server, directory=str(folder))

    def _stamped(self, body: bytes) -> bytes:
        """A page with its build number in (see `build.BUILD_PLACEHOLDER`)."""
        return body.replace(f'data-build="{BUILD_PLACEHOLDER}"'.encode(),
                            f'data-build="{self.build_id}"'.encode(), 1)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if urlsplit(self.path).path.endswith((".html", "/")):
            outputfile.write(self._stamped(source.read()))
        else:
            super().copyfile(source, outputfile)

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_seconds)  # a silent client is let go

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        super().end_headers()

    def _refused(self) -> bool:
        """Answer a request that is not served, and say so: another host name (DNS
        rebinding), or a path no file can have (a NUL byte, which `open` refuses)."""
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host
        if name not in (HOST, "localhost"):
            self.send_error(HTTPStatus.FORBIDDEN, "use http://127.0.0.1 or localhost")
            return True
        if "\x00" in unquote(urlsplit(self.path).path):
            self.send_error(HTTPStatus.BAD_REQUEST, "no file has such a name")
            return True
        return False

    def do_HEAD(self) -> None:
        if not self._refused():
            super().do_HEAD()

    def do_GET(self) -> None:
        if self._refused():
            return
        url = urlsplit(self.path)
        if url.path == "/__reload":
            self._reload(parse_qs(url.query).get("build", [""])[0])
            return
        if self.server.state.error and url.path.endswith((".html", "/")):
            self._page(HTTPStatus.INTERNAL_SERVER_ERROR,
                       (Path(self.directory) / "index.html").read_bytes())
            return
        super().do_GET()

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        if code == HTTPStatus.NOT_FOUND and self.command == "GET":
            # a page that went away (a spec renamed or deleted): say so, and keep reloading
            body = error_page("There is no such page in the current build: the spec may have "
                              "been renamed or removed. Go back to the catalogue.",
                              live_reload=True)
            self._page(HTTPStatus.NOT_FOUND, body)
            return
        super().send_error(code, message, explain)

    def _page(self, status: int, body: bytes) -> None:
        body = self._stamped(body)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _reload(self, seen: str) -> None:
        build = self.server.state.wait_for_change(seen, self.server.poll_seconds)
        body = json.dumps({"build": build}).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # the kernel's queue of connections not yet accepted: at the default of 5 a burst waits
    # for the client to retry; accepted, those over the cap are closed at once
    request_queue_size = 128

    def __init__(self, state: SiteState, port: int, poll_seconds: float = POLL_SECONDS,
                 idle_seconds: float = IDLE_SECONDS,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.state = state
        self.poll_seconds = poll_seconds
        self.idle_seconds = idle_seconds
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__((HOST, port), Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)  # too many open: closed before it costs a thread
            return
        try:
            super().process_request(request, client_address)  # a thread of its own
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line on the terminal, not a traceback; nothing when the client went away."""
        problem = sys.exc_info()[1]
        if not isinstance(problem, (ConnectionError, TimeoutError)):
            print(terminal_safe(f"servicespec: serve: a request failed: "
                                f"{type(problem).__name__}: {problem}"), file=sys.stderr)


def watched_roots(paths: Sequence[str]) -> list[str]:
    """Folders to watch: the folders given, and the folder of each file given (a spec, or
    the `--config` file; an editor that saves by renaming replaces the file, so the file
    itself cannot be watched)."""
    roots = []
    for path in paths:
        full = os.path.abspath(path)
        roots.append(full if os.path.isdir(full) else os.path.dirname(full))
    return sorted(set(roots))


def change_filter(paths: Sequence[str]) -> Callable[[Any, str], bool]:
    """Which changed files call for a rebuild: specs under the folders given, the files
    given (specs, the `--config` file), and configuration files."""
    folders = [os.path.abspath(p) for p in paths if os.path.isdir(p)]
    files = {os.path.abspath(p) for p in paths if not os.path.isdir(p)}

    def wanted(change: Any, path: str) -> bool:
        full = os.path.abspath(path)
        name = os.path.basename(full)
        if full in files or name in CONFIG_FILES:
            return True
        if name.startswith(".") or not name.endswith(SPEC_SUFFIXES):
            return False
        return any(full.startswith(folder + os.sep) for folder in folders)

    return wanted


class SiteServer:
    """The preview server: build, serve, watch, rebuild. `start()` returns at once;
    `serve_forever()` blocks (the CLI); `stop()` ends both threads and removes the builds."""

    def __init__(self, paths: Sequence[str], *, port: int = 8000,
                 config_file: str | None = None,
                 on_build: Callable[[str], None] | None = None,
                 poll_seconds: float = POLL_SECONDS, idle_seconds: float = IDLE_SECONDS,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.watched = list(paths) + ([config_file] if config_file else [])
        self.state = SiteState(paths, config_file, on_build)
        self.httpd = SiteHTTPServer(self.state, port, poll_seconds, idle_seconds,
                                    max_connections)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}/"

    def start(self) -> SiteServer:
        self.state.rebuild()
        for target, name in ((self.httpd.serve_forever, "servicespec-http"),
                             (self._watch, "servicespec-watch")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _watch(self) -> None:
        from watchfiles import watch

        for _changes in watch(*watched_roots(self.watched),
                              watch_filter=change_filter(self.watched),
                              stop_event=self._stop, debounce=400, step=50,
                              raise_interrupt=False, rust_timeout=500):
            self.state.rebuild()

    def serve_forever(self) -> None:
        try:
            while not self._stop.wait(0.5):
                pass
        finally:
            self.stop()

    def stop(self) -> None:
        if self._stop.is_set() and not self._threads:
            return
        self._stop.set()
        if self._threads:  # shutdown() waits for serve_forever(), which must be running
            self.httpd.shutdown()
        self.httpd.server_close()
        # the watcher may be writing a build: it ends first, then the builds are removed
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        self.state.close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
