"""The journey view: the customer lane alone, with its touchpoints, channels and metrics.

A customer journey map (the customer's side of the blueprint): what the customer does in
each step, where they meet the organisation (touchpoint), through what (channel: live,
self-service or automated), and which metrics watch that moment.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Diagnostic
from ..model.spec import Metric, Spec, Step
from .dot import Board
from .experience import experience_band, experience_items
from .findings import Badge, place
from .flow import customer_band
from .grid import (
    COL_W,
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
    stack,
    stack_height,
    title_band,
)
from .legend import finding_items, findings_panel, flow_items, legend, mode_items
from .pages import ROW_STEPS, split_journey
from .style import (
    BODY,
    LANE,
    MODE_STYLE,
    MUTED,
    SMALL,
    Text,
)

Item = tuple[str, list[Text], list[Badge]]
KIND_COLOURS = {"outcome": ("#DDF4E4", "#1F7A3F"), "experience": ("#DCEBFE", "#1E5BB8"),
                "relationship": ("#ECE6FB", "#5B3FA8"), None: ("#F4F5F7", "#7B8794")}
ROWS = (  # key, title, subtitle, background tint, label fill, label ink
    ("touchpoint", "Touchpoint", "where the customer meets the service", "#FBFBFC", "#F4F5F7",
     "#3E4C59"),
    ("channel", "Channel", "how the contact happens: a person, self-service or a machine",
     "#F7FAFC", "#E8EEF4", "#334E68"),
    ("metrics", "Metrics", "what is measured at this moment, against which target",
     "#FBFBFC", "#F4F5F7", "#3E4C59"),
)


def _step_metrics(spec: Spec, step: Step) -> list[tuple[Metric, str]]:
    """Metrics attached to a step: on it, its fail points, touchpoint, channel, or service."""
    names = {step.id: "this step"}
    names.update({fp.id: f"fail point: {fp.description or fp.id}" for fp in step.fail_points})
    for tp in (t for t in spec.touchpoints if t.id in step.touchpoint):
        names[tp.id] = f"touchpoint {tp.name or tp.id}"
        if tp.channel:
            channel = next((c for c in spec.channels if c.id == tp.channel), None)
            names.setdefault(tp.channel, f"channel {channel.name or channel.id}"
                             if channel else f"channel {tp.channel}")
        if tp.serves:
            served = next((f for f in spec.facilitating if f.id == tp.serves), None)
            if served is not None:
                names.setdefault(tp.serves, served.name or served.id)
            elif tp.serves == spec.product.id:
                names.setdefault(tp.serves, f"core product {spec.product.name}")
    return [(m, names[m.measures]) for m in spec.metrics if m.measures in names]


def drawn_keys(spec: Spec) -> tuple[list[str], dict[str, str]]:
    """The anchor keys this view draws in reading order, and where it draws the others."""
    drawn: list[str] = []
    alias: dict[str, str] = {}
    touchpoints = {t.id: t for t in spec.touchpoints}
    for step in spec.steps:
        drawn.append(f"step:{step.id}")
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
                drawn.append(f"chan:{step.id}")
                alias.setdefault(f"channel:{tp.channel}", f"chan:{step.id}")
        for metric, _ in _step_metrics(spec, step):
            alias.setdefault(f"metric:{metric.id}", f"metric:{step.id}:{metric.id}")
    return list(dict.fromkeys([*drawn, *alias.values()])), alias


def _cells(f: Frame, i: int) -> dict[str, list[Item]]:
    step, spec = f.steps[i], f.spec
    width = COL_W - 16
    cells: dict[str, list[Item]] = {"touchpoint": [], "channel": [], "metrics": []}
    first = step.touchpoint[0] if step.touchpoint else None  # drawn with its channel
    tp = next((t for t in spec.touchpoints if t.id == first), None)
    if first:
        text = [Text.of(tp.name or tp.id if tp else first, width, BODY, "#1F2933",
                        bold=True)]
        if tp is not None and tp.evidence:
            text.append(Text.of("sees: " + ", ".join(tp.evidence), width, SMALL, MUTED,
                                italic=True))
        cells["touchpoint"].append(("touchpoint", text, f.badges(f"tp:{step.id}")))
    if tp is not None and tp.channel:
        channel = next((c for c in spec.channels if c.id == tp.channel), None)
        if channel is None:
            text = [Text.of(tp.channel, width, BODY, MUTED, italic=True)]
            klass = "channel"
        else:
            text = [Text.of(channel.name or channel.id, width, BODY, "#1F2933", bold=True),
                    Text.of(f"{channel.kind} · {channel.mode}", width, SMALL, MUTED)]
            if channel.hours:
                text.append(Text.of(f"open {channel.hours}", width, SMALL, MUTED))
            if channel.escalates_to:
                to = next((c.name or c.id for c in spec.channels
                           if c.id == channel.escalates_to), channel.escalates_to)
                text.append(Text.of(f"→ a person via {to}"
                                    + (f" ({channel.handover})" if channel.handover else ""),
                                    width, SMALL, MUTED))
            klass = f"channel mode-{channel.mode}"
        cells["channel"].append((klass, text, f.badges(f"chan:{step.id}")))
    for metric, on in _step_metrics(spec, step):
        text = [Text.of(metric.name or metric.id, width, BODY, "#1F2933", bold=True)]
        target = f" {metric.target}" if metric.target else " (no target)"
        text.append(Text.of(f"{metric.type}{target}", width, SMALL, MUTED))
        if on != "this step":
            text.append(Text.of(f"on {on}", width, SMALL, MUTED, italic=True))
        key = f"metric:{step.id}:{metric.id}"
        cells["metrics"].append((f"metric kind-{metric.kind}", text, f.badges(key)))
    return cells


def render_journey(spec: Spec, findings: Iterable[Diagnostic] = ()) -> Board:
    """The journey map, in rows of at most `ROW_STEPS` steps cut as the blueprint's are."""
    drawn, alias = drawn_keys(spec)
    placement = place(spec, findings, drawn, alias)
    board = Board(spec.metadata.id, {"id": "journey", "class": "servicespec journey"})
    steps = list(spec.steps)
    chunks = split_journey([s.phase for s in steps], ROW_STEPS)
    frames = [Frame(spec, board, placement, steps[c.start:c.stop]) for c in chunks]
    full_width = max(f.width for f in frames)
    whole = Frame(spec, board, placement, steps)
    every = [_cells(whole, i) for i in range(len(steps))]
    rows = {key for key, *_ in ROWS if any(c[key] for c in every)}
    y = MARGIN
    y += title_band(board, spec, y, full_width - 2 * MARGIN, "customer journey")
    drawn_classes: set[str] = set()
    for chunk, f in zip(chunks, frames, strict=True):
        if len(chunks) > 1:
            y += chunk_band(f, chunk, y)
        y, classes = _row(f, y, rows)
        drawn_classes |= classes
        y += 14
    board.unique_ids()  # rows repeat the lanes' ids
    width = full_width - 2 * MARGIN
    y += findings_panel(board, MARGIN, y, width, placement)
    if placement.badges or placement.general:
        y += 10
    symbols = [*flow_items(steps), *experience_items(spec, steps), *mode_items(
        k.removeprefix("channel mode-") for k in drawn_classes)]
    symbols += [(f"swatch:{fill}/{border}", f"{kind} metric")
                for kind, (fill, border) in KIND_COLOURS.items()
                if kind and f"metric kind-{kind}" in drawn_classes]
    y += legend(board, MARGIN, y, width, symbols + finding_items(placement))
    board.width, board.height = full_width, y + MARGIN
    return board


