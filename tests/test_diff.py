"""`servicespec diff` on pairs of specs with known changes (tests/fixtures/diff/<case>/).

Each case holds old.yaml and new.yaml; expected.txt and expected.md pin the whole output
(regenerate with SERVICESPEC_UPDATE_GOLDEN=1, as the reporter golden files).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from servicespec.api import lint_file
from servicespec.cli import cli
from servicespec.config import Config
from servicespec.diff import ADDED, CHANGED, REMOVED, SpecDiff, compare
from servicespec.report.diff_report import render_markdown

from .conftest import FIXTURES, ROOT

CASES = FIXTURES / "diff"
UPDATE = os.environ.get("SERVICESPEC_UPDATE_GOLDEN") == "1"


def diff_case(name: str) -> SpecDiff:
    folder = CASES / name
    return compare(lint_file(str(folder / "old.yaml"), Config()),
                   lint_file(str(folder / "new.yaml"), Config()))


def described(diff: SpecDiff) -> list[str]:
    return [c.describe() for c in diff.changes]


def test_a_live_channel_removed() -> None:
    diff = diff_case("channel-removed")
    assert described(diff) == [
        "channel 'reception-phone' removed (a live channel: customers have one way fewer to "
        "reach a person)",
        "facilitating service 'stay-information': channels: removed 'reception-phone'",
        "facilitating service 'booking': channels: removed 'reception-phone'",
        "facilitating service 'guest-help': channels: removed 'reception-phone'",
        "channel 'website': escalates_to removed (was 'reception-phone'); handover removed "
        "(was 'warm')",
    ]
    assert [(d.code, d.element) for d in diff.introduced] == [
        ("SS201", "facilitating[stay-information]"), ("SS201", "facilitating[booking]")]
    assert diff.fixed == []


def test_a_recovery_process_dropped() -> None:
    diff = diff_case("recovery-dropped")
    assert [(c.kind, c.element) for c in diff.changes] == [
        (REMOVED, "recovery process 'wrong-charge-recovery'")]
    assert diff.changes[0].details == ("it covered 'wrong-charge'",)
    assert [d.code for d in diff.introduced] == ["SS402"]


def test_targets_and_service_levels_changed() -> None:
    diff = diff_case("targets-changed")
    assert described(diff) == [
        "channel 'front-desk-counter': no longer takes complaints",
        "channel 'guest-email': response_time lengthened from 4h to 1d",
        "metric 'room-ready-rate': target lowered from '>= 98%' to '>= 95%' (less demanding)",
        "metric 'invoice-error-rate': target lowered from '< 1%' to '< 0.5%' (more demanding)",
        "recovery process 'room-not-ready-recovery': actions: removed 'follow-up'",
    ]
    assert all(c.kind == CHANGED for c in diff.changes)
    assert [d.code for d in diff.introduced] == ["SS404"]


def test_layout_only_changes_are_no_changes() -> None:
    # comments dropped, flow style turned to block style, a channel moved, `4h` written PT4H
    diff = diff_case("layout-only")
    assert diff.changes == [] and diff.introduced == [] and diff.fixed == []


def test_closed_gaps_are_reported_as_fixed() -> None:
    diff = diff_case("gaps-closed")
    assert [(c.kind, c.element) for c in diff.changes] == [
        (REMOVED, "channel 'hotel-app'"), (CHANGED, "channel 'reception-phone'"),
        (CHANGED, "recovery process 'wrong-charge-recovery'")]
    assert sorted(d.code for d in diff.fixed) == ["SS204", "SS208", "SS405"]
    assert diff.introduced == []


def test_step_order_and_added_elements() -> None:
    old = CASES / "recovery-dropped" / "old.yaml"
    text = old.read_text(encoding="utf-8")
    book = text[text.index("    - id: book\n"):text.index("    - id: check-in\n")]
    swapped = text.replace(book, "").replace("    - id: check-out\n", book +
                                             "    - id: check-out\n")
    swapped = swapped.replace("roles:\n", "roles:\n  - {id: concierge, name: Concierge, "
                              "stage: frontstage, skills: {interpersonal: [local tips]}}\n")
    from servicespec.engine import lint_loaded
    from servicespec.loader import load_text

    diff = compare(lint_file(str(old), Config()), lint_loaded(load_text(swapped, "new.yaml"),
                                                              Config()))
    assert (ADDED, "role 'concierge'") in [(c.kind, c.element) for c in diff.changes]
    assert diff.changes[-1].describe() == (
        "journey: steps reordered: book -> check-in -> check-out becomes "
        "check-in -> book -> check-out")


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_output(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    folder = Path("tests/fixtures/diff") / case
    for fmt, name in (("text", "expected.txt"), ("markdown", "expected.md")):
        result = CliRunner().invoke(cli, ["diff", str(folder / "old.yaml"),
                                          str(folder / "new.yaml"), "--format", fmt],
                                    catch_exceptions=False)
        assert result.exit_code in (0, 1)
        golden = folder / name
        if UPDATE:
            golden.write_text(result.output, encoding="utf-8", newline="\n")
        assert result.output == golden.read_text(encoding="utf-8"), (
            f"{golden} differs: if intended, regenerate with SERVICESPEC_UPDATE_GOLDEN=1")


@pytest.mark.parametrize("case,args,code", [
    ("channel-removed", [], 1),  # introduces errors
    ("recovery-dropped", [], 0),  # only a warning: below the default fail level
    ("recovery-dropped", ["--fail-on", "warning"], 1),
    ("gaps-closed", ["--fail-on", "info"], 0),  # fixes only
])
def test_exit_code_follows_introduced_findings(case: str, args: list[str], code: int) -> None:
    folder = CASES / case
    result = CliRunner().invoke(cli, ["diff", str(folder / "old.yaml"), str(folder / "new.yaml"),
                                      *args], catch_exceptions=False)
    assert result.exit_code == code, result.output


def test_usage_errors() -> None:
    runner = CliRunner()
    one = runner.invoke(cli, ["diff", str(CASES / "gaps-closed" / "old.yaml")])
    assert one.exit_code == 2 and "OLD NEW" in one.stderr
    missing = runner.invoke(cli, ["diff", "nope.yaml", str(CASES / "gaps-closed" / "old.yaml")])
    assert missing.exit_code == 2 and "nope.yaml" in missing.stderr


def test_a_side_that_does_not_load_is_said_so(tmp_path: Path) -> None:
    broken = tmp_path / "new.yaml"
    broken.write_text("apiVersion: servicespec/v1\nkind: Service\nmetadata: [\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(CASES / "gaps-closed" / "new.yaml"),
                                      str(broken)], catch_exceptions=False)
    assert result.exit_code == 1  # the syntax error is an introduced error
    assert "did not load" in result.output and "SS001" in result.output


def test_markdown_escapes_spec_text() -> None:
    diff = diff_case("recovery-dropped")
    diff.changes[0] = type(diff.changes[0])(REMOVED, "channel '<img src=x> | @all'")
    out = render_markdown([diff])
    assert "<img" not in out and "@all" not in out and "\\|" in out


# --- --base REF: the working tree against a git revision -----------------------------------

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null",
                           *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "test@example.com")
    git(tmp_path, "config", "user.name", "test")
    (tmp_path / "specs").mkdir()
    shutil.copy(CASES / "recovery-dropped" / "old.yaml", tmp_path / "specs" / "hotel.yaml")
    shutil.copy(CASES / "gaps-closed" / "new.yaml", tmp_path / "specs" / "same.yaml")
    shutil.copy(CASES / "gaps-closed" / "new.yaml", tmp_path / "specs" / "gone.yaml")
    (tmp_path / ".ci.yaml").write_text("not: a spec\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "specs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_base_compares_the_working_tree_with_a_revision(repo: Path) -> None:
    shutil.copy(CASES / "recovery-dropped" / "new.yaml", repo / "specs" / "hotel.yaml")
    (repo / "specs" / "gone.yaml").unlink()
    shutil.copy(CASES / "gaps-closed" / "new.yaml", repo / "specs" / "added.yaml")
    (repo / ".ci.yaml").write_text("still: not a spec\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", "--base", "HEAD", "--fail-on", "warning"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    out = result.output
    assert "HEAD:specs/hotel.yaml -> specs/hotel.yaml" in out
    assert "recovery process 'wrong-charge-recovery' removed" in out
    assert "HEAD:specs/gone.yaml -> /dev/null" in out and "deleted spec" in out
    assert "/dev/null -> specs/added.yaml" in out and "new spec" in out
    assert "same.yaml" not in out and ".ci.yaml" not in out


def test_base_with_a_path_and_from_a_subfolder(repo: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    shutil.copy(CASES / "recovery-dropped" / "new.yaml", repo / "specs" / "hotel.yaml")
    (repo / "specs" / "gone.yaml").unlink()
    monkeypatch.chdir(repo / "specs")
    result = CliRunner().invoke(cli, ["diff", "--base", "HEAD", "hotel.yaml", "--format",
                                      "markdown"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith("## servicespec diff: working tree against HEAD")
    assert "### hotel.yaml" in result.output and "gone.yaml" not in result.output


def test_base_errors(repo: Path, tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    bad = runner.invoke(cli, ["diff", "--base", "no-such-branch"])
    assert bad.exit_code == 2 and "not a commit" in bad.stderr
    option = runner.invoke(cli, ["diff", "--base=--output=x"])
    assert option.exit_code == 2 and "not a git revision" in option.stderr
    clean = runner.invoke(cli, ["diff", "--base", "HEAD"], catch_exceptions=False)
    assert clean.exit_code == 0 and "No spec changes." in clean.output
    monkeypatch.chdir(tmp_path_factory.mktemp("not-a-repo"))
    outside = runner.invoke(cli, ["diff", "--base", "HEAD"])
    assert outside.exit_code == 2 and "git repository" in outside.stderr


def test_the_experience_layer_in_service_design_words() -> None:
    # through the CLI: a scenario and a persona removed, a scenario added, an emotion that
    # drops, a new pain point, a new moment of truth, a regulation deadline that tightens
    folder = CASES / "experience-changed"
    result = CliRunner().invoke(cli, ["diff", str(folder / "old.yaml"), str(folder / "new.yaml")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    for expected in [
        "- variant scenario 'branch-visit' removed (the service no longer designs for this "
        "journey; trigger: The reader walks into the branch without a reservation; 1 step)",
        "- persona 'older-reader' removed (no journey is designed for this customer any more)",
        "+ exception scenario 'lost-book' added (trigger: The reader reports the book lost or "
        "damaged; 1 step)",
        "~ step 'reserve': new pain point 'The fee is only shown after the card number'",
        "~ step 'borrow': now a moment of truth: customers decide here whether they stay",
        "~ step 'read': now feels worse: 1 → -1 (negative)",
        "~ regulation 'complaints-code': deadline tightened from 15wd to 10wd",
    ]:
        assert expected in lines, f"{expected!r} not in:\n{result.output}"
    # the steps of a scenario added or removed whole are told with the scenario
    assert "ask-librarian" not in result.output and "report-lost" not in result.output


def test_scenario_steps_and_the_blueprint_persona_are_compared() -> None:
    old = lint_file(str(CASES / "experience-changed" / "old.yaml"), Config())
    assert old.spec is not None
    text = (CASES / "experience-changed" / "old.yaml").read_text(encoding="utf-8")
    text = text.replace("          emotion: -1\n          pain_points: [The queue at the desk is "
                        "long]", "          emotion: -2\n          pain_points: []")
    text = text.replace("  persona: commuter-reader\n  case_owner", "  case_owner")
    from servicespec.engine import lint_loaded
    from servicespec.loader import load_text

    diff = compare(old, lint_loaded(load_text(text, "new.yaml"), Config()))
    assert described(diff) == [
        "blueprint: persona removed (was 'commuter-reader')",
        "step 'manual-issue': now feels worse: -1 → -2 (very negative); "
        "pain point gone: 'The queue at the desk is long'"]


# --- a catalogue: each side resolves `uses` against its own libraries ----------------------

SHARED = Path("tests/fixtures/diff-catalogue/shared-phone-hours")


def _golden(result_output: str, golden: Path) -> None:
    if UPDATE:
        golden.write_text(result_output, encoding="utf-8", newline="\n")
    assert result_output == golden.read_text(encoding="utf-8"), (
        f"{golden} differs: if intended, regenerate with SERVICESPEC_UPDATE_GOLDEN=1")


def test_files_resolve_each_sides_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's phone line loses its answer time: the service that uses it is told,
    though its own file did not change."""
    monkeypatch.chdir(ROOT)
    for fmt, name in (("text", "expected.txt"), ("markdown", "expected.md")):
        result = CliRunner().invoke(cli, ["diff", str(SHARED / "old" / "waste-collection.yaml"),
                                          str(SHARED / "new" / "waste-collection.yaml"),
                                          "--format", fmt], catch_exceptions=False)
        assert result.exit_code == 0
        _golden(result.output, SHARED / name)


def test_base_resolves_the_revisions_libraries(repo: Path) -> None:
    """The revision's services resolve against the revision's libraries, and a library's own
    changes are told as shared elements."""
    council = repo / "council"
    shutil.copytree(ROOT / SHARED / "old", council)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "council")
    for file in (ROOT / SHARED / "new").iterdir():
        shutil.copy(file, council / file.name)
    result = CliRunner().invoke(cli, ["diff", "--base", "HEAD", "council"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert "SS802" not in result.output  # the old side found its library
    _golden(result.output, ROOT / SHARED / "expected-base.txt")
