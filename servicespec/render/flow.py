"""The customer's row: actions in journey order with the arrows between them, decisions as
diamonds, and fail points (F) and waits (W) below.

The main path stays one straight line; the alternatives a decision leads to sit in a row of
their own below it, and each exit of a decision says when customers take it and how many
("refund · 30 %"). Other jumps and loops are routed above the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model.spec import Journey, NextStep, Step
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
    tip,
    tooltip,
)

MARKER = 17.0  # the F and W circles
DIAMOND = 16.0  # a decision
TEXT_W = COL_W - 44  # a marker's text: clear of the link that passes at the column's right


@dataclass
class CustomerRow:
    """Where the customer boxes ended up: for links to the lanes below."""

    box: dict[int, str]
    bottom: dict[int, float]
    link_x: dict[int, float]


def alternatives(steps: Sequence[Step]) -> set[str]:
    """The steps off the main path: those only a decision's other exits lead to.

    At each branch the main path takes the exit most customers take (the largest `share`);
    without shares, the exit that skips the others' detour (a detour rejoins it), else the
    one with the longest way ahead, else the first listed. Loops (back to an earlier step)
    are not exits here. A step no branch leads to stays on the main path.
    """
    journey = Journey(("blueprint",), list(steps))
    forward = [[j for j in dict.fromkeys(journey.following(i)) if j > i]
               for i in range(len(steps))]
    ahead = [1] * len(steps)  # the most steps on a way from here to an end
    for i in reversed(range(len(steps))):
        ahead[i] += max((ahead[j] for j in forward[i]), default=0)

    def reach(a: int, b: int) -> bool:
        """Whether the journey goes from step a on to step b (forward only)."""
        seen, todo = {a}, [a]
        while todo:
            for j in forward[todo.pop()]:
                if j == b:
                    return True
                if j < b and j not in seen:
                    seen.add(j)
                    todo.append(j)
        return a == b

    def reached(starts: set[int]) -> set[int]:
        seen, todo = set(starts), list(starts)
        while todo:
            for j in forward[todo.pop()]:
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
        return seen

    def main_exit(i: int) -> int | None:
        exits = forward[i]
        if len(exits) < 2:
            return exits[0] if exits else None
        shares = {n.step: n.share for n in steps[i].next or [] if n.share is not None}
        if shares:
            return max(exits, key=lambda j: shares.get(steps[j].id, -1.0))
        through = [a for a in exits if not any(b != a and reach(a, b) for b in exits)]
        return max(through or exits, key=lambda j: (ahead[j], -exits.index(j)))

    main: set[int] = set()
    off: set[int] = set()
    at: int | None = 0 if steps else None
    while at is not None and at not in main:
        main.add(at)
        taken = main_exit(at)
        off |= {j for j in forward[at] if j != taken}
        at = taken
    side = reached(off) - main
    return {steps[k].id for k in side}


def exit_text(step: Step, target: str) -> str:
    """What a branch's arrow says: `when · share` ("wants a refund · 30 %")."""
    entry: NextStep | None = next((n for n in step.next or [] if n.step == target), None)
    if entry is None or not (step.decision or len(step.next or []) > 1):
        return ""
    words = [entry.when] if entry.when else []
    if entry.share is not None:
        words.append(f"{entry.share * 100:.0f} %")
    return " · ".join(words)


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


def marker_row(kind: str, parts: list[Part], badges: list[Badge], ident: str) -> MarkerRow:
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
        rows.append(marker_row("F", parts, f.badges(f"fp:{step.id}:{fp.id}"), fp.id))
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
        rows.append(marker_row("W", parts, f.badges(f"wait:{step.id}"), "wait"))
    return rows


@dataclass
class Rows:
    """Where the main path and the alternatives run in one frame."""

    alt: set[int]  # the columns whose step is an alternative
    tracks: float  # the lowest track of the jumps above the row
    top: float  # the main path's boxes
    alt_top: float  # the alternatives' boxes
    box_h: float

    def top_of(self, i: int) -> float:
        return self.alt_top if i in self.alt else self.top

    def mid(self, i: int) -> float:
        return self.top_of(i) + self.box_h / 2


