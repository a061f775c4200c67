"""What the editor's features read of one document: where each element is defined, every
reference to one, the model field behind each key. Pure data: no protocol types here.

It works on the precise loader's data and source map, not the model, so a document that
does not validate yet (a half-typed step) still has its ids, references and keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..catalogue import SHARED_SECTIONS
from ..loader import Loaded, load_text
from ..model.base import Record
from ..model.spec import Library, Spec, fields_by_key, inner_model
from ..rules.ss0_file import REFERENCE_KINDS, reference_target
from ..source import Path, RawSpan
from ..source import value_at as source_value_at

# the kind of the elements each list holds (SpecIndex's kinds)
_KIND_OF_LIST = {"components": "component", "facilitating": "facilitating",
                 "channels": "channel", "roles": "role", "touchpoints": "touchpoint",
                 "metrics": "metric", "recovery": "recovery", "personas": "persona",
                 "systems": "system", "opportunities": "opportunity",
                 "regulations": "regulation", "fail_points": "fail-point",
                 "pain_points": "pain-point", "scenarios": "scenario"}


@dataclass(frozen=True)
class Element:
    """An element of a spec or library, defined by its `id`."""

    id: str
    kind: str
    path: Path  # the element's own path: ("channels", 2)
    file: str
    name: str | None = None
    library: str | None = None  # the library's id, for a shared element


@dataclass(frozen=True)
class Reference:
    """A value that names an element: `role: mechanic`."""

    id: str
    target: str  # the entry of REFERENCE_FIELDS
    path: Path


@dataclass
class Parsed:
    path: str
    loaded: Loaded
    elements: list[Element] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    @property
    def data(self) -> Any:
        return self.loaded.data

    @property
    def is_library(self) -> bool:
        return isinstance(self.data, dict) and self.data.get("kind") == "Library"

    @property
    def library_id(self) -> str | None:
        meta = self.data.get("metadata") if isinstance(self.data, dict) else None
        value = meta.get("id") if isinstance(meta, dict) else None
        return value if isinstance(value, str) else None

    def uses(self) -> list[str]:
        uses = self.data.get("uses") if isinstance(self.data, dict) else None
        return [u for u in uses if isinstance(u, str)] if isinstance(uses, list) else []

    def span(self, path: Path, key: bool = False) -> RawSpan | None:
        """The 0-based span of a path's value (or key), code-point columns."""
        source = self.loaded.source
        return source.keys.get(path) if key else source.values.get(path)

    def at(self, line: int, column: int) -> tuple[Path, bool] | None:
        """The innermost path whose key or value holds the 0-based position, and whether it
        is the key."""
        best: tuple[Path, bool] | None = None
        for is_key, spans in ((True, self.loaded.source.keys),
                              (False, self.loaded.source.values)):
            for path, (l1, c1, l2, c2) in spans.items():
                if (l1, c1) <= (line, column) <= (l2, c2) and (
                        best is None or len(path) > len(best[0])
                        or (len(path) == len(best[0]) and is_key)):
                    if not is_key and isinstance(source_value_at(self.data, path), (dict, list)):
                        continue  # a container holds everything inside it
                    best = (path, is_key)
        return best

    def element_of(self, id_: str) -> Element | None:
        return next((e for e in self.elements if e.id == id_), None)


@lru_cache(maxsize=32)
def parse(path: str, text: str) -> Parsed:
    """The document's elements and references (cached by its text: hover, completion and
    navigation on one version parse it once)."""
    parsed = Parsed(path, load_text(text, path))
    if isinstance(parsed.data, dict):
        _walk(parsed, parsed.data, ())
    return parsed


def _walk(parsed: Parsed, value: Any, path: Path) -> None:
    if isinstance(value, dict):
        own = value.get("id")
        kind = _kind(path)
        if isinstance(own, str) and kind is not None:
            name = value.get("name")
            parsed.elements.append(Element(own, kind, path, parsed.path,
                                           name if isinstance(name, str) else None))
        for key, item in value.items():
            if isinstance(key, str) and not key.startswith("x-"):
                _walk(parsed, item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(parsed, item, (*path, i))
    elif isinstance(value, str) and path:
        target = reference_target(path)
        if target is not None:
            parsed.references.append(Reference(value, target, path))


def _kind(path: Path) -> str | None:
    if path == ("product",):
        return "product"
    if len(path) < 2 or not isinstance(path[-1], int):
        return None
    section = path[-2]
    if section == "steps":
        return "scenario-step" if "scenarios" in path else "step"
    return _KIND_OF_LIST.get(str(section))


def value_at(parsed: Parsed, path: Path) -> Any:
    return source_value_at(parsed.data, path)


def model_at(parsed: Parsed, path: Path) -> type[Record] | None:
    """The model whose fields a mapping at `path` has (Spec or Library at the top)."""
    model: type[Record] | None = Library if parsed.is_library else Spec
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue  # a list's items are the list field's model
        found = fields_by_key(model).get(part)
        if found is None:
            return None
        model = inner_model(found.annotation)
    return model


def field_at(parsed: Parsed, path: Path) -> Any:
    """The field of the key at the end of `path`."""
    parent = model_at(parsed, path[:-1])
    return None if parent is None or not path else fields_by_key(parent).get(str(path[-1]))


def kinds_for(target: str) -> tuple[str, ...] | None:
    return REFERENCE_KINDS.get(target)


def candidates(parsed: Parsed, target: str, libraries: dict[str, Parsed]
               ) -> Iterator[Element]:
    """The elements a reference field may name: the document's own and its libraries'."""
    if target == "library":
        for lib_id, lib in libraries.items():
            yield Element(lib_id, "library", (), lib.path, _library_name(lib), lib_id)
        return
    kinds = kinds_for(target)
    for element in every_element(parsed, libraries):
        if kinds is None or element.kind in kinds:
            if target == "main-step" and element.kind != "step":
                continue
            yield element


def every_element(parsed: Parsed, libraries: dict[str, Parsed]) -> Iterator[Element]:
    yield from parsed.elements
    for lib_id in parsed.uses():
        lib = libraries.get(lib_id)
        if lib is None:
            continue
        for element in lib.elements:
            if element.path and element.path[0] in SHARED_SECTIONS:
                yield Element(element.id, element.kind, element.path, element.file,
                              element.name, lib_id)


def _library_name(lib: Parsed) -> str | None:
    meta = lib.data.get("metadata") if isinstance(lib.data, dict) else None
    name = meta.get("name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) else None
