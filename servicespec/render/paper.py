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


def paper_chunks(spec: Spec, paper: str, landscape: bool = False,
                 findings: Sequence[Diagnostic] = ()) -> list[tuple[Chunk, str]]:
    """The pages: each chunk with its DOT, as many steps on a page as the paper allows.

    Raises `RenderError` when one step alone is too big for the page at 7 pt.
    """
    from . import RenderError, render_spec

    page = page_size(paper, landscape)
    phases = [s.phase for s in spec.steps]

    def pages_of(most: int) -> list[tuple[Chunk, str]]:
        return [(c, render_spec(spec, "blueprint", findings, chunks=[c]))
                for c in split_journey(phases, most)]

    # a first guess from the widths alone (columns are a fixed pitch), then fewer steps a
    # page until every page is readable: taller lanes can need fewer steps than the guess
    whole = pages_of(len(phases) or 1)
    width = drawing_size(whole[0][1])[0]
    fixed = width - max(1, len(phases)) * PITCH  # the lane labels, margins and pad
    room = (page[0] - 2 * PAGE_MARGIN) * smallest_text(whole[0][1]) / MIN_PRINT_PT
    most = max(1, min(len(phases), int((room - fixed) // PITCH)))
    chunks = whole if most == len(phases) else pages_of(most)
    while not all(_readable(dot, page) for _, dot in chunks):
        if most == 1:
            big = next(c for c, dot in chunks if not _readable(dot, page))
            step = spec.steps[big.start].id if spec.steps else "the blueprint"
            what = ("print on A3 (--paper a3)" if paper == "a4" else
                    "split the step, or move actions to the steps around it")
            raise RenderError(f"step '{step}' does not fit on one {paper.upper()} "
                              f"{'landscape' if landscape else 'portrait'} page with text of "
                              f"{MIN_PRINT_PT:g} pt or more: {what}")
        most -= 1
        chunks = pages_of(most)
    return chunks


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


__all__ = ["drawing_size", "paper_chunks", "paper_pdf", "without_margin"]
