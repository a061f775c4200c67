"""The blueprint on paper: one PDF, every page exactly A4 or A3, text never under 7 pt.

Each page holds one chunk of the journey (`pages.split_journey`), drawn by the blueprint view
with its title, lane labels, three lines, the chunk's header ("Steps 1–8 of 16 · during") and
the legend, then scaled onto the page. The chunks are as long as the paper allows: the most
steps per page whose every page, scaled to fit, keeps its smallest text at `MIN_PRINT_PT` or
more. Graphviz draws each chunk as a PDF of its own size; pypdf places it on the page.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..model.spec import Spec
from .grid import MARGIN, PITCH, frame_width
from .legend import FINDING_W
from .pages import (
    MIN_PRINT_PT,
    PAGE_MARGIN,
    Chunk,
    fit,
    page_size,
    smallest_text,
    split_journey,
)
from .style import SMALL

_BB = re.compile(r'\bbb="0,0,([0-9.]+),([0-9.]+)"')


def drawing_size(dot: str) -> tuple[float, float]:
    """The drawing's size in points: its bounding box, which the PDF or SVG of
    `without_margin` never exceeds (so a scale fitted to it is never too small)."""
    bb = _BB.search(dot)
    assert bb is not None  # Board.to_dot always writes it
    return float(bb[1]), float(bb[2])


def without_margin(dot: str) -> str:
    """The DOT with no device margin: Graphviz puts half an inch of blank paper around a
    PDF (and 4 pt around an SVG), which the page's own margin replaces."""
    return dot.replace("  graph [", '  graph [margin="0", pad="0", ', 1)


def _printed(dot: str, page: tuple[float, float]) -> float:
    """The smallest text's size on the page, the drawing scaled to fit it."""
    return smallest_text(dot) * fit(*drawing_size(dot), page)


def _readable(dot: str, page: tuple[float, float]) -> bool:
    return _printed(dot, page) >= MIN_PRINT_PT - 1e-9


