"""The legend and the panel of findings that belong to no single drawn element."""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Severity
from .dot import Board
from .findings import Badge
from .style import (
    FAIL,
    INK,
    MODE_STYLE,
    MUTED,
    RULE,
    SEVERITY_COLOURS,
    WAIT,
    Text,
    draw_badges,
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
    elif kind in ("F", "W"):
        marker(board, name, kind, FAIL if kind == "F" else WAIT, x + SAMPLE_W / 2 - 7.5, cy,
               "legend-marker", f"legend-{kind}")
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
        draw_badges(board, name, [Badge("SS000"[:2] + "…", severity, "", "")],
                    x + SAMPLE_W - 4, cy)
    elif kind.startswith("swatch:"):
        fill, border = kind[7:].split("/")
        board.box(name, x + 4, cy - 7, SAMPLE_W - 8, 14, shape="box", style="rounded,filled",
                  fillcolor=fill, color=border)


def legend(board: Board, x: float, y: float, width: float,
           items: Sequence[tuple[str, str]]) -> float:
    """A framed legend: samples with their meaning, in rows that fit `width`."""
    title = [Text(["How to read this picture"], 10, INK, bold=True)]
    inner_x, cursor_y = x + 10, y + 8
    cursor_y += plain(board, "legend:title", inner_x, cursor_y, title, align="LEFT") + 4
    cx = inner_x
    for n, (kind, meaning) in enumerate(items):
        text = Text.of(meaning, 190, 8.5, MUTED, max_lines=2)
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


def findings_panel(board: Board, x: float, y: float, width: float,
                   badges: Sequence[Badge]) -> float:
    """Findings about the service as a whole (or about something this view does not draw)."""
    if not badges:
        return 0.0
    head = [Text(["Findings about the service as a whole, or about what this view does "
                  "not show"], 10, INK, bold=True)]
    cursor = y + 8
    cursor += plain(board, "general:title", x + 10, cursor, head, align="LEFT") + 4
    for n, badge in enumerate(badges):
        text = [Text.of(badge.message, width - 110, 9, INK, max_lines=4)]
        if badge.element:
            text.append(Text.of(badge.element, width - 110, 7.5, MUTED, max_lines=2))
        h = max(18.0, sum(t.height for t in text) + 4)
        draw_badges(board, f"general:{n}", [badge], x + 70, cursor + 9)
        plain(board, f"general:{n}:text", x + 80, cursor + 2, text, align="LEFT",
              id=f"general-{n}-text",
              class_=f"general-finding severity-{badge.severity.value}")
        cursor += h + 3
    height = cursor + 6 - y
    fill = SEVERITY_COLOURS[max((b.severity for b in badges), key=lambda s: s.rank)][0]
    board.background("general", x, y, width, height, style="rounded,filled",
                     fillcolor="#FFFFFF", color=fill, id="general-findings",
                     class_="general-findings")
    return height


def finding_items(has_findings: bool) -> list[tuple[str, str]]:
    if not has_findings:
        return []
    return [("severity:error", "lint finding: error"),
            ("severity:warning", "warning"), ("severity:info", "info")]


__all__ = ["RULE", "finding_items", "findings_panel", "label", "legend"]
