"""Spec text on its way into the picture: cleaned, escaped, measured and wrapped.

Everything a spec author wrote reaches Graphviz only through `html()`, inside HTML-like labels,
so quotes, `<`, `>`, `&`, braces, backslashes and `</svg><script>` stay text: Graphviz writes
them back out XML-escaped. Sizes are estimated here, not by Graphviz, so the layout (and the
DOT) is the same on every machine whatever fonts it has.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from ..textutil import XML_UNSAFE

FONT = "Helvetica,Arial,sans-serif"

_SPACES = re.compile(r"[ \t\u00a0\u2028\u2029]+")

# Advance widths (in em) of printable ASCII in DejaVu Sans, the widest of the usual fallbacks
# of Helvetica, measured through Graphviz (pango). Narrower fonts only leave more room.
_ASCII = (" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
          "abcdefghijklmnopqrstuvwxyz{|}~")
_REGULAR = (
    .315, .398, .458, .833, .637, .945, .780, .278, .390, .390, .502, .833, .315, .360,
    .315, .338, .637, .637, .637, .637, .637, .637, .637, .637, .637, .637, .338, .338,
    .833, .833, .833, .532, .998, .712, .682, .698, .765, .630, .578, .772, .750, .292,
    .292, .652, .555, .863, .743, .787, .600, .787, .690, .630, .593, .728, .682, .990,
    .682, .608, .682, .390, .337, .390, .833, .502, .502, .615, .630, .547, .630, .614,
    .345, .630, .630, .278, .278, .578, .278, .975, .630, .606, .630, .630, .397, .517,
    .390, .630, .593, .818, .593, .593, .525, .637, .338, .637, .833)
_BOLD = (
    .345, .458, .517, .833, .698, .998, .870, .307, .458, .458, .525, .833, .383, .412,
    .383, .367, .698, .698, .698, .698, .698, .698, .698, .698, .698, .698, .398, .398,
    .833, .833, .833, .578, .998, .772, .757, .735, .825, .682, .682, .818, .833, .367,
    .367, .772, .637, .990, .833, .848, .728, .848, .765, .676, .704, .810, .772, 1.103,
    .772, .720, .720, .458, .367, .458, .833, .502, .502, .675, .713, .593, .713, .675,
    .405, .713, .713, .345, .345, .660, .345, 1.042, .713, .682, .713, .713, .495, .593,
    .480, .713, .652, .922, .645, .652, .578, .713, .367, .713, .833)
_WIDTHS = {False: dict(zip(_ASCII, _REGULAR, strict=True)),
           True: dict(zip(_ASCII, _BOLD, strict=True))}
# Renderers hint glyph advances to whole device pixels (0.75 pt at 96 dpi); rounding each
# advance up to the pixel grid gives an upper bound of what pango measures at every size.
PIXEL = 0.75
LINE_HEIGHT = 1.25  # of the font size, for one line of text
MAX_LINES = 14  # per text item: a longer text is cut with an ellipsis, never overflows


def clean(value: object) -> str:
    """Printable text: line breaks kept as `\\n`, other controls and broken characters gone."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = XML_UNSAFE.sub("", text)  # SVG is XML 1.0
    if not text.isascii():  # format characters: soft hyphens, bidi overrides, zero widths
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


def html(text: str) -> str:
    """Escaped for a Graphviz HTML-like label (and so for the SVG it becomes).

    Graphviz expands `\\N`, `\\G`, `\\L`… even in HTML labels (into the node's or graph's
    name): a backslash is doubled so that it stays a backslash.
    """
    return (text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;"))


# Common typography beyond ASCII (the wider of regular and bold).
_OTHER = {"…": 1.0, "—": 1.0, "–": .51, "·": .39, "‘": .39, "’": .39, "“": .66, "”": .66,
          "•": .64, "→": .84, "◆": .77, "▪": .68, "€": .70, "£": .70, "×": .84, "≥": .84,
          "≤": .84, "✓": .84, "°": .51}


@lru_cache(maxsize=4096)
def _char_width(char: str, bold: bool) -> float:
    known = _WIDTHS[bold].get(char, _OTHER.get(char))
    if known is not None:
        return known
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and base in _WIDTHS[bold]:  # é, ü, Å: the letter's width, a little more
        return _WIDTHS[bold][base] + 0.02
    if unicodedata.east_asian_width(char) in ("W", "F") or unicodedata.category(char) == "So":
        return 1.1  # ideographs, symbols and emoji: a full square and a little more
    return 1.0  # anything else: as wide as an em, wider than nearly every glyph


@lru_cache(maxsize=8192)
def _advance(char: str, size: float, bold: bool) -> float:
    em = _char_width(char, bold)
    return math.ceil(em * size / PIXEL - 0.05) * PIXEL if em else 0.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of `text` in points at `size` points (an upper bound)."""
    return sum(_advance(c, size, bold) for c in text)


def _split_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word too long for a line, cut into pieces that fit (no hyphen: ids and URLs)."""
    pieces, current, used = [], "", 0.0
    for char in word:
        w = _advance(char, size, bold)
        if current and used + w > width:
            pieces.append(current)
            current, used = "", 0.0
        current += char
        used += w
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, width: float, size: float, bold: bool = False,
         max_lines: int = MAX_LINES) -> list[str]:
    """`text` broken into lines no wider than `width` points; at most `max_lines` lines."""
    return shorten(lines_of(text, width, size, bold), max_lines, width, size, bold)


def lines_of(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Every line of `text` broken to `width` points."""
    return list(_lines(text, width, size, bold))


# a service's texts are broken again for every drawing that shows them (the screen's rows,
# each printed page, the search for the pages' length): once is enough
@lru_cache(maxsize=16384)
def _lines(text: str, width: float, size: float, bold: bool) -> tuple[str, ...]:
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        current = ""
        for word in paragraph.split(" "):
            if not word:
                continue
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            pieces = _split_word(word, width, size, bold)
            lines.extend(pieces[:-1])
            current = pieces[-1]
        lines.append(current)
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines or [""])


def shorten(lines: list[str], max_lines: int, width: float, size: float,
            bold: bool = False) -> list[str]:
    """At most `max_lines` lines, the last ending in an ellipsis when some were left out."""
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and text_width(last + " …", size, bold) > width:
        last = last[:-1]
    return [*lines[:max_lines - 1], last.rstrip() + " …"]


def line_height(size: float) -> float:
    return size * LINE_HEIGHT
