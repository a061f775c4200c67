"""A scenario drawn as a journey of its own: named, linked to the main journey at `from` and
`rejoins`, on screen and on paper, with the findings about its steps on them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from servicespec.api import load
from servicespec.cli import cli
from servicespec.diagnostics import Diagnostic, Severity
from servicespec.render import RenderError, render_bytes, render_spec
from servicespec.render.scenarios import scenario_spec

from .test_render_pages import font_sizes
from .test_render_support import geometry_problems, groups, svg_root, texts

FERRY = Path(__file__).resolve().parent / "data" / "ferry-crossing.yaml"


def finding(code: str, path: tuple) -> Diagnostic:
    return Diagnostic(code, "rule", Severity.WARNING, f"{code} here", str(FERRY), 1, 1, 1, 1,
                      path=path)


def test_a_scenario_is_a_journey_named_and_linked_to_the_main_one() -> None:
    spec, _ = scenario_spec(load(str(FERRY)), "cancelled-sailing")
    assert [s.id for s in spec.steps] == ["hear-cancelled", "rebook", "stay-over"]
    svg = render_bytes(render_spec(spec), "svg")
    title = " ".join(texts(groups(svg_root(svg))["title"]))
    assert "Island ferry crossing: The sailing is cancelled" in title
    assert "starts from step “Arrive at the quay” of the main journey" in title
    assert "rejoins it at step “Board”" in title
    assert geometry_problems(svg) == []


def test_findings_follow_their_journey() -> None:
    mine = finding("SS407", ("blueprint", "scenarios", 0, "steps", 1, "customer"))
    main = finding("SS501", ("blueprint", "steps", 1, "customer"))
    service = finding("SS401", ("recovery",))
    _, kept = scenario_spec(load(str(FERRY)), "cancelled-sailing", [mine, main, service])
    assert [(d.code, d.path) for d in kept] == [
        ("SS407", ("blueprint", "steps", 1, "customer")), ("SS401", ("recovery",))]
    spec, kept = scenario_spec(load(str(FERRY)), "cancelled-sailing", [mine])
    drawn = groups(svg_root(render_bytes(render_spec(spec, "blueprint", kept), "svg")))
    assert texts(drawn["customer-rebook-badge-0"]) == ["1 SS407"]


def test_an_unknown_scenario_names_the_ones_there_are() -> None:
    with pytest.raises(RenderError, match="no scenario 'gale': give one of cancelled-sailing"):
        scenario_spec(load(str(FERRY)), "gale")


def test_on_paper_every_page_a4_at_7_pt_with_the_lanes(tmp_path: Path) -> None:
    out = tmp_path / "cancelled.pdf"
    result = CliRunner().invoke(cli, ["render", str(FERRY), "--scenario", "cancelled-sailing",
                                      "--paper", "a4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            (595.28, 841.89))
        words = " ".join(page.extract_text().split())
        assert "The sailing is cancelled" in words
        for lane in ("Customer actions", "Frontstage", "Backstage", "Support processes"):
            assert lane in words
        assert min(size for size, _ in font_sizes(page)) >= 7 - 1e-3


def test_the_cli_names_the_file_after_the_scenario_and_refuses_what_cannot_be(
        tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["render", str(FERRY), "--scenario", "cancelled-sailing",
                                 "--view", "journey", "-o", f"{tmp_path}/"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ferry-crossing-cancelled-sailing-journey.svg").is_file()
    result = runner.invoke(cli, ["render", str(FERRY), "--scenario", "gale",
                                 "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "no scenario 'gale'" in result.output
    assert not (tmp_path / "x.svg").exists()
    result = runner.invoke(cli, ["render", str(FERRY), "--scenario", "cancelled-sailing",
                                 "--view", "offering", "-o", str(tmp_path / "y.svg")])
    assert result.exit_code == 2 and "a scenario is a journey" in result.output
