"""Long journeys: split by phase, then by step count; drawn in rows (SVG, PNG) and on A4 or
A3 pages (`render --paper`), with lane labels, the three lines, headers and continuation
marks on every row and page, and printed text of 7 pt or more, measured in the PDF."""

from __future__ import annotations

import io
import itertools
import math
import random
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from servicespec.cli import cli
from servicespec.model.spec import Spec
from servicespec.render import RenderError, render_bytes, render_spec
from servicespec.render.blueprint import render_blueprint
from servicespec.render.pages import (
    PAPER,
    ROW_STEPS,
    Chunk,
    page_size,
    smallest_text,
    split_journey,
)
from servicespec.render.paper import FindingsPage, fitting_chunks, paper_chunks, paper_pdf

from .test_render_support import groups, overlapping, svg_root, text_overflows, texts

LANE_TITLES = ["Physical evidence", "Customer actions", "Frontstage", "Backstage",
               "Support processes"]
LINE_TITLES = ["LINE OF INTERACTION", "LINE OF VISIBILITY", "LINE OF INTERNAL INTERACTION"]


def journey_data(n: int) -> dict:
    """The starter spec with a journey of `n` steps: a fifth before, three fifths during."""
    data = yaml.safe_load(resources.files("servicespec").joinpath("templates/service.yaml.tmpl")
                          .read_text("utf-8"))
    data["recovery"] = []
    data["metrics"] = [m for m in data["metrics"] if m["measures"] != "wrong-charge"]
    steps = []
    for i in range(n):
        phase = "before" if i < n // 5 else "during" if i < n * 4 // 5 else "after"
        steps.append({
            "id": f"visit-{i + 1}", "name": f"Step number {i + 1} of the stay", "phase": phase,
            "evidence": [f"Card {i + 1}"],
            "customer": f"Does the {i + 1}th thing of the stay and reads the card that came "
                        "with it",
            "frontstage": [{"role": "receptionist", "action": f"Answers question {i + 1}"}],
            "backstage": [{"role": "housekeeper", "action": f"Prepares item {i + 1}"}],
            "support": ["Property management system"]})
    # the starter's scenario, persona journey and opportunities name its own steps
    data["blueprint"] = {"steps": steps}
    for section in ("opportunities", "personas"):
        data.pop(section, None)
    return data


def journey(n: int) -> Spec:
    return Spec.model_validate(journey_data(n))


# -- the split ---------------------------------------------------------------------------


def test_a_journey_that_fits_is_one_chunk() -> None:
    assert split_journey(["before", "during", "during"], 8) == [
        Chunk(0, 3, 3, ("before", "during"))]
    assert split_journey([], 8) == [Chunk(0, 0, 0, ())]


def test_phases_first_whole_phases_packed_then_equal_parts() -> None:
    phases = ["before"] * 3 + ["during"] * 10 + ["after"] * 3
    chunks = split_journey(phases, 8)
    assert [(c.start, c.stop) for c in chunks] == [(0, 3), (3, 8), (8, 13), (13, 16)]
    assert [c.header for c in chunks] == [
        "Steps 1–3 of 16 · before", "Steps 4–8 of 16 · during", "Steps 9–13 of 16 · during",
        "Steps 14–16 of 16 · after"]
    # short phases share a chunk when together they fit
    packed = split_journey(["before"] * 2 + ["during"] * 4 + ["after"] * 5, 6)
    assert [c.header for c in packed] == ["Steps 1–6 of 11 · before, during",
                                          "Steps 7–11 of 11 · after"]
    assert split_journey(["during"] * 3, 1)[1].header == "Step 2 of 3 · during"
    assert [(c.continued, c.continues) for c in chunks] == [
        (False, True), (True, True), (True, True), (True, False)]


def test_every_step_in_exactly_one_chunk_in_order_and_no_chunk_too_long() -> None:
    rng = random.Random(16)
    for _ in range(300):
        phases = [rng.choice(["before", "during", "after", None])
                  for _ in range(rng.randrange(0, 70))]
        most = rng.randrange(1, 12)
        chunks = split_journey(phases, most)
        assert chunks[0].start == 0 and chunks[-1].stop == len(phases)
        assert all(a.stop == b.start for a, b in itertools.pairwise(chunks))
        assert all(0 < c.stop - c.start <= most for c in chunks) or not phases
        # a cut inside a phase only where that phase alone is longer than `most`
        for a, b in itertools.pairwise(chunks):
            if phases[a.stop - 1] == phases[b.start]:
                run = [i for i, p in enumerate(phases) if p == phases[b.start]]
                assert len(run) > most
        assert all(c.phases == tuple(dict.fromkeys(phases[c.start:c.stop])) for c in chunks)


