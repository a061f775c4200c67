"""A drawing board in points (y down) and its DOT text, positioned for Graphviz's `nop2`.

Views place every node and route every edge themselves, so columns and lanes line up exactly
and the output is the same on every machine; Graphviz only draws (and routes the few edges a
view leaves without a path). The DOT is written in drawing order (backgrounds first), with
fixed number formatting and no timestamps: the same spec gives byte-identical text.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Union

from .text import FONT

Point = tuple[float, float]
ARROW = 7.0  # arrowhead length in points at arrowsize 0.7


class Html(str):
    """An HTML-like label, already escaped: written between `<` and `>`."""


class Inches(float):
    """A size in inches, written with four decimals (two would shrink a node below its
    label)."""


# Inches is a float; None leaves the attribute unset (Graphviz's default)
Value = Union[str, float, int, bool, Html, None]  # noqa: UP007 (a runtime alias)


def num(value: float) -> str:
    """Numbers with at most two decimals and no trailing zeros: stable text."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def quote(text: str) -> str:
    """A DOT string. Only our own ids and constants pass here, never spec text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _value(value: Value) -> str:
    # the plain str and float first (most values; no subclass passes `type(...) is`)
    if type(value) is str:
        return quote(value)
    if type(value) is float or type(value) is int:
        return num(float(value))
    if isinstance(value, Html):
        return f"<{value}>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Inches):
        return f"{float(value):.4f}".rstrip("0").rstrip(".")
    if isinstance(value, (int, float)):
        return num(float(value))
    assert value is not None  # _attrs leaves unset attributes out
    return quote(value)


def _attrs(attrs: dict[str, Value]) -> str:
    return ", ".join(f"{key}={_value(val)}" for key, val in attrs.items() if val is not None)


def _named(attrs: dict[str, Value]) -> dict[str, Value]:
    """Graphviz's names for keyword arguments: `class` is a Python keyword, passed as `class_`."""
    return {key.rstrip("_"): value for key, value in attrs.items()}


@dataclass
class Node:
    name: str
    attrs: dict[str, Value]


@dataclass
class Edge:
    tail: str
    head: str
    attrs: dict[str, Value]