class _Search:
    """The chunks' drawings for one spec, page and findings, each chunk drawn once however
    many of the splits tried hold it (the splits for 7, 6, 5 and 4 steps a page of a journey
    of three 8-step phases are one and the same)."""

    def __init__(self, spec: Spec, page: tuple[float, float],
                 findings: Sequence[Diagnostic], listed: bool = True) -> None:
        self.spec, self.page, self.findings, self.listed = spec, page, findings, listed
        self.phases = [s.phase for s in spec.steps]
        self._dots: dict[Chunk, str] = {}

    def dot(self, chunk: Chunk) -> str:
        if chunk not in self._dots:
            self._dots[chunk] = self._draw(chunk)
        return self._dots[chunk]

    def _draw(self, chunk: Chunk) -> str:
        from . import render_spec

        def draw(key_width: float) -> str:
            return render_spec(self.spec, "blueprint", self.findings, chunks=[chunk],
                               key_width=key_width, listed=self.listed)

        best = draw(0.0)
        if not self.findings or not self.listed:
            return best
        # a page lists its findings: under one or two steps a list as narrow as they are runs
        # off the bottom of the page, so it takes the number of columns that prints largest
        # (never wider than 7 pt allows)
        limit = (self.page[0] - 2 * PAGE_MARGIN) * SMALL / MIN_PRINT_PT
        size = _printed(best, self.page)
        for columns in (1, 2, 3):
            width = columns * FINDING_W + 20 + 2 * MARGIN
            if width > limit:
                break
            if width > drawing_size(best)[0]:
                wider = draw(width)
                if _printed(wider, self.page) > size:
                    best, size = wider, _printed(wider, self.page)
        return best

    def readable(self, chunk: Chunk) -> bool:
        return _readable(self.dot(chunk), self.page)

    def split(self) -> list[Chunk] | None:
        """The chunks of the most steps a page whose every page is readable (None when one
        step alone is not)."""
        phases = self.phases
        # a first guess from the widths alone (columns are a fixed pitch beside the lane
        # labels, and no text is drawn under SMALL, which the legend always uses), then fewer
        # steps a page until every page is readable: taller lanes can need fewer steps
        room = (self.page[0] - 2 * PAGE_MARGIN) * math.floor(SMALL) / MIN_PRINT_PT
        most = max(1, min(len(phases), int((room - frame_width(0)) // PITCH)))
        while True:
            chunks = split_journey(phases, most)
            # the last page first: it carries the findings and the legend, the tallest
            if self.readable(chunks[-1]) and all(self.readable(c) for c in chunks[:-1]):
                return chunks
            if most == 1:
                return None
            most -= 1


def fitting_chunks(spec: Spec, paper: str, landscape: bool = False,
                   findings: Sequence[Diagnostic] = ()) -> list[tuple[Chunk, str]] | None:
    """The pages as `paper_chunks` makes them, or None when one step alone is too big for
    the page at 7 pt (without looking for which: the caller prints another way)."""
    search = _Search(spec, page_size(paper, landscape), findings)
    chunks = search.split()
    return None if chunks is None else [(c, search.dot(c)) for c in chunks]


def paper_chunks(spec: Spec, paper: str, landscape: bool = False,
                 findings: Sequence[Diagnostic] = ()
                 ) -> list[tuple[Chunk | FindingsPage, str]]:
    """The pages: each chunk with its DOT, as many steps on a page as the paper allows; when
    the findings' list does not fit the journey's last page, pages of the list follow.

    Raises `RenderError` when one step alone is too big for the page at 7 pt.
    """
    from . import RenderError

    page = page_size(paper, landscape)
    search = _Search(spec, page, findings)
    chunks = search.split()
    if chunks is not None:
        return [(c, search.dot(c)) for c in chunks]
    sheet = f"one {paper.upper()} {'landscape' if landscape else 'portrait'} page"
    if findings:
        # the findings' list is too long for the journey's pages: their callouts stay on
        # the steps, the list goes on pages of its own after the journey
        search = _Search(spec, page, findings, listed=False)
        chunks = search.split()
        if chunks is not None:
            return [*((c, search.dot(c)) for c in chunks),
                    *_findings_pages(spec, page, findings, sheet)]
    bigger = "print on A3 (--paper a3)" if paper == "a4" else ""
    big = next(c for c in split_journey(search.phases, 1) if not search.readable(c))
    if findings and _Search(spec, page, ()).readable(big):
        # the step fits: the findings' callouts on it do not
        step = spec.steps[big.start].id
        raise RenderError(
            f"step '{step}' with the callouts of its findings does not fit on {sheet} "
            f"with text of {MIN_PRINT_PT:g} pt or more: {bigger + ', or ' if bigger else ''}"
            "draw the findings on screen (without --paper), or fix some of them")
    step = spec.steps[big.start].id if spec.steps else "the blueprint"
    what = bigger or "split the step, or move actions to the steps around it"
    raise RenderError(f"step '{step}' does not fit on {sheet} with text of "
                      f"{MIN_PRINT_PT:g} pt or more: {what}")


@dataclass(frozen=True)
class FindingsPage:
    """A page of the findings' list alone: findings `first` to `last` of `total`."""

    first: int
    last: int
    total: int

    @property
    def header(self) -> str:
        return (f"Findings {self.first}–{self.last} of {self.total}" if self.last > self.first
                else f"Finding {self.first} of {self.total}")


def _findings_pages(spec: Spec, page: tuple[float, float], findings: Sequence[Diagnostic],
                    sheet: str) -> list[tuple[FindingsPage, str]]:
    """The findings' list on pages of its own, as many findings a page as keep its text at
    `MIN_PRINT_PT` or more, in as many columns as the page's width allows."""
    from . import RenderError, board_dot
    from .blueprint import placed, render_findings_page

    limit = (page[0] - 2 * PAGE_MARGIN) * SMALL / MIN_PRINT_PT  # widest drawing at 7 pt
    columns = max(1, int((limit - 20 - 2 * MARGIN) // FINDING_W))
    width = columns * FINDING_W + 20 + 2 * MARGIN
    placement = placed(spec, findings)
    total = len(placement.numbered())  # one callout a finding, numbered 1…total

    def drawn(first: int, count: int) -> str:
        header = FindingsPage(first, first + count - 1, total).header
        return board_dot(render_findings_page(spec, placement, range(first, first + count),
                                              width, header))

    out = []
    first = 1
    while first <= total:
        # the most findings from `first` whose page is readable (more only make it taller)
        low, high, best = 1, total - first + 1, None
        while low <= high:
            count = (low + high) // 2
            dot = drawn(first, count)
            if _readable(dot, page):
                best, low = (count, dot), count + 1
            else:
                high = count - 1
        if best is None:
            raise RenderError(f"finding {first} is too long to print on {sheet} with text of "
                              f"{MIN_PRINT_PT:g} pt or more: draw the findings on screen "
                              "(without --paper)")
        count, dot = best
        out.append((FindingsPage(first, first + count - 1, total), dot))
        first += count
    return out


def paper_pdf(spec: Spec, paper: str, landscape: bool = False,
              findings: Sequence[Diagnostic] = ()) -> bytes:
    """The PDF: one page per chunk, each `paper` size, the drawing centred at the top."""
    from pypdf import PdfReader, PdfWriter, Transformation

    from . import render_bytes

    page = page_size(paper, landscape)
    writer = PdfWriter()
    for _, dot in paper_chunks(spec, paper, landscape, findings):
        drawing = PdfReader(io.BytesIO(render_bytes(without_margin(dot), "pdf"))).pages[0]
        w, h = float(drawing.mediabox.width), float(drawing.mediabox.height)
        scale = fit(w, h, page)
        sheet = writer.add_blank_page(width=page[0], height=page[1])
        x = (page[0] - w * scale) / 2
        y = page[1] - PAGE_MARGIN - h * scale
        sheet.merge_transformed_page(drawing, Transformation().scale(scale).translate(x, y))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


__all__ = ["FindingsPage", "drawing_size", "fitting_chunks", "paper_chunks", "paper_pdf",
           "without_margin"]
