"""Format v1.1: a spec using every new key loads, round-trips, matches the JSON Schema and lints
with no errors through the CLI; the shorthands read as their objects; the journeys API.

(Wrong values of the new keys: tests/fixtures/rules/SS002/bad-v11-keys.yaml; broken
references of each new kind: SS006/bad-v11-references.yaml; the one namespace: SS005.)"""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

import servicespec
from servicespec.cli import cli
from servicespec.index import SpecIndex
from servicespec.loader import load_text
from servicespec.model.dump import dump_spec, spec_data
from servicespec.model.spec import Spec
from servicespec.model.types import parse_duration, parse_target
from servicespec.schema import build_schema

from .conftest import FIXTURES

LIBRARY = FIXTURES / "v1.1" / "library-loan.yaml"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return servicespec.load(LIBRARY)


def test_the_library_spec_uses_every_v11_key(spec: Spec) -> None:
    data = yaml.safe_load(LIBRARY.read_text(encoding="utf-8"))
    steps = [*data["blueprint"]["steps"],
             *(s for sc in data["blueprint"]["scenarios"] for s in sc["steps"])]
    used = {key for step in steps for key in step}
    assert {"emotion", "thoughts", "pain_points", "moment_of_truth", "duration"} <= used
    assert any(isinstance(s.get("touchpoint"), list) for s in steps)
    assert any(isinstance(n, dict) and {"when", "share"} <= set(n)
               for s in steps for n in s.get("next", []))
    assert any(isinstance(a, dict) and "system" in a for s in steps for a in s.get("support", []))
    assert {"persona", "case_owner", "scenarios"} <= set(data["blueprint"])
    scenario_keys = {k for sc in data["blueprint"]["scenarios"] for k in sc}
    assert scenario_keys == {"id", "name", "kind", "persona", "trigger", "from", "rejoins",
                             "case_owner", "steps"}
    assert {sc["kind"] for sc in data["blueprint"]["scenarios"]} == {"variant", "exception"}
    assert {"personas", "systems", "opportunities", "regulations"} <= set(data)
    assert {k for c in data["channels"] for k in c} >= {"direction", "accessibility"}
    assert any(c["kind"] == "notification" for c in data["channels"])
    assert any("organisation" in r for r in data["roles"])
    assert data["metadata"]["state"] == "future"
    assert "wd" in LIBRARY.read_text(encoding="utf-8")


def test_the_library_spec_lints_with_no_errors_through_the_cli() -> None:
    result = CliRunner().invoke(cli, ["lint", str(LIBRARY), "--format", "json"],
                                catch_exceptions=False)
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 0
    assert [f for f in findings if f["severity"] == "error"] == []


