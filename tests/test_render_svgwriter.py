"""The site's drawings are written by `render.svg`, not Graphviz: the same picture (every
text, every box where Graphviz puts it), safe for a page, and what it cannot draw refused
rather than drawn wrong."""

from __future__ import annotations

import collections
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from servicespec.api import lint_file
from servicespec.render import render_bytes, render_spec
from servicespec.render.svg import Unsupported, svg_markup

from .test_render_support import (
    FINDINGS,
    SVG,
    dot_names,
    geometry_problems,
    golden_spec,
    hostile_spec,
    node_boxes,
)

ROOT = Path(__file__).resolve().parent.parent
SPECS = [*sorted((ROOT / "specs").glob("*.yaml")), ROOT / "tests/data/ferry-crossing.yaml"]


def _lines(root: ET.Element) -> collections.Counter[str]:
    """Every line of text drawn (runs of one line joined; Graphviz's no-break spaces as
    spaces)."""
    return collections.Counter("".join(t.itertext()).replace("\u00a0", " ")
                               for t in root.iter(f"{SVG}text"))


# what the writer may write: nothing that runs, loads or links
ALLOWED = {"svg", "g", "title", "rect", "ellipse", "polygon", "polyline", "path", "text",
           "tspan"}
def _sizes(root: ET.Element, names: dict[str, str] | None) -> dict[str, tuple[int, int]]:
    """Each named node's drawn size (width, height), rounded to a point."""
    return {name: (round(x1 - x0), round(y1 - y0))
            for name, (x0, y0, x1, y1) in node_boxes(root, names).items()}


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
@pytest.mark.parametrize("view", ["blueprint", "journey", "offering"])
def test_the_same_texts_and_boxes_as_graphviz(path: Path, view: str) -> None:
    result = lint_file(str(path))
    assert result.spec is not None
    dot = render_spec(result.spec, view, result.diagnostics)
    ours = ET.fromstring(svg_markup(dot, prefix="p", label=view))
    theirs = ET.fromstring(render_bytes(dot, "svg"))
    assert _lines(ours) == _lines(theirs)
    names = dot_names(dot, "p")
    mine, graphviz = _sizes(ours, names), _sizes(theirs, None)
    named = set(names.values()) & set(graphviz)  # a node without an id has no name in ours
    assert len(named) > 10 and named <= set(mine)
    # Graphviz rounds a node's corners to whole points
    assert [k for k in named if max(abs(a - b) for a, b in zip(mine[k], graphviz[k],
                                                                strict=True)) > 1] == []


@pytest.mark.parametrize("view", ["blueprint", "journey", "offering"])
def test_hostile_text_stays_text(view: str) -> None:
    markup = svg_markup(render_spec(hostile_spec(), view), prefix="p", label='a "label" <b>')
    root = ET.fromstring(markup)  # well-formed XML
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= ALLOWED
    assert not any(name.startswith("on") or name == "style" or "href" in name
                   for el in root.iter() for name in el.attrib)
    assert all(el.get("id", "p").startswith("p") for el in root.iter())
    assert root.get("aria-label") == 'a "label" <b>'
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "</svg><script>alert(1)</script>" in words  # shown, as text
    assert 'He said "hi" <b>&amp; {braces} [brackets] \\N' in words  # one backslash, as written
    assert "\x01" not in markup and "\x1b" not in markup


def test_the_root_tells_the_page_where_the_lane_labels_are_and_the_smallest_text() -> None:
    markup = svg_markup(render_spec(golden_spec(), "blueprint", FINDINGS), prefix="p",
                        label="x")
    root = ET.fromstring(markup)
    x, y, w, h = (float(v) for v in root.get("data-lanes", "").split())
    labels = [g for g in root.iter(f"{SVG}g") if "lane-label" in (g.get("class") or "")]
    rects = [r for g in labels for r in g.iter(f"{SVG}rect")]
    assert rects and w > 100 and h > 100
    assert (x, y) == (min(float(r.get("x", 0)) for r in rects),
                      min(float(r.get("y", 0)) for r in rects))
    assert float(root.get("data-min-font", 0)) == min(
        float(t.get("font-size", 0)) for t in root.iter() if t.get("font-size"))
    view_w = float(root.get("viewBox", "").split()[2])
    assert root.get("width") == f"{view_w * 4 / 3:.0f}"  # points shown at 100 %


