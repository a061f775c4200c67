"""The customer's row: actions in journey order with the arrows between them, decisions as
diamonds, branches and loops routed above the row, and fail points (F) and waits (W) below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model.spec import Step
from .findings import Badge
from .grid import COL_W, FLOW, LINK_INSET, PAD, TRACK, Frame
from .style import (
    BADGE_H,
    BODY,
    FAIL,
    INK,
    MUTED,
    SMALL,
    WAIT,
    Text,
    badge_rows,
    badges_width,
    draw_badges,
    height_of,
    label,
    marker,
    plain,
    tooltip,
)

MARKER = 17.0  # the F and W circles
DIAMOND = 16.0  # a decision
TEXT_W = COL_W - 44  # a marker's text: clear of the link that passes at the column's right


@dataclass
class CustomerRow:
    """Where the customer boxes ended up: for links to the lanes below."""

    box: dict[int, str]
    bottom: float
    link_x: dict[int, float]


@dataclass
class MarkerRow:
    """A fail point (F) or the wait (W) under a customer action, with its text and badges."""

    kind: str
    text: list[Text]
    badges: list[Badge]
    ident: str
    badges_below: bool = False

    @property
    def text_height(self) -> float:
        return height_of(self.text) + 2

    @property
    def height(self) -> float:
        below = len(badge_rows(self.badges, TEXT_W)) if self.badges_below else 0
        return max(MARKER, self.text_height) + below * (BADGE_H + 3)


Part = tuple[str, float, str, bool, bool]  # text, size, colour, bold, italic


def _marker_row(kind: str, parts: list[Part], badges: list[Badge], ident: str) -> MarkerRow:
    """Badges go beside a one-line text when they fit, else on a line of their own."""
    width = TEXT_W
    beside = width - (badges_width(badges) + 6 if badges else 0)
    text, size, colour, bold, italic = parts[0]
    first = Text.of(text, beside, size, colour, bold, italic)
    below = bool(badges) and len(first.lines) > 1
    if below:
        first = Text.of(text, width, size, colour, bold, italic)
    rest = [Text.of(t, width, size, colour, bold, italic)
            for t, size, colour, bold, italic in parts[1:]]
    return MarkerRow(kind, [first, *rest], badges, ident, below or (bool(badges) and bool(
        rest)))


def _marker_rows(f: Frame, step: Step) -> list[MarkerRow]:
    """The fail points and the wait of a step, in the order drawn: what goes wrong, how
    badly, and what prevents it."""
    rows = []
    for fp in step.fail_points:
        parts: list[Part] = [(fp.description or fp.id, SMALL, FAIL, True, False)]
        facts = [f"{fp.severity} severity"] if fp.severity else []
        if fp.prevention:
            facts.append(f"prevented by: {fp.prevention}")
        if facts:
            parts.append((" · ".join(facts), SMALL, MUTED, False, False))
        rows.append(_marker_row("F", parts, f.badges(f"fp:{step.id}:{fp.id}"), fp.id))
    if step.wait is not None:
        w = step.wait
        words = []
        if w.expected is not None:
            words.append(f"{w.expected} expected")
        if w.max is not None:
            words.append(f"max {w.max}")
        parts = [(" · ".join(words) or "wait", SMALL, WAIT, True, False)]
        if w.message:
            parts.append((w.message, SMALL, MUTED, False, True))
        rows.append(_marker_row("W", parts, f.badges(f"wait:{step.id}"), "wait"))
    return rows


def customer_band(f: Frame, y: float, bottom_pad: float, box_fill: str,
                  box_border: str) -> tuple[float, CustomerRow]:
    """The customer's actions with the journey's arrows, decisions, fail points and waits."""
    jumps = _jumps(f)
    tracks = assign_tracks(jumps)
    track_h = (max(tracks.values()) + 1) * TRACK + 4 if tracks else 0.0
    texts, box_h = [], 36.0
    for step in f.steps:
        badges = f.badges(f"customer:{step.id}")
        t = Text.of(step.customer or "", COL_W - 16, BODY, INK)
        texts.append(t)
        box_h = max(box_h, t.height + 2 * PAD + (BADGE_H if badges else 0))
    marker_h = max((sum(r.height + 2 for r in _marker_rows(f, s)) for s in f.steps),
                   default=0.0)
    top = y + PAD + track_h
    flow_y = top + box_h / 2
    row = CustomerRow({}, top + box_h, {})
    for i, step in enumerate(f.steps):
        x = f.left(i)
        if step.customer:
            name = f.board.box(f"customer:{step.id}", x, top, COL_W, box_h,
                               label([texts[i]]), shape="box", style="rounded,filled",
                               tooltip=tooltip([texts[i]]),
                               fillcolor=box_fill, color=box_border, penwidth=1.2,
                               id=f"customer-{step.id}", class_="customer-action")
            badges = f.badges(f"customer:{step.id}")
            if badges:
                # centred on the top edge: the jumps leave and arrive at its corners
                draw_badges(f.board, f"customer:{step.id}", badges,
                            f.centre(i) + badges_width(badges) / 2, top)
        else:  # an empty cell stays empty: only a waypoint keeps the journey's thread
            name = f.board.box(f"customer:{step.id}", f.centre(i) - 4, flow_y - 4, 8, 8,
                               shape="circle", style="solid", color=FLOW,
                               id=f"customer-{step.id}", class_="waypoint")
        row.box[i] = name
        row.link_x[i] = x + COL_W - LINK_INSET
        if step.decision:
            dx = _diamond_x(f, i)
            f.board.box(f"decision:{step.id}", dx - DIAMOND / 2, flow_y - DIAMOND / 2, DIAMOND,
                        DIAMOND, shape="diamond",
                        style="filled", fillcolor="#FFFFFF", color=FLOW, penwidth=1.4,
                        id=f"decision-{step.id}", class_="decision")
            f.board.path(name, f"decision:{step.id}",
                         [(_right(f, i), flow_y), (dx - DIAMOND / 2, flow_y)], arrow=False,
                         color=FLOW, penwidth=1.3, class_="flow")
        _draw_markers(f, step, x, top + box_h + 6)
    _draw_flow(f, row, jumps, tracks, top, flow_y)
    height = PAD + track_h + box_h + (6 + marker_h if marker_h else 0) + bottom_pad
    return height, row


def _diamond_x(f: Frame, i: int) -> float:
    """A decision's diamond sits just after its step, so the arrows out of it are long
    enough to show."""
    return f.left(i) + COL_W + 2 + DIAMOND / 2


def _right(f: Frame, i: int) -> float:
    return f.left(i) + COL_W if f.steps[i].customer else f.centre(i) + 4


def _left(f: Frame, i: int) -> float:
    return f.left(i) if f.steps[i].customer else f.centre(i) - 4


def _draw_markers(f: Frame, step: Step, x: float, y: float) -> None:
    for row in _marker_rows(f, step):
        is_fail = row.kind == "F"
        key = f"fp:{step.id}:{row.ident}" if is_fail else f"wait:{step.id}"
        html_id = f"fail-point-{step.id}-{row.ident}" if is_fail else f"wait-{step.id}"
        marker(f.board, key, row.kind, FAIL if is_fail else WAIT, x + 2, y + MARKER / 2,
               "fail-point" if is_fail else "wait", html_id)
        plain(f.board, f"{key}:text", x + 23, y + max(0.0, (MARKER - row.text_height) / 2),
              row.text, align="LEFT", id=f"{html_id}-label", class_="marker-label")
        if row.badges and row.badges_below:
            top = y + max(MARKER, row.text_height) + 1
            first = 0
            for badges in badge_rows(row.badges, TEXT_W):
                draw_badges(f.board, key, badges, x + 23 + badges_width(badges),
                            top + BADGE_H / 2, first)
                top += BADGE_H + 3
                first += len(badges)
        elif row.badges:
            draw_badges(f.board, key, row.badges, x + COL_W - 21, y + MARKER / 2)
        y += row.height + 2


@dataclass(frozen=True)
class Jump:
    source: int
    target: int
    x0: float = 0.0
    x1: float = 0.0


def _jumps(f: Frame) -> list[Jump]:
    """Every arrow of the journey that does not go to the very next column."""
    out: list[Jump] = []
    outs: dict[int, int] = {}  # jumps leaving / arriving at each column so far
    ins: dict[int, int] = {}
    for i, step in enumerate(f.steps):
        for j in f.next_steps(i):
            if j == i + 1:
                continue
            k_out = outs.get(i, 0)
            k_in = ins.get(j, 0)
            outs[i], ins[j] = k_out + 1, k_in + 1
            if step.decision:
                x0 = _diamond_x(f, i)
            elif step.customer:
                x0 = f.left(i) + COL_W - 30 - 8 * k_out
            else:  # a waypoint: leave right of its top, arrive left of it (a loop shows)
                x0 = f.centre(i) + 3
            x1 = f.left(j) + 16 + 8 * k_in if f.steps[j].customer else f.centre(j) - 3
            out.append(Jump(i, j, x0, x1))
    return out


def assign_tracks(jumps: Sequence[Jump]) -> dict[Jump, int]:
    """Interval colouring: short jumps run nearest to the boxes, none share a stretch."""
    tracks: dict[Jump, int] = {}
    used: list[list[tuple[float, float]]] = []
    for jump in sorted(jumps, key=lambda j: (abs(j.x1 - j.x0), j.source, j.target)):
        lo, hi = sorted((jump.x0, jump.x1))
        for t, spans in enumerate(used):
            if all(hi + 6 < a or lo - 6 > b for a, b in spans):
                spans.append((lo, hi))
                tracks[jump] = t
                break
        else:
            used.append([(lo, hi)])
            tracks[jump] = len(used) - 1
    return tracks


def _draw_flow(f: Frame, row: CustomerRow, jumps: Sequence[Jump], tracks: dict[Jump, int],
               top: float, flow_y: float) -> None:
    for i, step in enumerate(f.steps):
        j = i + 1
        if j < len(f.steps) and j in f.next_steps(i):
            x0 = _diamond_x(f, i) + DIAMOND / 2 if step.decision else _right(f, i)
            source = f"decision:{step.id}" if step.decision else row.box[i]
            f.board.path(source, row.box[j], [(x0, flow_y), (_left(f, j), flow_y)],
                         id=f"flow-{step.id}-{f.steps[j].id}", color=FLOW, penwidth=1.3,
                         class_="flow")
    for jump in jumps:
        step, target = f.steps[jump.source], f.steps[jump.target]
        ty = top - 6 - tracks[jump] * TRACK
        if step.decision:
            start, source = (jump.x0, flow_y - DIAMOND / 2), f"decision:{step.id}"
        elif step.customer:
            start, source = (jump.x0, top), row.box[jump.source]
        else:
            start, source = (jump.x0, flow_y - 3), row.box[jump.source]
        end_y = top if target.customer else flow_y - 3
        f.board.path(source, row.box[jump.target],
                     [start, (jump.x0, ty), (jump.x1, ty), (jump.x1, end_y)],
                     id=f"flow-{step.id}-{target.id}", color=FLOW, penwidth=1.3,
                     class_="flow jump" + (" back" if jump.target <= jump.source else ""))
