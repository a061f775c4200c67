"""The column grid that the blueprint and journey views share.

Steps are columns in journey order under phase headers; bands (lanes, lines, rows) are stacked
top to bottom, each with its label in the left column. Every size is computed from the wrapped
text, so all cells of a band line up and nothing overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ..model.spec import Spec, Step
from .dot import Board, Html
from .findings import Badge, Placement
from .style import (BADGE_H, FAIL, FAINT, INK, MUTED, PHASES, RULE, WAIT, Text, badges_width,
                    draw_badges, font, height_of, label, marker, plain)

MARGIN = 16.0
LABEL_W = 150.0
COL_W = 184.0
GUTTER = 44.0
PITCH = COL_W + GUTTER
PAD = 7.0
GAP = 6.0
TRACK = 9.0
MIN_LANE = 46.0
FLOW = "#1E5BB8"


@dataclass
class Frame:
    """The shared state of one column picture."""

    spec: Spec
    board: Board
    placement: Placement
    steps: list[Step]
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {s.id: i for i, s in enumerate(self.steps)}

    @property
    def columns(self) -> int:
        return max(1, len(self.steps))

    @property
    def width(self) -> float:
        return MARGIN * 2 + LABEL_W + self.columns * PITCH

    @property
    def grid_right(self) -> float:
        return MARGIN + LABEL_W + self.columns * PITCH

    def left(self, i: int) -> float:
        """The left edge of column i's content."""
        return MARGIN + LABEL_W + GUTTER / 2 + i * PITCH

    def centre(self, i: int) -> float:
        return self.left(i) + COL_W / 2

    def badges(self, key: str) -> list[Badge]:
        return self.placement.at(key)

    def next_steps(self, i: int) -> list[int]:
        """Where the journey goes after step i: `next`, else the following step."""
        step = self.steps[i]
        if step.next is None:
            return [i + 1] if i + 1 < len(self.steps) else []
        return [self.index[n] for n in dict.fromkeys(step.next) if n in self.index]


def title_band(board: Board, spec: Spec, y: float, width: float, view: str) -> float:
    """The service's name and the view, the core product, owner and version."""
    parts = [Text.of(f"{spec.metadata.name} — {view}", width, 18, INK, bold=True)]
    facts = [f"Core product: {spec.product.name}"]
    if spec.metadata.owner:
        facts.append(f"Owner: {spec.metadata.owner}")
    if spec.metadata.version:
        facts.append(f"Version {spec.metadata.version}")
    facts.append(f"Spec: {spec.metadata.id}")
    parts.append(Text.of("   ·   ".join(facts), width, 10.5, MUTED))
    if spec.metadata.description:
        parts.append(Text.of(spec.metadata.description, width, 9.5, MUTED, italic=True,
                             max_lines=3))
    h = plain(board, "title", MARGIN, y, parts, align="LEFT", id="title",
              **{"class": "title"})
    return h + 10


def phase_band(f: Frame, y: float, bottom_hint: str = "") -> float:
    h = 24.0
    runs: list[tuple[int, int, str | None]] = []
    for i, step in enumerate(f.steps):
        if runs and runs[-1][2] == step.phase:
            runs[-1] = (runs[-1][0], i, step.phase)
        else:
            runs.append((i, i, step.phase))
    for n, (first, last, phase) in enumerate(runs):
        title, sub, fill, ink = PHASES[phase]
        x0 = f.left(first) - GUTTER / 2 + 2
        x1 = f.left(last) + COL_W + GUTTER / 2 - 2
        text = [Text([f"{title.upper()}  ·  {sub}"], 9.5, ink, bold=True)]
        if text[0].width > x1 - x0 - 8:
            text = [Text.of(title.upper(), x1 - x0 - 8, 9.5, ink, bold=True, max_lines=1)]
        f.board.box(f"phase:{n}", x0, y, x1 - x0, h, label(text), shape="box",
                    style="rounded,filled", fillcolor=fill, color=fill,
                    id=f"phase-{n}-{phase or 'none'}", **{"class": f"phase phase-{phase}"})
    return h + 4


