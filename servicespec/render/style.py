"""The look of the pictures: colours, sizes and the few shapes every view shares.

Colours: soft fills with a darker border and text in the same hue, so the lanes read apart at
a glance and in greyscale print; red is kept for fail points and errors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..diagnostics import Severity
from ..model.spec import Spec
from .dot import Board, Html, Value
from .findings import Badge
from .text import MAX_LINES, clean, html, line_height, lines_of, shorten, text_width

INK = "#1F2933"
MUTED = "#52606D"
FAINT = "#9AA5B1"
RULE = "#CBD2D9"
FAIL = "#C62828"
WAIT = "#B26A00"
# the letters in circles, as the field marks them: fail point, wait, moment of truth, pain
# point, opportunity
MARKERS = {"F": FAIL, "W": WAIT, "M": "#6B3FA0", "P": "#C2410C", "O": "#1F7A3F"}


@dataclass(frozen=True)
class Lane:
    key: str
    title: str
    subtitle: str
    fill: str  # the item boxes
    border: str
    tint: str  # the lane's background stripe


# The five lanes in the canonical order of the field (Bitner, Ostrom & Morgan 2008).
LANES = (
    Lane("evidence", "Physical evidence", "what the customer sees and keeps",
         "#F4F5F7", "#52606D", "#FBFBFC"),
    Lane("customer", "Customer actions", "what the customer does",
         "#DCEBFE", "#1E5BB8", "#F3F8FF"),
    Lane("frontstage", "Frontstage", "visible actions of staff and systems",
         "#DDF4E4", "#1F7A3F", "#F4FBF6"),
    Lane("backstage", "Backstage", "invisible actions behind the scenes",
         "#FDEFCF", "#9A5B00", "#FFFAF0"),
    Lane("support", "Support processes", "systems and teams that enable the work",
         "#ECE6FB", "#5B3FA8", "#F8F6FE"),
)
LANE = {lane.key: lane for lane in LANES}

PHASES = {
    "before": ("Before", "pre-purchase", "#E3EEFC", "#1E4E8C"),
    "during": ("During", "service encounter", "#E2F3E7", "#1F6B3A"),
    "after": ("After", "post-encounter", "#FCEBD9", "#8A4B08"),
    None: ("Unphased", "no phase given", "#EEF0F2", "#52606D"),
}

# Channel modes drawn differently: a person (solid), the customer alone (dashed), a machine
# (dotted), in every view.
MODE_STYLE = {"live": "solid", "self-service": "dashed", "automated": "dotted"}

SEVERITY_COLOURS = {Severity.ERROR: ("#C62828", "#FFFFFF"),
                    Severity.WARNING: ("#F0A202", "#1F2933"),
                    Severity.INFO: ("#2F6FB5", "#FFFFFF")}
# Font sizes in points. Graphviz writes whole points (a 9.5 pt label comes out at 9) and a
# screen at 100 % shows a point as 4/3 px: 9 pt is the least that reads at 12 px.
SMALL = 9.0  # secondary text: roles, channels, severities, line names
BODY = 10.0  # what the customer and staff do
STRONG = 11.0  # step names, lane titles
BADGE_H = 16.0
BADGE_SIZE = SMALL


def font(text: str, size: float, colour: str = INK, bold: bool = False,
         italic: bool = False) -> str:
    """One escaped run of text in an HTML label (nothing for no text: Graphviz rejects an
    empty <FONT> or <B>)."""
    if not text:
        return ""
    body = html(text)
    if bold:
        body = f"<B>{body}</B>"
    if italic:
        body = f"<I>{body}</I>"
    return f'<FONT POINT-SIZE="{size:g}" COLOR="{colour}">{body}</FONT>'


@dataclass
class Text:
    """Wrapped lines in one style, ready to be measured and joined into a label."""

    lines: list[str]
    size: float
    colour: str = INK
    bold: bool = False
    italic: bool = False
    full: str = ""  # the whole text, when the lines had to leave some out

    @classmethod
    def of(cls, text: str, width: float, size: float, colour: str = INK, bold: bool = False,
           italic: bool = False, max_lines: int = MAX_LINES) -> Text:
        every = lines_of(text, width, size, bold)
        lines = shorten(every, max_lines, width, size, bold)
        return cls(lines, size, colour, bold, italic, clean(text) if lines != every else "")

    @property
    def height(self) -> float:
        return len(self.lines) * line_height(self.size)

    @property
    def width(self) -> float:
        return max((text_width(line, self.size, self.bold) for line in self.lines), default=0)

    def html(self) -> str:
        return "<BR/>".join(font(line, self.size, self.colour, self.bold, self.italic)
                            for line in self.lines)


def shared_mark(spec: Spec, element_id: str | None, width: float) -> list[Text]:
    """The line that marks a shared element (a channel or role written in a library the
    service uses): drawn like the service's own, with the library named under it."""
    library = spec.shared_by(element_id) if element_id else None
    return [Text.of(f"shared · {library}", width, SMALL, MUTED, italic=True)] if library else []


