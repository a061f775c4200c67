"""The site keeps the drawings it last drew by their DOT: `serve` draws again only what an
edit changed, and a drawing that changed is never served from before."""

from __future__ import annotations

from pathlib import Path

import pytest

import servicespec.render.svg as svg
from servicespec.render.dot import Board
from servicespec.site import build
from servicespec.site.build import draw, lint_service

SPEC = """\
apiVersion: servicespec/v1
kind: Service
metadata: {id: bike-repair, name: Bike repair, owner: Workshop}
product: {name: Bike repair, need: Ride again by the weekend}
channels: [{id: counter, name: Shop counter, kind: in-person}]
roles: [{id: mechanic, name: Mechanic, stage: frontstage}]
touchpoints: [{id: desk, name: Repair desk, channel: counter}]
blueprint:
  steps:
""" + "".join(f"""\
    - id: step-{i}
      name: Step {i} of the repair
      phase: {("before", "during", "after")[i * 3 // 12]}
      customer: Brings the bike and says what is wrong, part {i}
      touchpoint: desk
      frontstage: [{{role: mechanic, action: Checks part {i} of the bike}}]
      backstage: [Orders the spare part {i}]
""" for i in range(12))


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """Every drawing drawn (`render.svg`), by its DOT."""
    drawn: list[str] = []
    draw_markup = svg.svg_markup

    def counting(dot: str, **kwargs: str) -> str:
        drawn.append(dot)
        return draw_markup(dot, **kwargs)

    monkeypatch.setattr(svg, "svg_markup", counting)
    monkeypatch.setattr(build, "_drawn", {})
    return drawn


def drawings(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    service = lint_service(str(path), "bike-repair")
    return [(d.markup, tuple(p.markup for p in d.pages)) for d in draw(service)]


def test_a_saved_comment_draws_nothing_again_and_a_changed_step_only_what_holds_it(
        tmp_path: Path, counted: list[str]) -> None:
    path = tmp_path / "bike-repair.yaml"
    path.write_text(SPEC, "utf-8")
    first = drawings(path)
    pages = len(first[0][1])
    assert pages > 1 and len(counted) == 3 + pages  # the three views, each printed page

    counted.clear()
    path.write_text(SPEC + "# a comment\n", "utf-8")
    assert drawings(path) == first and counted == []

    counted.clear()
    path.write_text(SPEC.replace("Checks part 11 of the bike", "Checks the brakes"), "utf-8")
    changed = drawings(path)
    # the blueprint and the printed page that holds step 11 (the last); the other pages, the
    # journey and the offering (no frontstage action in either) as before
    assert len(counted) == 2
    assert "Checks the brakes" in changed[0][0] and "Checks the brakes" in changed[0][1][-1]
    assert changed[0][1][:-1] == first[0][1][:-1] and changed[1:] == first[1:]


def test_the_drawings_kept_are_few(tmp_path: Path, counted: list[str]) -> None:
    for n in range(build.DRAWN_KEPT + 5):
        build.safe_drawing(Board(f"d{n}").to_dot(), prefix="p", label="l")
    assert len(build._drawn) == build.DRAWN_KEPT
    counted.clear()
    build.safe_drawing(Board("d0").to_dot(), prefix="p", label="l")
    assert len(counted) == 1  # the oldest went first

