"""Every rule against its fixtures and its documented examples.

Fixtures live in tests/fixtures/rules/<CODE>/: `bad-*.yaml` mark each expected finding with
`# expect: CODE` on the line where it must start (`# expect: CODE, CODE` for two findings on
one line), and the test compares the exact list of (line, code) of that rule; `good-*.yaml` must
raise nothing from it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from servicespec.rules import ALL_RULES

from .conftest import FIXTURES, apply_fragment, lint_text

RULE_FIXTURES = FIXTURES / "rules"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
# rules whose condition no text can produce inside the test (an unreadable file)
NO_EXAMPLE = {"SS010"}


def fixture_cases(kind: str) -> list[tuple[str, Path]]:
    return sorted((path.parent.name, path) for path in RULE_FIXTURES.glob(f"SS*/{kind}-*.y*ml"))


def expected(text: str, code: str) -> list[tuple[int, str]]:
    """(line, code) for each marker; a code named twice on a line expects two findings."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            out += [(number, code) for c in match[1].split(",") if c.strip() == code]
    return sorted(out)


@pytest.mark.parametrize("code,path", fixture_cases("bad"), ids=lambda v: getattr(v, "name", v))
def test_bad_fixture(code: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    want = expected(text, code)
    assert want, f"{path} marks no `# expect: {code}`"
    result = lint_text(text, path.name)
    got = sorted((d.line, d.code) for d in result.diagnostics if d.code == code)
    assert got == want


@pytest.mark.parametrize("code,path", fixture_cases("good"), ids=lambda v: getattr(v, "name", v))
def test_good_fixture(code: str, path: Path) -> None:
    result = lint_text(path.read_text(encoding="utf-8"), path.name)
    assert [d for d in result.diagnostics if d.code == code] == []


DOCUMENTED = [code for code in ALL_RULES if code not in NO_EXAMPLE]


@pytest.mark.parametrize("code", DOCUMENTED)
def test_documented_examples(code: str) -> None:
    docs = ALL_RULES[code].docs()
    assert docs.bad and docs.good, f"{code} documents no Bad/Good example"
    bad = lint_text(apply_fragment(docs.bad))
    assert code in {d.code for d in bad.diagnostics}, f"{code}: the Bad example does not fire"
    good = lint_text(apply_fragment(docs.good))
    assert code not in {d.code for d in good.diagnostics}, f"{code}: the Good example fires"


@pytest.mark.parametrize("code", sorted(ALL_RULES))
def test_rule_has_fixtures(code: str) -> None:
    if code in NO_EXAMPLE:
        pytest.skip("tested in test_loader (an unreadable file)")
    folder = RULE_FIXTURES / code
    assert list(folder.glob("bad-*.y*ml")), f"{code} has no bad fixture in {folder}"
    assert list(folder.glob("good-*.y*ml")), f"{code} has no good fixture in {folder}"


def test_rule_output_does_not_depend_on_rule_order(monkeypatch) -> None:
    import servicespec.engine as engine

    text = (FIXTURES / "multi-finding.yaml").read_text(encoding="utf-8")
    forward = lint_text(text).diagnostics
    reordered = dict(reversed(list(ALL_RULES.items())))
    monkeypatch.setattr(engine, "ALL_RULES", reordered)
    assert lint_text(text).diagnostics == forward


@pytest.mark.parametrize("code,path", fixture_cases("bad"), ids=lambda v: getattr(v, "name", v))
def test_fingerprints_stay_when_a_line_is_inserted_above(code: str, path: Path) -> None:
    # a baseline matches findings by fingerprint: moving every line down by one must keep
    # each finding's fingerprint, whether it comes from a rule or from the loader (SS004's
    # message names the line of the first key, SS001's may name the parser's context line)
    text = path.read_text(encoding="utf-8")
    before = lint_text(text, path.name).diagnostics
    after = lint_text("# a line inserted above\n" + text, path.name).diagnostics
    assert code in {d.code for d in before}
    prints = [d.fingerprint for d in before]
    assert len(set(prints)) == len(prints), "two findings of one file share a fingerprint"
    assert sorted(d.fingerprint for d in after) == sorted(prints)
    moved = {d.fingerprint: d.line for d in after}
    # a finding about the whole file (empty, not a mapping) points at its start, wherever
    # the content is; every other one moves down a line
    whole_file = [(d.line, d.column, d.end_line, d.end_column) == (1, 1, 1, 1) for d in before]
    assert [moved[d.fingerprint] for d in before] == [
        d.line if whole else d.line + 1 for d, whole in zip(before, whole_file, strict=True)]
