"""Every output format: golden files for one multi-finding spec, SARIF against the official
schema, and escaping of hostile spec text in each format.

Golden files live in tests/golden/report/. After an intended change of output, regenerate them
with `SERVICESPEC_UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py` and review the diff
(never in CI: the flag is refused when `CI` is set). The SARIF schema is vendored in tests/data/.
"""

from __future__ import annotations

import inspect
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from servicespec import __version__
from servicespec.api import lint_file
from servicespec.config import Config
from servicespec.diagnostics import Diagnostic, Severity
from servicespec.jsontext import dumps
from servicespec.report import REPORTERS, github_step_summary
from servicespec.report.github import escape_data, escape_property
from servicespec.report.markdown import escape as md_escape
from servicespec.results import FileResult, LintResult
from servicespec.rules import ALL_RULES

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "report"
SPEC = "tests/fixtures/multi-finding.yaml"  # relative: golden outputs hold this path
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"  # OASIS, unchanged
UPDATE = os.environ.get("SERVICESPEC_UPDATE_GOLDEN") == "1"

GOLDEN_FILES = {"text": "multi-finding.txt", "json": "multi-finding.json",
                "sarif": "multi-finding.sarif", "github": "multi-finding.github.txt",
                "junit": "multi-finding.junit.xml"}


@pytest.fixture
def result(monkeypatch: pytest.MonkeyPatch) -> LintResult:
    """The shared spec linted from the repository root with the default configuration."""
    monkeypatch.chdir(ROOT)
    return LintResult([lint_file(SPEC, Config())])


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        if os.environ.get("CI"):
            pytest.fail("SERVICESPEC_UPDATE_GOLDEN is refused in CI: update golden files "
                        "locally and review the diff")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"golden updated: {name}")
    assert path.exists(), f"{path} is missing: run with SERVICESPEC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file: if the change is intended, run "
        "SERVICESPEC_UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py and review")


def stable(fmt: str, text: str) -> str:
    """The output without what changes with no change to the reporters: the tool's version,
    and in SARIF the rules' documentation (checked here against the rule's docstring)."""
    text = text.replace(f'"{__version__}"', '"<version>"')
    if fmt != "sarif":
        return text
    doc = json.loads(text)
    for rule in doc["runs"][0]["tool"]["driver"]["rules"]:
        check_documentation(rule)
        rule["fullDescription"] = rule["help"] = "<the rule's documentation>"
    return dumps(doc)


def words(text: str) -> str:
    return " ".join(text.split())


def check_documentation(descriptor: dict) -> None:
    """The SARIF texts of a rule say what its docstring says: the why (the text before
    `Bad:`) in full, and the help adds each line of the Bad and Good examples."""
    doc = inspect.getdoc(type(ALL_RULES[descriptor["id"]])) or ""
    why = doc.split("\nBad:")[0]
    assert words(descriptor["fullDescription"]["text"]) == words(why)
    for help_text in (descriptor["help"]["text"], descriptor["help"]["markdown"]):
        assert help_text.startswith(descriptor["fullDescription"]["text"])
        examples = [line for line in doc[len(why):].splitlines()
                    if line.strip() and not line.startswith(("Bad:", "Good:", "```"))]
        assert examples and all(line in help_text for line in examples), descriptor["id"]


def test_the_shared_spec_has_findings_of_every_severity(result: LintResult) -> None:
    found = result.diagnostics
    assert {d.severity for d in found} == set(Severity)
    assert 8 <= len(found) <= 14
    assert not [d for d in found if d.code in ("SS001", "SS002", "SS003")]


@pytest.mark.parametrize("fmt", sorted(GOLDEN_FILES))
def test_golden_output(result: LintResult, fmt: str) -> None:
    check_golden(GOLDEN_FILES[fmt], stable(fmt, REPORTERS[fmt](result)))


def test_golden_github_step_summary(result: LintResult) -> None:
    check_golden("multi-finding.summary.md", github_step_summary(result))


def test_every_format_is_registered() -> None:
    assert set(REPORTERS) == {"text", "json", "sarif", "github", "junit"}


# --- the JSON contract (docs/output-formats.md) -------------------------------------------

def test_json_contract(result: LintResult) -> None:
    doc = json.loads(REPORTERS["json"](result))
    assert set(doc) == {"version", "findings", "suppressed", "summary"} and doc["version"] == 1
    keys = {"code", "name", "severity", "message", "file", "line", "column", "end_line",
            "end_column", "element", "fingerprint"}
    for finding in doc["findings"]:
        assert set(finding) == keys
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["file"] == SPEC
    assert doc["summary"] == {"files": 1, "errors": 2, "warnings": 7, "infos": 3,
                              "suppressed": 0}


# --- SARIF ------------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema(result: LintResult) -> None:
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    for doc in (REPORTERS["sarif"](result), REPORTERS["sarif"](hostile()),
                REPORTERS["sarif"](LintResult([FileResult("clean.yaml", [])]))):
        jsonschema.validate(json.loads(doc), schema,
                            cls=jsonschema.validators.validator_for(schema))


