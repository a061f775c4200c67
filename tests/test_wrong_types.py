"""Every field of the format given a value of the wrong type is a finding, never a crash.

Derived defaults and validators that run before the types are checked (the `before_validation`
of `Metric` and `Channel`, the step shorthands…) see whatever the file holds. This walks every
value of the starter spec (which uses each section) and every value of the examples, and puts
a list, a mapping, a boolean, a long number and nothing in its place.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicespec.commands import starter_text
from servicespec.loader import load_text
from servicespec.model.validate import build_spec
from servicespec.source import Path as SpecPath

from .conftest import ROOT, lint_text

WRONG: list[Any] = [["x"], {"a": 1}, True, 10**200, 1.5, None]


def scalar_paths(data: Any, path: SpecPath = ()) -> Iterator[SpecPath]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from scalar_paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from scalar_paths(value, (*path, i))
    else:
        yield path


def replaced(data: Any, path: SpecPath, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: replaced(data[head], rest, value)}
    out = list(data)
    out[head] = replaced(data[head], rest, value)
    return out


SOURCES = {"starter": starter_text()} | {
    p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "specs").glob("*.yaml"))[:2]}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_field_of_the_wrong_type_is_a_finding(name: str) -> None:
    loaded = load_text(SOURCES[name], name)
    paths = [p for p in scalar_paths(loaded.data) if p[:1] not in (("apiVersion",), ("kind",))]
    assert len(paths) > 50
    for path in paths:
        for value in WRONG:
            loaded.data = replaced(load_text(SOURCES[name], name).data, path, value)
            spec, diagnostics = build_spec(loaded)  # raises on a crash
            if spec is None:
                assert diagnostics, (path, value)
                assert all(d.code in ("SS002", "SS003") for d in diagnostics), (path, value)
                assert all(len(d.message) < 400 for d in diagnostics), (path, value)


@pytest.mark.parametrize("text", ["[csat]", "{a: 1}", "0x" + "f" * 3600, "1" * 5000])
def test_metric_type_of_the_wrong_type(text: str) -> None:
    source = starter_text()
    assert "type: csat" in source
    result = lint_text(source.replace("type: csat", f"type: {text}", 1))
    codes = [d.code for d in result.diagnostics]
    assert codes and set(codes) == {"SS002"}, result.diagnostics
    assert all(len(d.message) < 300 for d in result.diagnostics)


def test_long_numbers_are_ss002_on_both_paths(tmp_path: Path) -> None:
    from servicespec.api import lint_file
    from servicespec.config import Config

    spec = tmp_path / "long.yaml"
    spec.write_text(starter_text() + "x-serial: 0x" + "f" * 3600 + "\n")
    [diagnostic] = lint_file(str(spec), Config()).diagnostics
    assert (diagnostic.code, diagnostic.line) == ("SS002", starter_text().count("\n") + 1)
    assert "3,602 characters" in diagnostic.message
    # quoted, it is text
    spec.write_text(starter_text() + "x-serial: '0x" + "f" * 3600 + "'\n")
    assert lint_file(str(spec), Config()).diagnostics == []