def label(parts: Sequence[Text]) -> Html:
    """Text parts one under another, each line centred (or aligned by a surrounding cell)."""
    return Html("<BR/>".join(p.html() for p in parts))


def below(space: float, parts: Sequence[Text]) -> Html:
    """The label of `parts` under an empty cell `space` points tall: lines that keep clear of
    what sits above them (badges, or the box's edge when the label is at its top)."""
    return Html('<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD HEIGHT='
                f'"{math.ceil(space)}"></TD></TR><TR><TD>{label(parts)}</TD></TR></TABLE>')


def tooltip(parts: Sequence[Text]) -> str | None:
    """The whole text of a label whose lines were abbreviated (else no tooltip)."""
    if not any(p.full for p in parts):
        return None
    return tip("\n".join(p.full or " ".join(p.lines) for p in parts))


def tip(text: str) -> str:
    """Spec text for a tooltip: cleaned and escaped as in a label (Graphviz keeps the
    entities and turns the doubled backslashes back into one)."""
    return html(clean(text))


def height_of(parts: Sequence[Text]) -> float:
    return sum(p.height for p in parts)


def badge_width(badge: Badge) -> float:
    return text_width(badge.tag, BADGE_SIZE, bold=True) + 8


def badges_width(badges: Sequence[Badge]) -> float:
    return sum(badge_width(b) + 3 for b in badges) - (3 if badges else 0)


def badge_rows(badges: Sequence[Badge], width: float) -> list[list[Badge]]:
    """Badges in rows no wider than `width` (each row has at least one)."""
    rows: list[list[Badge]] = []
    for badge in badges:
        if rows and badges_width([*rows[-1], badge]) <= width:
            rows[-1].append(badge)
        else:
            rows.append([badge])
    return rows


def draw_badges(board: Board, name: str, badges: Sequence[Badge], right: float,
                cy: float, first: int = 0) -> float:
    """A row of finding badges ending at `right`, centred on `cy`; returns its left edge.
    `first` is the index of the row's first badge among the element's badges."""
    x = right
    for i, badge in enumerate(reversed(badges)):
        w = badge_width(badge)
        x -= w
        fill, ink = SEVERITY_COLOURS.get(badge.severity, ("#52606D", "#FFFFFF"))
        n = first + len(badges) - 1 - i
        board.box(f"{name}:badge:{n}", x, cy - BADGE_H / 2, w, BADGE_H,
                  Html(font(badge.tag, BADGE_SIZE, ink, bold=True)), shape="box",
                  style="rounded,filled", fillcolor=fill, color=fill, penwidth=0.5,
                  tooltip=tip(badge.tooltip),
                  class_=f"finding severity-{badge.severity.value}",
                  id=f"{name}:badge:{n}".replace(":", "-"))
        x -= 3
    return x + 3


def marker(board: Board, name: str, letter: str, colour: str, x: float, cy: float,
           klass: str, ident: str, size: float = 17.0) -> None:
    """A field marker: a letter in a filled circle (F for a fail point, W for a wait)."""
    board.box(name, x, cy - size / 2, size, size, Html(font(letter, SMALL, "#FFFFFF", True)),
              shape="circle", style="filled", fillcolor=colour, color=colour,
              class_=klass, id=ident)


def plain(board: Board, name: str, x: float, y: float, parts: Sequence[Text],
          align: str = "", w: float | None = None, **attrs: Value) -> float:
    """Text without a frame; (x, y) is its top left corner. Returns its height."""
    width = math.ceil(w if w is not None else max((p.width for p in parts), default=0) + 2)
    h = math.ceil(height_of(parts) + 2)
    text = label(parts)
    if align == "LEFT":  # a table as wide as the node: lines start at its left edge
        text = Html(f'<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0" FIXEDSIZE="TRUE" '
                    f'WIDTH="{width}" HEIGHT="{h}"><TR><TD ALIGN="LEFT" BALIGN="LEFT">'
                    f"{text}</TD></TR></TABLE>")
    board.box(name, x, y, width, h, text, shape="plaintext", **{"tooltip": tooltip(parts),
                                                                   **attrs})
    return h