def customer_band(f: Frame, y: float, bottom_pad: float, box_fill: str,
                  box_border: str) -> tuple[float, CustomerRow]:
    """The customer's actions with the journey's arrows, decisions, fail points and waits."""
    side = alternatives(f.spec.steps)
    alt = {i for i, s in enumerate(f.steps) if s.id in side}
    routes = _routes(f, alt)
    jumps = _jumps(f, {(r.source, r.target) for r in routes})
    tracks = assign_tracks(jumps)
    track_h = (max(tracks.values()) + 1) * TRACK + 4 if tracks else 0.0
    texts, box_h = [], 36.0
    for step in f.steps:
        badges = f.badges(f"customer:{step.id}")
        t = Text.of(step.customer or "", COL_W - 16, BODY, INK)
        texts.append(t)
        box_h = max(box_h, t.height + 2 * PAD + (BADGE_H if badges else 0))
    def tallest(place: str) -> float:
        return max((r.label.height for r in routes if r.label and r.place == place),
                   default=0.0)

    labels = _jump_labels(f, jumps, alt, routes)
    over = max(tallest("over"), *(t.height for t, place in labels.values() if place == "over"),
               0.0)
    over = over + 4 if over else 0.0
    tracks_at = y + PAD + track_h
    top = tracks_at + over + max(0.0, tallest("above") + 4 - box_h / 2)
    alt_top = max(top + box_h + 8, top + box_h / 2 + 4 + tallest("below") + 6)
    rows = Rows(alt, tracks_at, top, alt_top if alt else top, box_h)
    row = CustomerRow({}, {}, {})
    bottom = top + box_h
    for i, step in enumerate(f.steps):
        x, box_top, mid = f.left(i), rows.top_of(i), rows.mid(i)
        if step.customer:
            name = f.board.box(f"customer:{step.id}", x, box_top, COL_W, box_h,
                               label([texts[i]]), shape="box", style="rounded,filled",
                               tooltip=tooltip([texts[i]]),
                               fillcolor=box_fill, color=box_border, penwidth=1.2,
                               id=f"customer-{step.id}",
                               class_="customer-action" + (" alternative" if i in alt else ""))
            badges = f.badges(f"customer:{step.id}")
            if badges:
                # centred on the top edge: the jumps leave and arrive at its corners
                draw_badges(f.board, f"customer:{step.id}", badges,
                            f.centre(i) + badges_width(badges) / 2, box_top)
        else:  # an empty cell stays empty: only a waypoint keeps the journey's thread
            name = f.board.box(f"customer:{step.id}", f.centre(i) - 4, mid - 4, 8, 8,
                               shape="circle", style="solid", color=FLOW,
                               id=f"customer-{step.id}", class_="waypoint")
        row.box[i] = name
        row.bottom[i] = box_top + box_h if step.customer else mid + 4
        row.link_x[i] = x + COL_W - LINK_INSET
        if step.decision:
            dx = _diamond_x(f, i)
            f.board.box(f"decision:{step.id}", dx - DIAMOND / 2, mid - DIAMOND / 2, DIAMOND,
                        DIAMOND, shape="diamond",
                        style="filled", fillcolor="#FFFFFF", color=FLOW, penwidth=1.4,
                        id=f"decision-{step.id}", class_="decision")
            f.board.path(name, f"decision:{step.id}",
                         [(_right(f, i), mid), (dx - DIAMOND / 2, mid)], arrow=False,
                         color=FLOW, penwidth=1.3, class_="flow")
        marks = _marker_rows(f, step)
        if marks:
            _draw_markers(f, step, x, box_top + box_h + 6)
            bottom = max(bottom, box_top + box_h + 6 + sum(r.height + 2 for r in marks))
        bottom = max(bottom, box_top + box_h)
    _draw_routes(f, row, routes, rows)
    _draw_jumps(f, row, jumps, tracks, rows, labels)
    return bottom - y + bottom_pad, row


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
class Route:
    """An arrow drawn in the customer's row itself: to the next column, along the main path
    past the alternatives, between the main path and the alternatives' row, or out of the
    frame to the row that goes on (`target` None)."""

    source: int
    target: int | None
    label: Text | None  # a branch's `when · share`, drawn
    words: str  # the same, whole, for the tooltip
    place: str  # the label sits "above" or "below" the line it names in the column after
    # the source, or "over" the target's box (the column after holds it)


