"""The blueprint on paper: one PDF, every page exactly A4 or A3, text never under 7 pt.

Each page holds one chunk of the journey (`pages.split_journey`), drawn by the blueprint view
with its title, lane labels, three lines, the chunk's header ("Steps 1–8 of 16 · during") and
the legend, then scaled onto the page. The chunks are as long as the paper allows: the most
steps per page whose every page, scaled to fit, keeps its smallest text at `MIN_PRINT_PT` or
more. Graphviz draws each chunk as a PDF of its own size; pypdf places it on the page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from ..diagnostics import Diagnostic
from ..model.spec import Spec
from .grid import PITCH
from .pages import (
    MIN_PRINT_PT,
    PAGE_MARGIN,
    Chunk,
    fit,
    page_size,
    smallest_text,
    split_journey,
)

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


def _readable(dot: str, page: tuple[float, float]) -> bool:
    return smallest_text(dot) * fit(*drawing_size(dot), page) >= MIN_PRINT_PT - 1e-9


class _Search:
    """The chunks' drawings for one spec, page and findings, each chunk drawn once however
    many of the splits tried hold it (the splits for 7, 6, 5 and 4 steps a page of a journey
    of three 8-step phases are one and the same)."""

    def __init__(self, spec: Spec, page: tuple[float, float],
                 findings: Sequence[Diagnostic]) -> None:
        self.spec, self.page, self.findings = spec, page, findings
        self.phases = [s.phase for s in spec.steps]
        self._dots: dict[Chunk, str] = {}

    def dot(self, chunk: Chunk) -> str:
        from . import render_spec

        if chunk not in self._dots:
            self._dots[chunk] = render_spec(self.spec, "blueprint", self.findings,
                                            chunks=[chunk])
        return self._dots[chunk]

    def readable(self, chunk: Chunk) -> bool:
        return _readable(self.dot(chunk), self.page)

    def split(self) -> list[Chunk] | None:
        """The chunks of the most steps a page whose every page is readable (None when one
        step alone is not)."""
        phases = self.phases
        # a first guess from the widths alone (columns are a fixed pitch), then fewer steps a
        # page until every page is readable: taller lanes can need fewer steps than the guess
        whole = self.dot(split_journey(phases, len(phases) or 1)[0])
        fixed = drawing_size(whole)[0] - max(1, len(phases)) * PITCH  # labels, margins, pad
        room = (self.page[0] - 2 * PAGE_MARGIN) * smallest_text(whole) / MIN_PRINT_PT
        most = max(1, min(len(phases), int((room - fixed) // PITCH)))
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
                 findings: Sequence[Diagnostic] = ()) -> list[tuple[Chunk, str]]:
    """The pages: each chunk with its DOT, as many steps on a page as the paper allows.

    Raises `RenderError` when one step alone is too big for the page at 7 pt.
    """
    from . import RenderError

    search = _Search(spec, page_size(paper, landscape), findings)
    chunks = search.split()
    if chunks is not None:
        return [(c, search.dot(c)) for c in chunks]
    big = next(c for c in split_journey(search.phases, 1) if not search.readable(c))
    step = spec.steps[big.start].id if spec.steps else "the blueprint"
    what = ("print on A3 (--paper a3)" if paper == "a4" else
            "split the step, or move actions to the steps around it")
    raise RenderError(f"step '{step}' does not fit on one {paper.upper()} "
                      f"{'landscape' if landscape else 'portrait'} page with text of "
                      f"{MIN_PRINT_PT:g} pt or more: {what}")


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


__all__ = ["drawing_size", "fitting_chunks", "paper_chunks", "paper_pdf", "without_margin"]
