"""Graphviz SVG made safe to put inside an HTML page.

The site draws its pictures with `render.svg`, whose markup is safe as written; this is for
the ones it leaves to Graphviz (the offering's channel chips).

The renderer's SVG is drawn from escaped DOT, so it should hold nothing active; this is the
second fence. The SVG is read by an XML parser (after its prolog and doctype are cut: no DTD,
so no entity can be declared or expanded) and written out as it is read: elements outside a
drawing allow-list are dropped with all they hold, so are elements and attributes of other
namespaces, event handlers, inline styles and links that leave the page, and every `id`
gets a prefix so that three drawings on one page (blueprint, journey, offering) cannot
clash with each other or with the page's own anchors.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Any
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# what Graphviz draws with; anything else (script, foreignObject, image, use…) is dropped
ALLOWED = frozenset({
    "svg", "g", "title", "desc", "a", "path", "polygon", "polyline", "ellipse", "circle",
    "rect", "line", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop",
    "clipPath", "marker",
})
_ELEMENT_SPACES = frozenset({SVG_NS, ""})  # "": no namespace, read as SVG by HTML
_ATTRIBUTE_PREFIXES = {"": "", XLINK_NS: "xlink:", XML_NS: "xml:"}
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")
_ANY_URL = re.compile(r"url\(", re.I)
_PT = re.compile(r"^\s*([0-9.]+)\s*(pt|px)?\s*$")

# Graphviz names each graph, cluster, node and edge in a <title> ("cluster_lane:evidence",
# "customer:step-0->customer:step-1"): browsers show it as the element's tooltip, which says
# nothing to a reader and weighs a tenth of the drawing. Tooltips the renderer means to show
# come as the `tooltip` attribute (an <a xlink:title>) and are kept.
_GRAPHVIZ_OBJECTS = frozenset({"graph", "cluster", "node", "edge"})
_TRANSLATE = re.compile(r"translate\(\s*(-?[0-9.]+)[ ,]+(-?[0-9.]+)\s*\)")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class SvgError(ValueError):
    """The drawing is not SVG that can be embedded."""


@lru_cache(maxsize=256)  # the few attribute names Graphviz writes
def _attribute(name: str) -> tuple[str, str]:
    """The name an attribute (`uri}local` as expat gives it) is written with, and what the
    sanitiser does with it: `drop` it, fix an `href` or an `id`, or `look` into its value
    for a url()."""
    uri, _, local = name.rpartition("}")
    if uri not in _ATTRIBUTE_PREFIXES:
        return name, "drop"
    written = _ATTRIBUTE_PREFIXES[uri] + local
    lower = local.lower()
    if lower.startswith("on") or lower == "style":  # the page's CSP allows no inline style
        return written, "drop"
    if lower == "href":
        return written, "href"
    return written, "id" if lower == "id" else "look"


_ATTRIBUTE_SPECIAL = re.compile(r'[&<>"\r\n\t]')
_TEXT_SPECIAL = re.compile(r"[&<>]")


def _escape_attribute(text: str) -> str:
    if _ATTRIBUTE_SPECIAL.search(text) is None:  # most values: one look, no copy
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def _escape_text(text: str) -> str:
    if _TEXT_SPECIAL.search(text) is None:
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@lru_cache(maxsize=256)
def _element(name: str) -> tuple[str, bool, bool]:
    """An element's local name (`uri}local` as expat gives it), whether it is kept, and
    whether it is in the SVG namespace."""
    uri, _, local = name.rpartition("}")
    return local, uri in _ELEMENT_SPACES and local in ALLOWED, uri == SVG_NS


def _pixels(value: str | None) -> float | None:
    match = _PT.match(value or "")
    if not match:
        return None
    number = float(match[1])
    return number * 4 / 3 if match[2] == "pt" else number


class _Sanitiser:
    """The safe markup, written as the parser reads the drawing: one pass, no tree (a
    service page has fifteen drawings to make safe)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.out: list[str] = [""]  # the root's start tag goes first, once all is read
        self.root: dict[str, str] | None = None
        # per open element: its name, whether its start tag waits for its first content
        # (`<g />` when none comes), whether it is a Graphviz object whose next child, if a
        # <title>, names it, and whether it is a lane label (its shapes say where the
        # labels are)
        self.stack: list[list[Any]] = []
        self.skipping = 0  # depth inside a dropped element
        self.drop_text = False  # the text after a dropped element goes with it
        self.xlink = self.svg_ns = False
        self.graph_depth = 0  # the graph's group is open (its depth + 1), or not yet found
        self.graph_found = False
        self.shift = (0.0, 0.0)
        self.xs: list[float] = []
        self.ys: list[float] = []
        self.sizes: list[float] = []

    def start(self, name: str, attributes: list[str]) -> None:
        self.drop_text = False
        if self.skipping:
            self.skipping += 1
            return
        local, kept, svg = _element(name)
        parent = self.stack[-1] if self.stack else None
        if parent is None and (local != "svg" or not kept):
            raise SvgError("the drawing's root element is not <svg>")
        if not kept or (parent is not None and parent[2] and local == "title"):
            if kept and parent is not None:
                parent[2] = False  # the object's name: dropped, not a tooltip
            self.skipping = 1
            return
        if parent is not None:
            parent[2] = False
            if parent[1]:
                self.out.append(">")
                parent[1] = False
        self.svg_ns = self.svg_ns or svg
        attrs, markup = self._clean(attributes)
        classes = attrs.get("class", "").split() if local == "g" else []
        if classes:
            if not self.graph_found and "graph" in classes:
                self.graph_found = True
                self.graph_depth = len(self.stack) + 1
                shift = _TRANSLATE.search(attrs.get("transform", ""))
                if shift:
                    self.shift = (float(shift[1]), float(shift[2]))
        elif local == "text":
            size = _PT.match(attrs.get("font-size", ""))
            if size:
                self.sizes.append(float(size[1]))
        if parent is not None and parent[3] and "points" in attrs:
            numbers = [float(n) for n in _NUMBER.findall(attrs["points"])]
            self.xs += numbers[0::2]
            self.ys += numbers[1::2]
        if parent is None:
            self.root = attrs
        else:
            self.out.append(f"<{local}{markup}")
        self.stack.append([
            local, True, not _GRAPHVIZ_OBJECTS.isdisjoint(classes),
            bool(self.graph_depth) and "lane-label" in classes])

    def _clean(self, attributes: list[str]) -> tuple[dict[str, str], str]:
        """The attributes kept, under the names they are written with, and as markup."""
        prefix = self.prefix
        kept: dict[str, str] = {}
        markup = []
        pairs = iter(attributes)
        for name, value in zip(pairs, pairs, strict=True):
            written, kind = _attribute(name)
            if kind == "drop":
                continue
            if kind == "href":
                if not value.startswith("#"):
                    continue
                value = f"#{prefix}-{value[1:]}"
            elif kind == "id":
                value = f"{prefix}-{value}"
            elif "(" in value and "url(" in value.lower():
                value = _URL_REF.sub(lambda m: f"url(#{prefix}-{m[1]})", value)
                # a url() that does not point inside the drawing would fetch something
                if len(_ANY_URL.findall(value)) != value.count(f"url(#{prefix}-"):
                    continue
            if written.startswith("xlink:"):
                self.xlink = True
            kept[written] = value
            markup.append(f' {written}="{_escape_attribute(value)}"')
        return kept, "".join(markup)

    def end(self, name: str) -> None:
        if self.skipping:
            self.skipping -= 1
            self.drop_text = not self.skipping
            return
        self.drop_text = False
        local, waiting, _, _ = self.stack.pop()
        if self.graph_depth > len(self.stack):
            self.graph_depth = 0
        if not self.stack:
            self.out.append(" />" if waiting else "</svg>")
        else:
            self.out.append(" />" if waiting else f"</{local}>")

    def text(self, data: str) -> None:
        if self.skipping or self.drop_text:
            return
        top = self.stack[-1]
        if top[1]:
            self.out.append(">")
            top[1] = False
        self.out.append(_escape_text(data))

    def markup(self, prefix: str, label: str) -> str:
        """All of it, the root's start tag first (what it says of the drawing is known now)."""
        root = self.root
        assert root is not None  # the parser read a whole document
        if self.xs and self.ys:
            dx, dy = self.shift
            x0, y0 = min(self.xs) + dx, min(self.ys) + dy
            box = (round(x0, 2), round(y0, 2), round(max(self.xs) + dx - x0, 2),
                   round(max(self.ys) + dy - y0, 2))
            root["data-lanes"] = " ".join(f"{v:g}" for v in box)
        if self.sizes:
            root["data-min-font"] = f"{min(self.sizes):g}"
        width = _pixels(root.pop("width", None))
        root.pop("height", None)
        root["id"] = prefix
        root["role"] = "img"
        root["aria-label"] = label
        root["preserveAspectRatio"] = "xMidYMid meet"
        if width:
            root["width"] = f"{width:.0f}"
        spaces = (f' xmlns="{SVG_NS}"' if self.svg_ns else "") + (
            f' xmlns:xlink="{XLINK_NS}"' if self.xlink else "")
        self.out[0] = "<svg" + spaces + "".join(
            f' {k}="{_escape_attribute(v)}"' for k, v in root.items())
        return "".join(self.out)


