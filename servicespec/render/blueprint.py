"""The service blueprint view: steps as columns, the five lanes as rows, the three lines.

After Shostack (1984) and Bitner, Ostrom & Morgan (2008), drawn as the Nielsen Norman Group
describes it: physical evidence, customer actions, the line of interaction, frontstage
actions, the line of visibility, backstage actions, the line of internal interaction and the
support processes; fail points as an F in a red circle, waits as a W.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from ..diagnostics import Diagnostic
from ..model.spec import Action, Spec
from .dot import Board
from .findings import Badge, Placement, place
from .flow import CustomerRow, customer_band
from .grid import (
    COL_W,
    GUTTER,
    MARGIN,
    PAD,
    Frame,
    chunk_band,
    header_band,
    lane_background,
    lane_label,
    min_lane,
    phase_band,
    phase_dividers,
    rule_line,
    stack,
    stack_height,
    title_band,
)
from .legend import finding_items, findings_panel, legend
from .pages import ROW_STEPS, Chunk, split_journey
from .style import (
    BADGE_H,
    LANE,
    MODE_STYLE,
    MUTED,
    Text,
    badges_width,
    draw_badges,
    height_of,
    label,
)

Item = tuple[str, list[Text], list[Badge]]
LINE_INK = "#3E4C59"
LINES = {  # key: (title, style, pen width): the three lines of the field
    "interaction": ("Line of interaction", "dashed", 1.4),
    "visibility": ("Line of visibility", "solid", 2.2),
    "internal": ("Line of internal interaction", "dotted", 1.8),
}


def drawn_keys(spec: Spec) -> tuple[set[str], dict[str, str]]:
    """The anchor keys this view draws, and where it draws the keys it shows elsewhere."""
    drawn: set[str] = set()
    alias: dict[str, str] = {}
    touchpoints = {t.id: t for t in spec.touchpoints}
    for step in spec.steps:
        drawn.add(f"step:{step.id}")
        if step.customer:
            drawn.add(f"customer:{step.id}")
        if step.evidence:
            drawn.add(f"evidence:{step.id}")
        if step.wait is not None:
            drawn.add(f"wait:{step.id}")
        drawn.update(f"fp:{step.id}:{fp.id}" for fp in step.fail_points)
        if step.touchpoint:
            drawn.add(f"tp:{step.id}")
            alias.setdefault(f"touchpoint:{step.touchpoint}", f"tp:{step.id}")
            tp = touchpoints.get(step.touchpoint)
            if tp is not None and tp.channel:
                alias.setdefault(f"channel:{tp.channel}", f"tp:{step.id}")
        for lane in ("frontstage", "backstage", "support"):
            items = getattr(step, lane)
            for j, item in enumerate(items):
                drawn.add(f"action:{step.id}:{lane}:{j}")
                if isinstance(item, Action) and item.role:
                    alias.setdefault(f"role:{item.role}", f"action:{step.id}:{lane}:{j}")
            if items:
                alias[f"lane:{step.id}:{lane}"] = f"action:{step.id}:{lane}:0"
    return drawn | set(alias.values()), alias


def _role_name(spec: Spec, ref: str | None) -> tuple[str, bool]:
    for role in spec.roles:
        if role.id == ref:
            return role.name or role.id, role.kind == "system"
    return ref or "", False


def lane_items(f: Frame, i: int, lane: str) -> list[Item]:
    step, spec = f.steps[i], f.spec
    colour = LANE[lane].border
    out: list[Item] = []
    if lane == "evidence":
        if step.evidence:
            text = [Text.of(f"▪ {e}", COL_W - 16, 9, "#323F4B") for e in step.evidence]
            out.append(("evidence", text, f.badges(f"evidence:{step.id}")))
        return out
    for j, item in enumerate(getattr(step, lane)):
        badges = f.badges(f"action:{step.id}:{lane}:{j}")
        if isinstance(item, Action):
            parts = []
            if item.role:
                role, system = _role_name(spec, item.role)
                parts.append(Text.of(role + (" · system" if system else ""), COL_W - 16, 8.5,
                                     colour, bold=True, max_lines=2))
            parts.append(Text.of(item.action, COL_W - 16, 9.5))
            out.append((f"action {lane}-action", parts, badges))
        else:
            out.append((f"action {lane}-action", [Text.of(item, COL_W - 16, 9.5)], badges))
    return out


def _pill(f: Frame, i: int) -> tuple[list[Text], str, list[Badge]] | None:
    """The touchpoint and channel where step i crosses the line of interaction."""
    step = f.steps[i]
    if not step.touchpoint:
        return None
    badges = f.badges(f"tp:{step.id}")
    width = COL_W - 24
    tp = next((t for t in f.spec.touchpoints if t.id == step.touchpoint), None)
    if tp is None:
        return [Text.of(step.touchpoint, width, 8.5, MUTED, italic=True)], "dashed", badges
    text = [Text.of(tp.name or tp.id, width, 8.5, LINE_INK, bold=True, max_lines=3)]
    channel = next((c for c in f.spec.channels if c.id == tp.channel), None)
    style = "solid"
    if channel is not None:
        text.append(Text.of(f"via {channel.name or channel.id} · {channel.mode}", width, 7.5,
                            MUTED, max_lines=2))
        style = MODE_STYLE[channel.mode]
    elif tp.channel:
        text.append(Text.of(f"via {tp.channel}", width, 7.5, MUTED, max_lines=2))
    return text, style, badges


def render_blueprint(spec: Spec, findings: Iterable[Diagnostic] = (),
                     chunks: Sequence[Chunk] | None = None) -> Board:
    """The blueprint with its steps in rows: the `chunks` given (a page of the paper output
    passes one), else the journey split into rows of at most `ROW_STEPS` steps. Each row has
    its lanes, labels and lines; a journey cut into rows says where each row takes up. The
    findings about the whole service and the legend close the journey: they follow the
    chunk that ends it (on paper, the last page)."""
    drawn, alias = drawn_keys(spec)
    placement = place(spec, findings, drawn, alias)
    board = Board(spec.metadata.id, {"id": "blueprint", "class": "servicespec blueprint"})
    steps = list(spec.steps)
    if chunks is None:
        chunks = split_journey([s.phase for s in steps], ROW_STEPS)
    frames = [Frame(spec, board, placement, steps[c.start:c.stop]) for c in chunks]
    full_width = max(f.width for f in frames)
    y = MARGIN
    y += title_band(board, spec, y, full_width - 2 * MARGIN, "service blueprint")
    for chunk, f in zip(chunks, frames, strict=True):
        if chunk.stop - chunk.start < len(steps):
            y += chunk_band(f, chunk, y)
        y = _row(f, y) + 14
    if chunks[-1].continues:
        y -= 14
    else:
        y += _key(board, placement, y, full_width - 2 * MARGIN)
    board.unique_ids()  # rows repeat the lanes' and lines' ids
    board.width, board.height = full_width, y + MARGIN
    return board


def _key(board: Board, placement: Placement, y: float, width: float) -> float:
    """The findings about the service as a whole and the legend; returns their height."""
    top = y
    y += findings_panel(board, MARGIN, y, width, placement.general)
    if placement.general:
        y += 10
    items_legend = [("flow", "journey order"), ("decision", "decision: the journey branches"),
                    ("F", "fail point (id, severity)"), ("W", "wait: expected, maximum"),
                    ("mode:live", "touchpoint via a live channel"),
                    ("mode:self-service", "self-service channel"),
                    ("mode:automated", "automated channel"),
                    ("link", "work passing between lanes"),
                    ("line:dashed/1.4", "line of interaction"),
                    ("line:solid/2.2", "line of visibility"),
                    ("line:dotted/1.8", "line of internal interaction")]
    y += legend(board, MARGIN, y, width, items_legend + finding_items(bool(
        placement.badges or placement.general)))
    return y - top


def _row(f: Frame, y: float) -> float:
    """One row of the grid: phases, step headers, the five lanes and the three lines; returns
    its bottom."""
    y += phase_band(f, y)
    y += header_band(f, y)
    grid_top = y
    items = {lane: [lane_items(f, i, lane) for i in range(len(f.steps))]
             for lane in ("evidence", "frontstage", "backstage", "support")}
    pills = [_pill(f, i) for i in range(len(f.steps))]
    pill_h = max((_pill_h(p) for p in pills if p), default=0.0)
    near_line = pill_h / 2 + 8 if pill_h else PAD

    def content_lane(key: str, top_pad: float) -> tuple[float, list[list[tuple[str, float,
                                                                                 float]]]]:
        nonlocal y
        lane = LANE[key]
        h = max(min_lane(lane.title, lane.subtitle),
                top_pad + PAD + max((stack_height(c) for c in items[key]), default=0.0))
        lane_background(f, key, y, h, lane.tint)
        lane_label(f, key, lane.title, lane.subtitle, y, h, lane.border, lane.fill)
        placed = [stack(f, i, f"{key}:{f.steps[i].id}", items[key][i], y + top_pad,
                        lane.fill, lane.border,
                        shape="note" if key == "evidence" else "box",
                        style="filled" if key in ("evidence", "support") else "rounded,filled")
                  for i in range(len(f.steps))]
        y += h
        return h, placed

    content_lane("evidence", PAD)
    customer_y = y
    lane = LANE["customer"]
    h, row = customer_band(f, y, near_line, lane.fill, lane.border)
    h = max(h, min_lane(lane.title, lane.subtitle))
    lane_background(f, "customer", y, h, lane.tint)
    lane_label(f, "customer", lane.title, lane.subtitle, y, h, lane.border, lane.fill)
    y += h
    line_y = {"interaction": y}
    _, front = content_lane("frontstage", near_line)
    line_y["visibility"] = y
    _, back = content_lane("backstage", PAD)
    line_y["internal"] = y
    _, support = content_lane("support", PAD)
    grid_bottom = y
    for key, (title, style, width) in LINES.items():
        rule_line(f, key, title, line_y[key], style, width, LINE_INK)
    _draw_pills(f, pills, line_y["interaction"])
    _draw_links(f, row, [front, back, support])
    phase_dividers(f, grid_top - 4, grid_bottom)
    del customer_y
    return y


def _draw_pills(f: Frame, pills: list, line: float) -> None:
    for i, pill in enumerate(pills):
        if not pill:
            continue
        text, style, badges = pill
        step = f.steps[i]
        h = _pill_h(pill)
        w = max(max(t.width for t in text) + 18, badges_width(badges) + 24)
        x = f.centre(i) - w / 2
        f.board.box(f"tp:{step.id}", x, line - h / 2, w, h, label(text), shape="box",
                    style=f"rounded,filled,{style}", fillcolor="#FFFFFF", color=LINE_INK,
                    penwidth=1.2, id=f"touchpoint-{step.id}", class_="touchpoint")
        if badges:  # on the pill's top edge, like every badge on a box
            draw_badges(f.board, f"tp:{step.id}", badges, x + w - 8, line - h / 2)


def _pill_h(pill: tuple[list[Text], str, list[Badge]]) -> float:
    return height_of(pill[0]) + 8 + (BADGE_H if pill[2] else 0)


def _draw_links(f: Frame, row: CustomerRow,
                lanes: list[list[list[tuple[str, float, float]]]]) -> None:
    """Vertical arrows from each step's customer action down through its lanes."""
    for i, step in enumerate(f.steps):
        chain: list[tuple[str, float, float]] = []
        if step.customer:
            chain.append((row.box[i], 0.0, row.bottom))
        for lane in lanes:
            if lane[i]:
                chain.append((lane[i][0][0], lane[i][0][1], lane[i][-1][2]))
        x = row.link_x[i]
        for (a, _, a_bottom), (b, b_top, _) in itertools.pairwise(chain):
            f.board.path(a, b, [(x, a_bottom), (x, b_top)], color=MUTED, penwidth=1.0,
                         id=f"link-{step.id}-{a.split(':')[0]}-{b.split(':')[0]}",
                         class_="link")


__all__ = ["GUTTER", "drawn_keys", "render_blueprint"]