def _routes(f: Frame, alt: set[int]) -> list[Route]:
    out: list[Route] = []
    if not f.steps:
        return out
    last = len(f.steps) - 1

    after = {s.id for s in f.spec.steps[_position(f.spec.steps, f.steps[-1]) + 1:]}

    def route(i: int, j: int | None, target_id: str, place: str) -> Route:
        text = exit_text(f.steps[i], target_id)
        if j is None:  # on to a later row: say which step it reaches
            target = next(s for s in f.spec.steps if s.id == target_id)
            text = " · ".join([*([text] if text else []), f"on to {target.name or target.id}"])
        words = Text.of(text, COL_W - 8, SMALL, FLOW, italic=True) if text else None
        return Route(i, j, words, text, place)

    for i, step in enumerate(f.steps):
        if not step.next and step.next is not None:
            continue
        targets = step.next_ids if step.next_ids is not None else [None]
        for target_id in targets:
            j = i + 1 if target_id is None else f.index.get(target_id)
            if j is None:  # beyond the frame: drawn when the path runs out past alternatives
                if target_id in after and i < last and i not in alt and all(
                        k in alt for k in range(i + 1, last + 1)):
                    out.append(route(i, None, target_id, "above"))
                continue
            if j > last:
                continue
            same = (i in alt) == (j in alt)
            if j == i + 1:
                # a branch into the alternatives' row names its exit under the main line
                out.append(route(i, j, f.steps[j].id, "below" if not same else
                                 "above" if j in alt else "over"))
            elif j > i + 1 and same and i not in alt and all(k in alt for k in range(i + 1, j)):
                out.append(route(i, j, f.steps[j].id, "above"))
    return out


def _position(steps: Sequence[Step], step: Step) -> int:
    return next((k for k, s in enumerate(steps) if s is step), len(steps))


def _source(f: Frame, row: CustomerRow, i: int) -> tuple[str, float]:
    """The node an arrow out of step i leaves and the x where it leaves it."""
    step = f.steps[i]
    if step.decision:
        return f"decision:{step.id}", _diamond_x(f, i)
    return row.box[i], _right(f, i)


def _draw_routes(f: Frame, row: CustomerRow, routes: Sequence[Route], rows: Rows) -> None:
    for r in routes:
        step = f.steps[r.source]
        y0 = rows.mid(r.source)
        source, x0 = _source(f, row, r.source)
        decision = step.decision
        if r.target is None:  # on to the next row, past this row's alternatives
            end = f.grid_right - 4
            head = f.board.point(f"out:{step.id}", (end, y0))
            points = [(x0 + (DIAMOND / 2 if decision else 0), y0), (end, y0)]
            ident, text_x = f"flow-{step.id}-on", f.left(r.source + 1) + 4
        else:
            target = f.steps[r.target]
            y1, head = rows.mid(r.target), row.box[r.target]
            x1 = _left(f, r.target)
            ident, text_x = f"flow-{step.id}-{target.id}", f.left(r.source + 1) + 4
            if y1 == y0:
                points = [(x0 + (DIAMOND / 2 if decision else 0), y0), (x1, y0)]
            elif decision:  # down (or up) from the diamond's point, then into the box
                point = y0 + (DIAMOND / 2 if y1 > y0 else -DIAMOND / 2)
                points = [(x0, point), (x0, y1), (x1, y1)]
            else:  # across the gutter: the alternative rejoins the main path
                gx = x1 - 12
                points = [(x0, y0), (gx, y0), (gx, y1), (x1, y1)]
        f.board.path(source, head, points, id=ident, color=FLOW, penwidth=1.3,
                     class_="flow branch" if r.label else "flow",
                     tooltip=tip(r.words) if r.words else None)
        if r.label is not None:
            ly = (y0 - 4 - r.label.height if r.place == "above" else y0 + 4
                  if r.place == "below" else rows.top_of(r.source + 1) - 4 - r.label.height)
            plain(f.board, f"{ident}:when", text_x, ly, [r.label], align="LEFT",
                  id=f"{ident}-when", class_="branch-label")


