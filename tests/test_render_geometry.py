"""Readable at the size people see it, checked on the SVG: no text under 12 px at 100 %, no
arrow under a box, every line's name in the lane-label column, no box on another; on every
example, on the golden spec with findings, and on generated journeys of 16 and 60 steps."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from servicespec.api import lint_file, load
from servicespec.cli import cli
from servicespec.model.spec import Spec
from servicespec.render import render_bytes, render_spec
from servicespec.render.svg import svg_markup

from .conftest import ROOT
from .test_render_support import (
    FINDINGS,
    bbox,
    dot_names,
    geometry_problems,
    golden_spec,
    groups,
    svg_root,
    texts,
)

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import spec_text

EXAMPLES = sorted((ROOT / "specs").glob("*.yaml"))
OWN = Path(__file__).resolve().parent / "data" / "bike-repair.yaml"
FERRY = OWN.with_name("ferry-crossing.yaml")  # a decision with shares, emotions, no support


def generated(steps: int) -> Spec:
    import yaml

    text = spec_text(1, steps, random.Random(1), gappy=True)
    return Spec.model_validate(yaml.safe_load(text))


def svg(spec: Spec, view: str, findings=()) -> bytes:
    return render_bytes(render_spec(spec, view, findings), "svg")


def drawn(spec: Spec, view: str, findings=(), writer: str = "graphviz"
          ) -> tuple[bytes, dict[str, str] | None]:
    """A view drawn by Graphviz (the `render` command's SVG) or by `render.svg` (the site's),
    with the names of its groups for the checks."""
    dot = render_spec(spec, view, findings)
    if writer == "graphviz":
        return render_bytes(dot, "svg"), None
    return svg_markup(dot, prefix="site", label=view).encode(), dot_names(dot, "site")


WRITERS = pytest.mark.parametrize("writer", ["graphviz", "python"])


@WRITERS
@pytest.mark.parametrize("path", [*EXAMPLES, OWN, FERRY], ids=lambda p: p.stem)
@pytest.mark.parametrize("view", ["blueprint", "journey", "offering"])
def test_examples_read_at_100_percent(path: Path, view: str, writer: str) -> None:
    result = lint_file(str(path))
    assert result.spec is not None
    assert geometry_problems(*drawn(result.spec, view, result.diagnostics, writer)) == []


@pytest.mark.parametrize("view", ["blueprint", "journey", "offering"])
def test_golden_spec_with_every_kind_of_finding(view: str) -> None:
    assert geometry_problems(svg(golden_spec(), view, FINDINGS)) == []


@pytest.mark.parametrize("view", ["blueprint", "journey", "offering"])
def test_golden_spec_drawn_for_the_site(view: str) -> None:
    assert geometry_problems(*drawn(golden_spec(), view, FINDINGS, "python")) == []


@WRITERS
@pytest.mark.parametrize("view", ["blueprint", "journey"])
@pytest.mark.parametrize("steps", [16, 60])
def test_long_generated_journeys(steps: int, view: str, writer: str) -> None:
    spec = generated(steps)
    assert len(spec.steps) == steps
    drawing, names = drawn(spec, view, writer=writer)
    # drawn in rows (each with its lanes, lines and labels), and every row passes the checks
    rows = [k for k in groups(svg_root(drawing)) if re.fullmatch(r"(?:\w+-)?chunk-\d+", k)]
    assert len(rows) >= steps // 8
    assert geometry_problems(drawing, names) == []


def test_the_checks_catch_small_text_and_arrows_under_boxes() -> None:
    """The checks above can fail: shrunken text and an arrow into a box are both found."""
    good = svg(golden_spec(), "blueprint")
    small = good.replace(b'font-size="9.00"', b'font-size="8.00"', 1)
    assert any("px" in p for p in geometry_problems(small))
    root = svg_root(good)
    pill = bbox(groups(root)["touchpoint-book"])
    centre = f"{(pill[0] + pill[2]) / 2:.2f},{(pill[1] + pill[3]) / 2:.2f}".encode()
    under = good.replace(b'class="edge link"', b'class="edge link" data-x="1"', 1)
    start = under.index(b'data-x="1"')
    head = under.index(b"points=\"", start) + len(b'points="')
    under = under[:head] + centre + b" " + under[head:]
    assert any("ends under" in p for p in geometry_problems(under))


def test_findings_are_numbered_callouts_with_plain_words_through_the_cli(tmp_path) -> None:
    out = tmp_path / "bike.svg"
    result = CliRunner().invoke(cli, ["render", "--findings", str(OWN), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert geometry_problems(data) == []
    g = groups(svg_root(data))
    callouts = {k: v for k, v in g.items() if "finding" in (v.get("class") or "").split()}
    on_picture = [k for k in callouts if not k.startswith(("findings-", "legend-"))]
    assert on_picture and all(texts(callouts[k])[0].split()[0].isdigit() for k in on_picture)
    listed = [k for k in g if k.startswith("finding-") and k.endswith("-text")]
    assert len(listed) == len({texts(callouts[k])[0] for k in on_picture}) + len(
        [k for k in listed if "not on the picture" in " ".join(texts(g[k]))])
    # each numbered item: the message and the rule's plain words
    first = " ".join(texts(g["finding-1-text"]))
    assert "Why it matters:" in first
    # the tooltip carries the whole message, not only the code and severity
    assert b"Why it matters:" in data and b"(warning): " in data


def test_nothing_is_cut_the_wait_message_reads_whole() -> None:
    spec = load(ROOT / "specs" / "personal-loan.yaml")
    words = " ".join(" ".join(texts(v)) for v in groups(svg_root(svg(spec, "blueprint")))
                     .values() if (v.get("class") or "") .startswith("node"))
    assert "referrals one working day" in " ".join(words.split())


def test_fail_points_show_what_goes_wrong_and_what_prevents_it() -> None:
    spec = load(OWN)
    g = groups(svg_root(svg(spec, "blueprint")))
    label = " ".join(texts(g["fail-point-drop-lost-tag-label"]))
    assert "mixed up with another" in label
    assert "high severity · prevented by: Tags are zip-tied" in label
    assert "lost-tag" not in label


def test_the_legend_shows_only_what_the_picture_uses() -> None:
    spec = load(OWN)  # no decision, no automated channel, nothing without a customer action
    legend = " ".join(" ".join(texts(v)) for v in svg_root(svg(spec, "blueprint")).iter()
                      if "legend-text" in (v.get("class") or ""))
    assert "fail point" in legend and "self-service channel" in legend
    assert "decision" not in legend and "automated" not in legend
    assert "without a customer action" not in legend and "finding" not in legend


def test_journey_view_names_touchpoints_and_leaves_empty_rows_out() -> None:
    spec = load(OWN)  # no metrics
    g = groups(svg_root(svg(spec, "journey")))
    assert texts(g["touchpoint-book-0-0"])[0] == "Online booking page"
    assert "lane-metrics" not in g and "lane-channel" in g
