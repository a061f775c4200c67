"""A drawing's markup (`render.svg`) read and written as a file of its own."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def root_attributes(markup: str) -> dict[str, str]:
    """The attributes of the <svg> element of a drawing's markup."""
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
