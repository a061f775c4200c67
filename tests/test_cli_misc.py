"""init, rules, explain, --version, python -m, and the Python API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import servicespec
from servicespec.cli import cli
from servicespec.rules import ALL_RULES


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_init_writes_a_starter_that_lints_clean(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0 and Path("service.yaml").exists()
    lint = run("lint", "service.yaml")
    assert lint.exit_code == 0 and "All clean" in lint.output
    # it shows the v1.1 experience layer: whose journey, how it feels, an event-triggered journey
    spec = servicespec.load("service.yaml")
    assert spec.blueprint.persona in {p.id for p in spec.personas}
    assert all(step.emotion is not None for _, step in spec.every_step())
    assert [(s.kind, bool(s.trigger)) for s in spec.blueprint.scenarios] == [("exception", True)]


def test_init_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("precious: true\n")
    result = run("init", str(target))
    assert result.exit_code == 2 and "already exists" in result.output
    assert target.read_text() == "precious: true\n"


def test_init_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "no" / "such" / "dir.yaml"))
    assert result.exit_code == 2 and "cannot write" in result.output


def test_rules_listing_text_and_json() -> None:
    text = run("rules").output
    assert all(code in text for code in ALL_RULES)
    listed = json.loads(run("rules", "--format", "json").output)
    assert [r["code"] for r in listed] == list(ALL_RULES)
    assert set(listed[0]) == {"code", "name", "group", "severity", "summary", "impact"}
    # the plain-words reason a finding matters, as the site and the pictures show it
    assert all(r["impact"] == ALL_RULES[r["code"]].impact != "" for r in listed)


@pytest.mark.parametrize("key", ["SS402", "ss402", "fail-point-without-recovery"])
def test_explain_by_code_or_name(key: str) -> None:
    result = run("explain", key)
    assert result.exit_code == 0
    assert result.output.startswith("SS402 fail-point-without-recovery (warning)")
    assert "Bad:" in result.output and "Good:" in result.output


def test_explain_says_why_it_matters_to_customers() -> None:
    output = " ".join(run("explain", "SS503").output.split())
    assert "Why it matters to customers: Customers asked for the same information twice" \
        in output


def test_explain_shows_options() -> None:
    assert "max_handoffs = 2" in run("explain", "SS502").output


def test_explain_unknown_rule_is_a_usage_error() -> None:
    result = run("explain", "SS999")
    assert result.exit_code == 2 and "no rule 'SS999'" in result.output


def test_version_and_module_entry_point() -> None:
    assert servicespec.__version__ in run("--version").output
    proc = subprocess.run([sys.executable, "-m", "servicespec", "--version"],
                          capture_output=True, text=True, check=True)
    assert servicespec.__version__ in proc.stdout


def test_missing_argument_is_a_usage_error() -> None:
    assert run("lint").exit_code == 2


def test_api_load_and_lint(tmp_path: Path) -> None:
    from servicespec.commands import starter_text

    good = tmp_path / "good.yaml"
    good.write_text(starter_text())
    spec = servicespec.load(good)
    assert spec.product.id == "hotel-stay-product"
    assert spec.channels[1].mode == "live"  # derived from kind: phone
    assert spec.metrics[0].kind == "outcome"  # derived from type: completion-rate
    assert spec.steps[1].wait.max.seconds == 600
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: servicespec/v1\nkind: Service\n")
    with pytest.raises(servicespec.InvalidSpecError) as info:
        servicespec.load(bad)
    assert info.value.diagnostics[0].code == "SS002"
    result = servicespec.lint([tmp_path])
    assert [Path(f.file).name for f in result.files] == ["bad.yaml", "good.yaml"]
    assert result.fails(servicespec.Severity.ERROR)


def test_api_draw(tmp_path: Path) -> None:
    from servicespec.commands import starter_text

    spec_file = tmp_path / "hotel.yaml"
    spec_file.write_text(starter_text())
    svg = servicespec.draw(spec_file)
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    dot = servicespec.draw(servicespec.load(spec_file), "dot", view="journey")
    assert dot.startswith(b"digraph")


def test_exit_zero_reports_but_does_not_fail(tmp_path: Path) -> None:
    spec = tmp_path / "gappy.yaml"
    spec.write_text("apiVersion: servicespec/v1\nkind: Service\n")
    assert run("lint", str(spec)).exit_code == 1
    result = run("lint", str(spec), "--exit-zero")
    assert result.exit_code == 0 and "SS002" in result.output
    assert run("lint", str(spec), "--exit-zero", "--format", "nope").exit_code == 2


def test_internal_error_is_reported_without_traceback(tmp_path: Path) -> None:
    # a bug is simulated by a lint command that raises: the process exits 2 with a message
    code = ("import sys, servicespec.cli as c, servicespec.commands as m\n"
            "def boom(*a, **k): raise RuntimeError('simulated bug')\n"
            "m.run_lint = boom\n"
            "sys.argv = ['servicespec', 'lint', 'x.yaml']\n"
            "c.main()\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != "SERVICESPEC_DEBUG"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert "internal error: RuntimeError: simulated bug" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_documented_journey_walk_prints_what_the_doc_says(monkeypatch) -> None:
    """docs/api.md: iterating journeys, scenarios and pain points, on specs/hotel-stay.yaml."""
    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "api.md").read_text(encoding="utf-8")
    section = doc.split("Walking every journey of a service")[1]
    code = section.split("```python\n")[1].split("```")[0]
    printed = section.split("```text\n")[1].split("```")[0]
    monkeypatch.chdir(root)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == printed
    assert "Walked to a partner hotel" in out  # the scenarios are walked, not only the main line


def test_init_library_writes_a_starter_library_that_lints_clean(tmp_path: Path,
                                                                monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "--library")
    assert result.exit_code == 0 and Path("library.yaml").exists()
    text = Path("library.yaml").read_text()
    assert "kind: Library" in text and text.startswith("#")
    for target in ("library.yaml", "."):
        lint = run("lint", "--no-cache", target)
        assert lint.exit_code == 0 and "All clean" in lint.output, lint.output
    assert run("init", "--library").exit_code == 2  # never overwrites