def test_paper_sizes_and_the_whole_points_graphviz_draws() -> None:
    assert page_size("a4") == PAPER["a4"] and page_size("a3", True) == PAPER["a3"][::-1]
    with pytest.raises(ValueError, match="unknown paper"):
        page_size("letter")
    assert smallest_text('x [label=<<FONT POINT-SIZE="7.5">a</FONT>>, fontsize=10]') == 7


# -- wide journeys in rows -----------------------------------------------------------------


@pytest.mark.parametrize("n", [16, 60])
def test_a_wide_journey_is_drawn_in_rows_with_lanes_lines_and_continuations(n: int) -> None:
    spec = journey(n)
    dot = render_spec(spec)
    svg = render_bytes(dot, "svg")
    g = groups(svg_root(svg))
    rows = split_journey([s.phase for s in spec.steps], ROW_STEPS)
    # before, during and after, each cut in equal parts of at most ROW_STEPS
    assert len(rows) == {16: 4, 60: 9}[n]
    headers = [" ".join(texts(g[f"chunk-{c.start + 1}"])) for c in rows]
    assert headers[0] == f"Steps 1–{rows[0].stop} of {n} · before"
    for chunk, text in zip(rows[1:], headers[1:], strict=True):
        assert f"← continued from step {chunk.start}" in text
    for chunk in rows[:-1]:
        assert texts(g[f"chunk-{chunk.start + 1}-continues"]) == [
            f"continues with step {chunk.stop + 1} →"]
    assert f"chunk-{rows[-1].start + 1}-continues" not in g
    # every row has the five lane labels and the three lines (a line's name may wrap in the
    # label column); every id once
    all_text = texts(svg_root(svg))
    for title in LANE_TITLES:
        assert all_text.count(title) == len(rows), title
    for key, title in zip(("interaction", "visibility", "internal"), LINE_TITLES, strict=True):
        names = [" ".join(texts(v)) for k, v in g.items()
                 if re.fullmatch(rf"line-{key}-label(-\d+)?", k)]
        assert names == [title] * len(rows), key
    lane_labels = [k for k in g if k.startswith("lane-customer-label")]
    assert len(lane_labels) == len(rows)
    ids = [e.get("id") for e in svg_root(svg).iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    # each step once, in order; a row never wider than ROW_STEPS columns
    assert [k for k in g if re.fullmatch(r"step-visit-\d+", k)] == [
        f"step-visit-{i + 1}" for i in range(n)]
    width = float(svg_root(svg).get("width", "0pt").removesuffix("pt"))
    assert width < 2 * 16 + 150 + (ROW_STEPS + 1) * 228
    assert all_text.count("How to read this picture") == 1  # the legend closes the journey


def test_nothing_cut_and_nothing_overlaps_in_rows() -> None:
    spec = journey(16)
    assert text_overflows(render_spec(spec)) == []
    assert overlapping(render_blueprint(spec)) == []


# -- paper -------------------------------------------------------------------------------


def font_sizes(page) -> list[tuple[float, str]]:
    """(size in pt on the paper, text) of every text the page shows: the font size times
    the scale of the text matrix and of the current transformation (the page placement)."""
    out = []

    def visit(text, cm, tm, _font, size) -> None:
        if text.strip():
            a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
            c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            out.append((size * math.sqrt(abs(a * d - b * c)), text.strip()))

    page.extract_text(visitor_text=visit)
    return out


@pytest.fixture(scope="module")
def printed() -> dict[tuple[str, bool], PdfReader]:
    spec = journey(16)
    return {(paper, landscape): PdfReader(io.BytesIO(paper_pdf(spec, paper, landscape)))
            for paper, landscape in [("a3", True), ("a4", True), ("a4", False)]}


@pytest.mark.parametrize(("paper", "landscape"), [("a3", True), ("a4", True), ("a4", False)])
def test_every_page_is_the_paper_asked_for_with_lanes_lines_header_and_7_pt(
        printed, paper: str, landscape: bool) -> None:
    reader = printed[paper, landscape]
    assert len(reader.pages) > 1
    want = page_size(paper, landscape)
    headers = []
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(want)
        text = page.extract_text()
        words = " ".join(text.split())  # a line's name may wrap in the label column
        for title in LANE_TITLES + LINE_TITLES:
            assert title in words
        sizes = font_sizes(page)
        assert min(size for size, _ in sizes) >= 7 - 1e-3, min(sizes)
        headers += re.findall(r"^Steps? (\d+)(?:–(\d+))? of 16 · (\w+)", text, re.M)
    # one header a page; together the pages hold steps 1 to 16, in order
    assert len(headers) == len(reader.pages)
    ranges = [(int(a), int(b or a)) for a, b, _ in headers]
    assert ranges[0][0] == 1 and ranges[-1][1] == 16
    assert all(x[1] + 1 == y[0] for x, y in itertools.pairwise(ranges))
    assert headers[0][2] == "before" and headers[-1][2] == "after"


def test_pages_are_scaled_down_to_7_pt_and_no_further_and_the_check_sees_it(printed) -> None:
    """The blueprint draws text at 9 pt or more; a page of wide rows is scaled down to fit,
    so its smallest text lies between 7 and 9 pt. The measure is not trivially true: the
    same page 15 % smaller shows that text under 7 pt."""
    from pypdf import PdfWriter, Transformation

    pages = printed["a4", True].pages
    smallest = [min(s for s, _ in font_sizes(page)) for page in pages]
    assert 7 - 1e-3 <= min(smallest) < 8.5, smallest
    writer = PdfWriter()
    sheet = writer.add_blank_page(width=841.89, height=595.28)
    sheet.merge_transformed_page(pages[smallest.index(min(smallest))],
                                 Transformation().scale(0.85))
    shrunk = min(s for s, _ in font_sizes(sheet))
    assert shrunk == pytest.approx(min(smallest) * 0.85, abs=0.01) and shrunk < 7


def test_a_step_too_big_for_the_page_is_a_clear_error() -> None:
    data = journey_data(2)
    data["blueprint"]["steps"][0]["backstage"] = [
        {"role": "housekeeper", "action": f"Checks item {i} of the room"} for i in range(40)]
    spec = Spec.model_validate(data)
    with pytest.raises(RenderError, match=r"step 'visit-1' does not fit on one A4 portrait page "
                       r"with text of 7 pt or more: print on A3 \(--paper a3\)"):
        paper_chunks(spec, "a4")


def test_the_search_draws_each_chunk_once_and_finds_what_paper_prints(monkeypatch) -> None:
    """The search for the pages' length tries splits until every page is readable; a chunk
    several of them share (three phases of 8 steps split alike at 7, 6, 5 or 4 steps a page)
    is drawn once. The site's search finds the same pages, or None where `paper_chunks`
    says which step is too big."""
    import servicespec.render as render

    drawn: list[tuple] = []
    draw = render.render_spec

    def counting(*args, **kwargs):
        drawn.append(tuple(kwargs.get("chunks") or ()))
        return draw(*args, **kwargs)

    monkeypatch.setattr(render, "render_spec", counting)
    data = journey_data(24)
    for i, step in enumerate(data["blueprint"]["steps"]):
        step["phase"] = ("before", "during", "after")[i * 3 // 24]
    data["blueprint"]["steps"][-1]["backstage"] = [
        {"role": "housekeeper", "action": f"Checks item {i} of the room"} for i in range(80)]
    tall = Spec.model_validate(data)
    with pytest.raises(RenderError, match="step 'visit-24' does not fit on one A3 landscape"):
        paper_chunks(tall, "a3", landscape=True)
    assert len(drawn) > 6 and len(drawn) == len(set(drawn))
    assert fitting_chunks(tall, "a3", landscape=True) is None
    spec = journey(24)
    pages = paper_chunks(spec, "a4")
    assert len(pages) > 1 and fitting_chunks(spec, "a4") == pages


# -- through the CLI ------------------------------------------------------------------------


def write_spec(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(journey_data(n), sort_keys=False), "utf-8")
    return path


def test_render_paper_as_a_real_process(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, 16)
    out = tmp_path / "print.pdf"
    done = subprocess.run([sys.executable, "-m", "servicespec", "render", str(spec), "-o",
                           str(out), "--paper", "A3", "--landscape"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"wrote {out}\n"
    reader = PdfReader(out)
    assert len(reader.pages) > 1
    assert all((float(p.mediabox.width), float(p.mediabox.height))
               == pytest.approx(PAPER["a3"][::-1]) for p in reader.pages)


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "{tmp}/x.svg", "--paper", "a4"],
     "--paper writes a PDF, not svg: name the output file .pdf or give --format pdf"),
    (["-o", "-", "--paper", "a4"], "--paper writes a PDF, not svg"),
    (["-o", "{tmp}/x.pdf", "--landscape"],
     "--landscape turns the paper: give --paper a3 or --paper a4 too"),
    (["-o", "{tmp}/x.pdf", "--paper", "a4", "--view", "journey"],
     "--paper prints the blueprint: leave out --view journey"),
    (["-o", "{tmp}/x.pdf", "--paper", "letter"], "Invalid value for '--paper'"),
])
def test_bad_paper_options_say_what_to_do(tmp_path: Path, args: list[str],
                                          message: str) -> None:
    spec = write_spec(tmp_path, 3)
    result = CliRunner().invoke(cli, ["render", str(spec),
                                      *[a.format(tmp=tmp_path) for a in args]])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.svg").exists()


