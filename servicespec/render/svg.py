"""The positioned DOT drawn as SVG in Python: the site's drawings, without Graphviz.

A view leaves Graphviz nothing to lay out (`dot.Board`: every node placed, every edge routed,
every label's lines broken and measured). Drawing such a DOT is writing it out as shapes and
text, which this module does three times faster than Graphviz alone, and the site draws
fifteen pictures a service. (The `render` command's SVG, PNG and PDF are Graphviz's.)

The markup is safe by construction, for a page that inlines it: the only elements written
are `svg`, `g`, `title`, `rect`, `ellipse`, `polygon`, `polyline`, `path`, `text` and
`tspan`; every text and attribute value from the DOT is escaped here and nowhere else; ids
carry the page's prefix; nothing links anywhere. The groups and classes are Graphviz's
(`graph`, `cluster`, `node`, `edge` and the view's own), tooltips are `<title>`, and the root
tells the page's script where the lane labels are (`data-lanes`) and its smallest text
(`data-min-font`).

It reads the DOT that `Board.to_dot` writes, not DOT at large, and lays out the labels the
views make: lines of runs (`<FONT>`, `<B>`, `<I>`, `<BR/>`) and single-column tables without
borders. Anything else raises `Unsupported`: a view that starts to need more must teach it
here (the site then says the view could not be drawn, and the tests say which).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..textutil import XML_UNSAFE
from .dot import num
from .text import FONT, line_height, text_width

ARROW_HALF = 2.45  # half the arrowhead's base at arrowsize 0.7
DASHES = {"dashed": "5,2", "dotted": "1,5"}
SVG_NS = "http://www.w3.org/2000/svg"
DEFAULT_SIZE = 10.0  # points: the font size `Board.to_dot` gives every node


class Unsupported(ValueError):
    """A DOT or label this writer does not draw."""


# The attributes each kind of statement may carry: what `Board` writes and this module
# draws. Any other (a cluster's or an edge's label, a node's image…) is refused, not lost.
_COMMON = frozenset({"id", "class", "tooltip", "style", "color", "fillcolor", "penwidth"})
KNOWN = {
    "graph": frozenset({"bb", "comment", "bgcolor", "outputorder", "splines", "pad", "margin",
                        "id", "class"}),
    "cluster": _COMMON | {"bb"},
    "node": _COMMON | {"pos", "width", "height", "fixedsize", "label", "shape", "labelloc"},
    "edge": _COMMON | {"pos", "dir"},
}


def _check(kind: str, attrs: dict[str, str]) -> None:
    unknown = set(attrs) - KNOWN[kind]
    if unknown:
        raise Unsupported(f"a {kind} with {', '.join(sorted(unknown))}")


# -- reading the DOT ---------------------------------------------------------------------

class _Label(str):
    """An HTML-like label's markup, as written between `<` and `>`."""


_PAIR = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\]\s]+))')
_NAME = r'"(?:[^"\\]|\\.)*"'
_NODE = re.compile(_NAME + r"\s*\[")
_EDGE = re.compile(_NAME + r"\s*->\s*" + _NAME + r"\s*\[")
_UNQUOTE = re.compile(r"\\(.)")
_BRACKET = re.compile("[<>]")


def _unquote(text: str) -> str:
    if "\\" not in text:
        return text
    return _UNQUOTE.sub(lambda m: "\n" if m[1] == "n" else m[1], text)


def _attributes(line: str, start: int) -> dict[str, str]:
    """The `key=value` list of a statement, from just after its `[`. Only `label` takes
    an HTML-like value (`<...>`); no quoted value holds a `<` (`Board` escapes them)."""
    label: _Label | None = None
    at = line.find("=<", start)
    if at >= 0:  # to the `>` that closes the first `<` (the text inside holds none)
        depth, end = 0, len(line)
        for bracket in _BRACKET.finditer(line, at + 1):
            depth += 1 if bracket[0] == "<" else -1
            if depth == 0:
                end = bracket.start()
                break
        label = _Label(line[at + 2:end])
        line = line[:at + 1] + line[end + 1:]
    out = {key: _unquote(quoted) if bare == "" else bare
           for key, quoted, bare in _PAIR.findall(line, start)}
    if label is not None:
        out["label"] = label
    return out


