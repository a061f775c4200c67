"""The legend and the panel of findings that belong to no single drawn element."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from ..diagnostics import Severity
from ..model.spec import Step
from .dot import Board
from .findings import Badge, Placement
from .style import (
    BADGE_H,
    BODY,
    INK,
    MARKERS,
    MODE_STYLE,
    MUTED,
    RULE,
    SEVERITY_COLOURS,
    SMALL,
    STRONG,
    Text,
    badge_width,
    draw_badges,
    height_of,
    label,
    marker,
    plain,
)

SAMPLE_W = 34.0
ROW_H = 20.0
FLOW = "#1E5BB8"


def _sample(board: Board, n: int, kind: str, x: float, cy: float) -> None:
    name = f"legend:{n}"
    if kind in ("flow", "link", "escalation"):
        colour = {"flow": FLOW, "link": MUTED, "escalation": "#C2410C"}[kind]
        a = board.point(f"{name}:a", (x + 2, cy))
        b = board.point(f"{name}:b", (x + SAMPLE_W - 2, cy))
        board.path(a, b, [(x + 2, cy), (x + SAMPLE_W - 2, cy)], color=colour,
                   penwidth=1.6 if kind == "escalation" else 1.3)
    elif kind == "decision":
        board.box(name, x + SAMPLE_W / 2 - 8, cy - 8, 16, 16, shape="diamond", style="filled",
                  fillcolor="#FFFFFF", color=FLOW, penwidth=1.4)
    elif kind == "waypoint":
        board.box(name, x + SAMPLE_W / 2 - 4, cy - 4, 8, 8, shape="circle", color=FLOW)
    elif kind in MARKERS:
        marker(board, name, kind, MARKERS[kind], x + SAMPLE_W / 2 - 7.5, cy,
               "legend-marker", f"legend-{kind}")
    elif kind == "emotion":
        a = board.point(f"{name}:a", (x + 2, cy + 5))
        b = board.point(f"{name}:b", (x + SAMPLE_W - 2, cy - 5))
        board.path(a, b, [(x + 2, cy + 5), (x + SAMPLE_W - 2, cy - 5)], arrow=False,
                   color=MUTED, penwidth=1.6, round_corners=0.0)
        board.box(name, x + SAMPLE_W / 2 - 4.5, cy - 4.5, 9, 9, shape="circle",
                  style="filled", fillcolor="#52A36B", color="#52A36B")
    elif kind.startswith("mode:"):
        board.box(name, x + 1, cy - 7, SAMPLE_W - 2, 14, shape="box",
                  style=f"rounded,filled,{MODE_STYLE[kind[5:]]}", fillcolor="#FFFFFF",
                  color="#3E4C59", penwidth=1.3)
    elif kind.startswith("line:"):
        style, width = kind[5:].split("/")
        a = board.point(f"{name}:a", (x, cy))
        b = board.point(f"{name}:b", (x + SAMPLE_W, cy))
        board.path(a, b, [(x, cy), (x + SAMPLE_W, cy)], arrow=False, style=style,
                   penwidth=float(width), color="#3E4C59")
    elif kind.startswith("severity:"):
        severity = Severity(kind[9:])
        draw_badges(board, name, [Badge("SS…", severity, "", "")],
                    x + SAMPLE_W - 4, cy)
    elif kind.startswith("swatch:"):
        fill, border = kind[7:].split("/")
        board.box(name, x + 4, cy - 7, SAMPLE_W - 8, 14, shape="box", style="rounded,filled",
                  fillcolor=fill, color=border)


def legend(board: Board, x: float, y: float, width: float,
           items: Sequence[tuple[str, str]]) -> float:
    """A framed legend: samples with their meaning, in rows that fit `width`."""
    title = [Text(["How to read this picture"], BODY, INK, bold=True)]
    inner_x, cursor_y = x + 10, y + 8
    cursor_y += plain(board, "legend:title", inner_x, cursor_y, title, align="LEFT") + 4
    cx = inner_x
    for n, (kind, meaning) in enumerate(items):
        text = Text.of(meaning, 190, SMALL, MUTED, max_lines=2)
        w = SAMPLE_W + 6 + text.width + 18
        if cx > inner_x and cx + w > x + width - 10:
            cx, cursor_y = inner_x, cursor_y + ROW_H + 4
        cy = cursor_y + ROW_H / 2
        _sample(board, n, kind, cx, cy)
        plain(board, f"legend:{n}:text", cx + SAMPLE_W + 6, cy - text.height / 2, [text],
              align="LEFT", class_="legend-text")
        cx += w
    height = cursor_y + ROW_H + 8 - y
    board.background("legend", x, y, width, height, style="rounded,filled",
                     fillcolor="#FFFFFF", color=RULE, id="legend", class_="legend")
    return height


FINDING_W = 470.0  # one column of the findings list


def findings_panel(board: Board, x: float, y: float, width: float,
                   placement: Placement, numbers: Collection[int] | None = None) -> float:
    """The findings, numbered as their callouts on the picture, each with its message and
    the rule's plain words; findings no drawn element could take are listed here alone.
    With `numbers`, only the findings of those numbers (a page of a list that goes on)."""
    every = placement.numbered()
    badges = [b for b in every if numbers is None or b.number in numbers]
    if not badges:
        return 0.0
    title = f"Findings ({len(badges)}): the numbers are the callouts on the picture" \
        if len(badges) == len(every) else "The numbers are the callouts on the pictures"
    head = [Text([title], STRONG, INK, bold=True)]
    top = y + 8
    top += plain(board, "findings:title", x + 10, top, head, align="LEFT") + 6
    columns = max(1, int((width - 20) // FINDING_W))
    col_w = (width - 20) / columns
    tag_w = max(badge_width(b) for b in badges) + 6
    text_w = col_w - tag_w - 16
    general = {b.number for b in placement.general}
    cells = []
    for badge in badges:
        text = [Text.of(badge.message or badge.code, text_w, BODY, INK)]
        text += [Text.of(note, text_w, SMALL, INK) for note in badge.notes]
        if badge.impact:
            text.append(Text.of(f"Why it matters: {badge.impact}", text_w, SMALL, MUTED,
                                italic=True))
        where = badge.where or badge.element
        if badge.number in general:  # `where` names it (not what it is drawn on)
            where = "not on the picture" + (f": {where}" if where else "")
        elif badge.where:
            where = f"on {where}"
        if where:
            text.append(Text.of(where, text_w, SMALL, MUTED))
        cells.append((badge, text, max(BADGE_H, height_of(text)) + 8))
    for row in range(0, len(cells), columns):
        h = max(c[2] for c in cells[row:row + columns])
        for col, (badge, text, _) in enumerate(cells[row:row + columns]):
            cx = x + 10 + col * col_w
            draw_badges(board, f"findings:{badge.number}", [badge], cx + tag_w - 6,
                        top + BADGE_H / 2)
            plain(board, f"findings:{badge.number}:text", cx + tag_w, top, text,
                  align="LEFT", w=text_w, id=f"finding-{badge.number}-text",
                  class_=f"finding-text severity-{badge.severity.value}")
        top += h
    height = top + 4 - y
    fill = SEVERITY_COLOURS[max((b.severity for b in badges), key=lambda s: s.rank)][0]
    board.background("findings", x, y, width, height, style="rounded,filled",
                     fillcolor="#FFFFFF", color=fill, id="findings", class_="findings")
    return height


def flow_items(steps: Sequence[Step]) -> list[tuple[str, str]]:
    """Legend entries for the marks of the customer's row that these steps use."""
    items = []
    if len(steps) > 1 or any(s.next for s in steps):
        items.append(("flow", "journey order"))
    if any(s.decision for s in steps):
        items.append(("decision", "decision: the journey branches"))
    if any(not s.customer for s in steps):
        items.append(("waypoint", "a step without a customer action"))
    if any(s.fail_points for s in steps):
        items.append(("F", "fail point: what goes wrong, how badly, what prevents it"))
    if any(s.wait is not None for s in steps):
        items.append(("W", "wait: expected, maximum"))
    return items


MODE_MEANING = {"live": "live channel: a person answers",
                "self-service": "self-service channel",
                "automated": "automated channel: a bot or IVR"}


def mode_items(modes: Iterable[str]) -> list[tuple[str, str]]:
    """Legend entries for the channel modes drawn, in a fixed order."""
    shown = set(modes)
    return [(f"mode:{m}", meaning) for m, meaning in MODE_MEANING.items() if m in shown]


def finding_items(placement: Placement) -> list[tuple[str, str]]:
    """Legend entries for the severities the picture shows."""
    shown = {b.severity for b in placement.numbered()}
    return [(f"severity:{s.value}", f"finding: {s.value} (number: see Findings)")
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if s in shown]


__all__ = ["RULE", "finding_items", "findings_panel", "flow_items", "label", "legend",
           "mode_items"]
