"""Plain data -> Spec, with the validator's errors turned into positioned SS002/SS003/SS007."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from ..diagnostics import Diagnostic
from ..loader import LineIndex, Loaded, file_diagnostic
from ..source import Path, RawSpan, element_path, format_path, value_at
from ..textutil import shown, yaml_quoted
from .base import Record, ValidationError
from .spec import (
    API_VERSION,
    KIND,
    LIBRARY_KIND,
    Library,
    Spec,
    TextOr,
    fields_by_key,
    inner_model,
)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a close match exists, else ``."""
    match = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def build_spec(loaded: Loaded) -> tuple[Spec | Library | None, list[Diagnostic]]:
    """The file's model: a service's Spec or a catalogue's Library (by its `kind`)."""
    data = loaded.data
    if not isinstance(data, dict):
        return None, []
    version = _check_version(loaded, data)
    if version:
        return None, version  # another format: checking its content would only mislead
    try:
        if data.get("kind") == LIBRARY_KIND:
            return Library.from_data(data), []
        return Spec.from_data(data), []
    except ValidationError as exc:
        text = _Text(loaded)
        return None, [_to_diagnostic(loaded, err, text)
                      for err in exc.errors(include_url=False)]


def _check_version(loaded: Loaded, data: dict[str, Any]) -> list[Diagnostic]:
    out = []
    for key, expected in (("apiVersion", API_VERSION), ("kind", KIND)):
        value = data.get(key)
        if value == expected or (key == "kind" and value == LIBRARY_KIND):
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


def _model_at(path: Path) -> type[Record] | None:
    """The model class whose fields are valid at `path` (for did-you-mean)."""
    model: Any = Spec
    for part in path:
        if isinstance(part, int):
            continue
        field = fields_by_key(model).get(part)
        if field is None:
            return None
        model = inner_model(field.annotation)
        if model is None:
            return None
    return model


_TYPE_WORDS = {
    "string_type": "text", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping", "bool_type": "true or false",
    "bool_parsing": "true or false", "int_type": "a whole number", "float_type": "a number",
}


def _to_diagnostic(loaded: Loaded, err: Any, text: _Text) -> Diagnostic:
    loc: Path = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
    kind = err["type"]
    element = element_path(loaded.data, loc)  # what the finding is known by (fingerprint)
    if kind != "missing":
        loc = _as_written(loaded.data, loc)
    # the field is the last key with any list indexes after it: `phases[0]`, `metrics[5]`
    named = max((i for i, part in enumerate(loc) if isinstance(part, str)), default=0)
    where = format_path(loc[:named]) if named else "the top level"
    field = format_path(loc[named:]) if loc else "(document)"
    source = loaded.source
    got = err.get("input")
    if kind == "extra_forbidden":
        model = _model_at(loc[:named])
        known = fields_by_key(model) if model else {}
        hint = (_cut_by_comma(loaded, loc, text) if got is None else "") or did_you_mean(
            str(field), known) or (f" (allowed: {', '.join(sorted(known))}; prefix your own "
                                   "keys with `x-`)")
        return file_diagnostic(loaded.file, "SS003",
                               f"unknown key '{shown(field)}' in {where}{hint}",
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
    elif kind in ("greater_than_equal", "less_than_equal"):
        bound = err.get("ctx", {}).get("ge" if kind == "greater_than_equal" else "le")
        message = f"`{field}` is {shown(got)}: it must be " \
                  f"{'at least' if kind == 'greater_than_equal' else 'at most'} {bound}"
    elif kind == "model_type" and isinstance(model := _model_at(loc), type) and issubclass(
            model, TextOr):
        message = f"`{field}` must be text or a mapping, not {_describe(got)}"
    elif kind == "value_error":
        message = f"`{field}`: {err.get('ctx', {}).get('error', err['msg'])}"
    elif kind in _TYPE_WORDS:
        message = f"`{field}` must be {_TYPE_WORDS[kind]}, not {_describe(got)}"
    else:
        message = f"`{field}`: {err['msg']}"
    if where != "the top level":
        message += f" (in {where})"
    if kind == "string_type":
        message += _cut_by_colon(loaded, loc, got, text)
    return file_diagnostic(loaded.file, "SS002", message, span, element=element,
                           problem=kind)


def _as_written(data: Any, loc: Path) -> Path:
    """The part of `loc` the file holds: a value written in short (`wait: 5` for
    `wait: {expected: 5}`, `touchpoint: desk` for a list of one) is named as written, not
    by the keys it stands for."""
    node = data
    for i, part in enumerate(loc):
        held = (part in node if isinstance(node, dict)
                else isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node))
        if not held:
            return loc[:i]
        node = node[part]
    return loc


