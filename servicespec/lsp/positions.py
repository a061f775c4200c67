"""Positions between the linter and the editor.

The linter counts 1-based lines and columns in code points; the protocol counts 0-based
lines and characters in the code units the client and the server agreed on at start-up
(`positionEncoding`: UTF-16 unless the client offers UTF-8 or UTF-32). An emoji is one code
point, two UTF-16 units and four UTF-8 bytes, so a column is converted with its line's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# the protocol's line ends: \n, \r\n and \r (YAML's own, too)
_LINE_END = re.compile(r"\r\n|\r|\n")

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def split_lines(text: str) -> list[str]:
    return _LINE_END.split(text)


def _units(char: str, encoding: str) -> int:
    if encoding == UTF32:
        return 1
    point = ord(char)
    if encoding == UTF16:
        return 2 if point > 0xFFFF else 1
    return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4


def to_client(lines: Sequence[str], line: int, column: int, encoding: str
              ) -> tuple[int, int]:
    """(line, character) for the editor from the linter's 1-based line and code-point
    column; a position past the text is clamped to its end."""
    row = max(0, line - 1)
    if not lines:
        return 0, 0
    if row >= len(lines):
        return len(lines) - 1, sum(_units(c, encoding) for c in lines[-1])
    text = lines[row][:max(0, column - 1)]
    if encoding == UTF32:
        return row, len(text)
    return row, sum(_units(c, encoding) for c in text)


def from_client(lines: Sequence[str], line: int, character: int, encoding: str
                ) -> tuple[int, int]:
    """The 0-based (line, code-point column) of the editor's position; a character inside
    a surrogate pair or a UTF-8 sequence lands on its code point."""
    if not lines:
        return 0, 0
    if line >= len(lines):
        return len(lines) - 1, len(lines[-1])
    text = lines[line]
    if encoding == UTF32:
        return line, min(character, len(text))
    counted = 0
    for i, char in enumerate(text):
        counted += _units(char, encoding)
        if counted > character:
            return line, i
    return line, len(text)