def header_band(f: Frame, y: float) -> float:
    """Column headers: the step's name, id, and its findings."""
    texts, heights = [], []
    for step in f.steps:
        name = Text.of(step.name or step.id, COL_W - 12, 10.5, INK, bold=True, max_lines=3)
        ident = Text.of(step.id + ("   ◆ decision" if step.decision else ""), COL_W - 12,
                        8, MUTED, max_lines=2)
        texts.append([name, ident])
        extra = BADGE_H + 3 if f.badges(f"step:{step.id}") else 0
        heights.append(height_of([name, ident]) + 2 * 5 + extra)
    h = max(heights, default=30.0)
    for i, step in enumerate(f.steps):
        x = f.left(i)
        badges = f.badges(f"step:{step.id}")
        f.board.box(f"step:{step.id}", x, y, COL_W, h, label(texts[i]), shape="box",
                    style="rounded,filled", fillcolor="#F5F7FA", color=RULE,
                    labelloc="t" if badges else "c", id=f"step-{step.id}",
                    **{"class": "step-header"})
        if badges:
            draw_badges(f.board, f"step:{step.id}", badges, x + COL_W - 5,
                        y + h - 5 - BADGE_H / 2)
    if not f.steps:
        f.board.box("step:none", f.left(0), y, COL_W, h,
                    label([Text(["No steps yet"], 10, MUTED, italic=True)]), shape="box",
                    style="rounded,dashed", color=RULE, id="step-none")
    return h + 6


def lane_label(f: Frame, key: str, title: str, subtitle: str, y: float, h: float,
               ink: str, fill: str) -> None:
    parts = [Text.of(title, LABEL_W - 16, 10.5, ink, bold=True, max_lines=2),
             Text.of(subtitle, LABEL_W - 16, 8, MUTED, italic=True, max_lines=3)]
    f.board.box(f"lane:{key}:label", MARGIN, y, LABEL_W - 4, h, label(parts), shape="box",
                style="filled", fillcolor=fill, color=fill, id=f"lane-{key}-label",
                **{"class": f"lane-label lane-{key}"})


def lane_background(f: Frame, key: str, y: float, h: float, tint: str) -> None:
    x = MARGIN + LABEL_W
    f.board.background(f"lane:{key}", x, y, f.grid_right - x, h, style="filled",
                       fillcolor=tint, color=tint, id=f"lane-{key}",
                       **{"class": f"lane lane-{key}"})


def rule_line(f: Frame, key: str, title: str, y: float, style: str, penwidth: float,
              colour: str = MUTED) -> None:
    """A line drawn across the full width with its name at the left."""
    a = f.board.point(f"line:{key}:start", (MARGIN, y))
    b = f.board.point(f"line:{key}:end", (f.grid_right, y))
    f.board.path(a, b, [(MARGIN, y), (f.grid_right, y)], arrow=False,
                 style=style, penwidth=penwidth, color=colour, id=f"line-{key}",
                 **{"class": f"line line-{key}"})
    tag = [Text([title.upper()], 7.5, colour, bold=True)]
    w = tag[0].width + 10
    f.board.box(f"line:{key}:label", MARGIN + 6, y - 7, w, 14, label(tag), shape="box",
                style="rounded,filled", fillcolor="#FFFFFF", color=colour, penwidth=0.8,
                id=f"line-{key}-label", **{"class": f"line-label line-{key}"})


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
        return max(17.0, self.text_height) + (BADGE_H + 3 if self.badges_below else 0)


def _marker_row(kind: str, parts: list[tuple[str, float, str, bool, bool, int]],
                badges: list[Badge], ident: str) -> MarkerRow:
    """Badges go beside a one-line text when they fit, else on a line of their own."""
    width = COL_W - 48
    beside = width - (badges_width(badges) + 6 if badges else 0)
    first = Text.of(parts[0][0], beside, parts[0][1], parts[0][2], parts[0][3], parts[0][4],
                    max_lines=parts[0][5])
    below = bool(badges) and len(first.lines) > 1
    if below:
        first = Text.of(parts[0][0], width, parts[0][1], parts[0][2], parts[0][3],
                        parts[0][4], max_lines=parts[0][5])
    rest = [Text.of(t, width, size, colour, bold, italic, max_lines=n)
            for t, size, colour, bold, italic, n in parts[1:]]
    return MarkerRow(kind, [first, *rest], badges, ident, below or (bool(badges) and bool(
        rest)))