def _split_expected(text: str) -> list[str]:
    # pydantic-core writes "'a', 'b' or 'c'"
    return [p.strip() for p in text.replace(" or ", ", ").split(",") if p.strip()]


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, str):
        return f"'{shown(value, 40)}'"
    return shown(value)


class _Text:
    """A file's text, sliced by the loader's spans (for hints that quote what was written)."""

    def __init__(self, loaded: Loaded) -> None:
        self.text = loaded.text
        self._lines: LineIndex | None = None

    def offset(self, line: int, column: int) -> int:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.starts[line] + column

    def first(self, span: RawSpan) -> str:
        """The first character of `span`."""
        return self.text[self.offset(*span[:2])]

    def between(self, start: RawSpan, end: RawSpan) -> str:
        """The text from the start of `start` to the end of `end`, spaces and line breaks
        folded as YAML folds a plain text."""
        return " ".join(self.text[self.offset(*start[:2]):self.offset(*end[2:])].split())


def _cut_by_comma(loaded: Loaded, loc: Path, text: _Text) -> str:
    """The hint for a key with no value right after a plain text in a flow mapping:
    `{name: Cancels the flight (crew, weather)}` is `name: Cancels the flight (crew` and a
    key `weather)`, because a comma ends a value inside `{…}`."""
    parent = value_at(loaded.data, loc[:-1])
    values, keys = loaded.source.values, loaded.source.keys
    if not isinstance(parent, dict) or loc[:-1] not in values:
        return ""
    names = list(parent)
    at = names.index(loc[-1])
    before = at - 1
    while before >= 0 and parent[names[before]] is None:
        before -= 1  # `a, b, c`: two keys cut off one text
    last = at
    while last + 1 < len(names) and parent[names[last + 1]] is None:
        last += 1
    if before < 0 or not isinstance(parent[names[before]], str):
        return ""
    name = names[before]
    start, end = values.get((*loc[:-1], name)), keys.get((*loc[:-1], names[last]))
    mapping, key = values[loc[:-1]], keys.get(loc)
    if start is None or end is None or key is None or \
            text.first(mapping) != "{" or text.first(start) in ("'", '"'):
        return ""  # not a plain text in a flow mapping
    cut = text.between(start, (0, 0, *key[:2])).rstrip()  # up to the key
    if not cut.endswith(","):
        return ""
    word = (cut[:-1].split() or [""])[-1].lstrip("([{")
    return (f": the comma after '{shown(word, 30)}' ended the text of `{name}`; quote it, "
            f"`{name}: {yaml_quoted(shown(text.between(start, end), 80))}`")


def _cut_by_colon(loaded: Loaded, loc: Path, got: Any, text: _Text) -> str:
    """The hint for a mapping of one key where text is expected: `- Note: call first` is a
    mapping, because a colon followed by a space ends a key."""
    if not (isinstance(got, dict) and len(got) == 1):
        return ""
    [(key, value)] = got.items()
    start = loaded.source.keys.get((*loc, key))
    end = loaded.source.values.get((*loc, key)) or start
    if not isinstance(value, (str, type(None))) or start is None or end is None:
        return ""
    return (f": the colon after '{shown(key, 30)}' made a key; quote the text, "
            f"`{yaml_quoted(shown(text.between(start, end), 80))}`")
