"""Hostile text cannot break the DOT or inject markup, and long text wraps inside its box."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from servicespec.render import render_bytes, render_spec
from servicespec.render.blueprint import render_blueprint
from servicespec.render.journey import render_journey
from servicespec.render.offering import render_offering
from servicespec.render.text import clean, html, text_width, wrap

from .test_render_support import (
    SVG,
    graphviz_complaints,
    hostile_spec,
    overlapping,
    text_overflows,
)

VIEWS = ["blueprint", "journey", "offering"]


@pytest.mark.parametrize("view", VIEWS)
def test_hostile_text_stays_text(view: str, capfd) -> None:
    dot = render_spec(hostile_spec(), view)
    svg = render_bytes(dot, "svg")
    root = ET.fromstring(svg)  # well-formed XML
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert "script" not in tags and "foreignObject" not in tags
    assert not any(name.startswith("on") for el in root.iter() for name in el.attrib)
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "</svg><script>alert(1)</script>" in words  # shown, as text
    assert 'He said "hi" <b>&amp; {braces}' in words
    assert "\x01" not in svg.decode() and "\x1b" not in svg.decode()
    assert graphviz_complaints(capfd.readouterr().err) == []


@pytest.mark.parametrize("view", VIEWS)
def test_hostile_text_wraps_inside_its_boxes(view: str) -> None:
    assert text_overflows(render_spec(hostile_spec(), view)) == []


@pytest.mark.parametrize("build", [render_blueprint, render_journey, render_offering])
def test_hostile_spec_overlaps_nothing(build) -> None:
    assert overlapping(build(hostile_spec(), [])) == []


def test_spec_text_reaches_dot_only_inside_html_labels_and_escaped_tooltips() -> None:
    dot = render_spec(hostile_spec(), "blueprint")
    for line in dot.splitlines():
        outside = line.split("label=<", 1)[0]
        assert "<script>" not in outside and "He said" not in outside
    # a text cut in its box is whole in its tooltip, escaped as in a label
    tooltips = re.findall(r'tooltip="((?:[^"\\]|\\.)*)"', dot)
    assert any("He said &quot;hi&quot; &lt;b&gt;&amp;amp;" in t for t in tooltips)
    assert not any("<" in t or "\x01" in t for t in tooltips)


def test_escaping_and_cleaning() -> None:
    assert html('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    assert clean("a\r\nb\x00c\x1b[1m\ud800  d\te") == "a\nbc[1m d e"
    assert clean("  lone  ") == "lone"


def test_long_words_are_cut_to_fit_and_long_text_is_capped() -> None:
    lines = wrap("x" * 500, 100, 10)
    assert all(text_width(line, 10) <= 100 for line in lines)
    assert "".join(lines).replace(" …", "").strip("x") == ""
    many = wrap(" ".join(["word"] * 2000), 100, 10, max_lines=5)
    assert len(many) == 5 and many[-1].endswith("…")
    assert wrap("", 100, 10) == [""]
    assert wrap("one\ntwo", 500, 10) == ["one", "two"]


def test_text_width_is_an_upper_bound_of_what_graphviz_measures() -> None:
    import re

    import pygraphviz

    samples = ["The quick brown fox jumps over the lazy dog", "WWWWWWMMMM", "iiiiilllll",
               "Ünïcödé façade — “quotes” … 😀", "0123456789 %&@#", "Mixed Case, Punctuation!"]
    sizes = (7.5, 8, 8.5, 9, 9.5, 10, 10.5, 13, 18)
    nodes = []
    for i, sample in enumerate(samples):
        for j, size in enumerate(sizes):
            for bold in (False, True):
                body = f"<B>{html(sample)}</B>" if bold else html(sample)
                nodes.append(f'n{i}x{j}x{int(bold)} [shape=plaintext, margin=0, '
                             f'label=<<FONT POINT-SIZE="{size}">{body}</FONT>>];')
    graph = pygraphviz.AGraph(string='digraph { node [fontname="Helvetica,Arial,sans-serif"]; '
                              + "\n".join(nodes) + "}")
    laid = pygraphviz.AGraph(string=graph.draw(format="xdot", prog="dot").decode())
    checked = 0
    for i, sample in enumerate(samples):
        for j, size in enumerate(sizes):
            for bold in (False, True):
                draw = laid.get_node(f"n{i}x{j}x{int(bold)}").attr["_ldraw_"]
                measured = float(re.search(r" T [\d.]+ [\d.]+ -?\d ([\d.]+) ", draw)[1])
                assert text_width(sample, size, bold) >= measured - 0.01, (sample, size, bold)
                checked += 1
    assert checked == len(samples) * len(sizes) * 2