def _marker_rows(f: Frame, step: Step) -> list[MarkerRow]:
    """The fail points and the wait of a step, in the order drawn."""
    rows = []
    for fp in step.fail_points:
        parts = [(fp.id, 8.5, FAIL, True, False, 3)]
        if fp.severity:
            parts.append((f"{fp.severity} severity", 7.5, MUTED, False, False, 1))
        rows.append(_marker_row("F", parts, f.badges(f"fp:{step.id}:{fp.id}"), fp.id))
    if step.wait is not None:
        w = step.wait
        words = []
        if w.expected is not None:
            words.append(f"{w.expected} expected")
        if w.max is not None:
            words.append(f"max {w.max}")
        parts = [(" · ".join(words) or "wait", 8.5, WAIT, True, False, 2)]
        if w.message:
            parts.append((w.message, 7.5, MUTED, False, True, 2))
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
        t = Text.of(step.customer or "", COL_W - 16, 10, INK)
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
                               fillcolor=box_fill, color=box_border, penwidth=1.2,
                               id=f"customer-{step.id}", **{"class": "customer-action"})
            badges = f.badges(f"customer:{step.id}")
            if badges:
                draw_badges(f.board, f"customer:{step.id}", badges, x + COL_W - 6, top)
        else:  # an empty cell stays empty: only a waypoint keeps the journey's thread
            name = f.board.box(f"customer:{step.id}", f.centre(i) - 4, flow_y - 4, 8, 8,
                               shape="circle", style="solid", color=FLOW,
                               id=f"customer-{step.id}", **{"class": "waypoint"})
        row.box[i] = name
        row.link_x[i] = x + COL_W - 12
        if step.decision:
            dx = x + COL_W + GUTTER / 2
            f.board.box(f"decision:{step.id}", dx - 10, flow_y - 10, 20, 20, shape="diamond",
                        style="filled", fillcolor="#FFFFFF", color=FLOW, penwidth=1.4,
                        id=f"decision-{step.id}", **{"class": "decision"})
            f.board.path(name, f"decision:{step.id}",
                         [(_right(f, i), flow_y), (dx - 10, flow_y)], arrow=False,
                         color=FLOW, penwidth=1.3, **{"class": "flow"})
        _draw_markers(f, step, x, top + box_h + 6)
    _draw_flow(f, row, jumps, tracks, top, flow_y)
    height = PAD + track_h + box_h + (6 + marker_h if marker_h else 0) + bottom_pad
    return height, row


def _right(f: Frame, i: int) -> float:
    return f.left(i) + COL_W if f.steps[i].customer else f.centre(i) + 4


def _left(f: Frame, i: int) -> float:
    return f.left(i) if f.steps[i].customer else f.centre(i) - 4


def _draw_markers(f: Frame, step: Step, x: float, y: float) -> None:
    for row in _marker_rows(f, step):
        is_fail = row.kind == "F"
        key = f"fp:{step.id}:{row.ident}" if is_fail else f"wait:{step.id}"
        html_id = f"fail-point-{step.id}-{row.ident}" if is_fail else f"wait-{step.id}"
        marker(f.board, key, row.kind, FAIL if is_fail else WAIT, x + 2, y + 8.5,
               "fail-point" if is_fail else "wait", html_id)
        plain(f.board, f"{key}:text", x + 21, y + max(0.0, (17 - row.text_height) / 2),
              row.text, align="LEFT", id=f"{html_id}-label", **{"class": "marker-label"})
        if row.badges and row.badges_below:
            top = y + max(17.0, row.text_height) + 1
            draw_badges(f.board, key, row.badges, x + 21 + badges_width(row.badges),
                        top + BADGE_H / 2)
        elif row.badges:
            draw_badges(f.board, key, row.badges, x + COL_W - 24, y + 8.5)
        y += row.height + 2


