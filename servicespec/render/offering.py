"""The offering view: Lovelock's Flower of Service, and the channels with their escalations.

The core product at the centre; the eight petals around it clockwise from the top, facilitating
petals (information, order-taking, billing, payment) and enhancing petals (consultation,
hospitality, safekeeping, exceptions) told apart by colour, each holding its facilitating
services with their channels as chips drawn by mode (solid: a person answers; dashed:
self-service; dotted: a machine). Below, every channel in a row ordered so that escalation
arrows — where a customer is handed to a person — run left to right.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..model.spec import FACILITATING_PETALS, PETALS, Channel, Facilitating, Spec
from .dot import Board, Html
from .findings import Badge, Placement, place
from .flow import Jump, assign_tracks
from .grid import MARGIN, title_band
from .legend import finding_items, findings_panel, legend, mode_items
from .style import (
    BADGE_H,
    BODY,
    FAINT,
    INK,
    MUTED,
    SMALL,
    Text,
    below,
    draw_badges,
    font,
    height_of,
    label,
    plain,
    shared_mark,
)
from .text import html, text_width

PETAL_W = 214.0
SERVICE_W = PETAL_W - 16
CHANNEL_W = 150.0
CHANNEL_GAP = 34.0
RING_GAP = 22.0
TRACK = 11.0
PETAL_COLOURS = {True: ("#DDF3F0", "#0F6B63"), False: ("#FBE4EE", "#8E1F4F")}
ESCALATION = "#C2410C"
CORE = ("#FFF4D6", "#8A5A00")
CHIP_STYLE = {"live": "rounded", "self-service": "dashed", "automated": "dotted"}
CHIP_SIZE = SMALL
CHIP_ROW_H = 28
CHIP_H = 18  # a chip in its row: 5 pt above and below
CHIP_GAP = 5.0  # between two chips
MODE_ORDER = {"self-service": 0, "automated": 1, "live": 2}


@dataclass
class Rect:
    x: float  # centre
    y: float
    w: float
    h: float

    def overlaps(self, other: Rect, gap: float) -> bool:
        return (abs(self.x - other.x) * 2 < self.w + other.w + 2 * gap
                and abs(self.y - other.y) * 2 < self.h + other.h + 2 * gap)


def _core_text(spec: Spec) -> tuple[list[Text], float]:
    p = spec.product
    parts = [Text(["CORE SERVICE PRODUCT"], SMALL, CORE[1], bold=True),
             Text.of(p.name, 150, 13, INK, bold=True)]
    if p.need:
        parts.append(Text.of(p.need, 160, SMALL, MUTED, italic=True))
    if p.revenue:
        parts.append(Text.of(f"earns: {p.revenue}", 160, SMALL, CORE[1]))
    w = max(t.width for t in parts)
    return parts, max(math.hypot(w, height_of(parts)) + 20, 150.0)


def _chip_rows(spec: Spec, fac: Facilitating) -> list[list[tuple[str, str]]]:
    """The service's channels as (name, mode) chips, in rows that fit the service box."""
    by_id = {c.id: c for c in spec.channels}
    rows: list[list[tuple[str, str]]] = []
    used = SERVICE_W
    for cid in dict.fromkeys(fac.channels):
        channel = by_id.get(cid)
        name = Text.of(channel.name or channel.id if channel else cid, SERVICE_W - 30,
                       CHIP_SIZE, max_lines=1).lines[0]
        w = _chip_w(name)
        if used + w > SERVICE_W - 16:
            rows.append([])
            used = 0.0
        rows[-1].append((name, channel.mode if channel else "unknown"))
        used += w
    return rows


def _chip_w(name: str) -> float:
    """A chip's width: its text, 2 pt padding and 1 pt border each side, 5 pt spacing."""
    return text_width(name, CHIP_SIZE) + 6 + CHIP_GAP