def inline_svg(data: bytes | str, *, prefix: str, label: str) -> str:
    """The drawing as markup for an HTML page: safe, ids prefixed, labelled for screen readers.

    The fixed `width` is kept in pixels and `height` dropped: the stylesheet lets the drawing
    shrink to fit the page at the viewBox's proportions until the page's script sizes it.
    `data-lanes` tells the script where the lane labels are (the `lane-label` clusters the
    renderer draws at the left of each lane, in the viewBox's units: the site keeps this strip
    in view while panning), `data-min-font` the smallest text.
    """
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    start = text.find("<svg")
    if start < 0:
        raise SvgError("the drawing has no <svg> element")
    sanitiser = _Sanitiser(prefix)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.StartElementHandler = sanitiser.start
    parser.EndElementHandler = sanitiser.end
    parser.CharacterDataHandler = sanitiser.text
    try:
        parser.Parse(text[start:], True)
    except expat.ExpatError as exc:
        raise SvgError(f"the drawing is not well-formed SVG: {exc}") from exc
    except UnicodeEncodeError as exc:  # a str holding a lone surrogate is no XML text
        raise SvgError(f"the drawing is not text XML can hold: {exc.reason} at "
                       f"character {exc.start}") from exc
    return sanitiser.markup(prefix, label)


def root_attributes(markup: str) -> dict[str, str]:
    """The attributes of the <svg> element of markup made by `inline_svg`."""
    end = markup.find(">")
    if not markup.startswith("<svg") or end < 0:
        return {}
    head = markup[:end].rstrip("/")
    return dict(ET.fromstring(head + "></svg>").attrib)


def standalone_svg(markup: str) -> str:
    """An inline drawing as an `.svg` file of its own (the "open full size" link), with
    its height: without one a browser makes the drawing as tall as the window and shrinks
    it into that, the text too small to read and the drawing off to one side."""
    attrs = root_attributes(markup)
    try:
        _, _, view_w, view_h = (float(v) for v in attrs["viewBox"].split())
        height = float(attrs["width"]) * view_h / view_w
    except (KeyError, ValueError, ZeroDivisionError):
        height = 0.0
    if height > 0 and "height" not in attrs:
        markup = markup.replace("<svg", f'<svg height="{height:.0f}"', 1)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + markup + "\n"