def _row(f: Frame, y: float, rows: set[str]) -> tuple[float, set[str]]:
    """One row: phases, step headers, the customer's lane, the experience lane and the rows
    of touchpoints, channels and metrics that the journey has (`rows`); returns its bottom
    and the classes drawn. A row empty in these steps alone says so."""
    y += phase_band(f, y)
    y += header_band(f, y)
    grid_top = y
    lane = LANE["customer"]
    h, _ = customer_band(f, y, PAD, lane.fill, lane.border)
    h = max(h, min_lane(lane.title, lane.subtitle))
    lane_background(f, "customer", y, h, lane.tint)
    lane_label(f, "customer", lane.title, lane.subtitle, y, h, lane.border, lane.fill)
    y += h
    y += experience_band(f, y)
    cells = [_cells(f, i) for i in range(len(f.steps))]
    for key, title, subtitle, tint, label_fill, ink in ROWS:
        items = [c[key] for c in cells]
        if key not in rows:  # a row with nothing in any step of the journey is left out
            continue
        h = max(min_lane(title, subtitle),
                2 * PAD + max((stack_height(c) for c in items), default=0.0))
        lane_background(f, key, y, h, tint)
        lane_label(f, key, title, subtitle, y, h, ink, label_fill)
        if not any(items):
            empty_note(f, key, title.lower(), y, h)
        for i, cell in enumerate(items):
            for n, item in enumerate(cell):
                fill, border, style = "#FFFFFF", "#3E4C59", "rounded,filled"
                if key == "channel":
                    mode = item[0].removeprefix("channel mode-")
                    style += "," + MODE_STYLE.get(mode, "solid")
                if key == "metrics":
                    kind = item[0].removeprefix("metric kind-")
                    fill, border = KIND_COLOURS.get(kind, KIND_COLOURS[None])
                stack(f, i, f"{key}:{f.steps[i].id}:{n}", [item], y + PAD + sum(
                    _h(c) for c in cell[:n]), fill, border, style=style)
        y += h
    phase_dividers(f, grid_top - 4, y)
    return y, {item[0] for c in cells for items in c.values() for item in items}


def _h(item: Item) -> float:
    return stack_height([item]) + 6
