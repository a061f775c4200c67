"""Generated files must match the code: regenerate with `python -m servicespec.docgen`."""

from __future__ import annotations

import json

import jsonschema
import pytest

from servicespec.docgen import outputs
from servicespec.schema import build_schema

from .conftest import ROOT


@pytest.mark.parametrize("path,text", sorted(outputs(ROOT).items()),
                         ids=lambda v: getattr(v, "name", "text"))
def test_generated_file_is_fresh(path, text) -> None:
    assert path.exists(), f"{path} is missing: run `python -m servicespec.docgen`"
    assert path.read_text(encoding="utf-8") == text, \
        f"{path.relative_to(ROOT)} is stale: run `python -m servicespec.docgen`"


def test_schema_is_valid_draft_2020_12() -> None:
    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")
    assert schema["$id"] and schema["title"] and schema["description"]


def test_every_property_has_a_description() -> None:
    schema = build_schema()
    for name, definition in schema["$defs"].items():
        for key, prop in definition.get("properties", {}).items():
            assert prop.get("description"), f"{name}.{key} has no description"


def test_schema_accepts_the_starter_and_extension_keys() -> None:
    import yaml

    from servicespec.commands import starter_text

    data = yaml.safe_load(starter_text())
    data["x-team"] = {"anything": True}
    data["channels"][0]["x-crm-id"] = 7
    validator = jsonschema.Draft202012Validator(build_schema())
    assert list(validator.iter_errors(data)) == []
    data["channels"][0]["colour"] = "red"
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    assert error is not None and "colour" in error.message


def test_schema_command_prints_the_committed_schema() -> None:
    from click.testing import CliRunner

    from servicespec.cli import cli

    result = CliRunner().invoke(cli, ["schema"], catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(
        (ROOT / "schemas" / "servicespec-v1.schema.json").read_text(encoding="utf-8"))
