"""`servicespec lint` as a user and a CI job run it: exit codes, formats and outputs, standard
input, colour only on a terminal (NO_COLOR respected), GitHub's job summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from servicespec.cli import _use_color, cli
from servicespec.commands import starter_text

from .conftest import FIXTURES, ROOT

SPEC = FIXTURES / "multi-finding.yaml"


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


@pytest.fixture
def clean_spec(tmp_path: Path) -> Path:
    path = tmp_path / "clean.yaml"
    path.write_text(starter_text(), encoding="utf-8")
    return path


def test_exit_0_when_clean(clean_spec: Path) -> None:
    result = run("lint", str(clean_spec))
    assert result.exit_code == 0 and "All clean: 1 file checked." in result.output


def test_exit_1_at_findings_at_or_above_the_fail_level() -> None:
    assert run("lint", str(SPEC)).exit_code == 1
    assert run("lint", str(SPEC), "--ignore", "SS402,SS409").exit_code == 0  # warnings only
    assert run("lint", str(SPEC), "--ignore", "SS402,SS409", "--fail-on",
               "warning").exit_code == 1


@pytest.mark.parametrize("args,message", [
    (["--format", "xml"], "unknown format xml"),
    (["--format", "json", "--format", "sarif"], "only one format can go to standard output"),
    (["--output", "a.json", "--output", "b.json"], "more --output files"),
    (["--fail-on", "fatal"], "fatal"),
    (["--config", "missing.toml"], "missing.toml"),
])
def test_exit_2_on_usage_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["lint", str(SPEC), *args])
    assert result.exit_code == 2 and message in result.stderr


def test_several_formats_with_outputs(tmp_path: Path) -> None:
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    result = run("lint", str(SPEC), "--format", "sarif", "--format", "junit", "--format", "json",
                 "--output", str(sarif), "--output", str(junit))
    assert result.exit_code == 1
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert junit.read_text(encoding="utf-8").startswith("<?xml")
    assert json.loads(result.output)["summary"]["errors"] == 2  # the last format: stdout


def test_an_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", str(SPEC), "--format", "json", "--output",
                                      str(tmp_path / "no" / "such" / "dir" / "x.json")])
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_standard_input_with_a_display_name(clean_spec: Path) -> None:
    text = SPEC.read_text(encoding="utf-8")
    result = run("lint", "-", "--stdin-filename", "specs/hotel.yaml", "--format", "json",
                 input=text)
    assert result.exit_code == 1
    files = {f["file"] for f in json.loads(result.output)["findings"]}
    assert files == {"specs/hotel.yaml"}
    plain = run("lint", "-", input=clean_spec.read_text(encoding="utf-8"))
    assert plain.exit_code == 0
    # a file on disk under the display name holds other text: the lines shown are stdin's
    shown = run("lint", "-", "--stdin-filename", str(clean_spec), input=text)
    assert shown.exit_code == 1 and f"{clean_spec}:130:11: SS402 error" in shown.output
    line = text.split("\n")[129]
    assert line != clean_spec.read_text(encoding="utf-8").split("\n")[129]
    assert f"  130 | {line}\n" in shown.output


def test_github_format_writes_the_job_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    result = run("lint", str(SPEC), "--format", "github",
                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert result.output.startswith("::warning file=")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## servicespec lint\n")  # appended, not replaced
    assert "2 errors, 7 warnings, 3 info in 1 file checked" in text


def test_colour_only_on_a_terminal_and_never_with_no_color(
        monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert _use_color(Tty()) is True
    with open(os.devnull, "w") as devnull:
        assert _use_color(devnull) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert _use_color(Tty()) is False
    # CliRunner's stdout is not a terminal: no escapes
    assert "\x1b[" not in run("lint", str(SPEC)).output


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("no_color", [False, True])
def test_colour_in_a_real_terminal(no_color: bool) -> None:
    import pty

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = "1"
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "servicespec", "lint", str(SPEC)],
                                stdout=follower, stderr=follower, env=env, cwd=ROOT)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes when the process exits (Linux: EIO)
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 1
    finally:
        os.close(leader)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert "SS402" in out
    assert ("\x1b[" in out) is (not no_color)


def test_as_a_real_process() -> None:
    """Once end to end: the installed entry point's module, exit code and streams."""
    proc = subprocess.run([sys.executable, "-m", "servicespec", "lint",
                           "tests/fixtures/multi-finding.yaml", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["version"] == 1 and doc["summary"]["errors"] == 2
    assert doc["findings"][0]["file"] == "tests/fixtures/multi-finding.yaml"
    usage = subprocess.run([sys.executable, "-m", "servicespec", "lint"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "PATHS" in usage.stderr


# --- one run shows what one run can ------------------------------------------------------

BROKEN_AND_MISREFERENCED = """\
apiVersion: servicespec/v1
kind: Service
metadata: {id: power-cut, name: Power cut}
product: {id: supply, name: Electricity supply, outcomes: [Power at home]}
facilitating:
  - {id: outage-info, type: information, phases: [during], channels: [web-map, fone]}
channels:
  - {id: web-map, kind: webb}
  - {id: phone, kind: phone, hours: "24/7"}
roles:
  - {id: agent, stage: frontstage}
blueprint:
  case_owner: agnt
  steps:
    - {id: call, phase: durin, customer: Calls, frontstage: [{role: agent, action: Logs it}]}
    - {id: visit, phase: during, customer: Lets the engineer in,
       frontstage: [{role: enginer, action: Fixes the fuse}]}
recovery:
  - {id: cut-recovery, covers: [visit, call], owner: agent, channel: fone, wait: 5m}
"""


def test_schema_errors_and_reference_errors_come_in_one_run(tmp_path: Path) -> None:
    spec = tmp_path / "power.yaml"
    spec.write_text(BROKEN_AND_MISREFERENCED, encoding="utf-8")
    doc = json.loads(run("lint", "--no-cache", "--format", "json", str(spec)).output)
    found = {(f["code"], f["line"], f["column"]) for f in doc["findings"]}
    assert found == {
        ("SS002", 8, 25),  # kind: webb — the channel is left out of what remains
        ("SS002", 15, 25),  # phase: durin — the key is left out, the step stays
        ("SS003", 19, 76),  # wait: an unknown key — left out, the recovery stays
        ("SS006", 6, 80),  # 'fone'; 'web-map' is the broken channel: not reported again
        ("SS006", 13, 3),  # case_owner 'agnt'
        ("SS006", 17, 22),  # role 'enginer'
        ("SS006", 19, 61),  # the recovery's channel 'fone'
    }
    messages = " ".join(f["message"] for f in doc["findings"])
    assert "did you mean 'agent'?" in messages and "'web-map'" not in messages


def test_nothing_but_schema_errors_when_a_required_section_is_broken(tmp_path: Path) -> None:
    spec = tmp_path / "power.yaml"
    spec.write_text(BROKEN_AND_MISREFERENCED.replace(
        "product: {id: supply, name: Electricity supply, outcomes: [Power at home]}",
        "product: {id: supply, outcomes: [Power at home]}"), encoding="utf-8")
    doc = json.loads(run("lint", "--no-cache", "--format", "json", str(spec)).output)
    assert {f["code"] for f in doc["findings"]} == {"SS002", "SS003"}
