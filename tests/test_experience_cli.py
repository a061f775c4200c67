"""The experience and branch rules (SS311–SS318) as a user meets them: `servicespec lint` on
their fixtures and `servicespec explain` with the grounding."""

from __future__ import annotations

import json

from click.testing import CliRunner

from servicespec.cli import cli

from .test_rules import RULE_FIXTURES, expected

CODES = [f"SS31{i}" for i in range(1, 9)]


def test_lint_reports_each_rule_where_its_fixtures_mark_it() -> None:
    folders = [str(RULE_FIXTURES / code) for code in CODES]
    result = CliRunner().invoke(cli, ["lint", *folders, "--format", "json"],
                                catch_exceptions=False)
    found = sorted((f["code"], f["file"].rsplit("/", 1)[-1], f["line"], f["column"])
                   for f in json.loads(result.output)["findings"]
                   if f["code"] in CODES and f"/{f['code']}/" in f["file"])
    want = sorted((code, path.name, line, column)
                  for code in CODES for path in (RULE_FIXTURES / code).glob("*.yaml")
                  for line, column, _, _ in expected(path.read_text(encoding="utf-8")))
    # each rule in its own fixtures: exactly where they mark it, never in a good one
    assert found == want
    assert len(want) >= 16


def test_explain_gives_the_grounding() -> None:
    def explain(code: str) -> str:
        return " ".join(CliRunner().invoke(cli, ["explain", code]).output.split())

    assert "peak-end rule" in explain("SS311") and "finish strong" in explain("SS311")
    assert "Spraragen & Chan 2008" in explain("low-point-unaddressed")