@dataclass
class _Graph:
    attrs: dict[str, str] = field(default_factory=dict)
    clusters: list[dict[str, str]] = field(default_factory=list)
    nodes: list[dict[str, str]] = field(default_factory=list)
    edges: list[dict[str, str]] = field(default_factory=list)


def _read(dot: str) -> _Graph:
    graph = _Graph()
    cluster: dict[str, str] | None = None
    for raw in dot.split("\n"):  # Board ends lines with \n only (text may hold U+2028)
        line = raw.strip()
        if line == "}" and cluster is not None:  # a cluster ends (else the graph)
            graph.clusters.append(cluster)
            cluster = None
            continue
        if not line or line == "}" or line.startswith(("digraph", "node [", "edge [")):
            continue
        if line.startswith("subgraph"):
            cluster = {}
            continue
        if line.startswith("graph ["):
            (cluster if cluster is not None else graph.attrs).update(
                _attributes(line, len("graph [")))
            continue
        edge = _EDGE.match(line)
        if edge is not None:
            graph.edges.append(_attributes(line, edge.end()))
            continue
        node = _NODE.match(line)
        if node is None:
            raise Unsupported(f"cannot read the DOT statement {line[:40]!r}")
        if cluster is None:  # a cluster's own node is its invisible anchor
            graph.nodes.append(_attributes(line, node.end()))
    return graph


# -- labels --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Run:
    text: str
    size: float
    colour: str
    bold: bool
    italic: bool


@dataclass
class _Cell:
    lines: list[list[_Run]]
    left: bool = False  # lines start at the cell's left edge (else centred)
    height: float = 0.0  # at least this tall

    @property
    def content_height(self) -> float:
        return sum(line_height(_size(line)) for line in self.lines)


def _size(line: list[_Run]) -> float:
    """A line's font size: its largest run's (an empty line, the DOT's default)."""
    return max((r.size for r in line), default=DEFAULT_SIZE)


@dataclass
class _Table:
    cells: list[_Cell]  # one a row
    width: float | None = None
    height: float | None = None


_TOKEN = re.compile(r"<(/?)([A-Za-z]+)((?:\s+[A-Za-z-]+=\"[^\"]*\")*)\s*(/?)>|([^<]+)")
_TAG_ATTRIBUTE = re.compile(r'([A-Za-z-]+)="([^"]*)"')
_NO_BORDER = {"BORDER": "0", "CELLBORDER": "0", "CELLSPACING": "0", "CELLPADDING": "0"}


def _text(markup: str) -> str:
    """Label text as written: entities expanded, the backslashes `html()` doubled halved."""
    return html.unescape(markup).replace("\\\\", "\\")


def _parse_label(markup: str) -> _Table:
    """The label as a single-column table (a label without one is a table of one cell)."""
    table: _Table | None = None
    cell = _Cell([[]])
    cells: list[_Cell] = []
    fonts: list[tuple[float, str]] = [(DEFAULT_SIZE, "#000000")]
    bold = italic = 0
    for match in _TOKEN.finditer(markup):
        closing, tag, attrs, _, text = match.groups()
        if text is not None:
            size, colour = fonts[-1]
            cell.lines[-1].append(_Run(_text(text), size, colour, bold > 0, italic > 0))
            continue
        tag = tag.upper()
        values = dict(_TAG_ATTRIBUTE.findall(attrs or ""))
        if tag == "FONT":
            if closing:
                fonts.pop()
            else:
                size, colour = fonts[-1]
                fonts.append((float(values.get("POINT-SIZE", size)), values.get("COLOR", colour)))
        elif tag == "B":
            bold += -1 if closing else 1
        elif tag == "I":
            italic += -1 if closing else 1
        elif tag == "BR":
            cell.lines.append([])
        elif tag == "TABLE" and not closing:
            if table is not None or any(values.get(k, "0") != v for k, v in _NO_BORDER.items()):
                raise Unsupported("a table with borders, spacing or nested tables")
            fixed = values.get("FIXEDSIZE", "").upper() == "TRUE"
            table = _Table([], float(values["WIDTH"]) if fixed else None,
                           float(values["HEIGHT"]) if fixed else None)
        elif tag == "TR" and not closing:
            cells.clear()
        elif tag == "TD" and not closing:
            if cells or set(values) - {"ALIGN", "BALIGN", "HEIGHT"}:
                raise Unsupported("a table cell with borders or beside another")
            cell = _Cell([[]], values.get("ALIGN", "").upper() == "LEFT",
                         float(values.get("HEIGHT", 0)))
            cells.append(cell)
            assert table is not None
            table.cells.append(cell)
        elif tag not in ("TABLE", "TR", "TD"):
            raise Unsupported(f"the label element <{tag}>")
    if table is None:
        return _Table([cell])
    for c in table.cells:
        if not any(c.lines):  # a spacer
            c.lines = []
    return table


