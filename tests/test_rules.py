"""Every rule against its fixtures and its documented examples.

Fixtures live in tests/fixtures/rules/<CODE>/. `bad-*.yaml` mark each expected finding on the
line where it must start, with the column it starts at (1-based, in characters) and a fragment
of its message in double quotes:

    - id: room-not-ready  # expect: SS402@11 "'room-not-ready' has no recovery process"

Several findings on one line are separated by commas:
`# expect: SS103@1 "no 'billing' facilitating service", SS103@1 "no 'payment' facilitating
service"`; text after the last one is a free comment. The test compares the exact list of
(line, column) of that rule's findings, and each fragment must occur in the message of a
finding at its position (each finding answers one fragment). `good-*.yaml` must raise nothing
from the rule.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import servicespec.engine as engine
from servicespec.config import Config
from servicespec.rules import ALL_RULES

from .conftest import FIXTURES, apply_fragment, lint_text

RULE_FIXTURES = FIXTURES / "rules"
_MARKER = re.compile(r"#\s*expect:(.*)")
_ITEM = re.compile(r'\s*(SS\d{3})@(\d+)\s+"([^"]+)"\s*(,?)')
# rules whose condition no text can produce inside the test (an unreadable file)
NO_EXAMPLE = {"SS010"}
# rules about many files: tested on a catalogue through the CLI (test_workspace.py)
MANY_FILES = {"SS801", "SS803", "SS804"}


def fixture_cases(kind: str) -> list[tuple[str, Path]]:
    return sorted((path.parent.name, path) for path in RULE_FIXTURES.glob(f"SS*/{kind}-*.y*ml"))


def expected(text: str) -> list[tuple[int, int, str, str]]:
    """(line, column, code, message fragment) for each expectation of the markers."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.search(line)
        pos, more = 0, marker is not None
        while more:
            item = _ITEM.match(marker[1], pos)
            assert item, (f"line {number}: `{marker[0]}` is not "
                          '`# expect: CODE@COLUMN "message fragment"[, ...]`')
            out.append((number, int(item[2]), item[1], item[3]))
            pos, more = item.end(), bool(item[4])
    return sorted(out)


def unanswered(found: list[tuple[int, int, str]], want: list[tuple[int, int, str, str]]
               ) -> list[str]:
    """The positions whose fragments the messages of the findings there cannot all answer,
    one finding for each fragment."""
    messages: dict[tuple[int, int], list[str]] = {}
    for line, column, message in found:
        messages.setdefault((line, column), []).append(message)
    out = []
    for (line, column), group in itertools.groupby(want, key=lambda w: w[:2]):
        fragments = [w[3] for w in group]
        here = messages.get((line, column), [])
        if not any(all(f in m for f, m in zip(fragments, order, strict=True))
                   for order in itertools.permutations(here)):
            out.append(f"{line}:{column}: {fragments} not in {here}")
    return out


@pytest.mark.parametrize("code,path", fixture_cases("bad"), ids=lambda v: getattr(v, "name", v))
def test_bad_fixture(code: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    want = expected(text)
    assert want, f'{path} marks no `# expect: {code}@COLUMN "message fragment"`'
    assert {c for _, _, c, _ in want} == {code}, f"{path} marks findings of another rule"
    result = lint_text(text, path.name)
    found = sorted((d.line, d.column, d.message) for d in result.diagnostics if d.code == code)
    assert [f[:2] for f in found] == [w[:2] for w in want]  # (line, column) of each finding
    assert unanswered(found, want) == []


@pytest.mark.parametrize("code,path", fixture_cases("good"), ids=lambda v: getattr(v, "name", v))
def test_good_fixture(code: str, path: Path) -> None:
    result = lint_text(path.read_text(encoding="utf-8"), path.name)
    assert [d for d in result.diagnostics if d.code == code] == []


DOCUMENTED = [code for code in ALL_RULES if code not in NO_EXAMPLE | MANY_FILES]


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
    if code in MANY_FILES:
        pytest.skip("tested on a catalogue in test_workspace")
    folder = RULE_FIXTURES / code
    assert list(folder.glob("bad-*.y*ml")), f"{code} has no bad fixture in {folder}"
    assert list(folder.glob("good-*.y*ml")), f"{code} has no good fixture in {folder}"


class Reordered(Config):
    """The default configuration with its rules run in another order."""

    _order: Callable[[list], list]
    _runs: list[list[str]]  # the order of each run

    def active_rules(self, file: str | None = None) -> list:
        rules = self._order(super().active_rules(file))
        self._runs.append([code for code, _, _ in rules])
        return rules


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_rule_output_does_not_depend_on_rule_order(order: str) -> None:
    text = (FIXTURES / "multi-finding.yaml").read_text(encoding="utf-8")
    config = Reordered()
    config._runs = []
    config._order = (lambda rules: rules[::-1]) if order == "reversed" else (
        lambda rules: random.Random(11).sample(rules, len(rules)))
    for path in ("precise", "fast"):
        forward = (lint_text(text) if path == "precise" else
                   engine.lint_text(text, "spec.yaml", Config())).diagnostics
        assert len({d.code for d in forward}) > 5, "the spec should make many rules report"
        again = (lint_text(text, config=config) if path == "precise" else
                 engine.lint_text(text, "spec.yaml", config)).diagnostics
        assert again == forward, path
    # the engine ran the rules in the new order, on each path
    default = [code for code, _, _ in Config().active_rules()]
    assert len(config._runs) == 2 and all(run != default and sorted(run) == sorted(default)
                                          for run in config._runs)


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


def test_evidence_written_on_the_touchpoint_is_the_steps_evidence() -> None:
    """A designer who writes what the customer sees once, on the touchpoint, is not told
    that every step at it shows nothing (SS306, SS308), and the blueprint draws it in those
    steps' evidence lane; a step's own evidence still wins."""
    from servicespec.render import render_spec

    text = apply_fragment("""
blueprint:
  steps:
    - {id: check-in, name: Check in, phase: during, customer: Checks in,
       touchpoint: check-in-desk, frontstage: [{role: receptionist, action: Gives the key}]}
    - {id: check-out, name: Check out, phase: after, customer: Pays, touchpoint: check-out-desk,
       evidence: [Receipt], frontstage: [{role: receptionist, action: Takes payment}]}
""")
    result = lint_text(text)
    codes = [(d.code, d.message) for d in result.diagnostics]
    assert not [c for c in codes if c[0] == "SS306" or "'evidence' lane" in c[1]], codes
    assert result.spec is not None
    assert result.spec.evidence_of(result.spec.steps[0]) == ["Lobby", "key card"]
    assert result.spec.evidence_of(result.spec.steps[1]) == ["Receipt"]
    dot = render_spec(result.spec, "blueprint")
    assert "▪ Lobby" in dot and "▪ key card" in dot and "▪ Itemised invoice" not in dot