def test_the_checks_find_small_text_and_a_box_on_another_in_our_drawings() -> None:
    dot = render_spec(golden_spec(), "blueprint", FINDINGS)
    names = dot_names(dot, "p")
    good = svg_markup(dot, prefix="p", label="x")
    assert geometry_problems(good.encode(), names) == []
    small = good.replace('font-size="9"', 'font-size="8"', 1)
    assert any("px" in p for p in geometry_problems(small.encode(), names))
    root = ET.fromstring(good)
    steps = [g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("p-step-")]
    first, second = (s.find(f"{SVG}rect") for s in steps[:2])
    assert first is not None and second is not None
    moved = good.replace(f'x="{second.get("x")}" y="{second.get("y")}"',
                         f'x="{first.get("x")}" y="{first.get("y")}"', 1)
    assert any("overlaps" in p for p in geometry_problems(moved.encode(), names))


@pytest.mark.parametrize("label", [
    '<TABLE BORDER="1"><TR><TD>boxed</TD></TR></TABLE>',  # a border
    '<TABLE BORDER="0"><TR><TD>a</TD><TD>b</TD></TR></TABLE>',  # cells side by side
    "<U>underlined</U>",
])
def test_what_it_cannot_lay_out_is_refused_not_drawn_wrong(label: str) -> None:
    with pytest.raises(Unsupported):
        svg_markup('digraph "g" {\n  graph [bb="0,0,10,10"];\n  "a" [pos="5,5", width=0.1, '
                   f'height=0.1, shape="box", label=<{label}>];\n}}\n', prefix="p", label="x")
    with pytest.raises(Unsupported):
        svg_markup('digraph "g" {\n  graph [bb="0,0,10,10"];\n  "a" [pos="5,5", width=0.1, '
                   'height=0.1, shape="egg"];\n}\n', prefix="p", label="x")


def test_a_label_is_read_whole_whatever_line_separators_its_text_holds() -> None:
    # the DOT's statements end with "\n" only; U+2028, U+0085 and form feeds are text
    text = "one\u2028two\x85three\x0cfour"
    dot = ('digraph "g" {\n  graph [bb="0,0,100,20"];\n  "a" [pos="50,10", width=1, '
           f'height=0.2, shape="box", label=<<FONT POINT-SIZE="10" COLOR="#000">{text}</FONT>>];'
           "\n}\n")
    root = ET.fromstring(svg_markup(dot, prefix="p", label="x"))
    assert ["".join(t.itertext()) for t in root.iter(f"{SVG}text")] == ["one\u2028twothreefour"]


def test_the_drawing_is_its_bounding_box_as_the_printed_pages_are_fitted() -> None:
    # `site.build.print_pages` scales a page to the DOT's box; blank paper around it would
    # shrink its text under the 7 pt the page was split for
    from servicespec.render.paper import drawing_size, fitting_chunks, without_margin

    chunks = fitting_chunks(golden_spec(), "a4", False, ())
    assert chunks
    for _, dot in chunks:
        root = ET.fromstring(svg_markup(without_margin(dot), prefix="p", label="x"))
        w, h = drawing_size(dot)
        assert root.get("viewBox") == f"0 0 {w:g} {h:g}"


@pytest.mark.parametrize("line", [
    '"a" -> "b" [pos="0,0 1,1 2,2 3,3", label="said"];',  # a label on an edge
    '"a" [pos="5,5", width=1, height=1, shape="box", image="x.png"];',
])
def test_an_attribute_it_does_not_draw_is_refused_not_lost(line: str) -> None:
    with pytest.raises(Unsupported, match=r"label|image"):
        svg_markup(f'digraph "g" {{\n  graph [bb="0,0,10,10"];\n  {line}\n}}\n', prefix="p",
                   label="x")
