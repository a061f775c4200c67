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
from ..model.spec import Action, Spec, SupportAction
from .dot import Board
from .experience import experience_band, experience_items
from .findings import Badge, Placement, place
from .flow import CustomerRow, customer_band
from .grid import (
    COL_W,
    GUTTER,
    LINE_PAD,
    LINK_INSET,
    MARGIN,
    PAD,
    Frame,
    chunk_band,
    empty_note,
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
from .legend import finding_items, findings_panel, flow_items, legend, mode_items
from .pages import ROW_STEPS, Chunk, split_journey
from .style import (
    BADGE_H,
    BODY,
    INK,
    LANE,
    MODE_STYLE,
    MUTED,
    SMALL,
    Text,
    badge_rows,
    badges_width,
    below,
    draw_badges,
    height_of,
    label,
    plain,
    shared_mark,
    tooltip,
)

Item = tuple[str, list[Text], list[Badge]]
LINE_INK = "#3E4C59"
# a touchpoint pill stays clear of the arrow that passes it at the column's right (link_x)
PILL_W = COL_W - LINK_INSET - 8
EMPTY = {"evidence": "physical evidence", "frontstage": "frontstage actions",
         "backstage": "backstage actions", "support": "support processes"}
LINES = {  # key: (title, style, pen width): the three lines of the field
    "interaction": ("Line of interaction", "dashed", 1.4),
    "visibility": ("Line of visibility", "solid", 2.2),
    "internal": ("Line of internal interaction", "dotted", 1.8),
}


def drawn_keys(spec: Spec) -> tuple[list[str], dict[str, str]]:
    """The anchor keys this view draws in reading order (step by step, top to bottom), and
    where it draws the keys it shows elsewhere."""
    drawn: list[str] = []
    alias: dict[str, str] = {}
    touchpoints = {t.id: t for t in spec.touchpoints}
    for step in spec.steps:
        drawn.append(f"step:{step.id}")
        if spec.evidence_of(step):
            drawn.append(f"evidence:{step.id}")
        if step.customer:
            drawn.append(f"customer:{step.id}")
        drawn.extend(f"fp:{step.id}:{fp.id}" for fp in step.fail_points)
        if step.wait is not None:
            drawn.append(f"wait:{step.id}")
        if step.touchpoint:
            drawn.append(f"tp:{step.id}")
            for tp_id in step.touchpoint:
                alias.setdefault(f"touchpoint:{tp_id}", f"tp:{step.id}")
            tp = touchpoints.get(step.touchpoint[0])  # the first is drawn with its channel
            if tp is not None and tp.channel:
                alias.setdefault(f"channel:{tp.channel}", f"tp:{step.id}")
        for lane in ("frontstage", "backstage", "support"):
            items = getattr(step, lane)
            for j, item in enumerate(items):
                drawn.append(f"action:{step.id}:{lane}:{j}")
                if isinstance(item, Action) and item.role:
                    alias.setdefault(f"role:{item.role}", f"action:{step.id}:{lane}:{j}")
                elif isinstance(item, SupportAction) and item.system:
                    alias.setdefault(f"system:{item.system}", f"action:{step.id}:{lane}:{j}")
            if items:
                alias[f"lane:{step.id}:{lane}"] = f"action:{step.id}:{lane}:0"
    return list(dict.fromkeys([*drawn, *alias.values()])), alias


def _role_name(spec: Spec, ref: str | None) -> tuple[str, bool]:
    for role in spec.roles:
        if role.id == ref:
            return role.name or role.id, role.kind == "system"
    return ref or "", False


def _system_name(spec: Spec, ref: str) -> str:
    system = next((s for s in spec.systems if s.id == ref), None)
    return (system.name or system.id) if system else ref


def lane_items(f: Frame, i: int, lane: str) -> list[Item]:
    step, spec = f.steps[i], f.spec
    colour = LANE[lane].border
    out: list[Item] = []
    if lane == "evidence":
        evidence = spec.evidence_of(step)
        if evidence:
            text = [Text.of(f"▪ {e}", COL_W - 16, SMALL, "#323F4B") for e in evidence]
            out.append(("evidence", text, f.badges(f"evidence:{step.id}")))
        return out
    for j, item in enumerate(getattr(step, lane)):
        badges = f.badges(f"action:{step.id}:{lane}:{j}")
        if isinstance(item, Action):
            parts = []
            if item.role:
                role, system = _role_name(spec, item.role)
                parts.append(Text.of(role + (" · system" if system else ""), COL_W - 16, SMALL,
                                     colour, bold=True))
                parts.extend(shared_mark(spec, item.role, COL_W - 16))
            parts.append(Text.of(item.action, COL_W - 16, BODY))
            out.append((f"action {lane}-action", parts, badges))
        else:
            parts = []
            if item.system:
                parts.append(Text.of(_system_name(spec, item.system), COL_W - 16, SMALL,
                                     colour, bold=True))
            parts.append(Text.of(item.action, COL_W - 16, BODY))
            out.append((f"action {lane}-action", parts, badges))
    return out


def _pill(f: Frame, i: int) -> tuple[list[Text], str, list[Badge]] | None:
    """The touchpoint and channel where step i crosses the line of interaction."""
    step = f.steps[i]
    if not step.touchpoint:
        return None
    badges = f.badges(f"tp:{step.id}")
    width = PILL_W - 18
    first = step.touchpoint[0]  # the pill shows the first
    tp = next((t for t in f.spec.touchpoints if t.id == first), None)
    if tp is None:
        return [Text.of(first, width, SMALL, MUTED, italic=True)], "dashed", badges
    text = [Text.of(tp.name or tp.id, width, SMALL, LINE_INK, bold=True)]
    channel = next((c for c in f.spec.channels if c.id == tp.channel), None)
    style = "solid"
    if channel is not None:
        text.append(Text.of(f"via {channel.name or channel.id} · {channel.mode}", width, SMALL,
                            MUTED))
        text.extend(shared_mark(f.spec, channel.id, width))
        style = MODE_STYLE[channel.mode]
    elif tp.channel:
        text.append(Text.of(f"via {tp.channel}", width, SMALL, MUTED))
    return text, style, badges


def render_blueprint(spec: Spec, findings: Iterable[Diagnostic] = (),
                     chunks: Sequence[Chunk] | None = None, key_width: float = 0.0,
                     listed: bool = True) -> Board:
    """The blueprint with its steps in rows: the `chunks` given (a page of the paper output
    passes one), else the journey split into rows of at most `ROW_STEPS` steps. Each row has
    its lanes, labels and lines; a journey cut into rows says where each row takes up. The
    findings about the whole service and the legend close the journey: they follow the
    chunk that ends it (on paper, the last page). The findings list and legend take
    `key_width` at least: on a page of one or two steps, a page-wide list is shorter than one
    as narrow as the steps. Not `listed`: the callouts are drawn but their list is left to
    pages of its own (`render_findings_page`), when it is too long for the journey's."""
    placement = placed(spec, findings)
    board = Board(spec.metadata.id, {"id": "blueprint", "class": "servicespec blueprint"})
    steps = list(spec.steps)
    paged = chunks is not None and (chunks[0].start > 0 or chunks[-1].stop < len(steps))
    if chunks is None:
        chunks = split_journey([s.phase for s in steps], ROW_STEPS)
    elif paged:
        # a page of the paper output: the findings on its own steps, so that a long list
        # of findings is spread over the pages instead of all on the last
        placement = placement.on_steps({s.id for c in chunks for s in steps[c.start:c.stop]},
                                       general=not chunks[-1].continues)
    frames = [Frame(spec, board, placement, steps[c.start:c.stop]) for c in chunks]
    full_width = max(max(f.width for f in frames), key_width)
    y = MARGIN
    y += title_band(board, spec, y, full_width - 2 * MARGIN, "service blueprint")
    links = False
    for chunk, f in zip(chunks, frames, strict=True):
        if chunk.stop - chunk.start < len(steps):
            y += chunk_band(f, chunk, y)
        y, linked = _row(f, y)
        links |= linked
        y += 14
    if chunks[-1].continues:
        # a page of the paper output lists the findings its callouts number
        panel = findings_panel(board, MARGIN, y, full_width - 2 * MARGIN, placement) \
            if paged and listed else 0.0
        y += panel if panel else -14
    else:
        y += _key(board, placement, frames, links, y, full_width - 2 * MARGIN, listed)
    board.unique_ids()  # rows repeat the lanes' and lines' ids
    board.width, board.height = full_width, y + MARGIN
    return board


def _key(board: Board, placement: Placement, frames: Sequence[Frame], links: bool,
         y: float, width: float, listed: bool = True) -> float:
    """The findings panel (or, not `listed`, where it is) and a legend of the symbols the
    rows use; returns their height."""
    top = y
    if listed:
        y += findings_panel(board, MARGIN, y, width, placement)
    elif placement.badges or placement.general:
        y += 8 + plain(board, "findings:elsewhere", MARGIN, y + 8, [Text.of(
            "The findings the numbers call out are listed on the pages after the journey.",
            width, BODY, INK, bold=True)], align="LEFT", id="findings-elsewhere")
    if placement.badges or placement.general:
        y += 10
    steps = [s for f in frames for s in f.steps]
    modes = set().union(*(_modes(f) for f in frames))
    symbols = [*experience_items(frames[0].spec, steps), *flow_items(steps),
               *mode_items(modes)]
    if links:
        symbols.append(("link", "work passing between lanes"))
    symbols += [(f"line:{style}/{pen}", title.lower())
                for title, style, pen in LINES.values()]
    y += legend(board, MARGIN, y, width, symbols + finding_items(placement))
    return y - top


def placed(spec: Spec, findings: Iterable[Diagnostic]) -> Placement:
    """The findings on the elements this view draws, numbered in its reading order."""
    drawn, alias = drawn_keys(spec)
    return place(spec, findings, drawn, alias)


def render_findings_page(spec: Spec, placement: Placement, numbers: Sequence[int],
                         width: float, header: str) -> Board:
    """A page of the findings list alone (paper output, when the list is too long for the
    journey's last page): the findings numbered `numbers` of the blueprint's `placement`
    (`placed`), in a list `width` wide under `header`."""
    board = Board(spec.metadata.id, {"id": "blueprint-findings",
                                     "class": "servicespec blueprint findings-page"})
    y = MARGIN
    y += title_band(board, spec, y, width - 2 * MARGIN, "service blueprint")
    head = [Text([header], 11, INK, bold=True)]
    y += plain(board, "findings:page", MARGIN, y, head, align="LEFT", class_="chunk-header")
    y += findings_panel(board, MARGIN, y, width - 2 * MARGIN, placement, set(numbers))
    board.width, board.height = width, y + MARGIN
    return board


def _row(f: Frame, y: float) -> tuple[float, bool]:
    """One row of the grid: phases, step headers, the five lanes and the three lines; returns
    its bottom and whether it draws work passing between lanes."""
    y += phase_band(f, y)
    y += header_band(f, y)
    grid_top = y
    y += experience_band(f, y)
    items = {lane: [lane_items(f, i, lane) for i in range(len(f.steps))]
             for lane in ("evidence", "frontstage", "backstage", "support")}
    pills = [_pill(f, i) for i in range(len(f.steps))]
    pill_h = max((_pill_h(p) for p in pills if p), default=0.0)
    near_line = max(pill_h / 2 + 8, LINE_PAD)

    def content_lane(key: str, top_pad: float, bottom_pad: float) -> tuple[
            float, list[list[tuple[str, float, float]]]]:
        nonlocal y
        lane = LANE[key]
        h = max(min_lane(lane.title, lane.subtitle),
                top_pad + bottom_pad + max((stack_height(c) for c in items[key]), default=0.0))
        lane_background(f, key, y, h, lane.tint)
        lane_label(f, key, lane.title, lane.subtitle, y, h, lane.border, lane.fill)
        if f.steps and not any(items[key]):
            empty_note(f, key, EMPTY[key], y, h)
        placed = [stack(f, i, f"{key}:{f.steps[i].id}", items[key][i], y + top_pad,
                        lane.fill, lane.border,
                        shape="note" if key == "evidence" else "box",
                        style="filled" if key in ("evidence", "support") else "rounded,filled")
                  for i in range(len(f.steps))]
        y += h
        return h, placed

    content_lane("evidence", PAD, PAD)
    lane = LANE["customer"]
    h, row = customer_band(f, y, near_line, lane.fill, lane.border)
    h = max(h, min_lane(lane.title, lane.subtitle))
    lane_background(f, "customer", y, h, lane.tint)
    lane_label(f, "customer", lane.title, lane.subtitle, y, h, lane.border, lane.fill)
    y += h
    line_y = {"interaction": y}
    _, front = content_lane("frontstage", near_line, LINE_PAD)
    line_y["visibility"] = y
    _, back = content_lane("backstage", LINE_PAD, LINE_PAD)
    line_y["internal"] = y
    _, support = content_lane("support", LINE_PAD, PAD)
    grid_bottom = y
    for key, (title, style, width) in LINES.items():
        rule_line(f, key, title, line_y[key], style, width, LINE_INK)
    _draw_pills(f, pills, line_y["interaction"])
    links = _draw_links(f, row, [front, back, support])
    phase_dividers(f, grid_top - 4, grid_bottom)
    return y, bool(links)


def _modes(f: Frame) -> set[str]:
    """The modes of the channels of the touchpoints drawn."""
    channels = {c.id: c.mode for c in f.spec.channels}
    touchpoints = {t.id: t.channel for t in f.spec.touchpoints}
    return {channels[c] for s in f.steps if s.touchpoint
            if (c := touchpoints.get(s.touchpoint[0])) and c in channels}


def _draw_pills(f: Frame, pills: list, line: float) -> None:
    for i, pill in enumerate(pills):
        if not pill:
            continue
        text, style, badges = pill
        step = f.steps[i]
        h = _pill_h(pill)
        rows = badge_rows(badges, PILL_W - 16)
        w = max(max(t.width for t in text) + 18,
                max((badges_width(r) + 16 for r in rows), default=0))
        x = f.left(i) + (PILL_W - w) / 2
        # the text under the badges: an empty cell as tall as they are
        words = below(_badges_h(rows), text) if rows else label(text)
        f.board.box(f"tp:{step.id}", x, line - h / 2, w, h, words, shape="box",
                    style=f"rounded,filled,{style}", fillcolor="#FFFFFF", color=LINE_INK,
                    penwidth=1.2, id=f"touchpoint-{step.id}", class_="touchpoint",
                    tooltip=tooltip(text))
        # the first row on the pill's top edge, like every badge on a box; more rows inside
        first, cy = 0, line - h / 2
        for row in rows:
            draw_badges(f.board, f"tp:{step.id}", row, x + w - 8, cy, first)
            first, cy = first + len(row), cy + BADGE_H + 2


def _badges_h(rows: list[list[Badge]]) -> float:
    """How far into a pill its rows of badges reach (the first straddles the edge)."""
    return BADGE_H / 2 + (BADGE_H + 2) * len(rows) - 2 if rows else 0.0


def _pill_h(pill: tuple[list[Text], str, list[Badge]]) -> float:
    return height_of(pill[0]) + 8 + _badges_h(badge_rows(pill[2], PILL_W - 16))


def _draw_links(f: Frame, row: CustomerRow,
                lanes: list[list[list[tuple[str, float, float]]]]) -> int:
    """Vertical arrows from each step's customer action down through its lanes; returns
    how many."""
    count = 0
    for i, step in enumerate(f.steps):
        chain: list[tuple[str, float, float]] = []
        if step.customer:
            chain.append((row.box[i], 0.0, row.bottom[i]))
        for lane in lanes:
            if lane[i]:
                chain.append((lane[i][0][0], lane[i][0][1], lane[i][-1][2]))
        x = row.link_x[i]
        for (a, _, a_bottom), (b, b_top, _) in itertools.pairwise(chain):
            f.board.path(a, b, [(x, a_bottom), (x, b_top)], color=MUTED, penwidth=1.0,
                         id=f"link-{step.id}-{a.split(':')[0]}-{b.split(':')[0]}",
                         class_="link")
            count += 1
    return count


__all__ = ["GUTTER", "drawn_keys", "render_blueprint"]