@dataclass(frozen=True)
class _Line:
    left: bool  # starts at the label's left edge (else centred on the node)
    drop: float  # the baseline below the label's top
    tail: str  # the markup after the position: `text-anchor`, fonts, the runs, `</text>`


@dataclass(frozen=True)
class _Placed:
    height: float
    width: float | None  # the lines' box, when they start at its left edge (else the node's)
    lines: tuple[_Line, ...]
    smallest: float


@lru_cache(maxsize=4096)  # a step's text is in the views and on a printed page
def _placed(markup: str) -> _Placed:
    """A label's lines placed below its top, as markup but for their position."""
    table = _parse_label(markup)
    heights = [max(c.height, c.content_height) for c in table.cells]
    total = table.height if table.height is not None else sum(heights)
    if table.height is not None and len(table.cells) == 1:
        heights = [total]  # a fixed table's one cell fills it
    width = table.width
    if width is None and any(c.left for c in table.cells):  # as wide as its lines
        width = max((sum(text_width(r.text, r.size, r.bold) for r in line)
                     for c in table.cells for line in c.lines), default=None)
    lines = []
    top = 0.0
    for cell, cell_h in zip(table.cells, heights, strict=True):
        y = top + (cell_h - cell.content_height) / 2  # the cell's content, centred
        for runs in cell.lines:
            size = _size(runs)
            advance = line_height(size)
            if not runs:  # an empty line between two (`<BR/><BR/>`)
                y += advance
                continue
            first = runs[0]
            tail = ("" if cell.left else ' text-anchor="middle"') + _font(first, False) + ">" \
                + _body(first.text) \
                + "".join(f"<tspan{_font(r, True)}>{_body(r.text)}</tspan>" for r in runs[1:])
            lines.append(_Line(cell.left, y + advance / 2 + size * 0.3, tail + "</text>"))
            y += advance
        top += cell_h
    smallest = min((r.size for c in table.cells for line in c.lines for r in line), default=0)
    return _Placed(total, width, tuple(lines), smallest)


# -- writing -------------------------------------------------------------------------------

_ATTRIBUTE_SPECIAL = re.compile(r'[&<>"\n\t]')


