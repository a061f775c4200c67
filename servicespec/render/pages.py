"""A long journey split into chunks: the rows of a wide blueprint and the pages of a printout.

    split_journey(phases, most) -> [Chunk]    the split (pure: the steps' phases in, ranges out)
    Chunk.header                             "Steps 1–8 of 16 · during"
    PAPER, page_size(paper, landscape)       A4 and A3 in points
    smallest_text(dot), fit(...)             the arithmetic that keeps printed text ≥ 7 pt

The split follows the journey's phases first: a chunk holds whole phases while they fit, and
a phase longer than `most` steps is cut into equal parts (16 steps in at most 8: 8 + 8; 10 in
at most 8: 5 + 5, not 8 + 2). Every step is in exactly one chunk, in order. The blueprint
draws chunks as rows (`render_blueprint`), the paper output as pages (`paper.paper_pdf`); the
site's print stylesheet is meant to take the same chunks, so a printout breaks where the PDF
does.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

ROW_STEPS = 8  # the most steps in one row of an SVG or PNG: about a screen's width at 100 %
MIN_PRINT_PT = 7.0  # the smallest text a printout may carry
PAPER = {"a4": (595.28, 841.89), "a3": (841.89, 1190.55)}  # portrait width, height in pt
PAGE_MARGIN = 28.35  # 10 mm: inside what most printers can reach


@dataclass(frozen=True)
class Chunk:
    """Steps `start` to `stop` (0-based, `stop` excluded) of a journey of `total` steps."""

    start: int
    stop: int
    total: int
    phases: tuple[str | None, ...]  # the phases the chunk holds, in journey order

    @property
    def continued(self) -> bool:
        """The journey began in an earlier chunk."""
        return self.start > 0

    @property
    def continues(self) -> bool:
        """The journey goes on in a later chunk."""
        return self.stop < self.total

    @property
    def header(self) -> str:
        """`Steps 1–8 of 16 · during`, 1-based as people count."""
        if self.total == 0:
            return "No steps yet"
        steps = (f"Step {self.start + 1}" if self.stop - self.start == 1
                 else f"Steps {self.start + 1}–{self.stop}")
        names = ", ".join(p or "unphased" for p in self.phases)
        return f"{steps} of {self.total} · {names}"


def split_journey(phases: Sequence[str | None], most: int) -> list[Chunk]:
    """Chunks of at most `most` steps, cut at phase changes first (see the module's text).

    `phases` holds each step's phase in journey order. A journey that fits is one chunk.
    """
    if most < 1:
        raise ValueError("a chunk holds at least one step")
    total = len(phases)
    if total <= most:
        return [Chunk(0, total, total, tuple(dict.fromkeys(phases)))]
    runs: list[tuple[int, int]] = []  # consecutive steps of one phase
    for i, phase in enumerate(phases):
        if runs and phases[runs[-1][0]] == phase:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    ranges: list[tuple[int, int]] = []
    packing = False  # whether the last range holds whole phases that more may join
    for start, stop in runs:
        n = stop - start
        if packing and stop - ranges[-1][0] <= most:
            ranges[-1] = (ranges[-1][0], stop)
        elif n <= most:
            ranges.append((start, stop))
            packing = True
        else:
            parts = math.ceil(n / most)
            bounds = [start + round(k * n / parts) for k in range(parts + 1)]
            ranges += list(itertools.pairwise(bounds))
            packing = False
    return [Chunk(a, b, total, tuple(dict.fromkeys(phases[a:b]))) for a, b in ranges]


def page_size(paper: str, landscape: bool = False) -> tuple[float, float]:
    """The page's width and height in points."""
    if paper not in PAPER:
        raise ValueError(f"unknown paper '{paper}': use one of {', '.join(PAPER)}")
    w, h = PAPER[paper]
    return (h, w) if landscape else (w, h)


_POINT_SIZE = re.compile(r'POINT-SIZE="([0-9.]+)"')
# `fontsize=` as an attribute's whole name: checked by hand, as `\b` before it would make
# the search try every position of a drawing's DOT instead of jumping to the word
_FONTSIZE = re.compile(r"fontsize=([0-9.]+)")


def smallest_text(dot: str) -> float:
    """The smallest font size, in points, that Graphviz draws for the DOT text.

    Graphviz draws whole points, rounded down (a label asking for 7.5 pt is drawn at 7 pt in
    SVG, PNG and PDF alike): the size that reaches the paper is the whole number.
    """
    found = _POINT_SIZE.findall(dot)
    for match in _FONTSIZE.finditer(dot):
        before = dot[match.start() - 1] if match.start() else " "
        if not (before.isalnum() or before == "_"):
            found.append(match[1])
    return min((math.floor(float(size)) for size in found), default=14)


def fit(width: float, height: float, page: tuple[float, float]) -> float:
    """The scale that fits a drawing of `width` × `height` pt inside the page's margins
    (never enlarged: a short chunk is printed at its own size)."""
    room_w, room_h = page[0] - 2 * PAGE_MARGIN, page[1] - 2 * PAGE_MARGIN
    return min(1.0, room_w / width, room_h / height)


__all__ = ["MIN_PRINT_PT", "PAGE_MARGIN", "PAPER", "ROW_STEPS", "Chunk", "fit", "page_size",
           "smallest_text", "split_journey"]
