"""`servicespec serve` against requests a page or a local process could send: a path no file
can have, idle connections by the hundred, connections that never speak. Only loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from servicespec.commands import starter_text
from servicespec.site.build import CONTENT_SECURITY_POLICY
from servicespec.site.serve import MAX_CONNECTIONS, SiteServer
from tests.test_bad_inputs import TIMEOUT_S

CLIENT_TIMEOUT = 10.0  # a test that waits this long on one socket has failed


def request(port: int, line: str) -> bytes:
    """The raw answer to one request line (bytes as given: NUL and all)."""
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as sock:
        sock.sendall(f"{line}\r\nHost: 127.0.0.1\r\n\r\n".encode("latin-1"))
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:  # closed unread: refused
            pass
    return b"".join(chunks)


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server closes the connection (it sent nothing first)."""
    sock.settimeout(CLIENT_TIMEOUT)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def threads(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("Threads:")[1].split()[0])


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "hotel.yaml").write_text(starter_text(), "utf-8")
    return tmp_path / "specs"


@pytest.fixture
def served(specs: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """`servicespec serve` in a child process, and its port. No cap on its address space:
    each connection's thread reserves stack and a malloc arena, and the cap would stop the
    threads the test counts (the killer timer still bounds the run)."""
    proc = subprocess.Popen([sys.executable, "-m", "servicespec", "serve", str(specs),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "NO_COLOR": "1"})
    timer = threading.Timer(TIMEOUT_S, proc.kill)  # never left hanging
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("serving "):
                break
        port = int(line.split(":")[2].split("/")[0])
        yield port, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=TIMEOUT_S)
        timer.cancel()


def test_a_path_with_nul_is_a_bad_request(served: tuple[int, subprocess.Popen[str]]) -> None:
    port, proc = served
    for line in ("GET /%00 HTTP/1.0", "GET /services/%00.html HTTP/1.0", "HEAD /%00 HTTP/1.0",
                 "GET /\x00 HTTP/1.0"):
        assert request(port, line).startswith(b"HTTP/1.0 400 "), line
    page = request(port, "GET /services/hotel.html HTTP/1.0")
    assert page.startswith(b"HTTP/1.0 200 ")
    assert f"Content-Security-Policy: {CONTENT_SECURITY_POLICY}\r\n".encode() in page
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=TIMEOUT_S)
    assert "Traceback" not in stderr and "ValueError" not in stderr, stderr


def test_connections_over_the_cap_are_closed(served: tuple[int, subprocess.Popen[str]]
                                             ) -> None:
    port, proc = served
    before = threads(proc.pid)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT)
            for _ in range(MAX_CONNECTIONS)]
    try:
        extra = [socket.create_connection(("127.0.0.1", port)) for _ in range(10)]
        # accepted in order: the idle ones hold every slot, so these are closed at once
        assert all(closed_by_server(s) for s in extra)
        # one thread per connection let in; the file watcher may start a couple of its own
        assert threads(proc.pid) - before <= MAX_CONNECTIONS + 2
        for s in extra:
            s.close()
    finally:
        for s in idle:
            s.close()
    # the slots come back as the idle connections' threads see them close
    deadline = time.monotonic() + CLIENT_TIMEOUT
    while not (answer := request(port, "GET / HTTP/1.0")):
        assert time.monotonic() < deadline, "the server did not take connections again"
        time.sleep(0.05)
    assert answer.startswith(b"HTTP/1.0 200 ")
    assert proc.poll() is None


def test_threads_stay_bounded(specs: Path) -> None:
    with SiteServer([str(specs)], port=0, max_connections=4) as server:
        port = server.httpd.server_address[1]
        before = threading.active_count()
        socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
        try:
            assert all(closed_by_server(s) for s in socks[4:])
            assert threading.active_count() - before == 4  # one per connection let in
        finally:
            for s in socks:
                s.close()


def test_silent_connections_are_let_go(specs: Path) -> None:
    with SiteServer([str(specs)], port=0, idle_seconds=0.2) as server:
        port = server.httpd.server_address[1]
        with socket.create_connection(("127.0.0.1", port)) as silent:
            assert closed_by_server(silent)
        # one that sends half a request line and stops
        with socket.create_connection(("127.0.0.1", port)) as slow:
            slow.sendall(b"GET /ind")
            assert closed_by_server(slow)