class Service:
    """A facilitating service's box: name, phases and channel chips (an HTML table)."""

    def __init__(self, spec: Spec, fac: Facilitating, badges: list[Badge]) -> None:
        self.fac, self.badges = fac, badges
        self.name = Text.of(fac.name or fac.id, SERVICE_W - 16, BODY, INK, bold=True)
        facts = " · ".join(fac.phases) if fac.phases else "no phase given"
        self.facts = Text.of(facts + ("  ·  billed" if fac.billed else ""), SERVICE_W - 16,
                             SMALL, MUTED)
        self.chips = _chip_rows(spec, fac)
        self.height = (self.name.height + self.facts.height + CHIP_ROW_H * len(self.chips) + 16
                       + (BADGE_H if badges else 0))

    @property
    def top(self) -> float:
        """Where the name starts below the box's top edge (under its badges, if any)."""
        return 8 + (BADGE_H / 2 if self.badges else 0)

    def draw(self, board: Board, x: float, y: float, ink: str) -> None:
        """The box with its name and phases, and the channels as chips inside it, in rows
        centred under the text: a chip drawn as the channel's mode is (solid for a person,
        dashed for self-service, dotted for a machine)."""
        fac = self.fac
        name = f"facilitating:{fac.id}"
        board.box(name, x, y, SERVICE_W, self.height, below(self.top, [self.name, self.facts]),
                  shape="box", style="rounded,filled", fillcolor="#FFFFFF", color=ink,
                  labelloc="t", id=f"facilitating-{fac.id}", class_="facilitating")
        row_top = y + self.top + self.name.height + self.facts.height
        n = 0
        for chips in self.chips:
            # each chip's width holds the gap after it: the row is centred without the last
            left = x + (SERVICE_W - sum(_chip_w(text) for text, _ in chips) + CHIP_GAP) / 2
            for text, mode in chips:
                w = _chip_w(text) - CHIP_GAP
                board.box(f"{name}:chip:{n}", left, row_top + (CHIP_ROW_H - CHIP_H) / 2, w,
                          CHIP_H, Html(font(text, CHIP_SIZE, INK)), shape="box",
                          style=CHIP_STYLE.get(mode, "solid"), color="#3E4C59", penwidth=1.0,
                          id=f"facilitating-{fac.id}-chip-{n}", class_=f"chip mode-{mode}")
                left += w + CHIP_GAP
                n += 1
            row_top += CHIP_ROW_H
        if self.badges:
            draw_badges(board, name, self.badges, x + SERVICE_W - 6, y)


def _ring(rects: list[Rect], angles: list[float], base: float, fixed: list[Rect]) -> None:
    """Place the rects on the smallest ellipse (from `base`) where nothing overlaps."""
    radius = base
    for _ in range(200):
        for r, a in zip(rects, angles, strict=False):
            r.x, r.y = radius * 1.3 * math.cos(a), radius * math.sin(a)
        if not any(a.overlaps(b, RING_GAP / 2) for n, a in enumerate(rects)
                   for b in rects[n + 1:]) and not any(a.overlaps(b, RING_GAP)
                                                       for a in rects for b in fixed):
            return
        radius *= 1.04


