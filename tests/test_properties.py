"""Properties over generated specs: schema and model agree, specs round-trip, findings lie in
the file, both lint paths agree, and the reports carry every finding.

Sizes are small for the suite; `pytest --hypothesis-profile=long` runs them deep.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from servicespec.api import LintResult
from servicespec.config import Config
from servicespec.engine import lint_loaded, lint_text
from servicespec.loader import load_text
from servicespec.model.dump import dump_spec
from servicespec.model.spec import Spec
from servicespec.report import REPORTERS
from servicespec.schema import build_schema

from .conftest import examples

SCHEMA = build_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
# hypothesis-jsonschema resolves `#/$defs/...` against `$id` as if it were a remote URI
SPECS = from_schema({**SCHEMA["$defs"]["Service"], "$defs": SCHEMA["$defs"]})
SUITE = settings(max_examples=examples(25), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.filter_too_much])


def model_accepts(data) -> bool:
    try:
        Spec.from_data(data)
    except ValueError:
        return False
    return True


@SUITE
@given(SPECS)
def test_what_the_schema_accepts_the_model_accepts(data) -> None:
    assert model_accepts(data)


@SUITE
@given(SPECS)
def test_generated_specs_load_lint_and_report(data) -> None:
    text = dump_spec(Spec.from_data(data))
    result = lint_loaded(load_text(text, "generated.yaml"), Config())
    found = result.diagnostics
    assert not [d for d in found if d.code in ("SS001", "SS002", "SS003")]
    # the fast path gives exactly what the precise path gives
    assert lint_text(text, "generated.yaml", Config()).diagnostics == found
    # every finding starts and ends inside the file (the end may be the end of the file)
    lines = text.split("\n")
    for d in found:
        assert 1 <= d.line <= len(lines) and 1 <= d.column <= len(lines[d.line - 1]) + 1, d
        assert (d.line, d.column) <= (d.end_line, d.end_column) and d.end_line <= len(lines), d
        assert d.end_column <= len(lines[d.end_line - 1]) + 1, d
    # the reports parse back and carry every finding
    lint = LintResult([result])
    assert json.loads(REPORTERS["json"](lint))["findings"] == [d.to_dict() for d in found]
    sarif = json.loads(REPORTERS["sarif"](lint))["runs"][0]["results"]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in sarif]
    assert [(r["ruleId"], r["message"]["text"], g["startLine"], g["startColumn"])
            for r, g in zip(sarif, regions, strict=True)] == \
        [(d.code, d.message, d.line, d.column) for d in found]
    junit = ET.fromstring(REPORTERS["junit"](lint).encode("utf-8"))
    assert len(junit.findall("testsuite/testcase/failure")) == len({d.code for d in found})
    report = REPORTERS["text"](lint).splitlines()
    assert [line.split(" ", 2)[:2] for line in report if line.startswith("generated.yaml:")] \
        == [[f"generated.yaml:{d.line}:{d.column}:", d.code] for d in found]


@SUITE
@given(SPECS)
def test_specs_round_trip(data) -> None:
    spec = Spec.from_data(data)
    loaded = load_text(dump_spec(spec), "dumped.yaml")
    assert loaded.diagnostics == []
    assert Spec.from_data(loaded.data) == spec


def _mutations(data):
    """Small edits that may or may not keep a document valid."""
    return st.sampled_from([
        ("drop", "product"), ("drop", "metadata"), ("set", "kind", "Product"),
        ("set", "facilitating", "not a list"), ("add", "colour", "red"), ("add", "x-ok", 1),
        ("set", "channels", [{"id": "c", "kind": "fax"}]),
        ("set", "channels", [{"id": "c", "kind": "phone", "response_time": "5"}]),
        ("set", "metrics", [{"id": "m", "type": "custom"}]),
        ("set", "metrics", [{"id": "m", "type": "custom", "kind": "outcome", "target": "> 1"}]),
        ("set", "roles", [{"id": "Bad Id"}]),
        ("set", "product", {"name": "P", "outcomes": None}),
        ("set", "blueprint", {"steps": [{"id": "s", "wait": "2d", "frontstage": ["x"]}]}),
        ("set", "blueprint", {"steps": [{"id": "s", "decision": "yes"}]}),
        # format v1.1: the experience layer, shorthands, scenarios and the new sections
        ("set", "blueprint", {"persona": "p", "case_owner": "r", "steps": [
            {"id": "s", "emotion": -2, "thoughts": ["hm"], "moment_of_truth": True,
             "duration": "3wd", "touchpoint": ["t", "u"],
             "next": ["s", {"step": "s", "when": "w", "share": 0.5}],
             "support": ["x", {"system": "y", "action": "z"}],
             "pain_points": ["slow", {"id": "p", "description": "d"}]}],
            "scenarios": [{"id": "sc", "kind": "exception", "from": "s", "rejoins": "s",
                           "trigger": "t", "steps": [{"id": "t", "touchpoint": "t"}]}]}),
        ("set", "blueprint", {"steps": [{"id": "s", "emotion": 3}]}),
        ("set", "blueprint", {"steps": [{"id": "s", "emotion": 1.5}]}),
        ("set", "blueprint", {"steps": [{"id": "s", "next": [{"when": "w"}]}]}),
        ("set", "blueprint", {"steps": [{"id": "s", "pain_points": [{"id": "p"}]}]}),
        ("set", "blueprint", {"steps": [{"id": "s", "touchpoint": 5}]}),
        ("set", "blueprint", {"scenarios": [{"id": "sc", "kind": "other"}]}),
        ("set", "channels", [{"id": "c", "kind": "notification", "direction": "inbound",
                              "accessibility": ["step-free", "language-cy"]}]),
        ("set", "channels", [{"id": "c", "kind": "sms", "direction": "out"}]),
        ("set", "roles", [{"id": "r", "organisation": "Harbour Crew Ltd"}]),
        ("set", "personas", [{"id": "p", "needs": ["n"], "accessibility": ["Step Free"]}]),
        ("set", "systems", [{"id": "y", "owner": "IT", "provider": "third-party"}]),
        ("set", "systems", [{"id": "y", "provider": "external"}]),
        ("set", "opportunities", [{"id": "o", "addresses": ["s"], "status": "in-progress"}]),
        ("set", "regulations", [{"id": "g", "applies_to": ["s"], "deadline": "15wd"}]),
        ("set", "regulations", [{"id": "g", "deadline": "1 month"}]),
        ("set", "metadata", {"id": "m", "name": "M", "state": "future"}),
        ("set", "metadata", {"id": "m", "name": "M", "state": "past"}),
    ])


@SUITE
@given(SPECS, st.data())
def test_schema_and_model_agree_on_mutated_documents(data, draw) -> None:
    mutation = draw.draw(_mutations(data))
    doc = copy.deepcopy(data)
    if mutation[0] == "drop":
        doc.pop(mutation[1], None)
    else:
        doc[mutation[1]] = mutation[2]
    assert VALIDATOR.is_valid(doc) == model_accepts(doc), mutation


@pytest.mark.parametrize("value,valid", [
    ("4h", True), ("PT4H", True), ("P1W2DT3H", True), ("P1M", False), ("P", False),
    ("4 hours", False), ("٣h", False), (" 2 d ", True), ("15wd", True), ("1.5 wd", True),
    ("15dw", False), ("wd", False), ("PT15WD", False),
])
def test_duration_pattern_and_parser_agree(value, valid) -> None:
    doc = {"apiVersion": "servicespec/v1", "kind": "Service",
           "metadata": {"id": "s", "name": "S"}, "product": {"name": "P"},
           "channels": [{"id": "c", "kind": "phone", "response_time": value}]}
    assert VALIDATOR.is_valid(doc) is valid
    assert model_accepts(doc) is valid
