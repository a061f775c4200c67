"""Graphviz SVG made safe to put inside an HTML page.

The renderer's SVG is drawn from escaped DOT, so it should hold nothing active; this is the
second fence. The SVG is parsed as XML (after its prolog and doctype are cut: no DTD, so no
entity can be declared or expanded), elements outside a drawing allow-list are dropped, event
handlers and links that leave the page are removed, and every `id` gets a prefix so that
three drawings on one page (blueprint, journey, offering) cannot clash with each other or with
the page's own anchors.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# what Graphviz draws with; anything else (script, foreignObject, image, use…) is dropped
ALLOWED = frozenset({
    "svg", "g", "title", "desc", "a", "path", "polygon", "polyline", "ellipse", "circle",
    "rect", "line", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop",
    "clipPath", "marker",
})
_HREFS = frozenset({"href", f"{{{XLINK_NS}}}href"})
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_ANY_URL = re.compile(r"url\(", re.I)
_PT = re.compile(r"^\s*([0-9.]+)\s*(pt|px)?\s*$")


class SvgError(ValueError):
    """The drawing is not SVG that can be embedded."""


@lru_cache(maxsize=256)  # the few tags and attribute names Graphviz writes
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@lru_cache(maxsize=256)
def _attribute_kind(name: str) -> str:
    """What `_clean` does with an attribute of this name: `drop` it, fix an `href` or an
    `id`, or `look` into its value for a url()."""
    local = _local(name).lower()
    if local.startswith("on") or local == "style":  # the page's CSP allows no inline style
        return "drop"
    if name in _HREFS or local == "href":
        return "href"
    return "id" if local == "id" else "look"


def _clean(element: ET.Element, prefix: str) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag) not in ALLOWED:
            element.remove(child)
            continue
        _clean(child, prefix)
    for name, value in list(element.attrib.items()):
        kind = _attribute_kind(name)
        if kind == "drop":
            del element.attrib[name]
        elif kind == "href":
            if value.startswith("#"):
                element.set(name, f"#{prefix}-{value[1:]}")
            else:
                del element.attrib[name]
        elif kind == "id":
            element.set(name, f"{prefix}-{value}")
        elif "(" in value and "url(" in value.lower():
            replaced = _URL_REF.sub(lambda m: f"url(#{prefix}-{m[1]})", value)
            # a url() that does not point inside the drawing would fetch something: drop it
            if len(_ANY_URL.findall(replaced)) != replaced.count(f"url(#{prefix}-"):
                del element.attrib[name]
            else:
                element.set(name, replaced)


def _pixels(value: str | None) -> float | None:
    match = _PT.match(value or "")
    if not match:
        return None
    number = float(match[1])
    return number * 4 / 3 if match[2] == "pt" else number


# Graphviz names each graph, cluster, node and edge in a <title> ("cluster_lane:evidence",
# "customer:step-0->customer:step-1"): browsers show it as the element's tooltip, which says
# nothing to a reader and weighs a tenth of the drawing. Tooltips the renderer means to show
# come as the `tooltip` attribute (an <a xlink:title>) and are kept.
_GRAPHVIZ_OBJECTS = frozenset({"graph", "cluster", "node", "edge"})
_TRANSLATE = re.compile(r"translate\(\s*(-?[0-9.]+)[ ,]+(-?[0-9.]+)\s*\)")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

Box = tuple[float, float, float, float]  # x, y, width, height in the viewBox's units


def _drop_object_names(root: ET.Element) -> None:
    for group in root.iter(f"{{{SVG_NS}}}g"):
        if not _GRAPHVIZ_OBJECTS & set((group.get("class") or "").split()):
            continue
        first = next(iter(group), None)
        if first is not None and _local(first.tag) == "title":
            group.remove(first)


def label_column(root: ET.Element) -> Box | None:
    """Where the lane labels are (the `lane-label` clusters the renderer draws at the left of
    each lane), in the viewBox's units: the site keeps this strip in view while panning."""
    graph = next((g for g in root.iter(f"{{{SVG_NS}}}g")
                  if "graph" in (g.get("class") or "").split()), None)
    if graph is None:
        return None
    shift = _TRANSLATE.search(graph.get("transform") or "")
    dx, dy = (float(shift[1]), float(shift[2])) if shift else (0.0, 0.0)
    xs: list[float] = []
    ys: list[float] = []
    for group in graph.iter(f"{{{SVG_NS}}}g"):
        if "lane-label" not in (group.get("class") or "").split():
            continue
        for shape in group:
            numbers = [float(n) for n in _NUMBER.findall(shape.get("points") or "")]
            xs += numbers[0::2]
            ys += numbers[1::2]
    if not xs or not ys:
        return None
    x0, y0 = min(xs) + dx, min(ys) + dy
    return (round(x0, 2), round(y0, 2), round(max(xs) + dx - x0, 2),
            round(max(ys) + dy - y0, 2))


def inline_svg(data: bytes | str, *, prefix: str, label: str) -> str:
    """The drawing as markup for an HTML page: safe, ids prefixed, labelled for screen readers.

    The fixed `width` is kept in pixels and `height` dropped: the stylesheet lets the drawing
    shrink to fit the page at the viewBox's proportions until the page's script sizes it.
    `data-lanes` tells the script where the lane labels are (see `label_column`).
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    start = text.find("<svg")
    if start < 0:
        raise SvgError("the drawing has no <svg> element")
    try:
        root = ET.fromstring(text[start:])
    except ET.ParseError as exc:
        raise SvgError(f"the drawing is not well-formed SVG: {exc}") from exc
    if _local(root.tag) != "svg":
        raise SvgError("the drawing's root element is not <svg>")
    _clean(root, prefix)
    _drop_object_names(root)
    box = label_column(root)
    if box:
        root.set("data-lanes", " ".join(f"{v:g}" for v in box))
    sizes = [float(m[1]) for t in root.iter(f"{{{SVG_NS}}}text")
             if (m := _PT.match(t.get("font-size") or ""))]
    if sizes:
        root.set("data-min-font", f"{min(sizes):g}")
    width = _pixels(root.attrib.pop("width", None))
    root.attrib.pop("height", None)
    root.set("id", prefix)
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("preserveAspectRatio", "xMidYMid meet")
    if width:
        root.set("width", f"{width:.0f}")
    return ET.tostring(root, encoding="unicode")


def root_attributes(markup: str) -> dict[str, str]:
    """The attributes of the <svg> element of markup made by `inline_svg`."""
    end = markup.find(">")
    if not markup.startswith("<svg") or end < 0:
        return {}
    head = markup[:end].rstrip("/")
    return dict(ET.fromstring(head + "></svg>").attrib)


def standalone_svg(markup: str) -> str:
    """An inline drawing as an `.svg` file of its own (the "open full size" link)."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + markup + "\n"
