"""Plain data -> Spec, with pydantic's errors turned into positioned SS002/SS003/SS007."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from ..diagnostics import Diagnostic
from ..loader import Loaded, file_diagnostic
from ..source import Path, element_path, format_path
from ..textutil import shown
from .spec import API_VERSION, KIND, Spec


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a close match exists, else ``."""
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def build_spec(loaded: Loaded) -> tuple[Spec | None, list[Diagnostic]]:
    data = loaded.data
    if not isinstance(data, dict):
        return None, []
    version = _check_version(loaded, data)
    if version:
        return None, version  # another format: checking its content would only mislead
    try:
        return Spec.from_data(data), []
    except ValidationError as exc:
        return None, [_to_diagnostic(loaded, err) for err in exc.errors(include_url=False)]


def _check_version(loaded: Loaded, data: dict[str, Any]) -> list[Diagnostic]:
    out = []
    for key, expected in (("apiVersion", API_VERSION), ("kind", KIND)):
        value = data.get(key)
        if value == expected:
            continue
        if value is None:
            span = loaded.source.locate(())
            message = f"missing `{key}`: the first lines of a spec are " \
                      f"`apiVersion: {API_VERSION}` and `kind: {KIND}`"
        else:
            span = loaded.source.locate((key,), prefer_key=False)
            message = f"unsupported {key} '{shown(value)}': this version of servicespec reads " \
                      f"`{key}: {expected}`"
        out.append(file_diagnostic(loaded.file, "SS007", message, span, element=key))
    return out


def _model_at(path: Path) -> type[BaseModel] | None:
    """The model class whose fields are valid at `path` (for did-you-mean)."""
    model: Any = Spec
    for part in path:
        if isinstance(part, int):
            continue
        field = _fields(model).get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    out = {}
    for name, field in model.model_fields.items():
        out[field.alias or name] = field
    return out


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


_TYPE_WORDS = {
    "string_type": "text", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping", "bool_type": "true or false",
    "bool_parsing": "true or false", "int_type": "a whole number", "float_type": "a number",
}


def _to_diagnostic(loaded: Loaded, err: Any) -> Diagnostic:
    loc: Path = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
    kind = err["type"]
    # the field is the last key with any list indexes after it: `phases[0]`, `metrics[5]`
    named = max((i for i, part in enumerate(loc) if isinstance(part, str)), default=0)
    where = format_path(loc[:named]) if named else "the top level"
    field = format_path(loc[named:]) if loc else "(document)"
    source = loaded.source
    got = err.get("input")
    element = element_path(loaded.data, loc)  # what the finding is known by (fingerprint)
    if kind == "extra_forbidden":
        model = _model_at(loc[:named])
        known = _fields(model) if model else {}
        hint = did_you_mean(str(field), known)
        return file_diagnostic(loaded.file, "SS003",
                               f"unknown key '{shown(field)}' in {where}{hint}" + (
                                   "" if hint else f" (allowed: {', '.join(sorted(known))}; "
                                   "prefix your own keys with `x-`)"),
                               source.locate(loc), element=element, problem=kind)
    if kind == "missing":
        return file_diagnostic(loaded.file, "SS002", f"missing required key '{field}' in "
                               f"{where}", source.locate(loc), element=element, problem=kind)
    span = source.locate(loc, prefer_key=False)
    if kind in ("literal_error", "enum"):
        allowed = [a.strip("'") for a in _split_expected(err.get("ctx", {}).get("expected", ""))]
        hint = did_you_mean(str(got), allowed) if isinstance(got, str) else ""
        message = f"`{field}` is '{shown(got)}', not one of: {', '.join(allowed)}{hint}"
    elif kind == "string_pattern_mismatch":
        message = f"`{field}` '{shown(got)}' is not an id: use lowercase letters, digits and " \
                  "hyphens, " \
                  "starting with a letter (e.g. 'room-service')"
    elif kind == "string_too_long":
        message = f"`{field}` is too long: ids have at most 100 characters"
    elif kind == "string_too_short":
        message = f"`{field}` is empty: name an element"
    elif kind == "value_error":
        message = f"`{field}`: {err.get('ctx', {}).get('error', err['msg'])}"
    elif kind in _TYPE_WORDS:
        message = f"`{field}` must be {_TYPE_WORDS[kind]}, not {_describe(got)}"
    else:
        message = f"`{field}`: {err['msg']}"
    if where != "the top level":
        message += f" (in {where})"
    return file_diagnostic(loaded.file, "SS002", message, span, element=element,
                           problem=kind)


def _split_expected(text: str) -> list[str]:
    # pydantic writes "'a', 'b' or 'c'"
    return [p.strip() for p in text.replace(" or ", ", ").split(",") if p.strip()]


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, str):
        return f"'{shown(value, 40)}'"
    return shown(value)
