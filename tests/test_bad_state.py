"""What a repository (or another user) can leave besides specs: the cache folder, the
configuration and baselines. Each case runs the real CLI under the memory cap and timeout of
the bad-input corpus, and ends in the normal output or a clear message, never a traceback,
a hang or a file written elsewhere.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from servicespec.fsutil import CHUNK, FileTooLarge, NotRegularFile, read_at_most, read_regular

from .conftest import FIXTURES
from .test_bad_inputs import MEMORY_CAP, TIMEOUT_S, _cap_memory

SPEC = (FIXTURES / "multi-finding.yaml").read_text(encoding="utf-8")


def run(*args: str, cwd: Path, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("SERVICESPEC_CACHE_DIR", None)
    if cache is not None:
        env["SERVICESPEC_CACHE_DIR"] = str(cache)
    proc = subprocess.run([sys.executable, "-m", "servicespec", *args], capture_output=True,
                          text=True, timeout=TIMEOUT_S, preexec_fn=_cap_memory, cwd=cwd,
                          env=env)
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


# --- the cache folder ----------------------------------------------------------------------

def _plant(bucket: Path, what: str, outside: Path) -> None:
    bucket.unlink()
    if what == "dev-zero":
        bucket.symlink_to("/dev/zero")
    elif what == "fifo":
        os.mkfifo(bucket)
    elif what == "deep-json":
        bucket.write_text("[" * 200_000)
    else:  # a symlink out of the folder: the next write must not go through it
        bucket.symlink_to(outside)


@pytest.mark.parametrize("what", ["dev-zero", "fifo", "deep-json", "symlink-out"])
def test_a_planted_bucket_is_not_read_or_written_through(project: Path, what: str) -> None:
    expected = run("lint", "--no-cache", "spec.yaml", cwd=project)
    first = run("lint", "spec.yaml", cwd=project)
    folder = project / ".servicespec_cache"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # private from the start
    outside = project / "outside.txt"
    outside.write_text("mine\n")
    buckets = sorted(folder.glob("results-*.json"))
    assert buckets
    for bucket in buckets:
        _plant(bucket, what, outside)
    again = run("lint", "spec.yaml", cwd=project)
    assert (again.returncode, again.stdout, again.stderr) == (
        expected.returncode, expected.stdout, "") == (first.returncode, first.stdout, "")
    assert outside.read_text() == "mine\n"
    assert all(stat.S_ISREG(b.lstat().st_mode) for b in buckets)  # replaced by real buckets


def test_a_symlinked_cache_folder_is_not_used(project: Path) -> None:
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    (project / ".servicespec_cache").symlink_to(elsewhere)
    expected = run("lint", "--no-cache", "spec.yaml", cwd=project)
    proc = run("lint", "spec.yaml", cwd=project)
    assert (proc.returncode, proc.stdout) == (expected.returncode, expected.stdout)
    assert proc.stderr == ("servicespec: note: not using the cache .servicespec_cache: it is "
                           "a symlink\n")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("mode,owner,why", [
    (0o1777, None, "can be written by other users"),
    (0o755, "nobody", "belongs to another user"),
], ids=["world-writable", "another-owner"])
def test_a_shared_cache_folder_cannot_hide_findings(project: Path, mode: int,
                                                    owner: str | None, why: str) -> None:
    if owner is not None and os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    shared = project / "shared"
    expected = run("lint", "--no-cache", "spec.yaml", cwd=project)
    assert expected.returncode == 1
    run("lint", "spec.yaml", cwd=project, cache=shared)
    # another user's entry for the same file and configuration: no findings
    for bucket in shared.glob("results-*.json"):
        doc = json.loads(bucket.read_text())
        doc["entries"] = {key: ["error", []] for key in doc["entries"]}
        bucket.write_text(json.dumps(doc))
    os.chmod(shared, mode)
    if owner is not None:
        os.chown(shared, int(subprocess.check_output(["id", "-u", owner])), -1)
    proc = run("lint", "spec.yaml", cwd=project, cache=shared)
    assert (proc.returncode, proc.stdout) == (1, expected.stdout)
    assert proc.stderr.startswith(f"servicespec: note: not using the cache {shared}: it {why}")
    assert proc.stderr.count("\n") == 1


# --- configuration -------------------------------------------------------------------------

@pytest.mark.parametrize("text,words", [
    ("x = " + "[" * 5000 + "]" * 5000 + "\n", "invalid TOML: arrays or tables nested too deeply"),
    ("x = " + "9" * 5000 + "\n", "invalid TOML: a number too long"),
    ("[limits]\nmax_file_bytes = 100000000000\n",
     "limits.max_file_bytes: Input should be less than or equal to 1073741824"),
    ("[limits]\nmax_nodes = 9223372036854775807\n",
     "limits.max_nodes: Input should be less than or equal to 100000000"),
    ("[limits]\nmax_depth = 5000\n", "limits.max_depth: Input should be less than or equal"),
], ids=["deep", "digits", "huge-limit", "int64-limit", "depth-over-libyaml"])
@pytest.mark.parametrize("how", ["found", "--config"])
def test_a_bad_configuration_is_exit_2_naming_the_file(project: Path, text: str, words: str,
                                                       how: str) -> None:
    (project / "servicespec.toml").write_text(text)
    args = ["--config", "servicespec.toml"] if how == "--config" else []
    proc = run("lint", "--no-cache", *args, "spec.yaml", cwd=project)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "servicespec.toml: " + words in proc.stderr


@pytest.mark.parametrize("what", ["fifo", "dev-zero"])
def test_a_configuration_that_is_not_a_file_is_exit_2(project: Path, what: str) -> None:
    config = project / "config.toml"
    if what == "fifo":
        os.mkfifo(config)
    else:
        config.symlink_to("/dev/zero")
    proc = run("lint", "--config", "config.toml", "spec.yaml", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.startswith("servicespec: error: config.toml: cannot read the "
                                  "configuration: is not a regular file")


def test_the_largest_file_limit_reads_only_what_the_file_holds(project: Path) -> None:
    # the loader used to allocate the whole limit for every read: 1 GiB is over the cap
    (project / "servicespec.toml").write_text(f"[limits]\nmax_file_bytes = {MEMORY_CAP}\n")
    proc = run("lint", "--no-cache", "spec.yaml", cwd=project)
    assert proc.returncode == 1 and "SS" in proc.stdout


# --- baselines -----------------------------------------------------------------------------

@pytest.mark.parametrize("what,words", [
    ("deep", "is not a servicespec baseline: nested too deeply"),
    ("digits", "is not a servicespec baseline: a number too long"),
    ("dev-zero", "it is not a regular file"),
    ("fifo", "it is not a regular file"),
    ("huge", "it is over the limit of 16,777,216 bytes"),
])
def test_a_bad_baseline_is_exit_2_naming_the_file(project: Path, what: str,
                                                  words: str) -> None:
    baseline = project / "baseline.json"
    if what == "deep":
        baseline.write_text("[" * 100_000)
    elif what == "digits":
        baseline.write_text('{"version": ' + "1" * 100_000 + "}")
    elif what == "dev-zero":
        baseline.symlink_to("/dev/zero")
    elif what == "fifo":
        os.mkfifo(baseline)
    else:
        with open(baseline, "wb") as fh:  # sparse: no disk used
            fh.truncate(64 * 1024 * 1024)
    proc = run("lint", "--no-cache", "--baseline", "baseline.json", "spec.yaml", cwd=project)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "baseline baseline.json" in proc.stderr and words in proc.stderr, proc.stderr


# --- the bounded read ----------------------------------------------------------------------

def test_read_regular_takes_files_up_to_the_limit_and_no_more(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_regular(path, 100) == b"x" * 100
    with pytest.raises(FileTooLarge):
        read_regular(path, 99)
    link = tmp_path / "link"
    link.symlink_to(path)
    assert read_regular(link, 100) == b"x" * 100
    with pytest.raises(NotRegularFile):
        read_regular(link, 100, follow_symlinks=False)
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path, 100)


def test_read_at_most_does_not_trust_the_size_stat_gives() -> None:
    data = b"y" * (2 * CHUNK + 3)
    assert read_at_most(io.BytesIO(data), 10 * CHUNK, size=0) == data  # /proc says 0
    assert read_at_most(io.BytesIO(data), CHUNK, size=5) == data[:CHUNK + 1]  # it grew
    assert read_at_most(io.BytesIO(data), 10 * CHUNK, size=len(data)) == data
