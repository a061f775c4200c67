"""The column grid that the blueprint and journey views share.

Steps are columns in journey order under phase headers; bands (lanes, lines, rows) are stacked
top to bottom, each with its label in the left column. Every size is computed from the wrapped
text, so all cells of a band line up and nothing overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model.spec import Spec, Step
from .dot import Board
from .findings import Badge, Placement
from .pages import Chunk
from .style import (
    BADGE_H,
    BODY,
    FAINT,
    INK,
    MUTED,
    PHASES,
    RULE,
    SMALL,
    STRONG,
    Text,
    below,
    draw_badges,
    height_of,
    label,
    plain,
    tooltip,
)

MARGIN = 16.0
HEADER_PAD = 5.0  # above and below a step's name in its column header
LABEL_W = 160.0
COL_W = 196.0
GUTTER = 36.0
PITCH = COL_W + GUTTER
PAD = 8.0
LINK_INSET = 12.0  # the links between lanes run this far inside the column's right edge
LINE_LABEL = 16.0  # half the height of a line's name, wrapped to two lines
LINE_PAD = 14.0  # from a line to the boxes on either side: an arrow across it stays visible
GAP = 6.0
TRACK = 9.0
MIN_LANE = 46.0
FLOW = "#1E5BB8"


def frame_width(columns: int) -> float:
    """The width of a picture of `columns` steps: the lane labels, the columns at a fixed
    pitch and the margins (its title, findings and legend wrap to it)."""
    return MARGIN * 2 + LABEL_W + columns * PITCH


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
        return frame_width(self.columns)

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
        ids = step.next_ids
        if ids is None:
            return [i + 1] if i + 1 < len(self.steps) else []
        return [self.index[n] for n in dict.fromkeys(ids) if n in self.index]


def title_band(board: Board, spec: Spec, y: float, width: float, view: str) -> float:
    """The service's name and the view, the core product, owner and version."""
    parts = [Text.of(f"{spec.metadata.name} — {view}", width, 18, INK, bold=True)]
    facts = [f"Core product: {spec.product.name}"]
    persona = next((p for p in spec.personas if p.id == spec.blueprint.persona), None)
    if persona is not None:
        facts.append(f"For: {persona.name or persona.id}")
    if spec.metadata.owner:
        facts.append(f"Owner: {spec.metadata.owner}")
    if spec.metadata.version:
        facts.append(f"Version {spec.metadata.version}")
    facts.append(f"Spec: {spec.metadata.id}")
    parts.append(Text.of("   ·   ".join(facts), width, STRONG, MUTED))
    if spec.metadata.description:
        parts.append(Text.of(spec.metadata.description, width, BODY, MUTED, italic=True,
                             max_lines=3))
    h = plain(board, "title", MARGIN, y, parts, align="LEFT", id="title",
              class_="title")
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
        text = [Text([f"{title.upper()}  ·  {sub}"], BODY, ink, bold=True)]
        if text[0].width > x1 - x0 - 8:
            text = [Text.of(title.upper(), x1 - x0 - 8, BODY, ink, bold=True, max_lines=1)]
        f.board.box(f"phase:{n}", x0, y, x1 - x0, h, label(text), shape="box",
                    tooltip=f"{title} · {sub}" if tooltip(text) else None,
                    style="rounded,filled", fillcolor=fill, color=fill,
                    id=f"phase-{n}-{phase or 'none'}", class_=f"phase phase-{phase}")
    return h + 4


def header_band(f: Frame, y: float) -> float:
    """Column headers: the step's name, id, and its findings."""
    texts, heights = [], []
    for step in f.steps:
        parts = [Text.of(step.name or step.id, COL_W - 12, STRONG, INK, bold=True)]
        if step.decision:
            parts.append(Text(["◆ decision"], SMALL, MUTED))
        texts.append(parts)
        extra = BADGE_H + 3 if f.badges(f"step:{step.id}") else 0
        heights.append(height_of(parts) + 2 * HEADER_PAD + extra)
    h = max(heights, default=30.0)
    for i, step in enumerate(f.steps):
        x = f.left(i)
        badges = f.badges(f"step:{step.id}")
        # with badges at the bottom, the name at the top, clear of the edge
        words = below(HEADER_PAD, texts[i]) if badges else label(texts[i])
        f.board.box(f"step:{step.id}", x, y, COL_W, h, words, shape="box",
                    style="rounded,filled", fillcolor="#F5F7FA", color=RULE,
                    labelloc="t" if badges else "c", id=f"step-{step.id}",
                    class_="step-header", tooltip=tooltip(texts[i]))
        if badges:
            draw_badges(f.board, f"step:{step.id}", badges, x + COL_W - 5,
                        y + h - 5 - BADGE_H / 2)
    if not f.steps:
        f.board.box("step:none", f.left(0), y, COL_W, h,
                    label([Text(["No steps yet"], BODY, MUTED, italic=True)]), shape="box",
                    style="rounded,dashed", color=RULE, id="step-none")
    return h + 6


def _lane_text(title: str, subtitle: str, ink: str) -> list[Text]:
    return [Text.of(title, LABEL_W - 16, STRONG, ink, bold=True, max_lines=2),
            Text.of(subtitle, LABEL_W - 16, SMALL, MUTED, italic=True, max_lines=3)]


def min_lane(title: str, subtitle: str) -> float:
    """A lane's least height: its label, clear of the line names on its edges."""
    return max(MIN_LANE, height_of(_lane_text(title, subtitle, INK)) + 2 * LINE_LABEL)