def test_sarif_carries_rule_metadata(result: LintResult) -> None:
    run = json.loads(REPORTERS["sarif"](result))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({d.code for d in result.diagnostics})
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    for rule in rules:  # each field against the registry, read directly
        registered = ALL_RULES[rule["id"]]
        assert rule["name"] == registered.name
        assert rule["shortDescription"]["text"] == registered.summary
        assert rule["defaultConfiguration"]["level"] == levels[registered.severity]
        assert rule["helpUri"] == ("https://github.com/servicespec/servicespec/blob/main/docs/"
                                   f"rules.md#{rule['id'].lower()}")
        assert rule["properties"]["tags"][0] == rule["id"][:3]
        check_documentation(rule)
    by_id = {rule["id"]: rule for rule in rules}  # and a few literally
    assert by_id["SS409"]["name"] == "wait-exceeds-standard"
    assert by_id["SS409"]["defaultConfiguration"]["level"] == "error"
    assert by_id["SS704"]["defaultConfiguration"]["level"] == "note"
    assert by_id["SS402"]["fullDescription"]["text"].startswith(
        "Shostack (1984) marks fail points on the blueprint")
    assert "covers: [check-out]" in by_id["SS402"]["help"]["text"]
    assert by_id["SS402"]["help"]["markdown"].endswith(
        "`servicespec explain SS402` prints this text.")
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["partialFingerprints"]


# --- escaping: spec text is data, never markup or terminal control --------------------------

NASTY = ("x\x1b[31mred\x1b[0m \x9b2J\nsecond line\r\n::error::injected %0A 50% "
         "<b>&amp;</b> | @team #12 `tick` [a](http://e) ]]> \x00end")


def hostile() -> LintResult:
    diag = Diagnostic("SS402", "fail-point-without-recovery", Severity.ERROR, NASTY,
                      "specs/we,ird:na\nme <x>.yaml", 3, 5, 3, 9, "steps[a]", "abc123")
    return LintResult([FileResult(diag.file, [diag])])


@pytest.mark.parametrize("fmt", sorted(GOLDEN_FILES))
def test_no_terminal_control_reaches_the_output(fmt: str) -> None:
    out = REPORTERS[fmt](hostile(), color=False)
    assert not [ch for ch in out if (ord(ch) < 32 and ch not in "\n") or 0x7f <= ord(ch) <= 0x9f]


def test_github_workflow_commands_cannot_be_injected() -> None:
    out = REPORTERS["github"](hostile())
    lines = out.splitlines()
    assert len(lines) == 2  # one annotation and the summary line: no line break got through
    command, data = lines[0].split("::", 2)[1:]
    # a line break in spec text is shown escaped: one finding, one line of message
    assert command.startswith("error file=specs/we%2Cird%3Ana\\x0ame <x>.yaml,line=3,")
    assert "\\x0asecond line\\x0d\\x0a::error" in data
    assert "%0A" not in data and "%250A" in data and "50%25" in data
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_github_caps_annotations_per_severity() -> None:
    diags = [Diagnostic("SS605", "metric-without-target", Severity.WARNING, f"m{i}", "a.yaml",
                        i + 1, 1, i + 1, 2, f"metrics[m{i}]", f"f{i}") for i in range(25)]
    out = REPORTERS["github"](LintResult([FileResult("a.yaml", diags)])).splitlines()
    assert sum(1 for line in out if line.startswith("::warning ")) == 10
    assert any(line.startswith("::notice title=servicespec::15 more findings") for line in out)
    assert sum(1 for line in out if line.startswith("  - a.yaml:")) == 15


def test_junit_is_well_formed_and_keeps_the_text() -> None:
    out = REPORTERS["junit"](hostile())
    root = ET.fromstring(out.encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "<b>&amp;</b>" in (failure.text or "")
    assert "\\x1b[31m" in (failure.text or "")


def test_junit_has_one_case_per_file_and_rule(result: LintResult) -> None:
    root = ET.fromstring(REPORTERS["junit"](result).encode("utf-8"))
    names = [c.get("name") for c in root.iter("testcase")]
    assert len(names) == len(set(names)) == len({d.code for d in result.diagnostics})
    clean = ET.fromstring(REPORTERS["junit"](LintResult([FileResult("ok.yaml", [])])))
    assert clean.get("tests") == "1" and clean.get("failures") == "0"


def test_markdown_escaping() -> None:
    text = md_escape("a | b <script> @team #1 `x` [l](u) *em* _u_ ~s~ \\ \x1b")
    assert "<" not in text and "@team" not in text
    assert text.startswith("a \\| b &lt;script&gt; &#64;team \\#1 \\`x\\` \\[l\\](u)")
    assert "\\x1b" in text and "\x1b" not in text
    summary = github_step_summary(hostile())
    assert "<b>" not in summary and "\n::error" not in summary


def test_text_output_is_grouped_by_file_with_a_summary(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    one = Diagnostic("SS605", "metric-without-target", Severity.WARNING, "m", "a.yaml", 1, 1, 1,
                     2, "metrics[m]", "f1")
    two = Diagnostic("SS402", "fail-point-without-recovery", Severity.ERROR, "f", "b.yaml", 2,
                     1, 2, 2, "x", "f2")
    out = REPORTERS["text"](LintResult([FileResult("a.yaml", [one]), FileResult("c.yaml", []),
                                        FileResult("b.yaml", [two])]))
    assert out.splitlines() == [
        "a.yaml:1:1: SS605 warning: m", "",
        "b.yaml:2:1: SS402 error: f", "",
        "1 error, 1 warning in 2 files (3 checked).",
    ]
    colored = REPORTERS["text"](LintResult([FileResult("b.yaml", [two])]), color=True)
    assert "\x1b[31m" in colored
