"""Human-facing output cannot be forged by the text it quotes.

A spec's text and a file's name reach the terminal, the CI log, GitHub annotations and the job
summary. Each command runs through the real CLI on a spec whose name holds an escape sequence
and whose references hold line feeds (a fake finding on a line of its own), bidi controls and
a zero-width joiner: every line of output must be free of them, and no line may pass for a
finding the linter did not make.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from servicespec.commands import starter_text
from servicespec.textutil import TERMINAL_UNSAFE, terminal_safe
from tests.test_bad_inputs import TIMEOUT_S, _cap_memory

FORGED = "specs/other.yaml:1:1: SS999 error: forged finding"
NAME = "a\x1b]0;PWNED\x07\u202ered.yaml"
# the references of the starter's first facilitating service, in YAML's double-quoted form
REFERENCES = ('channels: [website, "x\\n\\n' + FORGED + '\\n", "a\\u202eb\\u2066c\\u200dd",'
              ' "z\\x1b[2J\\u2028"]}')


def run(*args: str, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "servicespec", *args], capture_output=True,
                          text=True, timeout=TIMEOUT_S, preexec_fn=_cap_memory, cwd=cwd,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})


def assert_clean(text: str) -> None:
    for line in text.split("\n"):
        assert not TERMINAL_UNSAFE.search(line), repr(line)
        assert not line.lstrip(" -").startswith(FORGED), repr(line)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    text = starter_text()
    old = "channels: [website, reception-phone]}"
    assert old in text
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / NAME).write_text(text.replace(old, REFERENCES, 1), "utf-8")
    (tmp_path / "base.yaml").write_text(text, "utf-8")
    return tmp_path


def test_text_report_shows_quoted_text_escaped(repo: Path) -> None:
    proc = run("lint", "specs", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert_clean(proc.stdout + proc.stderr)
    assert "refers to channel 'x\\x0a\\x0aspecs/other.yaml:1:1" in proc.stdout
    assert "'a\\u202eb\\u2066c\\u200dd'" in proc.stdout
    assert "specs/a\\x1b]0;PWNED\\x07\\u202ered.yaml:" in proc.stdout


def test_github_annotations_and_job_summary(repo: Path) -> None:
    summary = repo / "summary.md"
    proc = run("lint", "--format", "github", "specs", cwd=repo,
               env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 1, proc.stderr
    assert_clean(proc.stdout + proc.stderr)
    assert "::error file=specs/a\\x1b]0;PWNED\\x07\\u202ered.yaml" in proc.stdout
    markdown = summary.read_text("utf-8")
    assert_clean(markdown)
    assert "\\\\u202e" in markdown  # escaped, then its backslash made literal for markdown


def test_diff_text_and_markdown(repo: Path) -> None:
    for fmt in ("text", "markdown"):
        proc = run("diff", "--format", fmt, "base.yaml", f"specs/{NAME}", cwd=repo)
        assert proc.returncode == 1, proc.stderr
        assert_clean(proc.stdout + proc.stderr)
        assert "forged finding" in proc.stdout


def test_render_and_site_name_files_escaped(repo: Path) -> None:
    spec = (repo / "specs" / NAME)
    spec.write_text(starter_text(), "utf-8")  # drawable
    proc = run("render", "specs", "-o", "out", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert_clean(proc.stdout + proc.stderr)
    assert "wrote out/a\\x1b]0;PWNED\\x07\\u202ered.svg" in proc.stdout
    proc = run("site", "specs", "-o", f"site-{NAME}", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert_clean(proc.stdout + proc.stderr)


def test_error_messages_quoting_user_text(repo: Path) -> None:
    (repo / "servicespec.toml").write_text(f'"x\\n\\n{FORGED}\\u202e" = 1\n', "utf-8")
    proc = run("lint", "specs", cwd=repo)
    assert proc.returncode == 2
    assert_clean(proc.stdout + proc.stderr)
    assert "unknown setting" in proc.stderr
    proc = run("explain", f"x\n{FORGED}\u2066", cwd=repo)
    assert proc.returncode == 2
    assert_clean(proc.stdout + proc.stderr)


def test_terminal_safe_escapes_each_kind_once() -> None:
    assert terminal_safe("a\nb\r\x1b\x85\u2028\u202e\u2066\u200d\ufeff\tz") == (
        "a\\x0ab\\x0d\\x1b\\x85\\u2028\\u202e\\u2066\\u200d\\ufeff\tz")
    assert terminal_safe("Zürich – café ✓") == "Zürich – café ✓"