def render_offering(spec: Spec, findings: Iterable[Diagnostic] = ()) -> Board:
    # in reading order: the core, the petals clockwise, the channels left to right
    drawn = ["product", *(f"facilitating:{f.id}" for p in PETALS for f in spec.facilitating
                          if f.type == p), *(f"channel:{c.id}" for c in _channel_order(spec))]
    placement = place(spec, findings, drawn)
    board = Board(spec.metadata.id, {"id": "offering", "class": "servicespec offering"})
    core_parts, diameter = _core_text(spec)
    core = Rect(0, 0, diameter, diameter)
    services = {p: [Service(spec, f, placement.at(f"facilitating:{f.id}"))
                    for f in spec.facilitating if f.type == p] for p in PETALS}
    heads = {p: [Text([p.replace("-", " ").upper()], SMALL,
                      PETAL_COLOURS[p in FACILITATING_PETALS][1], bold=True),
                 Text(["facilitating petal" if p in FACILITATING_PETALS else "enhancing petal"],
                      SMALL, MUTED, italic=True)] for p in PETALS}
    petals = [Rect(0, 0, PETAL_W, height_of(heads[p]) + 18
                   + sum(s.height + 6 + (BADGE_H / 2 if s.badges else 0) for s in services[p])
                   + (0 if services[p] else 16))
              for p in PETALS]
    _ring(petals, [-math.pi / 2 + k * math.pi / 4 for k in range(8)], diameter / 2 + 60,
          [core])
    order = _channel_order(spec)
    row_w = len(order) * (CHANNEL_W + CHANNEL_GAP) - CHANNEL_GAP if order else 0.0
    flower = [core, *petals]
    min_x = min(r.x - r.w / 2 for r in flower)
    max_x = max(r.x + r.w / 2 for r in flower)
    width = max(max_x - min_x, row_w, 760.0)
    y = MARGIN
    y += title_band(board, spec, y, width, "service offering") + 10
    dx = MARGIN + (width - (max_x - min_x)) / 2 - min_x
    dy = y - min(r.y - r.h / 2 for r in flower)
    for r in flower:
        r.x, r.y = r.x + dx, r.y + dy
    board.box("product", core.x - core.w / 2, core.y - core.h / 2, core.w, core.h,
              label(core_parts), shape="circle", style="filled", fillcolor=CORE[0],
              color=CORE[1], penwidth=2, id="product", class_="core-product")
    if placement.at("product"):
        draw_badges(board, "product", placement.at("product"), core.x + core.w * 0.35,
                    core.y - core.h * 0.35)
    for petal, rect in zip(PETALS, petals, strict=False):
        _draw_petal(board, petal, rect, heads[petal], services[petal])
    y = max(r.y + r.h / 2 for r in flower) + 26
    y += _channel_row(board, spec, order, placement, MARGIN + (width - row_w) / 2, y)
    y += 16
    y += findings_panel(board, MARGIN, y, width, placement)
    if placement.badges or placement.general:
        y += 10
    items = [("swatch:#DDF3F0/#0F6B63", "facilitating petal: needed to deliver the core"),
             ("swatch:#FBE4EE/#8E1F4F", "enhancing petal: adds value"),
             *mode_items(c.mode for c in spec.channels)]
    if any(c.escalates_to in {d.id for d in spec.channels} for c in spec.channels):
        items.append(("escalation", "escalates to a person (dashed: cold hand-over)"))
    y += legend(board, MARGIN, y, width, items + finding_items(placement))
    board.width, board.height = width + 2 * MARGIN, y + MARGIN
    return board


def _draw_petal(board: Board, petal: str, rect: Rect, head: list[Text],
                services: list[Service]) -> None:
    fill, ink = PETAL_COLOURS[petal in FACILITATING_PETALS]
    x0, y0 = rect.x - rect.w / 2, rect.y - rect.h / 2
    board.background(f"petal:{petal}", x0, y0, rect.w, rect.h,
                     style="rounded,filled" if services else "rounded,filled,dashed",
                     fillcolor=fill if services else "#FAFAFA",
                     color=ink if services else FAINT, penwidth=1.4, id=f"petal-{petal}",
                     class_=f"petal petal-{petal}")
    y = y0 + 7
    y += plain(board, f"petal:{petal}:head", x0 + 8, y, head, w=rect.w - 16) + 4
    if not services:
        plain(board, f"petal:{petal}:empty", x0 + 8, y,
              [Text(["no service here yet"], SMALL, FAINT, italic=True)], w=rect.w - 16)
    for service in services:
        if service.badges:  # the badges straddle the top edge: keep them off the heading
            y += BADGE_H / 2
        service.draw(board, x0 + 8, y, ink)
        y += service.height + 6


def _channel_order(spec: Spec) -> list[Channel]:
    """Channels ordered so that escalations run left to right: by depth, then mode."""
    by_id = {c.id: c for c in spec.channels}
    depth = {c.id: 0 for c in spec.channels}
    for _ in range(len(spec.channels)):  # longest escalation chain, safe against loops
        changed = False
        for c in spec.channels:
            to = c.escalates_to
            if to in by_id and to != c.id and depth[to] < depth[c.id] + 1 \
                    and depth[c.id] + 1 < len(spec.channels):
                depth[to] = depth[c.id] + 1
                changed = True
        if not changed:
            break
    position = {c.id: n for n, c in enumerate(spec.channels)}
    linked = {c.id for c in spec.channels if c.escalates_to in by_id} | {
        c.escalates_to for c in spec.channels if c.escalates_to in by_id}
    # channels with no escalation at all go last, so the chains stay short and together
    return sorted(spec.channels, key=lambda c: (c.id not in linked, depth[c.id],
                                                MODE_ORDER.get(c.mode, 3), position[c.id]))


