"""Inline suppressions: `# servicespec: ignore[CODE] reason`, and SS008 when they rot."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from servicespec.cli import cli
from servicespec.commands import starter_text

from .conftest import FIXTURES, ROOT, lint_text

WAIT = "      wait: {expected: 3m, max: 10m, message: Queue screen shows the expected wait}\n"


def with_wait(comment_line: str = "", trailing: str = "") -> str:
    """The starter with a bare wait (SS407 and SS408) at check-in, and the given comments."""
    return starter_text().replace(WAIT, f"{comment_line}      wait: {{expected: 3m}}{trailing}\n")


def found(text: str) -> list[tuple[str, int]]:
    return sorted((d.code, d.line) for d in lint_text(text).diagnostics)


def test_unsuppressed_findings() -> None:
    got = found(with_wait())
    assert [c for c, _ in got] == ["SS407", "SS408"]


def test_trailing_comment_suppresses_its_line() -> None:
    text = with_wait(trailing="  # servicespec: ignore[SS407,SS408] queue is never long here")
    assert found(text) == []


def test_comment_on_the_line_above() -> None:
    text = with_wait("      # servicespec: ignore[SS407] the desk has no queue standard yet\n")
    assert [c for c, _ in found(text)] == ["SS408"]


def test_suppression_without_reason_does_not_suppress() -> None:
    text = with_wait(trailing="  # servicespec: ignore[SS407]")
    got = lint_text(text).diagnostics
    assert sorted(d.code for d in got) == ["SS008", "SS407", "SS408"]
    assert "gives no reason" in next(d.message for d in got if d.code == "SS008")


def test_unused_and_unknown_suppressions_are_reported() -> None:
    text = starter_text().replace(
        "    - id: check-out\n",
        "    # servicespec: ignore[SS402] nothing to hide here\n    - id: check-out\n").replace(
        "  - id: receptionist\n", "  - id: receptionist  # servicespec: ignore[SS999] typo\n")
    got = [(d.code, d.message) for d in lint_text(text).diagnostics]
    assert len(got) == 2 and all(code == "SS008" for code, _ in got)
    assert any("suppresses nothing for SS402" in m for _, m in got)
    assert any("unknown code SS999" in m for _, m in got)


def test_suppression_words_inside_a_string_are_text() -> None:
    text = starter_text().replace(
        "  description: An overnight stay at a city-centre hotel, from booking to check-out.",
        '  description: "Write # servicespec: ignore[SS101] why, to suppress"')
    assert found(text) == []
    block = starter_text().replace(
        "  description: An overnight stay at a city-centre hotel, from booking to check-out.",
        "  description: |\n"
        "    Comments like # servicespec: ignore[SS101] reason\n    are text here.")
    assert found(block) == []


QUIET = FIXTURES / "rules" / "SS008" / "good-used.yaml"  # four findings suppressed, none left


def run_lint(*args: str) -> Result:
    return CliRunner().invoke(cli, ["lint", "--no-cache", *args], catch_exceptions=False)


def test_suppressed_findings_are_counted_apart_in_text() -> None:
    result = run_lint(str(QUIET))
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "All clean: 1 file checked; 4 suppressed."


def test_json_lists_suppressed_findings_with_their_reasons() -> None:
    doc = json.loads(run_lint("--format", "json", str(QUIET)).output)
    assert doc["findings"] == [] and doc["summary"]["suppressed"] == 4
    got = {(s["code"], s["line"], s["reason"]) for s in doc["suppressed"]}
    assert ("SS408", 110, "the queue screen is being replaced") in got
    assert ("SS606", 134, "survey tool not chosen yet") in got
    assert {s["code"] for s in doc["suppressed"]} == {"SS408", "SS605", "SS606"}


def test_sarif_marks_suppressed_results_in_source_with_the_justification() -> None:
    import jsonschema

    doc = json.loads(run_lint("--format", "sarif", str(QUIET)).output)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(doc, schema, cls=jsonschema.validators.validator_for(schema))
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) == 4
    assert all(r["suppressions"][0]["kind"] == "inSource" for r in results)
    assert {r["suppressions"][0]["justification"] for r in results} >= {
        "the queue screen is being replaced", "pilot: no baseline yet"}
    # every result's rule is described, as for unsuppressed results
    described = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} == described