def _attr(value: str) -> str:
    value = XML_UNSAFE.sub("", value)
    if _ATTRIBUTE_SPECIAL.search(value) is None:
        return value
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _body(value: str) -> str:
    value = XML_UNSAFE.sub("", value)
    # a run of spaces stays as wide as written (SVG collapses it; Graphviz writes the same)
    value = value.replace("  ", " \u00a0")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Writer:
    def __init__(self, height: float, prefix: str) -> None:
        self.top = height  # DOT's y grows upwards from the bottom of the bounding box
        self.prefix = prefix
        self.out: list[str] = []
        self.sizes: list[float] = []

    def x(self, value: float) -> str:
        return num(value)

    def y(self, value: float) -> str:
        return num(self.top - value)

    def open_group(self, kind: str, attrs: dict[str, str]) -> None:
        ident = attrs.get("id")
        classes = " ".join(filter(None, [kind, attrs.get("class")]))
        idattr = f' id="{_attr(f"{self.prefix}-{ident}")}"' if ident else ""
        self.out.append(f'<g{idattr} class="{_attr(classes)}">')
        tip = attrs.get("tooltip")
        if tip:
            # the DOT holds a tooltip escaped as a label's text is
            self.out.append(f"<title>{_body(_text(tip))}</title>")

    def paint(self, attrs: dict[str, str], styles: set[str], fill: bool) -> str:
        colour = attrs.get("color", "#000000")
        painted = f' fill="{_attr(attrs.get("fillcolor", colour)) if fill else "none"}"'
        painted += f' stroke="{_attr(colour)}"'
        pen = float(attrs.get("penwidth", 1))
        if pen != 1:
            painted += f' stroke-width="{num(pen)}"'
        for style, dashes in DASHES.items():
            if style in styles:
                painted += f' stroke-dasharray="{dashes}"'
        return painted

    def rect(self, x0: float, y0: float, x1: float, y1: float, paint: str,
             rounded: bool) -> None:
        """A rectangle given in DOT's coordinates (y0 the bottom)."""
        w, h = x1 - x0, y1 - y0
        corner = ""
        if rounded:  # Graphviz's corner: a third of the shorter side, at most 12 points,
            # drawn as a curve that reads as a circle of about 4/5 of it
            r = num(min(12.0, min(w, h) / 3) * 0.8)
            corner = f' rx="{r}" ry="{r}"'
        self.out.append(f'<rect x="{self.x(x0)}" y="{self.y(y1)}" width="{num(w)}" '
                        f'height="{num(h)}"{corner}{paint}/>')

    def cluster(self, attrs: dict[str, str]) -> None:
        _check("cluster", {k: v for k, v in attrs.items() if k != "label" or v})  # "" is none
        styles = set(attrs.get("style", "").split(","))
        if "invis" in styles:
            return
        x0, y0, x1, y1 = (float(v) for v in attrs["bb"].split(","))
        self.open_group("cluster", attrs)
        self.rect(x0, y0, x1, y1, self.paint(attrs, styles, "filled" in styles),
                  "rounded" in styles)
        self.out.append("</g>")

    def node(self, attrs: dict[str, str]) -> None:
        _check("node", attrs)
        styles = set(attrs.get("style", "").split(","))
        if "invis" in styles:
            return
        cx, cy = (float(v) for v in attrs["pos"].split(","))
        w, h = float(attrs["width"]) * 72, float(attrs["height"]) * 72
        x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
        shape = attrs.get("shape", "ellipse")
        self.open_group("node", attrs)
        paint = self.paint(attrs, styles, "filled" in styles)
        if shape == "box":
            self.rect(x0, y0, x1, y1, paint, "rounded" in styles)
        elif shape in ("circle", "ellipse", "point"):
            if shape == "point":
                paint = self.paint({**attrs, "fillcolor": attrs.get("color", "#000000")},
                                   styles, True)
            self.out.append(f'<ellipse cx="{self.x(cx)}" cy="{self.y(cy)}" rx="{num(w / 2)}" '
                            f'ry="{num(h / 2)}"{paint}/>')
        elif shape == "diamond":
            points = [(cx, y1), (x0, cy), (cx, y0), (x1, cy)]
            self.polygon(points, paint)
        elif shape == "note":
            fold = min(6.0, w / 2, h / 2)
            self.polygon([(x1 - fold, y1), (x0, y1), (x0, y0), (x1, y0), (x1, y1 - fold)],
                         paint)
            line = self.paint(attrs, styles, False)
            corner = [(x1 - fold, y1), (x1 - fold, y1 - fold), (x1, y1 - fold)]
            self.out.append(f'<polyline points="{self.points(corner)}"{line}/>')
        elif shape != "plaintext":
            raise Unsupported(f"the node shape {shape!r}")
        label = attrs.get("label", "")
        if isinstance(label, _Label):
            self.label(label, cx, cy, w, h, attrs.get("labelloc", "c"))
        elif label:
            raise Unsupported("a label that is not HTML-like")
        self.out.append("</g>")

    def points(self, points: list[tuple[float, float]]) -> str:
        return " ".join(f"{self.x(x)},{self.y(y)}" for x, y in points)

    def polygon(self, points: list[tuple[float, float]], paint: str) -> None:
        self.out.append(f'<polygon points="{self.points(points)}"{paint}/>')

    def label(self, markup: str, cx: float, cy: float, w: float, h: float,
              loc: str) -> None:
        """The label's lines; (cx, cy) is the node's centre in DOT's coordinates."""
        placed = _placed(markup)
        if loc == "t":
            top = cy + h / 2
        elif loc == "b":
            top = cy - h / 2 + placed.height
        else:
            top = cy + placed.height / 2
        left = cx - (placed.width if placed.width is not None else w) / 2
        for line in placed.lines:
            x = left if line.left else cx
            self.out.append(f'<text x="{self.x(x)}" y="{self.y(top - line.drop)}"{line.tail}')
        if placed.lines:
            self.sizes.append(placed.smallest)

    def edge(self, attrs: dict[str, str]) -> None:
        _check("edge", attrs)
        styles = set(attrs.get("style", "").split(","))
        if "invis" in styles:
            return
        if "pos" not in attrs:
            raise Unsupported("an edge without a route")
        tip: tuple[float, float] | None = None
        points: list[tuple[float, float]] = []
        for part in attrs["pos"].split():
            if part.startswith("e,"):
                x, y = part[2:].split(",")
                tip = (float(x), float(y))
            else:
                x, y = part.split(",")
                points.append((float(x), float(y)))
        self.open_group("edge", attrs)
        d = f"M{self.points(points[:1])}C{self.points(points[1:])}"
        self.out.append(f'<path d="{d}"{self.paint(attrs, styles, False)}/>')
        if tip is not None and attrs.get("dir", "forward") != "none":
            bx, by = points[-1]
            dx, dy = tip[0] - bx, tip[1] - by
            length = (dx * dx + dy * dy) ** 0.5 or 1.0
            nx, ny = -dy / length * ARROW_HALF, dx / length * ARROW_HALF
            head = [(bx + nx, by + ny), tip, (bx - nx, by - ny)]
            self.polygon(head, self.paint({**attrs, "fillcolor": attrs.get("color", "#000000")},
                                          styles - set(DASHES), True))
        self.out.append("</g>")


