"""Small facts about text that every layer uses: the characters each output cannot carry,
counted nouns, and how much of a spec's text a message quotes. Imports nothing from
servicespec, so the loader and the reporters alike can use it.
"""

from __future__ import annotations

import re

# Character-class ranges the patterns below are made of.
# C0 controls except tab, line feed and carriage return (those three are line structure)
_C0 = r"\x00-\x08\x0b\x0c\x0e-\x1f"
# DEL and the C1 controls: terminals act on them (U+009B is a one-byte CSI)
_C1 = r"\x7f-\x9f"
# no characters at all: lone surrogates cannot be encoded, U+FFFE and U+FFFF are non-characters
_NON_CHARACTERS = r"\ud800-\udfff\ufffe\uffff"
# line and paragraph separators: editors, JavaScript and libyaml break lines there
_SEPARATORS = r"\u2028\u2029"

# What a terminal must not be sent raw: the controls (ESC starts ANSI escape sequences) and a
# lone CR, which moves the cursor back over the line.
TERMINAL_UNSAFE = re.compile(f"[{_C0}\\r{_C1}]")
# What XML 1.0 cannot carry at all, even escaped (SVG, JUnit), plus C1: a JUnit report is also
# printed. Callers turn CR LF (and the renderer a lone CR) into LF first.
XML_UNSAFE = re.compile(f"[{_C0}\\r{_C1}{_NON_CHARACTERS}]")
# What `json.dumps(ensure_ascii=False)` leaves raw that a terminal or a JavaScript reader acts
# on: it escapes C0 itself.
JSON_UNSAFE = re.compile(f"[{_C1}{_SEPARATORS}]")
# Characters outside YAML 1.2's printable set that libyaml refuses, and NEL, LS and PS, where
# libyaml breaks lines (so positions differ from a parser that does not).
YAML_UNPRINTABLE = re.compile(f"[{_C0}{_C1}{_SEPARATORS}{_NON_CHARACTERS}]")


def escaped(text: str, unsafe: re.Pattern[str]) -> str:
    """Each character `unsafe` matches written as `\\xNN`: shown, not acted on."""
    return unsafe.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def terminal_safe(text: str) -> str:
    """Control characters shown as `\\x1b` instead of being sent to the terminal."""
    return escaped(text, TERMINAL_UNSAFE)


def plural(count: int, word: str, words: str | None = None) -> str:
    """`1 file`, `2 files`; `words` for a plural other than word + s (`2 entries`)."""
    return f"{count} {word if count == 1 else words or word + 's'}"


# the most of a spec's own text that a message quotes: a message names the thing, it does not
# repeat it (a key or value can be a megabyte long)
QUOTE_LIMIT = 60


def shown(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A spec's value as a message quotes it: text cut to `limit` characters, lists and
    mappings named rather than printed."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def yaml_quoted(text: str) -> str:
    """`text` as a quoted YAML scalar, which keeps `, `, `: ` and ` #` inside the text:
    in double quotes unless it holds a double quote or a backslash."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"
