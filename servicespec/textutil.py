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
# bidirectional controls (marks, embeddings, overrides, isolates): they reorder the text
# around them on screen, so what is shown is not what is there ("Trojan Source")
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# invisible characters: zero-width space, non-joiner and joiner, word joiner and the invisible
# operators, the byte-order mark; two names that differ only by one look the same
_INVISIBLE = r"\u200b-\u200d\u2060-\u2064\ufeff"

# What a line of human-facing output must not carry raw: the controls (ESC starts ANSI escape
# sequences, CR moves the cursor back over the line), line feeds and separators (a new line
# could pass for a finding of its own), and bidi and invisible characters. Tab stays.
TERMINAL_UNSAFE = re.compile(f"[{_C0}\\n\\r{_C1}{_SEPARATORS}{_BIDI}{_INVISIBLE}]")
# What XML 1.0 cannot carry at all, even escaped (SVG, JUnit), plus C1: a JUnit report is also
# printed. Callers turn CR LF (and the renderer a lone CR) into LF first.
XML_UNSAFE = re.compile(f"[{_C0}\\r{_C1}{_NON_CHARACTERS}]")
# What `json.dumps(ensure_ascii=False)` leaves raw that a terminal or a JavaScript reader acts
# on: it escapes C0 itself.
JSON_UNSAFE = re.compile(f"[{_C1}{_SEPARATORS}]")
# Characters outside YAML 1.2's printable set that libyaml refuses, and NEL, LS and PS, where
# libyaml breaks lines (so positions differ from a parser that does not).
YAML_UNPRINTABLE = re.compile(f"[{_C0}{_C1}{_SEPARATORS}{_NON_CHARACTERS}]")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str, unsafe: re.Pattern[str]) -> str:
    """Each character `unsafe` matches written as `\\x1b` or `\\u202e`: shown, not acted
    on (all of them are in the Basic Multilingual Plane)."""
    return unsafe.sub(lambda m: _escape(m[0]), text)


def terminal_safe(text: str) -> str:
    """Text as one line of human-facing output (terminal, CI log, annotation, markdown):
    controls, line breaks, bidi and invisible characters shown escaped (`\\x0a`,
    `\\u202e`) instead of acted on. Output that spans lines is built line by line, each
    piece of outside text passed through here."""
    return escaped(text, TERMINAL_UNSAFE)


# lone surrogates: no output can encode them. In a file name, U+DC80..U+DCFF stand for the
# bytes that are not UTF-8 (Python's `surrogateescape`).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown_surrogate(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code - 0xdc00:02x}" if 0xdc80 <= code <= 0xdcff else f"\\u{code:04x}"


def path_text(name: str) -> str:
    """A file name as every output shows it: each byte that is not UTF-8 written as `\\xe9`
    (another lone surrogate as `\\ud800`), so any name from the file system can be printed
    and written as UTF-8."""
    return _SURROGATE.sub(_shown_surrogate, name)


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