def lane_label(f: Frame, key: str, title: str, subtitle: str, y: float, h: float,
               ink: str, fill: str) -> None:
    parts = _lane_text(title, subtitle, ink)
    f.board.background(f"lane:{key}:label", MARGIN, y, LABEL_W - 4, h, style="filled",
                       fillcolor=fill, color=fill, id=f"lane-{key}-label",
                       class_=f"lane-label lane-{key}")
    text_h = height_of(parts) + 2
    plain(f.board, f"lane:{key}:title", MARGIN + 4, y + (h - text_h) / 2, parts,
          w=LABEL_W - 12, id=f"lane-{key}-title", class_=f"lane-title lane-{key}")


def empty_note(f: Frame, key: str, what: str, y: float, h: float) -> None:
    """An empty lane says so ("No support processes in these steps"), not look unfinished."""
    note = [Text.of(f"No {what} in these steps", COL_W, SMALL, MUTED, italic=True)]
    plain(f.board, f"lane:{key}:empty", f.left(0), y + (h - height_of(note)) / 2 - 1, note,
          align="LEFT", id=f"lane-{key}-empty", class_="lane-empty")


def lane_background(f: Frame, key: str, y: float, h: float, tint: str) -> None:
    x = MARGIN + LABEL_W
    f.board.background(f"lane:{key}", x, y, f.grid_right - x, h, style="filled",
                       fillcolor=tint, color=tint, id=f"lane-{key}",
                       class_=f"lane lane-{key}")


def rule_line(f: Frame, key: str, title: str, y: float, style: str, penwidth: float,
              colour: str = MUTED) -> None:
    """A line drawn across the full width with its name at the left."""
    a = f.board.point(f"line:{key}:start", (MARGIN, y))
    b = f.board.point(f"line:{key}:end", (f.grid_right, y))
    f.board.path(a, b, [(MARGIN, y), (f.grid_right, y)], arrow=False,
                 style=style, penwidth=penwidth, color=colour, id=f"line-{key}",
                 class_=f"line line-{key}")
    # the name stays in the lane-label column: it wraps rather than run into the steps
    tag = [Text.of(title.upper(), LABEL_W - 22, SMALL, colour, bold=True)]
    w, h = tag[0].width + 10, tag[0].height + 4
    f.board.box(f"line:{key}:label", MARGIN + 6, y - h / 2, w, h, label(tag), shape="box",
                style="rounded,filled", fillcolor="#FFFFFF", color=colour, penwidth=0.8,
                id=f"line-{key}-label", class_=f"line-label line-{key}")


def stack(f: Frame, i: int, key: str, items: Sequence[tuple[str, list[Text], list[Badge]]],
          y: float, fill: str, border: str, shape: str = "box",
          style: str = "rounded,filled") -> list[tuple[str, float, float]]:
    """Boxes one under another in column i; returns (node, top, bottom) of each."""
    out = []
    x = f.left(i)
    for n, (ident, text, badges) in enumerate(items):
        if badges:  # the badges straddle the top edge: keep them off the box above
            y += BADGE_H / 2
        h = item_height(text, badges)
        name = f.board.box(f"{key}:{n}", x, y, COL_W, h, label(text), shape=shape,
                           style=style, fillcolor=fill, color=border, tooltip=tooltip(text),
                           id=f"{key}-{n}".replace(":", "-"), class_=ident)
        if badges:
            # clear of the link that arrives at the column's right (LINK_INSET)
            draw_badges(f.board, f"{key}:{n}", badges, x + COL_W - LINK_INSET - 10, y)
        out.append((name, y, y + h))
        y += h + GAP
    return out


def item_height(text: list[Text], badges: Sequence[Badge]) -> float:
    return height_of(text) + 2 * PAD + (BADGE_H if badges else 0)


def stack_height(items: Sequence[tuple[str, list[Text], list[Badge]]]) -> float:
    return sum(item_height(t, b) + GAP + (BADGE_H / 2 if b else 0)
               for _, t, b in items) - (GAP if items else 0)


def phase_dividers(f: Frame, y0: float, y1: float) -> None:
    """Faint vertical lines where one phase ends and the next begins."""
    for i in range(1, len(f.steps)):
        if f.steps[i].phase != f.steps[i - 1].phase:
            x = f.left(i) - GUTTER / 2
            a = f.board.point(f"phase-divider:{i}:top", (x, y0))
            b = f.board.point(f"phase-divider:{i}:bottom", (x, y1))
            f.board.path(a, b, [(x, y0), (x, y1)], arrow=False, style="dashed", color=FAINT,
                         penwidth=0.8, class_="phase-divider")


def chunk_band(f: Frame, chunk: Chunk, y: float) -> float:
    """The line above a row (or page) of a journey cut into chunks: which steps it holds,
    and where the journey comes from and goes on."""
    left = [Text([chunk.header], 11, INK, bold=True)]
    if chunk.continued:
        left.append(Text([f"← continued from step {chunk.start}"], 9.5, MUTED, italic=True))
    h = plain(f.board, f"chunk:{chunk.start}", MARGIN, y, left, align="LEFT",
              id=f"chunk-{chunk.start + 1}", class_="chunk-header")
    if chunk.continues:
        right = [Text([f"continues with step {chunk.stop + 1} →"], 9.5, MUTED, italic=True)]
        w = right[0].width + 2
        plain(f.board, f"chunk:{chunk.start}:continues", f.grid_right - w, y, right, w=w,
              id=f"chunk-{chunk.start + 1}-continues", class_="chunk-continues")
    return h + 6