@dataclass(frozen=True)
class Jump:
    source: int
    target: int
    x0: float = 0.0
    x1: float = 0.0


def _jumps(f: Frame, routed: set[tuple[int, int | None]]) -> list[Jump]:
    """Every arrow of the journey that is not routed in the row itself."""
    out: list[Jump] = []
    outs: dict[int, int] = {}  # jumps leaving / arriving at each column so far
    ins: dict[int, int] = {}
    for i, step in enumerate(f.steps):
        for j in f.next_steps(i):
            if (i, j) in routed or j == i + 1:
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


def _jump_labels(f: Frame, jumps: Sequence[Jump], alt: set[int],
                 routes: Sequence[Route]) -> dict[Jump, tuple[Text, str]]:
    """Where a jump's branch words are written, right of its way down: "beside" it in an
    alternative's column (free above the alternative), else "over" the target's box, one
    label a box (a second branch into the same box keeps its words in the tooltip)."""
    taken = {r.source + 1 for r in routes if r.label and r.place == "over"}
    out: dict[Jump, tuple[Text, str]] = {}
    for jump in jumps:
        words = exit_text(f.steps[jump.source], f.steps[jump.target].id)
        if not words:
            continue
        width = f.left(jump.target) + COL_W - jump.x1 - 10
        text = Text.of(words, width, SMALL, FLOW, italic=True)
        if jump.target in alt and jump.source not in alt:
            out[jump] = (text, "beside")
        elif jump.target not in alt and jump.target not in taken:
            taken.add(jump.target)
            out[jump] = (text, "over")
    return out


def _draw_jumps(f: Frame, row: CustomerRow, jumps: Sequence[Jump], tracks: dict[Jump, int],
                rows: Rows, labels: dict[Jump, tuple[Text, str]]) -> None:
    """Jumps and loops above the row: up from the source, along a track, down into the
    target. A branch's words are the arrow's tooltip, and are written where `labels` says."""
    for jump in jumps:
        step, target = f.steps[jump.source], f.steps[jump.target]
        ty = rows.tracks - 6 - tracks[jump] * TRACK
        mid = rows.mid(jump.source)
        if step.decision:
            start, source = (jump.x0, mid - DIAMOND / 2), f"decision:{step.id}"
        elif step.customer:
            start, source = (jump.x0, rows.top_of(jump.source)), row.box[jump.source]
        else:
            start, source = (jump.x0, mid - 3), row.box[jump.source]
        end_y = rows.top_of(jump.target) if target.customer else rows.mid(jump.target) - 3
        words = exit_text(step, target.id)
        f.board.path(source, row.box[jump.target],
                     [start, (jump.x0, ty), (jump.x1, ty), (jump.x1, end_y)],
                     id=f"flow-{step.id}-{target.id}", color=FLOW, penwidth=1.3,
                     class_="flow jump" + (" back" if jump.target <= jump.source else ""),
                     tooltip=tip(words) if words else None)
        if jump in labels:
            text, place = labels[jump]
            ly = rows.top + 2 if place == "beside" else rows.top_of(jump.target) - 4 - text.height
            plain(f.board, f"flow-{step.id}-{target.id}:when", jump.x1 + 6, ly,
                  [text], align="LEFT", id=f"flow-{step.id}-{target.id}-when",
                  class_="branch-label")