def _font(run: _Run, every: bool) -> str:
    """A run's font attributes; a `<tspan>` (`every`) states them all, not inheriting."""
    out = f' font-size="{num(run.size)}" fill="{_attr(run.colour)}"'
    if run.bold or every:
        out += f' font-weight="{"bold" if run.bold else "normal"}"'
    if run.italic or every:
        out += f' font-style="{"italic" if run.italic else "normal"}"'
    return out


def svg_markup(dot: str, *, prefix: str, label: str) -> str:
    """The drawing of `dot` (written by `Board.to_dot`) as markup for an HTML page and an
    `.svg` file: ids start with `prefix`, `label` is read to screen readers.

    Raises `Unsupported` when the DOT holds what this writer does not draw."""
    graph = _read(dot)
    _check("graph", graph.attrs)
    try:
        _, _, width, height = (float(v) for v in graph.attrs["bb"].split(","))
    except (KeyError, ValueError) as exc:
        raise Unsupported("the DOT has no bounding box") from exc
    writer = _Writer(height, prefix)
    for cluster in graph.clusters:
        writer.cluster(cluster)
    for edge in graph.edges:  # under the nodes (`outputorder=edgesfirst`)
        writer.edge(edge)
    for node in graph.nodes:
        writer.node(node)
    lanes = [tuple(float(v) for v in c["bb"].split(",")) for c in graph.clusters
             if "lane-label" in c.get("class", "").split()]
    # the picture is its bounding box, which holds the views' own margin (`pad` and
    # `margin` are Graphviz's blank paper): a printed page is fitted to that box
    root = {"viewBox": f"0 0 {num(width)} {num(height)}"}
    if lanes:
        x0, x1 = min(b[0] for b in lanes), max(b[2] for b in lanes)
        y0, y1 = writer.top - max(b[3] for b in lanes), writer.top - min(b[1] for b in lanes)
        root["data-lanes"] = " ".join(num(v) for v in (x0, y0, x1 - x0, y1 - y0))
    if writer.sizes:
        root["data-min-font"] = num(min(writer.sizes))
    root.update({"id": prefix, "role": "img", "aria-label": label,
                 "preserveAspectRatio": "xMidYMid meet", "width": f"{width * 4 / 3:.0f}"})
    graph_attrs = graph.attrs
    ident = graph_attrs.get("id")
    classes = " ".join(filter(None, ["graph", graph_attrs.get("class")]))
    head = [f'<svg xmlns="{SVG_NS}"' + "".join(f' {k}="{_attr(v)}"' for k, v in root.items())
            + ">",
            (f'<g id="{_attr(f"{prefix}-{ident}")}"' if ident else "<g")
            + f' class="{_attr(classes)}" font-family="{FONT}">',
            f'<rect width="{num(width)}" height="{num(height)}" '
            f'fill="{_attr(graph_attrs.get("bgcolor", "#FFFFFF"))}"/>']
    return "\n".join([*head, *writer.out, "</g>", "</svg>"])


__all__ = ["Unsupported", "svg_markup"]