def test_a_page_that_cannot_hold_a_step_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    data = journey_data(2)
    data["blueprint"]["steps"][0]["backstage"] = [
        {"role": "housekeeper", "action": f"Checks item {i} of the room"} for i in range(40)]
    spec = tmp_path / "tall.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    result = CliRunner().invoke(cli, ["render", str(spec), "-o", str(tmp_path / "x.pdf"),
                                      "--paper", "a4"])
    assert result.exit_code == 2
    assert "does not fit on one A4 portrait page" in result.output
    assert not (tmp_path / "x.pdf").exists()


BIKE = Path(__file__).parent / "fixtures" / "site" / "bike-repair.yaml"


def test_printed_findings_spread_over_the_pages_and_across_the_last() -> None:
    """Twelve findings, seven about the service as a whole, on a four-step journey: each page
    lists the findings of its own steps, and the last one the rest across the page's width
    (listed under one step, as narrow as the step, they ran off A3)."""
    from servicespec.api import lint_file

    linted = lint_file(str(BIKE))
    assert linted.spec is not None and len(linted.diagnostics) == 12
    reader = PdfReader(io.BytesIO(paper_pdf(linted.spec, "a3", False, linted.diagnostics)))
    listed = []
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert min(size for size, _ in font_sizes(page)) >= 7 - 1e-3
        head = re.search(r"Findings \((\d+)\)", text)
        listed.append(int(head[1]) if head else 0)
    assert sum(listed) == 12 and all(listed)


