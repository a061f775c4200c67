"""Shared inputs and checks for the renderer's tests (no tests of its own)."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pygraphviz

from servicespec.diagnostics import Diagnostic, Severity
from servicespec.engine import element_path
from servicespec.loader import read_file
from servicespec.model.spec import Spec
from servicespec.render.dot import Board
from servicespec.source import Path as SpecPath

GOLDEN = Path(__file__).resolve().parent / "golden" / "render"
SVG = "{http://www.w3.org/2000/svg}"

HOSTILE = ('He said "hi" <b>&amp; {braces} [brackets] \\N \\G \\L \\" back\\ \n new line '
           "</svg><script>alert(1)</script> <!-- comment --> ]]> "
           + "x" * 300 + " \x01\x1b[31m \u202e 😀 שלום 中文 'single' ")


def golden_spec() -> Spec:
    from servicespec.api import load

    return load(GOLDEN / "branching.yaml")


_GOLDEN_DATA = read_file(GOLDEN / "branching.yaml").data


def diag(code: str, severity: str, path: SpecPath, message: str = "") -> Diagnostic:
    """A finding at a model path of the golden spec, with the element text the engine gives."""
    element = element_path(_GOLDEN_DATA, path)
    return Diagnostic(code, "rule-name", Severity(severity), message or f"{code} about "
                      f"{element or 'the service'}", "branching.yaml", 1, 1, 1, 1, element,
                      path=path)


# One finding on every kind of element a view can draw, and some no view can.
FINDINGS = [
    diag("SS101", "warning", ("product",)),
    diag("SS102", "info", ("facilitating", 1)),  # booking
    diag("SS202", "warning", ("channels", 1)),  # bot
    diag("SS205", "warning", ("channels", 0, "handover")),  # web
    diag("SS301", "warning", ("blueprint", "steps")),
    diag("SS303", "warning", ("blueprint", "steps", 3)),  # fix-screen
    diag("SS304", "warning", ("blueprint", "steps", 4, "touchpoint")),  # collect
    diag("SS306", "info", ("touchpoints", 1)),  # drop-off-desk
    diag("SS402", "error", ("blueprint", "steps", 1, "fail_points", 0)),  # drop-off, no-part
    # fix-screen, test-fails
    diag("SS403", "warning", ("blueprint", "steps", 3, "fail_points", 0, "detected_by")),
    diag("SS407", "warning", ("blueprint", "steps", 2, "wait")),  # post-in
    diag("SS501", "warning", ("blueprint", "steps", 1)),  # drop-off
    diag("SS503", "warning", ("blueprint", "steps", 0, "collects", 0)),  # book
    diag("SS605", "warning", ("metrics", 3)),  # status-csat
    diag("SS606", "info", ("metrics", 2)),  # part-availability
    diag("SS702", "info", ("blueprint", "steps", 2, "backstage", 0)),  # post-in
    diag("SS704", "info", ("roles", 0)),  # technician
    diag("SS404", "warning", ("recovery", 0, "actions")),  # part-delay
    diag("SS999", "error", (), "a finding about nothing in particular"),
]


def hostile_spec() -> Spec:
    h = HOSTILE
    return Spec.model_validate({
        "apiVersion": "servicespec/v1", "kind": "Service",
        "metadata": {"id": "hostile", "name": h, "description": h, "owner": h, "version": h},
        "product": {"name": h, "need": h, "revenue": h},
        "facilitating": [{"id": "f", "name": h, "type": "information", "channels": ["c", h]},
                         {"id": "g", "name": h, "type": "exceptions", "phases": ["after"]}],
        "channels": [{"id": "c", "name": h, "kind": "web", "hours": h, "escalates_to": "d"},
                     {"id": "d", "name": h, "kind": "phone", "complaints": True},
                     {"id": "e", "name": h, "kind": "chatbot", "escalates_to": h}],
        "roles": [{"id": "r", "name": h, "kind": "system"}],
        "touchpoints": [{"id": "t", "name": h, "channel": "c", "evidence": [h, h],
                         "serves": "f"}],
        "blueprint": {"steps": [
            {"id": "s", "name": h, "evidence": [h], "customer": h, "touchpoint": "t",
             "frontstage": [{"role": "r", "action": h}, h], "backstage": [{"role": h,
                                                                           "action": h}],
             "support": [h], "fail_points": [{"id": "fp", "description": h, "severity": "high"},
                                             {"id": "f" + "p" * 90}],
             "wait": {"expected": "1m", "max": "2m", "message": h}, "decision": True,
             "next": ["s", h, "s2"]},
            {"id": "s2", "phase": "after", "customer": h, "touchpoint": h},
            {"id": "s3", "name": h}]},
        "metrics": [{"id": "m", "name": h, "measures": "s", "type": "csat", "target": ">= 4"},
                    {"id": "m2", "name": h, "measures": "fp", "type": "custom",
                     "kind": "outcome"}],
    })


def graphviz_draw(dot: str, fmt: str) -> bytes:
    return bytes(pygraphviz.AGraph(string=dot).draw(format=fmt, prog="nop2"))


def graphviz_complaints(stderr: str) -> list[str]:
    """Graphviz's warnings and errors (fontconfig's noise about its own setup left out)."""
    return [line for line in stderr.splitlines()
            if line.strip() and not line.startswith("Fontconfig")]


def svg_root(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def groups(root: ET.Element) -> dict[str, ET.Element]:
    """SVG groups by their id (ids come from the spec's ids)."""
    return {g.get("id", ""): g for g in root.iter(f"{SVG}g") if g.get("id")}


def texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def bbox(element: ET.Element) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of everything drawn in a group (SVG y grows downwards)."""
    xs, ys = [], []
    for shape in element.iter():
        tag = shape.tag.removeprefix(SVG)
        if tag in ("polygon", "polyline"):
            nums = [float(n) for n in _NUM.findall(shape.get("points", ""))]
        elif tag == "path":
            nums = [float(n) for n in _NUM.findall(shape.get("d", ""))]
        elif tag == "rect":
            x, y = float(shape.get("x", 0)), float(shape.get("y", 0))
            nums = [x, y, x + float(shape.get("width", 0)), y + float(shape.get("height", 0))]
        elif tag == "ellipse":
            cx, cy = float(shape.get("cx", 0)), float(shape.get("cy", 0))
            rx, ry = float(shape.get("rx", 0)), float(shape.get("ry", 0))
            nums = [cx - rx, cy - ry, cx + rx, cy + ry]
        elif tag == "text":
            nums = [float(shape.get("x", 0)), float(shape.get("y", 0))]
        else:
            continue
        xs += nums[0::2]
        ys += nums[1::2]
    return (min(xs), min(ys), max(xs), max(ys))


def text_overflows(dot: str) -> list[str]:
    """Text that Graphviz draws outside the node that holds it (xdot's own measures)."""
    laid = pygraphviz.AGraph(string=graphviz_draw(dot, "xdot").decode("utf-8"))
    out = []
    for node in laid.nodes():
        draw = node.attr.get("_ldraw_") or ""
        if not draw or node.attr.get("shape") == "point":
            continue
        x, _y = (float(v) for v in node.attr["pos"].split(","))
        half_w = float(node.attr["width"]) * 36
        for tx, justify, width in re.findall(r" T ([\d.-]+) [\d.-]+ (-?\d) ([\d.]+) ", draw):
            left = float(tx) - {"-1": 0.0, "0": float(width) / 2, "1": float(width)}[justify]
            if left < x - half_w - 0.5 or left + float(width) > x + half_w + 0.5:
                out.append(f"{node.get_name()}: text {width} wide in a node {2 * half_w:.1f}")
    return out


def rects(board: Board) -> Iterator[tuple[str, str, tuple[float, float, float, float]]]:
    """(name, class, box) of every visible node on the board, in points, y downwards."""
    for node in board.nodes:
        if node.attrs.get("shape") == "point":
            continue
        x, y = (float(v) for v in str(node.attrs["pos"]).split(","))
        w, h = float(node.attrs["width"]) * 72, float(node.attrs["height"]) * 72
        yield node.name, str(node.attrs.get("class", "")), (x - w / 2, -y - h / 2, x + w / 2,
                                                            -y + h / 2)


def _holds(a: str, b: str) -> bool:
    """`a` is drawn inside `b` by design: a facilitating service's channel chip in its box."""
    return a.split(":chip:")[0] == b and ":chip:" in a


def overlapping(board: Board) -> list[tuple[str, str]]:
    """Pairs of nodes that overlap, except a badge on the element it marks and a chip in
    its service."""
    items = list(rects(board))
    out = []
    for i, (a, ca, ra) in enumerate(items):
        for b, cb, rb in items[i + 1:]:
            if ra[0] >= rb[2] - 0.01 or rb[0] >= ra[2] - 0.01 or ra[1] >= rb[3] - 0.01 \
                    or rb[1] >= ra[3] - 0.01:
                continue
            if _holds(a, b) or _holds(b, a):
                continue
            if "finding" in ca and (b.startswith(a.split(":badge:")[0])
                                    or a.startswith(b)):
                continue
            if "finding" in cb and (a.startswith(b.split(":badge:")[0]) or b.startswith(a)):
                continue
            out.append((a, b))
    return out


# The geometry a reader sees, checked on the SVG itself.

MIN_SHAFT = 10.0  # points of an arrow's line before its head
PX_PER_PT = 4 / 3  # a browser at 100 % shows a point as 4/3 CSS px
LEAST_PX = 12.0


_DOT_NAMED = re.compile(r'^  "((?:[^"\\]|\\.)*)"(?: -> "(?:[^"\\]|\\.)*")? \[.*?\bid="([^"]*)"',
                        re.M)


def dot_names(dot: str, prefix: str) -> dict[str, str]:
    """The board's names of the groups `render.svg` drew from `dot` with `prefix`, by id:
    it writes no names (a `<title>` there is a tooltip)."""
    return {f"{prefix}-{ident}": name for name, ident in _DOT_NAMED.findall(dot)}


def _name(g: ET.Element, names: dict[str, str] | None) -> str:
    """A node's or edge's name: Graphviz writes it as the group's `<title>`."""
    if names is not None:
        ident = g.get("id") or ""
        return names.get(ident, ident)
    return "".join(g.find(f"{SVG}title").itertext())


def node_boxes(root: ET.Element, names: dict[str, str] | None
                ) -> dict[str, tuple[float, float, float, float]]:
    """The nodes by name, each the box of the shapes it draws."""
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "node" not in (g.get("class") or "").split():
            continue
        shapes = [e for e in g.iter() if e.tag.removeprefix(SVG) in ("polygon", "path",
                                                                      "ellipse", "rect")]
        if not shapes:  # text alone (plaintext nodes): its box is not drawn
            continue
        holder = ET.Element("g")
        holder.extend(shapes)
        out[_name(g, names)] = bbox(holder)
    return out


def _inside(point: tuple[float, float], box: tuple[float, float, float, float],
            margin: float = 1.0) -> bool:
    x, y = point
    return box[0] + margin < x < box[2] - margin and box[1] + margin < y < box[3] - margin


def _points(text: str) -> list[tuple[float, float]]:
    nums = [float(n) for n in _NUM.findall(text)]
    return list(zip(nums[0::2], nums[1::2], strict=False))


def geometry_problems(svg: bytes, names: dict[str, str] | None = None) -> list[str]:
    """What a reader would stumble on: text under 12 px at 100 %, an arrow that runs or ends
    under a box, a line's name outside the lane-label column, boxes on top of each other.
    `names`: the groups' names by id (`dot_names`), for a drawing of `render.svg`."""
    root = svg_root(svg)
    problems = []
    width = root.get("width", "0")  # Graphviz's in pt, the site's in px
    px = float(width.removesuffix("pt")) * PX_PER_PT if width.endswith("pt") else float(width)
    scale = px / float(root.get("viewBox", "0 0 1 1").split()[2])
    for t in root.iter(f"{SVG}text"):
        px = float(t.get("font-size", "0")) * scale
        if px < LEAST_PX - 0.01:
            problems.append(f"text {''.join(t.itertext())!r} at {px:.1f} px")
    boxes = node_boxes(root, names)
    for g in root.iter(f"{SVG}g"):
        if "edge" not in (g.get("class") or "").split():
            continue
        head = g.find(f".//{SVG}polygon")
        if head is None:  # no arrowhead: a rule or a divider, drawn under everything
            continue
        title = _name(g, names)
        controls = [p for path in g.iter(f"{SVG}path") for p in _points(path.get("d", ""))]
        along = [(a[0] + (b[0] - a[0]) * k / 8, a[1] + (b[1] - a[1]) * k / 8)
                 for a, b in itertools.pairwise(controls) for k in range(8)]
        shaft = sum(math.dist(a, b) for a, b in itertools.pairwise(controls))
        if shaft < MIN_SHAFT:  # all head: it vanishes on the line it crosses
            problems.append(f"arrow {title} is {shaft:.1f} pt long before its head")
        tip = _points(head.get("points", ""))
        for name, box in boxes.items():
            if any(_inside(p, box) for p in tip):
                problems.append(f"arrow {title} ends under {name}")
            elif any(_inside(p, box) for p in along):
                problems.append(f"arrow {title} runs under {name}")
    groups_by_id = groups(root)
    column = [bbox(g) for key, g in groups_by_id.items()
              if key.startswith("lane-") and key.endswith("-label")]
    if column:
        right = max(b[2] for b in column)
        for key, g in groups_by_id.items():
            if key.startswith("line-") and key.endswith("-label") and bbox(g)[2] > right + 0.5:
                problems.append(f"{key} reaches past the lane-label column")
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ra, rb = boxes[a], boxes[b]
            if ra[0] >= rb[2] - 0.5 or rb[0] >= ra[2] - 0.5 or ra[1] >= rb[3] - 0.5 \
                    or rb[1] >= ra[3] - 0.5:
                continue
            # a badge sits on the edge of the element it marks, a chip in its service
            if a.startswith(b.split(":badge:")[0]) or b.startswith(a.split(":badge:")[0]) \
                    or _holds(a, b) or _holds(b, a):
                continue
            problems.append(f"{a} overlaps {b}")
    return problems
