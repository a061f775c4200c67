"""Configuration: discovery, validation, selection, severities, options, per-file ignores."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from servicespec.api import lint_file
from servicespec.cli import cli
from servicespec.commands import starter_text
from servicespec.config import Config, ConfigError, find_config, read_config
from servicespec.diagnostics import Severity

# the starter with its only recovery process removed: SS401 error, SS402 on both fail points
GAPPY = starter_text().split("# Recovery:")[0]


def codes(path: Path, config: Config | None = None) -> set[str]:
    return {d.code for d in lint_file(str(path), config).diagnostics}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "specs" / "drafts").mkdir(parents=True)
    (tmp_path / "specs" / "hotel.yaml").write_text(GAPPY)
    (tmp_path / "specs" / "drafts" / "hotel.yaml").write_text(GAPPY)
    return tmp_path


def test_defaults_without_a_file(project: Path) -> None:
    assert {"SS401", "SS402"} <= codes(project / "specs" / "hotel.yaml")


def test_pyproject_section_found_walking_up(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.servicespec]\nignore = ["SS4"]\n')
    assert codes(project / "specs" / "drafts" / "hotel.yaml") == set()


def test_servicespec_toml_wins_over_pyproject_further_up(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.servicespec]\nignore = ["SS4"]\n')
    (project / "specs" / "servicespec.toml").write_text('select = ["SS402"]\n')
    assert codes(project / "specs" / "hotel.yaml") == {"SS402"}


def test_severity_override_and_options(project: Path) -> None:
    cfg = Config.model_validate({"severity": {"SS402": "info", "no-recovery-process": "W"}})
    result = lint_file(str(project / "specs" / "hotel.yaml"), cfg)
    sev = {d.code: d.severity for d in result.diagnostics}
    assert sev["SS402"] == Severity.INFO and sev["SS401"] == Severity.WARNING
    cfg = Config.model_validate({"options": {"SS502": {"max_handoffs": 0}}})
    assert cfg.rule_options("SS502").max_handoffs == 0


def test_per_file_ignores(project: Path) -> None:
    # gitignore-style, relative to the configuration's folder
    cfg = Config.model_validate({"per_file_ignores": {"*/drafts/*": ["SS4"]}}).with_root(project)
    assert codes(project / "specs" / "drafts" / "hotel.yaml", cfg) == set()
    assert "SS401" in codes(project / "specs" / "hotel.yaml", cfg)
    for glob, ignored in [("drafts/", True), ("hotel.yaml", True), ("/drafts/*", False),
                          ("specs/*.yaml", False), ("specs/**/*.yaml", True)]:
        cfg = Config.model_validate({"per_file_ignores": {glob: ["SS4"]}}).with_root(project)
        enabled = cfg.enabled("SS401", str(project / "specs" / "drafts" / "hotel.yaml"))
        assert enabled is not ignored, glob


@pytest.mark.parametrize("toml,words", [
    ('select = ["SS999"]\n', "unknown rule code or prefix 'SS999'"),
    ('severity = { SS402 = "fatal" }\n', "unknown severity"),
    ('severity = { SS9 = "error" }\n', "unknown rule 'SS9'"),
    ('[options.SS502]\nmax_handofs = 3\n', "max_handofs"),
    ('[options.SS502]\nmax_handoffs = "many"\n', "max_handoffs"),
    ('colour = "blue"\n', "colour: unknown setting"),
    ('fail_on = "sometimes"\n', "fail_on"),
    ('select = [\n', "invalid TOML"),
])
def test_invalid_configuration_is_a_clear_error(tmp_path: Path, toml: str, words: str) -> None:
    path = tmp_path / "servicespec.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        read_config(path)
    assert words in str(info.value) and str(path) in str(info.value)


def test_cli_flags_override_the_file(project: Path) -> None:
    (project / "servicespec.toml").write_text('ignore = ["SS4"]\nfail_on = "info"\n')
    spec = str(project / "specs" / "hotel.yaml")
    runner = CliRunner()
    result = runner.invoke(cli, ["lint", spec], catch_exceptions=False)
    assert result.exit_code == 0 and "All clean" in result.output
    result = runner.invoke(cli, ["lint", spec, "--select", "SS401", "--ignore", "SS402"],
                           catch_exceptions=False)
    assert result.exit_code == 1 and "SS401" in result.output and "SS402" not in result.output


def test_cli_config_error_exits_2(project: Path) -> None:
    (project / "servicespec.toml").write_text('select = ["NOPE"]\n')
    result = CliRunner().invoke(cli, ["lint", str(project / "specs")], catch_exceptions=False)
    assert result.exit_code == 2 and "NOPE" in result.output


def test_a_long_lived_process_sees_every_configuration_edit(project: Path) -> None:
    # one process, the same API called again and again, as `servicespec serve` and an editor
    # integration do: each call reads the configuration files as they are now
    spec = project / "specs" / "drafts" / "hotel.yaml"
    assert {"SS401", "SS402"} <= codes(spec)
    config = project / "specs" / "servicespec.toml"
    config.write_text('select = ["SS402"]\n')
    assert codes(spec) == {"SS402"}
    config.write_text('select = ["SS401"]\n')  # the same size, saved within the same tick
    assert codes(spec) == {"SS401"}
    config.unlink()
    (project / "pyproject.toml").write_text('[tool.servicespec]\nignore = ["SS4"]\n')
    assert codes(spec) == set()
    (project / "specs" / "drafts" / "pyproject.toml").write_text('[tool.other]\nx = 1\n')
    assert codes(spec) == set()  # a pyproject.toml without the section is passed over
    (project / "pyproject.toml").write_text('[project]\nname = "hotel"\n')
    assert {"SS401", "SS402"} <= codes(spec)


def test_an_unchanged_configuration_is_not_read_again(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "servicespec.toml").write_text('ignore = ["SS4"]\n')
    first = find_config(project / "specs")
    monkeypatch.setattr(Config, "model_validate", None)  # parsing it again would fail
    again = find_config(project / "specs")
    assert again.config is first.config and again.path == project / "servicespec.toml"


def test_each_problem_of_a_configuration_is_a_line_of_its_own(project: Path) -> None:
    """Several problems, several lines: not one line with the breaks shown as `\\x0a`."""
    (project / "servicespec.toml").write_text('select = ["NOPE"]\nfail_on = "warnings"\n'
                                              '[limits]\nmax_depth = 1\n')
    result = CliRunner().invoke(cli, ["lint", str(project / "specs")], catch_exceptions=False)
    lines = [line for line in result.output.splitlines() if line.startswith("servicespec:")]
    assert result.exit_code == 2 and "\\x0a" not in result.output
    assert [line.split("servicespec.toml: ")[1].split(":")[0] for line in lines] == [
        "select", "fail_on", "limits.max_depth"]