def test_the_library_spec_round_trips_and_matches_the_schema(spec: Spec) -> None:
    data = yaml.safe_load(LIBRARY.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(build_schema()).validate(data)
    dumped = dump_spec(spec)
    loaded = load_text(dumped, "dumped.yaml")
    assert loaded.diagnostics == []
    assert Spec.from_data(loaded.data) == spec
    jsonschema.Draft202012Validator(build_schema()).validate(spec_data(spec))


def test_shorthands_read_as_objects_and_dump_back_short(spec: Spec) -> None:
    search, reserve, collect = spec.steps[:3]
    assert collect.touchpoint == ["ready-notice", "hold-shelf", "loan-kiosk"]
    assert spec.steps[3].touchpoint == ["loan-kiosk"]  # written as one plain id
    assert spec.blueprint.scenarios[0].steps[0].touchpoint == ["help-desk"]
    assert [(n.step, n.when, n.share) for n in search.next or []] == [
        ("reserve", "the copy is at another branch", 0.7),
        ("borrow", "the copy is on the shelf here", 0.3)]
    assert reserve.next_ids == ["collect"] and spec.steps[4].next_ids is None
    assert [(s.system, s.action) for s in reserve.support] == [
        ("courier-app", "Plans the inter-branch route"), (None, "Inter-branch van")]
    assert [(p.id, p.description) for p in reserve.pain_points] == [
        ("no-collection-date", "The confirmation gives no date to collect"),
        (None, "The reservation fee is not explained")]
    step = yaml.safe_load(dump_spec(spec))["blueprint"]["steps"][1]
    assert step["next"] == ["collect"]
    assert step["support"][1] == "Inter-branch van"
    assert step["pain_points"][1] == "The reservation fee is not explained"
    assert yaml.safe_load(dump_spec(spec))["blueprint"]["steps"][3]["touchpoint"] == "loan-kiosk"


def test_channel_defaults_from_kind(spec: Spec) -> None:
    by_id = {c.id: c for c in spec.channels}
    notices = by_id["loan-notices"]
    assert (notices.mode, notices.direction) == ("automated", "outbound")
    assert by_id["branch-desk"].direction == "both"
    assert by_id["library-website"].direction == "inbound"  # as written
    assert spec.metadata.state == "future"
    assert Spec.from_data({"apiVersion": "servicespec/v1", "kind": "Service",
                           "metadata": {"id": "a", "name": "A"},
                           "product": {"name": "P"}}).metadata.state == "current"


@pytest.mark.parametrize("text,days", [("15wd", 21), ("5wd", 7), ("1.5 wd", 2.1), ("2d", 2)])
def test_working_days_compare_as_seven_fifths_of_a_day(text: str, days: float) -> None:
    assert parse_duration(text).seconds == pytest.approx(days * 86400)
    assert parse_duration(text).text == text


def test_working_day_targets_and_comparisons() -> None:
    assert parse_target("<= 3wd").seconds == pytest.approx(3 * 7 / 5 * 86400)
    assert parse_duration("10wd") < parse_duration("15d") < parse_duration("11wd")


def test_journeys_main_then_each_scenario(spec: Spec) -> None:
    main, branch_visit, outage = spec.journeys()
    assert (main.id, main.persona, main.case_owner, main.start, main.rejoins) == (
        None, "commuter-reader", "librarian", None, None)
    assert [s.id for s in main.steps] == [s.id for s in spec.steps]
    # a scenario's persona and case owner are its own, else the blueprint's
    assert (branch_visit.id, branch_visit.persona, branch_visit.case_owner) == (
        "branch-visit", "older-reader", "librarian")
    assert (outage.persona, outage.start, outage.rejoins) == ("commuter-reader", "collect", "read")
    assert outage.step_path(0) == ("blueprint", "scenarios", 1, "steps", 0)
    assert outage.scenario is not None and outage.scenario.kind == "exception"
    # `next` by position inside the journey; the default is the step below
    assert main.following(0) == [1, 3] and main.following(2) == [4]
    assert main.following(4) == [5] and main.following(5) == []
    assert [p for p, _ in spec.every_step()][-2:] == [
        ("blueprint", "scenarios", 0, "steps", 0), ("blueprint", "scenarios", 1, "steps", 0)]


def test_index_holds_the_new_ids_and_pain_points(spec: Spec) -> None:
    index = SpecIndex.build(spec)
    kinds = {i: places[0].kind for i, places in index.ids.items()}
    assert kinds["commuter-reader"] == "persona" and kinds["loan-system"] == "system"
    assert kinds["collection-date"] == "opportunity" and kinds["complaints-code"] == "regulation"
    assert kinds["kiosk-outage"] == "scenario" and kinds["manual-issue"] == "scenario-step"
    assert kinds["no-collection-date"] == "pain-point" and kinds["slip-lost"] == "fail-point"
    assert [(p.path, p.pain_point.id) for p in index.pain_points] == [
        (("blueprint", "steps", 1, "pain_points", 0), "no-collection-date"),
        (("blueprint", "steps", 1, "pain_points", 1), None),
        (("blueprint", "scenarios", 1, "steps", 0, "pain_points", 0), None)]
    assert "manual-issue" not in index.steps  # main-journey positions only
