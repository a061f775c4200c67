"""Baselines: recorded findings stay known when unrelated lines change; new ones are reported,
fixed ones are reported as fixed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from servicespec.api import LintResult, lint_file
from servicespec.baseline import (
    BaselineError,
    compare,
    read_baseline,
    relative_key,
    write_baseline,
)
from servicespec.cli import cli
from servicespec.config import Config

from .conftest import FIXTURES

SPEC = FIXTURES / "multi-finding.yaml"


def lint(*paths: Path) -> LintResult:
    return LintResult([lint_file(str(p), Config()) for p in paths])


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "specs").mkdir()
    shutil.copy(SPEC, tmp_path / "specs" / "hotel.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_unrelated_edits_keep_the_baseline_matching(work: Path) -> None:
    spec = work / "specs" / "hotel.yaml"
    before = lint(spec)
    write_baseline("baseline.json", before)
    # lines move: a comment block on top, a longer description, a new step in the middle
    text = spec.read_text(encoding="utf-8")
    spec.write_text("# Reviewed by the guest experience team.\n# Second comment line.\n" + text,
                    encoding="utf-8")
    edit(spec, "description: An overnight stay at a city-centre hotel, from booking to "
               "check-out.",
         "description: >-\n    An overnight stay at a city-centre hotel,\n    from booking to "
         "check-out, with breakfast.")
    edit(spec, "    - id: check-out\n", "    - id: breakfast\n      name: Breakfast\n"
               "      phase: during\n      evidence: [Breakfast room]\n"
               "      customer: Has breakfast\n"
               "      frontstage: [{role: receptionist, action: Seats the guest}]\n"
               "    - id: check-out\n")
    after = lint(spec)
    assert [d.line for d in after.diagnostics] != [d.line for d in before.diagnostics]
    comparison = compare(after, read_baseline("baseline.json"))
    assert comparison.result.diagnostics == []
    assert comparison.known == len(before.diagnostics)
    assert comparison.fixed == []


def test_new_findings_are_reported_and_fixed_ones_listed(work: Path) -> None:
    spec = work / "specs" / "hotel.yaml"
    write_baseline("baseline.json", lint(spec))
    edit(spec, "  - {id: hotel-app, name: Hotel app, kind: app}\n", "")  # fixes SS208
    edit(spec, "  - {id: invoice-csat, measures: invoicing, type: csat, target: \">= 4.5\",",
         "  - {id: invoice-csat, measures: invoicing, type: csat,")  # a new SS605
    comparison = compare(lint(spec), read_baseline("baseline.json"))
    assert [(d.code, d.element) for d in comparison.result.diagnostics] == [
        ("SS605", "metrics[invoice-csat]")]
    assert [(e.code, e.element, e.file) for e in comparison.fixed] == [
        ("SS208", "channels[hotel-app]", "specs/hotel.yaml")]


def test_the_file_is_versioned_sorted_and_reviewable(work: Path) -> None:
    count = write_baseline("baseline.json", lint(work / "specs" / "hotel.yaml"))
    doc = json.loads(Path("baseline.json").read_text(encoding="utf-8"))
    assert doc["version"] == 1 and len(doc["findings"]) == count > 0
    keys = [(e["file"], e["code"], e["element"], e["fingerprint"]) for e in doc["findings"]]
    assert keys == sorted(keys)
    for entry in doc["findings"]:
        assert set(entry) == {"file", "code", "element", "fingerprint", "message"}
        assert entry["file"] == "specs/hotel.yaml" and entry["message"]


def test_paths_are_relative_to_the_baseline_so_any_working_directory_matches(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_baseline("baseline.json", lint(Path("specs/hotel.yaml")))
    monkeypatch.chdir(work / "specs")
    comparison = compare(lint(Path("hotel.yaml")), read_baseline("../baseline.json"))
    assert comparison.result.diagnostics == [] and comparison.known > 0
    assert relative_key(str(work / "specs" / "hotel.yaml"), work) == "specs/hotel.yaml"


def test_a_partial_run_keeps_other_files_and_does_not_call_them_fixed(work: Path) -> None:
    shutil.copy(SPEC, work / "specs" / "other.yaml")
    total = write_baseline("baseline.json", lint(work / "specs" / "hotel.yaml",
                                                 work / "specs" / "other.yaml"))
    one = lint(work / "specs" / "hotel.yaml")
    assert compare(one, read_baseline("baseline.json")).fixed == []
    assert write_baseline("baseline.json", one) == total  # other.yaml's entries kept


@pytest.mark.parametrize("content,message", [
    ("{", "not JSON"), ('{"version": 7, "findings": []}', "version 1"),
    ('{"version": 1}', "`findings`"), ('{"version": 1, "findings": [{"code": 3}]}', "entry 0"),
])
def test_a_broken_baseline_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=message):
        read_baseline(path)


def test_cli_write_then_use_the_baseline(work: Path) -> None:
    runner = CliRunner()
    spec = "specs/hotel.yaml"
    assert runner.invoke(cli, ["lint", spec]).exit_code == 1
    wrote = runner.invoke(cli, ["lint", spec, "--write-baseline", "baseline.json"])
    assert wrote.exit_code == 0 and "wrote 12 findings to baseline" in wrote.stderr
    again = runner.invoke(cli, ["lint", spec, "--baseline", "baseline.json"])
    assert again.exit_code == 0
    assert "All clean: 1 file checked. (12 known findings hidden by the baseline)" in again.output
    edit(work / spec, "  - {id: hotel-app, name: Hotel app, kind: app}\n", "")
    edit(work / spec, "    response_time: 5m\n", "")  # room-not-ready-recovery: a new SS405
    after = runner.invoke(cli, ["lint", spec, "--baseline", "baseline.json", "--format", "json",
                                "--fail-on", "warning"])
    assert after.exit_code == 1
    doc = json.loads(after.output)
    assert [f["code"] for f in doc["findings"]] == ["SS405"]
    assert [f["code"] for f in doc["baseline"]["fixed"]] == ["SS208"]
    assert doc["baseline"]["known"] == 11
    text = runner.invoke(cli, ["lint", spec, "--baseline", "baseline.json"]).output
    assert "Fixed since the baseline (1)" in text and "SS208" in text


def test_cli_missing_baseline_is_a_usage_error(work: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", "specs/hotel.yaml", "--baseline", "nope.json"])
    assert result.exit_code == 2 and "--write-baseline" in result.stderr
