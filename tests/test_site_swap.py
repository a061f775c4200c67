"""`servicespec site` killed at each step of writing the folder.

A child process runs the real CLI with one step replaced by SIGKILL. Afterwards the output
folder holds the old site whole (never nothing, never a mix), and the next build removes what
the killed one left beside it, without touching folders that are not its own.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from servicespec.commands import starter_text
from servicespec.site.build import MARKER
from tests.test_bad_inputs import TIMEOUT_S, _cap_memory

# `step` is replaced by a SIGKILL of the process; then the CLI runs as `servicespec site`
KILLED = """
import os, signal, sys
import servicespec.fsutil as fsutil
import servicespec.site.build as build
from servicespec.cli import main

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

def no_exchange(*args, **kwargs):
    raise OSError(38, "renameat2 is not available")

step = sys.argv.pop(1)
if step == "writing":  # three files of the new site written
    write_tree = build.write_tree
    build.write_tree = lambda files, folder: (write_tree(dict(sorted(files.items())[:3]),
                                                         folder), die())
elif step == "swap":
    fsutil.exchange = die
else:  # the two renames where the system cannot swap in one step
    fsutil.exchange = no_exchange
    rename, calls = os.rename, []
    def rename_then_die(src, dst):
        calls.append(src)
        if len(calls) == int(step.rsplit("-", 1)[1]):
            die()
        rename(src, dst)
    os.rename = rename_then_die
sys.argv[0] = "servicespec"
main()
"""


def site(tmp: Path, *step: str) -> subprocess.CompletedProcess[str]:
    command = ["-c", KILLED, *step] if step else ["-m", "servicespec"]
    return subprocess.run([sys.executable, *command, "site", "specs", "-o", "site"],
                          capture_output=True, text=True, timeout=TIMEOUT_S,
                          preexec_fn=_cap_memory, cwd=tmp)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "first.yaml").write_text(starter_text(), "utf-8")
    assert site(tmp_path).returncode == 0
    return tmp_path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("step", ["writing", "swap", "rename-1", "rename-2"])
def test_a_killed_build_leaves_a_site_and_the_next_clears_up(built: Path, step: str) -> None:
    before = {p.relative_to(built / "site"): p.read_bytes()
              for p in (built / "site").rglob("*") if p.is_file()}
    (built / "specs" / "second.yaml").write_text(starter_text(), "utf-8")
    assert site(built, step).returncode == -9
    left = [n for n in names(built) if n.startswith(".site.")]
    assert left  # what the killed build left beside the site
    if step != "rename-2":  # killed between the two renames: the old site is set aside
        after = {p.relative_to(built / "site"): p.read_bytes()
                 for p in (built / "site").rglob("*") if p.is_file()}
        assert after == before
    proc = site(built)
    assert proc.returncode == 0, proc.stderr
    assert names(built) == ["site", "specs"]
    assert "2 service page(s)" in proc.stdout
    assert len(list((built / "site" / "services").glob("*.html"))) == 2


def test_a_killed_swap_puts_the_old_site_back(built: Path) -> None:
    index = (built / "site" / "index.html").read_bytes()
    assert site(built, "rename-2").returncode == -9
    assert not (built / "site").exists()  # the one moment with no site
    # the next build fails before it writes, and still the old site is back
    (built / "specs" / "first.yaml").unlink()
    proc = site(built)
    assert proc.returncode == 2
    assert "no spec found" in proc.stderr
    assert (built / "site" / "index.html").read_bytes() == index
    assert names(built) == ["site", "specs"]


def test_folders_that_are_not_a_killed_build_are_kept(built: Path) -> None:
    # a user's folder that looks like a build folder but holds no marker
    mine = built / ".site.abcdefgh.new"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    # the folder of a build that is still running: it holds the lock
    running = built / ".site.running1.new"
    running.mkdir()
    (running / MARKER).write_text("")
    other_name = built / ".other.abcdefgh.new"
    other_name.mkdir()
    (other_name / MARKER).write_text("")
    link = built / ".site.symlink1.old"
    link.symlink_to(built / "site")
    fd = os.open(running, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert site(built).returncode == 0
    finally:
        os.close(fd)
    assert (mine / "notes.txt").read_text() == "keep me"
    assert (running / MARKER).exists()
    assert (other_name / MARKER).exists()
    assert link.is_symlink() and (built / "site" / MARKER).is_file()
    assert site(built).returncode == 0
    assert not running.exists()
