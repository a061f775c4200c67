"""Source positions: where each value of a spec file sits in its text.

The loader records, for every JSON path into the document, the span of the mapping key (when
the value sits under one) and the span of the value. This is the only module that turns the
parser's 0-based marks into the 1-based lines and columns users see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Union

from .textutil import shown

PathPart = Union[str, int]  # noqa: UP007 (a runtime alias; `|` needs 3.10 types)
Path = tuple[PathPart, ...]
# (start line, start column, end line, end column), 0-based as the parser gives them
RawSpan = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based region of a file, as an editor shows it."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def from_raw(cls, raw: RawSpan) -> Span:
        return cls(raw[0] + 1, raw[1] + 1, raw[2] + 1, raw[3] + 1)


FILE_START = Span(1, 1, 1, 1)


@dataclass(slots=True)
class SourceMap:
    """JSON path -> spans of the key and of the value, filled by the loader."""

    keys: dict[Path, RawSpan] = field(default_factory=dict)
    values: dict[Path, RawSpan] = field(default_factory=dict)

    def _raw(self, path: Path, prefer_key: bool) -> RawSpan | None:
        return (self.keys.get(path) if prefer_key else None) or self.values.get(path)

    def locate(self, path: Path, *, prefer_key: bool = True) -> Span:
        """The span of `path`, or of its nearest ancestor that the file has.

        A finding about an element that is absent (a missing key, a value inside an alias)
        points at the closest thing that is in the file.
        """
        for depth in range(len(path), -1, -1):
            raw = self._raw(path[:depth], prefer_key)
            if raw is not None:
                return Span.from_raw(raw)
        return FILE_START

    def key_span(self, path: Path) -> Span | None:
        raw = self._key(path)
        return Span.from_raw(raw) if raw else None

    def value_span(self, path: Path) -> Span | None:
        raw = self._raw(path, False)
        return Span.from_raw(raw) if raw else None

    def _key(self, path: Path) -> RawSpan | None:
        return self.keys.get(path)


@cache
def _position_loader() -> Any:
    """libyaml's composer with no implicit tag resolution: only the shape and the marks are
    needed here, and resolving every scalar's tag in Python would be most of the cost.

    Made on first use, so PyYAML is imported only when a file has findings: a lint run whose
    files are all clean never needs it (see docs/performance.md).
    """
    from yaml._yaml import CParser  # libyaml's parser, as yaml.cyaml uses it
    from yaml.constructor import BaseConstructor
    from yaml.resolver import BaseResolver

    class PositionLoader(CParser, BaseConstructor, BaseResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BaseConstructor.__init__(self)
            BaseResolver.__init__(self)

        def resolve(self, kind: object, value: object, implicit: object) -> str:
            return ""

    return PositionLoader


def _compose(text: str) -> object:
    import yaml

    return yaml.compose(text, Loader=_position_loader())


class ComposedSourceMap(SourceMap):
    """Spans looked up on demand in PyYAML's composed node tree.

    The fast lint path parses with a position-free parser and only needs positions for files
    that have findings; composing (libyaml, C) and walking just the paths the findings name
    costs far less than recording every span of every file. Only used for text that has
    already parsed and validated, so its depth and size are those of a real spec.
    """

    __slots__ = ("_root",)

    def __init__(self, text: str) -> None:
        super().__init__()
        self._root = _compose(text)

    def _walk(self, path: Path) -> tuple[object, object] | None:
        """(key node or None, value node) at `path`, or None when the file lacks it."""
        import yaml  # loaded by _compose already

        key_node, node = None, self._root
        for part in path:
            if isinstance(part, int):
                if not isinstance(node, yaml.SequenceNode) or part >= len(node.value):
                    return None
                key_node, node = None, node.value[part]
            else:
                if not isinstance(node, yaml.MappingNode):
                    return None
                # the last of duplicate keys wins, as in the data
                found = [(k, v) for k, v in node.value if k.value == part]
                if not found:
                    return None
                key_node, node = found[-1]
        return key_node, node

    def _raw(self, path: Path, prefer_key: bool) -> RawSpan | None:
        if path in self.values or path in self.keys:
            return SourceMap._raw(self, path, prefer_key)
        found = self._walk(path) if self._root is not None else None
        if found is None:
            return None
        key_node, node = found
        for target, n in ((self.keys, key_node), (self.values, node)):
            if n is not None:
                s, e = n.start_mark, n.end_mark  # type: ignore[attr-defined]
                target[path] = (s.line, s.column, e.line, e.column)
        return SourceMap._raw(self, path, prefer_key)

    def _key(self, path: Path) -> RawSpan | None:
        self._raw(path, True)
        return self.keys.get(path)

# the most of one key or id an element path holds: over the 100 characters an id may have, so
# every valid id is kept whole (and its fingerprint its own)
_ELEMENT_PART = 120


def element_path(data: Any, path: Path) -> str:
    """The id path of an element: `blueprint.steps[check-in].fail_points[late]`.

    List items are named by their `id`, so the path (and the fingerprint made of it) stays the
    same when lines move or items are reordered.
    """
    out = ""
    node = data
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            out += f"[{shown(ident, _ELEMENT_PART)}]" if isinstance(ident, str) else f"[{part}]"
            node = item
        else:
            # a key can be a megabyte long: the path names it, as messages do
            out += f".{shown(part, _ELEMENT_PART)}" if out else shown(part, _ELEMENT_PART)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def value_at(data: Any, path: Path) -> Any:
    """The value at `path` in plain data, or None when there is none."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def format_path(path: Path) -> str:
    """`('blueprint', 'steps', 2, 'wait')` -> `blueprint.steps[2].wait`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(document)"
