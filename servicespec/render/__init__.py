"""Spec (+ findings) → layout → DOT → Graphviz: the pictures stakeholders read.

    render_spec(spec, view, findings) -> DOT text (deterministic)
    render_bytes(dot, fmt) -> the drawing in svg, png, pdf (or the DOT itself)
    write_render(spec, path, ...) -> writes one file atomically
    paper.paper_pdf(spec, paper, landscape, findings) -> the blueprint on A4 or A3 pages
    svg.svg_markup(dot, prefix, label) -> the drawing as safe SVG markup, without Graphviz

A long journey is drawn in rows (the blueprint) or on pages (paper), split by
`pages.split_journey`.

Findings come in as data (`Diagnostic`s); this package never runs the linter.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence

from ..diagnostics import Diagnostic
from ..fsutil import write_atomic
from ..model.spec import Spec
from ..textutil import terminal_safe
from .dot import Board
from .pages import PAPER, Chunk

VIEWS = ("blueprint", "journey", "offering")
FORMATS = ("svg", "png", "pdf", "dot")
GRAPH_DEFAULTS = {"bgcolor": "#FFFFFF", "outputorder": "edgesfirst", "splines": "true",
                  "pad": "0.2"}


class RenderError(ValueError):
    """A picture that cannot be made: an unknown view or format, or Graphviz failed."""


def _view(name: str) -> Callable[[Spec, Iterable[Diagnostic]], Board]:
    import importlib

    module = importlib.import_module(f".{name}", __name__)
    render: Callable[[Spec, Iterable[Diagnostic]], Board] = getattr(module, f"render_{name}")
    return render


def render_spec(spec: Spec, view: str = "blueprint", findings: Iterable[Diagnostic] = (),
                chunks: Sequence[Chunk] | None = None, key_width: float = 0.0,
                listed: bool = True) -> str:
    """The DOT text of one view of `spec`, with `findings` drawn as badges; the blueprint
    draws the `chunks` of the journey given as its rows (default: `pages.ROW_STEPS` a row),
    its findings list (unless not `listed`) and legend at least `key_width` wide (a page's
    width, on paper)."""
    if view not in VIEWS:
        raise RenderError(f"unknown view '{view}': use one of {', '.join(VIEWS)}")
    if chunks is not None:
        if view != "blueprint":
            raise RenderError(f"the {view} view is drawn whole: only the blueprint is drawn "
                              "in chunks")
        from .blueprint import render_blueprint

        board = render_blueprint(spec, list(findings), chunks, key_width, listed)
    else:
        board = _view(view)(spec, list(findings))
    return board_dot(board)


def board_dot(board: Board) -> str:
    """A view's board as DOT, with the graph settings every picture shares."""
    board.graph_attrs = {**GRAPH_DEFAULTS, **board.graph_attrs}
    return board.to_dot()


def render_bytes(dot: str, fmt: str) -> bytes:
    """Graphviz draws the positioned DOT (`nop2`: positions are kept as they are)."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    if fmt == "dot":
        return dot.encode("utf-8")
    import pygraphviz

    # pygraphviz warns on stderr that a big graph "may take a long time" to lay out: `nop2`
    # lays nothing out, so the warning would only mislead
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()), \
            _without_fontconfig_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            graph = pygraphviz.AGraph(string=dot)
            data = graph.draw(format=fmt, prog="nop2")
        except (ValueError, TypeError, OSError) as exc:  # Graphviz's own errors
            raise RenderError(f"Graphviz could not draw the picture: {exc}") from exc
    if not data:
        raise RenderError("Graphviz produced no output")
    data = bytes(data)
    digest = digest_of(dot)
    if fmt == "png" and digest:
        data = _png_comment(data, digest)
    return data


@contextlib.contextmanager
def _without_fontconfig_warnings() -> Iterator[None]:
    """Drop fontconfig's warnings from the process's stderr while Graphviz draws.

    The fontconfig inside the pygraphviz wheel is older than many systems' config files and
    warns, on every run, about elements it does not know ("reset-dirs"): noise that says
    nothing about the picture. Other lines written meanwhile are passed on.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            for line in captured.read().decode("utf-8", "replace").splitlines(keepends=True):
                if not line.startswith("Fontconfig "):  # Graphviz's warnings quote labels
                    sys.stderr.write(terminal_safe(line.rstrip("\r\n")) + "\n")


_DIGEST = re.compile(r'comment="(servicespec [0-9a-f]{16})"')


def digest_of(dot: str) -> str | None:
    """The digest the DOT carries (`servicespec 0123abcd…`); SVG and PNG carry it too."""
    match = _DIGEST.search(dot)
    return match[1] if match else None


def _png_comment(png: bytes, text: str) -> bytes:
    """The PNG with a `Comment` text chunk after its header (Graphviz writes none)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        return png
    end = 8 + 8 + int.from_bytes(png[8:12], "big") + 4
    body = b"tEXt" + b"Comment\x00" + text.encode("latin-1")
    chunk = (len(body) - 4).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    return png[:end] + chunk + png[end:]


def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The format named by `fmt`, else by the file's extension."""
    ext = os.path.splitext(str(path))[1].lower().lstrip(".")
    if fmt:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise RenderError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
        if ext in FORMATS and ext != fmt:
            raise RenderError(f"--format {fmt} does not match the extension of {path}: "
                              f"name the file .{fmt} or leave --format out")
        return fmt
    if ext not in FORMATS:
        raise RenderError(f"cannot tell the format of {path} from its extension: use "
                          f"{', '.join('.' + f for f in FORMATS)} or --format")
    return ext


def check_paper(paper: str | None, landscape: bool, fmt: str, view: str) -> None:
    """Raise `RenderError` with what to do when the paper options do not fit the output."""
    if paper is None:
        if landscape:
            raise RenderError("--landscape turns the paper: give --paper a3 or --paper a4 too")
        return
    if paper not in PAPER:
        raise RenderError(f"unknown paper '{paper}': use one of {', '.join(PAPER)}")
    if fmt != "pdf":
        raise RenderError(f"--paper writes a PDF, not {fmt}: name the output file .pdf or "
                          "give --format pdf (or leave --paper out)")
    if view != "blueprint":
        raise RenderError(f"--paper prints the blueprint: leave out --view {view}")


def write_render(spec: Spec, path: str | os.PathLike[str], *, fmt: str | None = None,
                 view: str = "blueprint", findings: Iterable[Diagnostic] = (),
                 paper: str | None = None, landscape: bool = False) -> str:
    """Render one view of `spec` into `path` (atomically); returns the format written.
    `paper` ("a4", "a3"): the blueprint as a PDF of pages of that size."""
    fmt = format_for(path, fmt)
    check_paper(paper, landscape, fmt, view)
    if paper is not None:
        from .paper import paper_pdf

        data = paper_pdf(spec, paper, landscape, list(findings))
    else:
        data = render_bytes(render_spec(spec, view, findings), fmt)
    write_atomic(path, data)
    return fmt


__all__ = [
    "FORMATS",
    "PAPER",
    "VIEWS",
    "RenderError",
    "check_paper",
    "digest_of",
    "format_for",
    "render_bytes",
    "render_spec",
    "write_render",
]
