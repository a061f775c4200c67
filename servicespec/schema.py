"""The JSON Schema of the format, generated from the models (draft 2020-12).

Committed as `schemas/servicespec-v1.schema.json` for editors (yaml-language-server) and
other tools; a test fails when the committed file is stale.
"""

from __future__ import annotations

import json
from typing import Any

from .model.base import pydantic_model
from .model.spec import Action, Library, NextStep, PainPoint, Spec, SupportAction
from .model.types import DURATION_PATTERN

SCHEMA_ID = "urn:servicespec:schema:v1"
SCHEMA_FILE = "schemas/servicespec-v1.schema.json"


def _allow_null(schema: dict[str, Any]) -> None:
    """An explicit null means the same as leaving the key out, so optional keys accept it."""
    for definition in [schema, *schema.get("$defs", {}).values()]:
        required = set(definition.get("required", []))
        for name, prop in definition.get("properties", {}).items():
            if name in required:
                continue
            variants = prop.get("anyOf", [prop])
            if any(v.get("type") == "null" for v in variants):
                continue
            keep = {k: prop.pop(k) for k in ("description", "default", "title") if k in prop}
            inner = dict(prop)
            prop.clear()
            prop.update(keep)
            prop["anyOf"] = [inner, {"type": "null"}]


def _shorthands(schema: dict[str, Any]) -> None:
    """The model's shorthands: `wait: 2d`, one touchpoint as a plain id, and objects written
    as plain text (lane actions, pain points, `next` entries)."""
    defs = schema["$defs"]
    step = defs["Step"]["properties"]
    step["wait"]["anyOf"].insert(0, {"type": "string", "pattern": DURATION_PATTERN})
    step["touchpoint"]["anyOf"].insert(0, {"type": "string", "minLength": 1})
    for model in (Action, SupportAction, PainPoint, NextStep):
        definition = defs[model.__name__]
        inner = dict(definition)
        definition.clear()
        definition["anyOf"] = [inner, {"type": "string"}]


def _custom_metric_kind(schema: dict[str, Any]) -> None:
    """A `custom` metric must say its kind: no default can be derived from its type."""
    schema["$defs"]["Metric"]["if"] = {"properties": {"type": {"const": "custom"}},
                                       "required": ["type"]}
    schema["$defs"]["Metric"]["then"] = {"required": ["kind"],
                                         "properties": {"kind": {"type": "string"}}}


def build_schema() -> dict[str, Any]:
    """One schema for both kinds of file: a service (`kind: Service`) or a catalogue's
    library (`kind: Library`), told apart by `kind`."""
    schema = pydantic_model(Spec).model_json_schema(by_alias=True, mode="validation")
    _allow_null(schema)
    _shorthands(schema)
    _custom_metric_kind(schema)
    library = pydantic_model(Library).model_json_schema(by_alias=True, mode="validation")
    defs = {**library.pop("$defs"), **schema.pop("$defs")}
    _allow_null(library)
    schema["description"] = ("One service: its core product, facilitating services, "
                             "channels, roles, touchpoints, blueprint, metrics and recovery "
                             "processes, and the personas, systems, opportunities and "
                             "regulations around them.")
    library["description"] = ("Elements shared by the services of a catalogue that list the "
                              "library in `uses`.")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "servicespec v1 service spec or library",
        "description": "A servicespec file: a service (`kind: Service`) or a library of shared "
                       "elements (`kind: Library`).",
        "$defs": {**defs, "Service": schema, "Library": library},
        # by `kind`, so that an editor's messages come from the one kind the file is
        "if": {"properties": {"kind": {"const": "Library"}}, "required": ["kind"]},
        "then": {"$ref": "#/$defs/Library"},
        "else": {"$ref": "#/$defs/Service"},
    }


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