def _channel_text(spec: Spec, channel: Channel) -> list[Text]:
    width = CHANNEL_W - 16
    parts = [Text.of(channel.name or channel.id, width, BODY, INK, bold=True),
             Text.of(f"{channel.kind} · {channel.mode}", width, SMALL, MUTED),
             *shared_mark(spec, channel.id, width)]
    if channel.hours:
        parts.append(Text.of(f"open {channel.hours}", width, SMALL, MUTED))
    if channel.response_time:
        parts.append(Text.of(f"answers within {channel.response_time}", width, SMALL, MUTED))
    if channel.complaints:
        parts.append(Text(["takes complaints"], SMALL, ESCALATION, italic=True))
    return parts


def _channel_row(board: Board, spec: Spec, order: list[Channel], placement: Placement,
                 x: float, y: float) -> float:
    if not order:
        return 0.0
    title = [Text(["CHANNELS AND ESCALATION"], SMALL, INK, bold=True),
             Text(["where customers reach the service, and where they are handed to a "
                   "person"], SMALL, MUTED, italic=True)]
    y0 = y
    y += plain(board, "channels:title", x, y, title, align="LEFT") + 6
    first: dict[str, int] = {}
    for n, c in enumerate(order):  # duplicate ids (a lint error) still get their own place
        first.setdefault(c.id, n)
    left = [x + n * (CHANNEL_W + CHANNEL_GAP) for n in range(len(order))]
    target = {n: first[c.escalates_to] for n, c in enumerate(order)
              if c.escalates_to in first and first[c.escalates_to] != n}
    jumps: dict[int, Jump] = {}
    outs: dict[int, int] = {}  # jumps leaving / arriving at each channel so far
    ins: dict[int, int] = {}
    for n, to in target.items():
        if to != n + 1:
            k_out, k_in = outs.get(n, 0), ins.get(to, 0)
            outs[n], ins[to] = k_out + 1, k_in + 1
            jumps[n] = Jump(n, to, left[n] + CHANNEL_W - 20 - 8 * k_out, left[to] + 20 + 8 * k_in)
    tracks = assign_tracks(list(jumps.values()))
    top = y + (max(tracks.values()) + 1) * TRACK + 6 if tracks else y
    texts = [_channel_text(spec, c) for c in order]
    h = max(height_of(t) for t in texts) + 14
    names = []
    for n, (c, text) in enumerate(zip(order, texts, strict=False)):
        style = "rounded,filled" + ("" if c.mode == "live" else "," + CHIP_STYLE[c.mode])
        names.append(board.box(f"channel:{c.id}", left[n], top, CHANNEL_W, h, label(text),
                               shape="box", style=style, fillcolor="#FFFFFF", color="#3E4C59",
                               penwidth=1.5, id=f"channel-{c.id}",
                               class_=f"channel mode-{c.mode}"))
        if placement.at(f"channel:{c.id}"):
            draw_badges(board, f"channel:{c.id}", placement.at(f"channel:{c.id}"),
                        left[n] + CHANNEL_W - 6, top + h)
    for n, to in target.items():
        c = order[n]
        if n in jumps:
            jump = jumps[n]
            ty = top - 6 - tracks[jump] * TRACK
            points = [(jump.x0, top), (jump.x0, ty), (jump.x1, ty), (jump.x1, top)]
        else:
            points = [(left[n] + CHANNEL_W, top + h / 2), (left[to], top + h / 2)]
        board.path(names[n], names[to], points, color=ESCALATION, penwidth=1.8,
                   id=f"escalates-{c.id}-{order[to].id}",
                   class_=f"escalation handover-{c.handover or 'unspecified'}",
                   style="dashed" if c.handover == "cold" else None)
    badges = any(placement.at(f"channel:{c.id}") for c in order)
    return top + h + (BADGE_H / 2 if badges else 0) - y0


__all__ = ["html", "render_offering"]