def test_findings_too_many_for_the_last_page_continue_on_pages_of_their_own() -> None:
    """On A4 the bike repair's twelve findings do not fit the journey's pages at 7 pt: the
    callouts stay on the steps, the journey's last page says where the list is, and the list
    follows on pages of its own, every finding once, in order, none under 7 pt."""
    from servicespec.api import lint_file

    linted = lint_file(str(BIKE))
    assert linted.spec is not None
    pages = paper_chunks(linted.spec, "a4", False, linted.diagnostics)
    journey = [p for p, _ in pages if isinstance(p, Chunk)]
    listing = [p for p, _ in pages if isinstance(p, FindingsPage)]
    assert journey and listing and [p for p, _ in pages] == [*journey, *listing]
    assert journey[-1].stop == len(linted.spec.steps)
    numbers = [n for p in listing for n in range(p.first, p.last + 1)]
    assert numbers == list(range(1, 13)) and listing[0].header.startswith("Findings 1–")
    reader = PdfReader(io.BytesIO(paper_pdf(linted.spec, "a4", False, linted.diagnostics)))
    assert len(reader.pages) == len(pages)
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == \
            pytest.approx(PAPER["a4"], abs=0.01)
        assert min(size for size, _ in font_sizes(page)) >= 7 - 1e-3
    assert "listed on the pages after the journey" in texts[len(journey) - 1]
    assert not any("listed on the pages after" in t for t in texts[:len(journey) - 1])
    for page, text in zip(listing, texts[len(journey):], strict=True):
        assert page.header in text
        shown = [int(n) for n in re.findall(r"\b(\d+) SS\d{3}\b", text)]
        assert shown == list(range(page.first, page.last + 1))