@dataclass(frozen=True)
class Jump:
    source: int
    target: int
    x0: float = 0.0
    x1: float = 0.0


def _jumps(f: Frame) -> list[Jump]:
    """Every arrow of the journey that does not go to the very next column."""
    out, outs, ins = [], {}, {}
    for i, step in enumerate(f.steps):
        for j in f.next_steps(i):
            if j == i + 1:
                continue
            k_out = outs.get(i, 0)
            k_in = ins.get(j, 0)
            outs[i], ins[j] = k_out + 1, k_in + 1
            if step.decision:
                x0 = f.left(i) + COL_W + GUTTER / 2
            elif step.customer:
                x0 = f.left(i) + COL_W - 30 - 8 * k_out
            else:
                x0 = f.centre(i)
            x1 = f.left(j) + 16 + 8 * k_in if f.steps[j].customer else f.centre(j)
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
    attrs = {"color": FLOW, "penwidth": 1.3}
    for i, step in enumerate(f.steps):
        j = i + 1
        if j < len(f.steps) and j in f.next_steps(i):
            x0 = f.left(i) + COL_W + GUTTER / 2 + 10 if step.decision else _right(f, i)
            source = f"decision:{step.id}" if step.decision else row.box[i]
            f.board.path(source, row.box[j], [(x0, flow_y), (_left(f, j), flow_y)],
                         id=f"flow-{step.id}-{f.steps[j].id}", **attrs,
                         **{"class": "flow"})
    for jump in jumps:
        step, target = f.steps[jump.source], f.steps[jump.target]
        ty = top - 6 - tracks[jump] * TRACK
        if step.decision:
            start, source = (jump.x0, flow_y - 10), f"decision:{step.id}"
        elif step.customer:
            start, source = (jump.x0, top), row.box[jump.source]
        else:
            start, source = (jump.x0, flow_y - 4), row.box[jump.source]
        end_y = top if target.customer else flow_y - 4
        f.board.path(source, row.box[jump.target],
                     [start, (jump.x0, ty), (jump.x1, ty), (jump.x1, end_y)],
                     id=f"flow-{step.id}-{target.id}", **attrs,
                     **{"class": "flow jump" + (" back" if jump.target <= jump.source else "")})


def stack(f: Frame, i: int, key: str, items: Sequence[tuple[str, list[Text], list[Badge]]],
          y: float, fill: str, border: str, shape: str = "box",
          style: str = "rounded,filled") -> list[tuple[str, float, float]]:
    """Boxes one under another in column i; returns (node, top, bottom) of each."""
    out = []
    x = f.left(i)
    for n, (ident, text, badges) in enumerate(items):
        h = item_height(text, badges)
        name = f.board.box(f"{key}:{n}", x, y, COL_W, h, label(text), shape=shape,
                           style=style, fillcolor=fill, color=border,
                           id=f"{key}-{n}".replace(":", "-"), **{"class": ident})
        if badges:
            draw_badges(f.board, f"{key}:{n}", badges, x + COL_W - 6, y)
        out.append((name, y, y + h))
        y += h + GAP
    return out


def item_height(text: list[Text], badges: Sequence[Badge]) -> float:
    return height_of(text) + 2 * PAD + (BADGE_H if badges else 0)


def stack_height(items: Sequence[tuple[str, list[Text], list[Badge]]]) -> float:
    return sum(item_height(t, b) + GAP for _, t, b in items) - (GAP if items else 0)


def phase_dividers(f: Frame, y0: float, y1: float) -> None:
    """Faint vertical lines where one phase ends and the next begins."""
    for i in range(1, len(f.steps)):
        if f.steps[i].phase != f.steps[i - 1].phase:
            x = f.left(i) - GUTTER / 2
            a = f.board.point(f"phase-divider:{i}:top", (x, y0))
            b = f.board.point(f"phase-divider:{i}:bottom", (x, y1))
            f.board.path(a, b, [(x, y0), (x, y1)], arrow=False, style="dashed", color=FAINT,
                         penwidth=0.8, **{"class": "phase-divider"})


__all__ = ["Frame", "Html", "font"]
