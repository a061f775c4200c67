"""Records (model/base.py): validated by pydantic-core from their annotations, they must
accept, reject and explain exactly what pydantic would with the same declarations, and
behave as the frozen values the rules read."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from servicespec.config import Config
from servicespec.model.base import Record, ValidationError, pydantic_model
from servicespec.model.dump import spec_data
from servicespec.model.spec import Channel, Library, Spec, Step

ROOT = Path(__file__).resolve().parent.parent


def _data(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError):
        return None


# every file of the repository that reads as a mapping: examples, rule fixtures, hostile input
FILES = [p for p in sorted([*ROOT.glob("specs/**/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml"),
                            *ROOT.glob("tests/corpus/*.yaml")])
         if isinstance(_data(p), dict)]


def _outcome(model: Any, data: Any) -> Any:
    """What a validator makes of `data`: its dumped value, or its errors."""
    try:
        return ("ok", _plain(model.model_validate(data)))
    except ValidationError as exc:
        return ("errors", [(e["type"], e["loc"], e["msg"]) for e in exc.errors()])


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return {n: _plain(getattr(value, n)) for n in type(value).model_fields}
    if hasattr(type(value), "model_fields"):  # the pydantic model of a record
        return {n: _plain(getattr(value, n)) for n in type(value).model_fields}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _same(record: type[Record], data: Any) -> None:
    ours, pydantics = _outcome(record, data), _outcome(pydantic_model(record), data)
    assert ours == pydantics


def _mutations(data: Any, rng: random.Random, count: int) -> list[Any]:
    """`data` with one value somewhere replaced by another type, a key dropped or one added:
    the mistakes people make."""
    others: list[Any] = [None, 7, 2.5, True, "text", "", ["a"], {"k": "v"}, [], {}, "bad id!",
                         "30 minutes", ">= 4.5", -3, "PT4H"]
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, i))

    walk(data, ())
    out = []
    for _ in range(count):
        changed = copy.deepcopy(data)
        path = rng.choice(paths[1:])
        parent = changed
        for part in path[:-1]:
            parent = parent[part]
        action = rng.random()
        if action < 0.7:
            parent[path[-1]] = rng.choice(others)
        elif action < 0.85 and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[rng.choice(["colour", "x-team", "Name", "from_", "apiVersion"])] = "z"
        out.append(changed)
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_is_read_as_pydantic_reads_it(path: Path) -> None:
    data = _data(path)
    _same(Library if data.get("kind") == "Library" else Spec, data)


@pytest.mark.parametrize("name", ["hotel-stay", "gaps/experience-gaps", "personal-loan",
                                  "city-council/council-contact-centre"])
def test_mistakes_are_reported_as_pydantic_reports_them(name: str) -> None:
    data = _data(ROOT / "specs" / f"{name}.yaml")
    record = Library if data["kind"] == "Library" else Spec
    for changed in _mutations(data, random.Random(name), 150):
        _same(record, changed)


@pytest.mark.parametrize("settings", [
    {}, {"select": ["SS2", "SS501"], "ignore": ["SS5"], "fail_on": "warning"},
    {"select": ["XX1"]}, {"severity": {"SS201": "info", "nope": "error"}},
    {"options": {"SS502": {"max_handoffs": 4}}}, {"options": {"SS502": {"max_handoffs": -1}}},
    {"options": {"SS502": {"most": 4}}}, {"limits": {"max_depth": 1, "max_nodes": "many"}},
    {"per_file_ignores": {"legacy/*.yaml": ["SS3"]}}, {"include": ["["]}, {"unknown": 1},
    {"policies": [{"code": "ORG001", "name": "staffed", "message": "m", "select": "channels",
                   "require": "true"}] * 2},
    {"policies": [{"code": "SS001", "name": "Bad Name", "message": "", "select": "desks",
                   "require": "(("}]},
])
def test_configuration_is_read_as_pydantic_reads_it(settings: dict[str, Any]) -> None:
    ours, pydantics = _outcome(Config, settings), _outcome(pydantic_model(Config), settings)
    assert ours[0] == pydantics[0]
    if ours[0] == "errors":
        assert ours == pydantics


def test_records_are_frozen_values() -> None:
    step = Step.model_validate({"id": "check-in", "frontstage": ["Greets the guest"],
                                "wait": "5m"})
    with pytest.raises(AttributeError, match="frozen"):
        step.name = "Check-in"  # type: ignore[misc]
    assert step == Step.model_validate({"id": "check-in", "frontstage": ["Greets the guest"],
                                        "wait": "5m"})
    assert hash(Channel.model_validate({"id": "desk", "kind": "in-person"})) == hash(
        Channel.model_validate({"id": "desk", "kind": "in-person", "mode": "live"}))
    renamed = step.model_copy(update={"name": "Check-in"})
    assert (renamed.name, step.name, renamed.wait) == ("Check-in", None, step.wait)
    assert Step(id="check-in", frontstage=["Greets the guest"], wait="5m") == step  # type: ignore[arg-type]


def test_a_spec_dumps_to_data_that_reads_back_the_same() -> None:
    for path in sorted(ROOT.glob("specs/*.yaml")):
        data = _data(path)
        if data.get("kind") != "Service":
            continue
        spec = Spec.from_data(data)
        dumped = spec_data(spec)
        assert Spec.from_data(dumped) == spec
        assert dumped == pydantic_model(Spec).model_validate(dumped).model_dump(
            mode="json", by_alias=True, exclude_none=True)


def test_a_configuration_keeps_its_own_state_apart() -> None:
    config = Config.model_validate({"per_file_ignores": {"old/*.yaml": ["SS3"]}})
    assert not config.enabled("SS301", "old/a.yaml") and config.enabled("SS301", "new/a.yaml")
    merged = config.merged(select=["SS2"])
    assert merged.select == ["SS2"] and merged.per_file_ignores == config.per_file_ignores
    assert "_globs" not in Config.model_fields and "_active" not in config.model_dump()
