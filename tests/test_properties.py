"""Properties over generated specs: schema and model agree, specs round-trip, nothing crashes.

Sizes are small for the suite; `pytest --hypothesis-profile=long` runs them deep.
"""

from __future__ import annotations

import copy

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from servicespec.api import LintResult
from servicespec.config import Config
from servicespec.engine import lint_loaded
from servicespec.loader import load_text
from servicespec.model.dump import dump_spec
from servicespec.model.spec import Spec
from servicespec.report import REPORTERS
from servicespec.schema import build_schema

from .conftest import examples

SCHEMA = build_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
# hypothesis-jsonschema resolves `#/$defs/...` against `$id` as if it were a remote URI
SPECS = from_schema({k: v for k, v in SCHEMA.items() if k != "$id"})
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
    assert not [d for d in result.diagnostics if d.code in ("SS001", "SS002", "SS003")]
    lint = LintResult([result])
    for name, reporter in REPORTERS.items():
        assert isinstance(reporter(lint), str), name


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
    ("4 hours", False), ("٣h", False), (" 2 d ", True),
])
def test_duration_pattern_and_parser_agree(value, valid) -> None:
    doc = {"apiVersion": "servicespec/v1", "kind": "Service",
           "metadata": {"id": "s", "name": "S"}, "product": {"name": "P"},
           "channels": [{"id": "c", "kind": "phone", "response_time": value}]}
    assert VALIDATOR.is_valid(doc) is valid
    assert model_accepts(doc) is valid
