"""The pre-commit hook, run by pre-commit itself against a temporary git repository.

pre-commit installs a hook repository from a commit, so the test snapshots this project's
working tree (tracked and new files, as `git ls-files` sees them) into a temporary repository
and commits it: the hook under test is the one in the tree, committed or not. pre-commit then
builds the hook's virtualenv with pip (`language: python`), which needs the project's
dependencies from the package index, as in CI. Slow-ish (one environment per run), so it runs
once per module.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from servicespec.commands import starter_text

from .conftest import FIXTURES, ROOT

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install pre-commit)")
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

IGNORED = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".pytest_cache", "*.egg-info",
                                 ".mypy_cache", ".venv", "build", "dist")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    # a developer's global settings (signing, hooks) must not reach the throwaway repositories
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null",
                           *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True, timeout=120)
    return done.stdout


def snapshot(target: Path) -> str:
    """This project's working tree committed in a new repository at `target`; the commit."""
    target.mkdir()
    try:
        listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        for name in filter(None, listed.split("\0")):
            source = ROOT / name
            if source.is_file():  # skip files deleted in the working tree
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
    except subprocess.CalledProcessError:  # not a git checkout (an sdist): copy the tree
        shutil.copytree(ROOT, target, ignore=IGNORED, dirs_exist_ok=True)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "--no-verify", "-m", "snapshot")
    return git(target, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    base = tmp_path_factory.mktemp("precommit")
    repo = base / "servicespec"
    return repo, snapshot(repo), base / "cache"


def user_repo(path: Path, hook_repo: Path, rev: str) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    (path / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: servicespec-lint\n", encoding="utf-8")
    (path / "specs").mkdir()
    (path / "specs" / "hotel.service.yaml").write_text(starter_text(), encoding="utf-8")
    # not a spec, and outside the hook's `files`: must not be linted
    (path / "settings.yaml").write_text("just: settings\n", encoding="utf-8")
    return path


def pre_commit(repo: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(cache), "PRE_COMMIT_COLOR": "never"}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", *args], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=900)


def test_hook_passes_clean_specs_and_fails_on_gaps(tmp_path: Path,
                                                   project: tuple[Path, str, Path]) -> None:
    hook_repo, rev, cache = project
    repo = user_repo(tmp_path / "user", hook_repo, rev)
    git(repo, "add", "-A")
    clean = pre_commit(repo, cache, "--all-files")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "servicespec lint" in clean.stdout and "Passed" in clean.stdout

    shutil.copy(FIXTURES / "multi-finding.yaml", repo / "specs" / "hotel.yaml")
    git(repo, "add", "-A")
    gaps = pre_commit(repo, cache, "--all-files")
    assert gaps.returncode == 1, gaps.stdout + gaps.stderr
    assert "Failed" in gaps.stdout
    assert "specs/hotel.yaml:130:11: SS402 error" in gaps.stdout
    assert "settings.yaml" not in gaps.stdout

    only_clean = pre_commit(repo, cache, "--files", "specs/hotel.service.yaml")
    assert only_clean.returncode == 0, only_clean.stdout + only_clean.stderr
