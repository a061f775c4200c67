"""Source positions: where each value of a spec file sits in its text.

The loader records, for every JSON path into the document, the span of the mapping key (when
the value sits under one) and the span of the value. This is the only module that turns the
parser's 0-based marks into the 1-based lines and columns users see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple, Union

PathPart = Union[str, int]
Path = Tuple[PathPart, ...]
# (start line, start column, end line, end column), 0-based as the parser gives them
RawSpan = Tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based region of a file, as an editor shows it."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def from_raw(cls, raw: RawSpan) -> "Span":
        return cls(raw[0] + 1, raw[1] + 1, raw[2] + 1, raw[3] + 1)


FILE_START = Span(1, 1, 1, 1)


@dataclass(slots=True)
class SourceMap:
    """JSON path -> spans of the key and of the value, filled by the loader."""

    keys: dict[Path, RawSpan] = field(default_factory=dict)
    values: dict[Path, RawSpan] = field(default_factory=dict)

    def locate(self, path: Path, *, prefer_key: bool = True) -> Span:
        """The span of `path`, or of its nearest ancestor that the file has.

        A finding about an element that is absent (a missing key, a value inside an alias)
        points at the closest thing that is in the file.
        """
        for depth in range(len(path), -1, -1):
            prefix = path[:depth]
            raw = (self.keys.get(prefix) if prefer_key else None) or self.values.get(prefix)
            if raw is not None:
                return Span.from_raw(raw)
        return FILE_START

    def key_span(self, path: Path) -> Span | None:
        raw = self.keys.get(path)
        return Span.from_raw(raw) if raw else None

    def value_span(self, path: Path) -> Span | None:
        raw = self.values.get(path)
        return Span.from_raw(raw) if raw else None


def format_path(path: Path) -> str:
    """`('blueprint', 'steps', 2, 'wait')` -> `blueprint.steps[2].wait`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(document)"