@dataclass
class Board:
    """Nodes and edges with absolute positions; (0, 0) is the top left, y grows downwards."""

    name: str
    graph_attrs: dict[str, Value] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[Node] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    _names: set[str] = field(default_factory=set)

    def _unique(self, name: str) -> str:
        base, n = name, 1
        while name in self._names:
            n += 1
            name = f"{base}~{n}"
        self._names.add(name)
        return name

    def _grow(self, x: float, y: float) -> None:
        self.width = max(self.width, x)
        self.height = max(self.height, y)

    def box(self, name: str, x: float, y: float, w: float, h: float, label: Html | str = "",
            **attrs: Value) -> str:
        """A node filling the rectangle whose top left corner is (x, y)."""
        name = self._unique(name)
        self._grow(x + w, y + h)
        base: dict[str, Value] = {"pos": f"{num(x + w / 2)},{num(-(y + h / 2))}",
                                  "width": _inches(w), "height": _inches(h),
                                  "fixedsize": True, "label": label}
        self.nodes.append(Node(name, {**base, **_named(attrs)}))
        return name

    def background(self, name: str, x: float, y: float, w: float, h: float,
                   **attrs: Value) -> None:
        """A filled rectangle drawn under every edge and node (a Graphviz cluster)."""
        self._grow(x + w, y + h)
        bb = f"{num(x)},{num(-(y + h))},{num(x + w)},{num(-y)}"
        self.clusters.append(Node(self._unique(f"cluster_{name}"),
                                  {"bb": bb, "label": "", **_named(attrs)}))

    def point(self, name: str, at: Point) -> str:
        """An invisible anchor for lines that start or end in the open."""
        return self.box(name, at[0], at[1], 0.01, 0.01, shape="point", style="invis")

    def path(self, tail: str, head: str, points: list[Point], *, arrow: bool = True,
             round_corners: float = 6.0, **attrs: Value) -> None:
        """An edge along `points` (a polyline with rounded corners), arrowhead at the end."""
        pts = _dedupe(points)
        if len(pts) < 2:
            return
        spec = ""
        if arrow:
            tip = pts[-1]
            pts[-1] = _towards(pts[-1], pts[-2], ARROW)
            spec = f"e,{num(tip[0])},{num(-tip[1])} "
        controls = _bezier(pts, round_corners)
        spec += " ".join(f"{num(x)},{num(-y)}" for x, y in controls)
        base: dict[str, Value] = {"pos": spec, "dir": "forward" if arrow else "none"}
        self.edges.append(Edge(tail, head, {**base, **_named(attrs)}))
        for x, y in points:
            self._grow(x, y)

    def link(self, tail: str, head: str, **attrs: Value) -> None:
        """An edge that Graphviz routes itself (splines around the nodes)."""
        self.edges.append(Edge(tail, head, _named(attrs)))

    def unique_ids(self) -> None:
        """Give each repeated SVG `id` a suffix (`lane-customer-2`): a picture drawn in rows
        repeats its lanes and lines, and an id names one element."""
        seen: dict[str, int] = {}
        items: list[Node | Edge] = [*self.clusters, *self.nodes, *self.edges]
        for item in items:
            ident = item.attrs.get("id")
            if not isinstance(ident, str):
                continue
            seen[ident] = seen.get(ident, 0) + 1
            if seen[ident] > 1:
                item.attrs["id"] = f"{ident}-{seen[ident]}"

    def to_dot(self, margin: float = 12.0) -> str:
        # y was stored negated; shift so the picture sits in positive coordinates
        lines = [f"digraph {quote(self.name)} {{"]
        graph = {"bb": f"0,0,{num(self.width)},{num(self.height)}", **self.graph_attrs}
        lines.append(f"  graph [{_attrs(graph)}];")
        lines.append(f"  node [fontname={quote(FONT)}, fontsize=10, margin=0];")
        lines.append(f"  edge [fontname={quote(FONT)}, fontsize=9, arrowsize=0.7];")
        for cluster in self.clusters:
            attrs = dict(cluster.attrs)
            x0, y0, x1, y1 = str(attrs["bb"]).split(",")
            attrs["bb"] = (f"{x0},{num(float(y0) + self.height)},{x1},"
                           f"{num(float(y1) + self.height)}")
            # an anchor inside: Graphviz draws no empty cluster
            cx, cy = (float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2 + self.height
            lines.append(f"  subgraph {quote(cluster.name)} {{")
            lines.append(f"    graph [{_attrs(attrs)}];")
            lines.append(f"    {quote(cluster.name + ':anchor')} [shape=point, style=invis, "
                         f"width=0.01, pos=\"{num(cx)},{num(cy)}\"];")
            lines.append("  }")
        for node in self.nodes:
            attrs = dict(node.attrs)
            attrs["pos"] = _shift(str(attrs["pos"]), self.height)
            lines.append(f"  {quote(node.name)} [{_attrs(attrs)}];")
        for edge in self.edges:
            attrs = dict(edge.attrs)
            if "pos" in attrs:
                attrs["pos"] = _shift(str(attrs["pos"]), self.height)
            lines.append(f"  {quote(edge.tail)} -> {quote(edge.head)} [{_attrs(attrs)}];")
        lines.append("}")
        body = "\n".join(lines) + "\n"
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        # the digest travels into the SVG as a comment: a stale rendered file is detectable
        return body.replace("  graph [", f"  graph [comment={quote('servicespec ' + digest)}, ",
                            1)


def _inches(points: float) -> Inches:
    """Points to inches, rounded up: a node is never smaller than what was measured."""
    return Inches(math.ceil(points / 72 * 10000 - 1e-6) / 10000)


def _shift(pos: str, height: float) -> str:
    out = []
    for part in pos.split(" "):
        prefix = ""
        if part.startswith("e,"):
            prefix, part = "e,", part[2:]
        x, y = part.split(",")
        out.append(f"{prefix}{x},{num(float(y) + height)}")
    return " ".join(out)


def _dedupe(points: list[Point]) -> list[Point]:
    out: list[Point] = []
    for p in points:
        if not out or abs(out[-1][0] - p[0]) > 0.01 or abs(out[-1][1] - p[1]) > 0.01:
            out.append(p)
    return out


def _towards(a: Point, b: Point, distance: float) -> Point:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = (dx * dx + dy * dy) ** 0.5
    if length <= distance or length == 0:
        return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    return (a[0] + dx / length * distance, a[1] + dy / length * distance)


def _bezier(points: list[Point], radius: float) -> list[Point]:
    """Cubic Bézier control points of a polyline whose inner corners are rounded."""
    out: list[Point] = [points[0]]
    start = points[0]
    for i in range(1, len(points)):
        corner = points[i]
        if i < len(points) - 1:
            before = _towards(corner, start, radius)
            after = _towards(corner, points[i + 1], radius)
        else:
            before = after = corner
        out += _segment(start, before)
        if before != after:
            out += [corner, corner, after]
        start = after
    return out


def _segment(a: Point, b: Point) -> list[Point]:
    return [(a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3),
            (a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3), b]
