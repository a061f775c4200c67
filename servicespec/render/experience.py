"""The experience layer: how the customer feels along the journey, drawn as one lane.

An emotion curve (-2 … +2) through the steps that have an `emotion`, and under it, in each
step's column, what the experience research marks there: a moment of truth (M), the pain
points (P) and the opportunities that address the step, its pain points or its fail points
(O). A spec without any of these draws no lane at all.
"""

from __future__ import annotations

from ..model.spec import Spec, Step
from .flow import MARKER, TEXT_W, MarkerRow, marker_row
from .grid import PAD, Frame, lane_background, lane_label, min_lane
from .style import FAINT, MARKERS, MUTED, SMALL, marker, plain, tip

TITLE, SUBTITLE = "Experience", "how the customer feels here, and why"
TINT, LABEL_FILL, INK = "#FCFAF5", "#F3EEE2", "#6B4E16"
LEVEL = 8.0  # the height of one step of feeling: the curve spans 4 levels
DOT = 9.0
FEELING = {-2: ("very negative", "#C62828"), -1: ("negative", "#E07A5F"),
           0: ("neutral", "#7B8794"), 1: ("positive", "#52A36B"),
           2: ("very positive", "#1F7A3F")}


def has_experience(spec: Spec) -> bool:
    """Whether the main journey carries anything the lane draws."""
    return any(s.emotion is not None or s.pain_points or s.moment_of_truth
               for s in spec.steps) or bool(_opportunities(spec))


def _opportunities(spec: Spec) -> dict[str, list[str]]:
    """The names of the opportunities each step is addressed by (directly, or through one
    of its pain points or fail points)."""
    owner: dict[str, str] = {}
    for step in spec.steps:
        owner.setdefault(step.id, step.id)
        for item in [*(p.id for p in step.pain_points), *(fp.id for fp in step.fail_points)]:
            if item:
                owner.setdefault(item, step.id)
    out: dict[str, list[str]] = {}
    for opp in spec.opportunities:
        for step_id in dict.fromkeys(owner[a] for a in opp.addresses if a in owner):
            out.setdefault(step_id, []).append(opp.name or opp.id)
    return out


def experience_items(spec: Spec, steps: list[Step]) -> list[tuple[str, str]]:
    """Legend entries for the marks of the experience lane that these steps use."""
    if not has_experience(spec):
        return []
    items = []
    if any(s.emotion is not None for s in steps):
        items.append(("emotion", "emotion curve: higher is a better feeling"))
    if any(s.moment_of_truth for s in steps):
        items.append(("M", "moment of truth: the customer decides to stay or leave"))
    if any(s.pain_points for s in steps):
        items.append(("P", "pain point: friction felt even when nothing fails"))
    opportunities = _opportunities(spec)
    if any(s.id in opportunities for s in steps):
        items.append(("O", "opportunity: an idea that improves this step"))
    return items


def _rows(step: Step, opportunities: list[str]) -> list[MarkerRow]:
    rows = []
    if step.moment_of_truth:
        rows.append(marker_row("M", [("moment of truth", SMALL, MARKERS["M"], True, False)],
                               [], "moment-of-truth"))
    for n, pain in enumerate(step.pain_points):
        rows.append(marker_row("P", [(pain.description, SMALL, MARKERS["P"], False, False)],
                               [], pain.id or f"pain-{n}"))
    for n, name in enumerate(opportunities):
        rows.append(marker_row("O", [(name, SMALL, MARKERS["O"], False, False)], [],
                               f"opportunity-{n}"))
    return rows


def experience_band(f: Frame, y: float) -> float:
    """The lane at `y`; returns its height (0 when the spec has no experience layer)."""
    if not has_experience(f.spec):
        return 0.0
    opportunities = _opportunities(f.spec)
    rows = [_rows(s, opportunities.get(s.id, [])) for s in f.steps]
    curve = any(s.emotion is not None for s in f.spec.steps)
    curve_h = 4 * LEVEL + DOT + 2 * PAD if curve else PAD
    marks_h = max((sum(r.height + 2 for r in col) for col in rows), default=0.0)
    h = max(min_lane(TITLE, SUBTITLE), curve_h + marks_h + (PAD if marks_h else 0))
    lane_background(f, "experience", y, h, TINT)
    lane_label(f, "experience", TITLE, SUBTITLE, y, h, INK, LABEL_FILL)
    if curve:
        _curve(f, y + PAD + DOT / 2)
    for i, col in enumerate(rows):
        cy = y + curve_h
        for row in col:
            key = f"experience:{f.steps[i].id}:{row.ident}"
            html_id = f"{row.kind.lower()}-{f.steps[i].id}-{row.ident}"
            x = f.left(i)
            marker(f.board, key, row.kind, MARKERS[row.kind], x + 2, cy + MARKER / 2,
                   "experience-marker", html_id)
            plain(f.board, f"{key}:text", x + 23, cy + max(0.0, (MARKER - row.text_height) / 2),
                  row.text, align="LEFT", w=TEXT_W, id=f"{html_id}-label",
                  class_="marker-label")
            cy += row.height + 2
    return h


def _curve(f: Frame, top: float) -> None:
    """The neutral line, a dot per step at its feeling, and the curve through the dots."""
    neutral = top + 2 * LEVEL
    a = f.board.point("experience:neutral:start", (f.left(0), neutral))
    b = f.board.point("experience:neutral:end", (f.grid_right - 4, neutral))
    f.board.path(a, b, [(f.left(0), neutral), (f.grid_right - 4, neutral)], arrow=False,
                 style="dashed", color=FAINT, penwidth=0.8, class_="emotion-neutral")
    last: tuple[str, float, float] | None = None
    for i, step in enumerate(f.steps):
        if step.emotion is None:
            continue
        words, colour = FEELING[step.emotion]
        cx, cy = f.centre(i), top + (2 - step.emotion) * LEVEL
        name = f.board.box(f"emotion:{step.id}", cx - DOT / 2, cy - DOT / 2, DOT, DOT,
                           shape="circle", style="filled", fillcolor=colour, color=colour,
                           id=f"emotion-{step.id}", class_="emotion",
                           tooltip=tip(f"{step.name or step.id}: {step.emotion:+d} ({words})"))
        if last is not None:
            f.board.path(last[0], name, [(last[1], last[2]), (cx, cy)], arrow=False,
                         color=MUTED, penwidth=1.6, round_corners=0.0,
                         id=f"emotion-curve-{step.id}", class_="emotion-curve")
        last = (name, cx, cy)


__all__ = ["experience_band", "experience_items", "has_experience"]
