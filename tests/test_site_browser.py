"""The stakeholder site in a real browser: Playwright driving Debian's chromium.

Skipped, with the reason, where chromium or playwright is missing; in CI (`CI` set) a missing
browser fails instead, so the tests cannot silently stop running there. `.ci/run` installs
chromium with apt. The browser is never downloaded: Playwright launches /usr/bin/chromium
(or $SERVICESPEC_CHROMIUM).

Screenshots of the index and a service page are written to tests/artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from servicespec.api import lint_file
from servicespec.site import build_site

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"


def _service_count() -> int:
    """The example specs that are services (a library has a page of its own, no row)."""
    return sum(lint_file(str(p)).declared.kind != "Library" for p in SPECS.rglob("*.yaml"))
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("SERVICESPEC_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set SERVICESPEC_CHROMIUM)"
    return None


_REASON = _unavailable()
if _REASON and os.environ.get("CI"):
    raise RuntimeError(f"browser tests cannot run in CI: {_REASON}")
pytestmark = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site([str(SPECS)], out)
    return out


class Console:
    """Every console error and uncaught exception of a page, and every request that left
    the file system (the site must load nothing from a network)."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.remote: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.on("request", lambda r: self.remote.append(r.url)
                if not r.url.startswith(("file:", "data:", "http://127.0.0.1")) else None)


DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _page(browser: Any, viewport: dict[str, int], **options: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.console = Console(page)
    yield page
    context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from _page(browser, DESKTOP)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    yield from _page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


# the smallest text of the blueprint on screen (inside its viewport and the window), in CSS
# pixels as drawn, and how many texts were measured
SMALLEST_TEXT = """() => {
    const svg = document.querySelector('#blueprint-svg');
    const box = svg.closest('.viewport').getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    let least = Infinity, seen = 0;
    for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (!t.textContent.trim() || r.right < box.left || r.left > box.right
            || r.bottom < Math.max(box.top, 0)
            || r.top > Math.min(box.bottom, innerHeight)) continue;
        seen++;
        least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * scale);
    }
    return [least, seen]; }"""


def _pages(site: Path) -> list[str]:
    return ["index.html", *sorted(f"services/{p.name}"
                                  for p in (site / "services").glob("*.html"))]


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def _axe(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page, as `rule: element` lines."""
    from importlib import resources

    script = (resources.files("axe_playwright_python") / "axe.min.js").read_text("utf-8")
    page.evaluate(script)  # from outside the page: its CSP allows no inline script
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations']})""")
    return [f"{v['id']}: {n['target']}" for v in result["violations"] for n in v["nodes"]]


def _axe_available() -> bool:
    try:
        from importlib import resources

        return (resources.files("axe_playwright_python") / "axe.min.js").is_file()
    except ModuleNotFoundError:
        return False


def test_index_loads_without_console_errors_and_is_accessible(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    assert page.title().startswith("Service catalogue")
    assert page.locator("h1").inner_text() == "Service catalogue"
    rows = page.locator("#services tbody tr")
    assert rows.count() == _service_count()
    assert page.locator("#coverage tbody tr").count() == rows.count()
    assert page.console.errors == []
    assert page.console.remote == []
    if _axe_available():
        assert _axe(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)


def test_the_content_security_policy_refuses_inline_script(page: Any, site: Path) -> None:
    # the pages embed text from many authors: were some to slip through as markup, it could
    # not run (the site's own scripts still do: the filter and zoom tests use them)
    page.goto((site / "services" / "personal-loan.html").as_uri())
    assert page.console.errors == []
    ran = page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inline = true';
        document.head.appendChild(s);
        return window.__inline === true; }""")
    assert ran is False
    assert any("Content Security Policy" in e for e in page.console.errors)


def test_every_service_page_is_reached_by_clicking(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    names = page.locator("#services tbody th[scope=row] > a").all_inner_texts()
    assert len(names) >= 6
    # a library's page (titled by its name or its file) has no journey to draw
    libraries = {name for p in SPECS.rglob("*.yaml") if (r := lint_file(str(p))).library
                 for name in (r.library.metadata.name, p.name)}
    for name in names:
        page.locator("#services tbody th[scope=row] > a", has_text=name).first.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == name
        if name in libraries:
            page.locator("header.site-header a.home").click()
            page.wait_for_load_state("load")
            continue
        blueprint = page.locator("#blueprint-svg")
        assert blueprint.is_visible()
        box = blueprint.bounding_box()
        assert box and box["width"] > 600 and box["height"] > 150
        assert page.locator("#blueprint .viewport").evaluate(
            "v => v.scrollWidth <= v.clientWidth || getComputedStyle(v).overflowX == 'auto'")
        for view in ("journey", "offering"):
            assert page.locator(f"#{view}-svg").is_visible()
        page.locator("header.site-header a.home").click()
        page.wait_for_load_state("load")
    assert page.console.errors == []
    assert page.console.remote == []


def test_a_finding_link_jumps_to_its_spec_line(page: Any, site: Path) -> None:
    page.goto((site / "services" / "unrecovered-fail-points.html").as_uri())
    page.locator("#blueprint-heading").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "service-gap-blueprint.png"))
    source = (SPECS / "gaps" / "unrecovered-fail-points.yaml").read_text().splitlines()
    links = page.locator("a.goto-line")
    assert links.count() >= 3
    for i in (0, links.count() - 1):
        link = links.nth(i)
        line = int(re.search(r"#L(\d+)$", link.get_attribute("href"))[1])
        code = link.locator("xpath=ancestor::li").get_attribute("data-code")
        link.click()
        expect(page).to_have_url(re.compile(f"#L{line}$"))
        target = page.locator(":target")
        assert target.get_attribute("id") == f"L{line}"
        assert target.locator(".code").inner_text() == source[line - 1]
        assert target.locator(".mark", has_text=code).count() >= 1
        # the line is on screen, highlighted
        assert page.evaluate("""() => { const r = document.querySelector(':target')
                                .getBoundingClientRect();
                                return r.top >= 0 && r.bottom <= innerHeight; }""")
        background = target.evaluate("e => getComputedStyle(e).backgroundColor")
        assert background == "rgb(255, 241, 168)"  # --mark
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "service-gap-finding-line.png"))
    # and the mark on the line leads back to the finding
    page.locator(":target .mark").first.click()
    assert page.locator(":target").get_attribute("class").startswith("finding")


def test_filter_by_name_owner_and_tag(page: Any, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    visible = "#services tbody tr:not([hidden]) th[scope=row] > a"
    page.fill("#filter-text", "loan")
    assert page.locator(visible).all_inner_texts() == ["Personal loan"]
    assert page.locator("#coverage tbody tr:not([hidden])").count() == 1
    assert f"1 of {_service_count()}" in page.locator("#filter-count").inner_text()
    page.fill("#filter-text", "")
    page.select_option("#filter-tag", "gap-example")
    gaps = page.locator(visible).all_inner_texts()
    assert len(gaps) == len(list((SPECS / "gaps").glob("*.yaml")))
    page.select_option("#filter-owner", "Club Operations")
    assert page.locator(visible).all_inner_texts() == ["Gym membership (metrics mixed up)"]
    page.fill("#filter-text", "no such service")
    assert page.locator(visible).count() == 0
    assert page.locator("#no-match").is_visible()
    page.fill("#filter-text", "")
    page.select_option("#filter-owner", "")
    page.select_option("#filter-tag", "")
    assert page.locator(visible).count() == _service_count()
    assert page.console.errors == []


def _drawing_point(page: Any, x: float, y: float) -> list[float]:
    """The point of the blueprint (in its own units) at the window's (x, y)."""
    return page.evaluate("""([x, y]) => {
        const svg = document.querySelector('#blueprint-svg');
        const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM().inverse());
        return [p.x, p.y]; }""", [x, y])


def test_service_page_zooms_prints_and_is_accessible(page: Any, site: Path) -> None:
    page.goto((site / "services" / "personal-loan.html").as_uri())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "service-personal-loan.png"))
    svg = page.locator("#blueprint-svg")
    before = svg.bounding_box()["width"]
    page.locator("#blueprint button[data-zoom=in]").click()
    assert svg.bounding_box()["width"] == pytest.approx(before * 1.5, rel=0.01)
    page.locator("#blueprint button[data-zoom=fit]").click()
    viewport = page.locator("#blueprint .viewport").bounding_box()
    assert svg.bounding_box()["width"] <= viewport["width"]
    page.locator("#blueprint button[data-zoom=readable]").click()
    assert svg.bounding_box()["width"] == pytest.approx(before, rel=0.01)
    # the headline parts stakeholders look for
    assert page.locator("#offering .card.product").is_visible()
    assert page.locator("#offering .card.facilitating").is_visible()
    headers = page.locator("#metrics thead th").all_inner_texts()
    assert headers[1:3] == ["Outcome metrics", "Experience metrics"]
    assert page.locator("#blueprint-svg").get_attribute("aria-label").startswith(
        "Service blueprint of Personal loan")
    assert page.console.errors == []
    if _axe_available():
        assert _axe(page) == []
    page.locator("#blueprint button[data-zoom=in]").click()
    page.locator("#blueprint-heading").scroll_into_view_if_needed()
    page.locator("#blueprint figure").screenshot(
        path=str(ARTIFACTS / "service-personal-loan-blueprint-zoomed.png"))
    page.emulate_media(media="print")
    assert not page.locator(".zoom-controls").first.is_visible()
    assert not page.locator(".site-header").is_visible()
    # on paper the blueprint is its printed pages, not the screen's drawing shrunk
    assert not page.locator("#blueprint-svg").is_visible()
    assert page.locator("#blueprint .print-page").first.is_visible()


def test_the_blueprint_opens_readable_on_a_desktop(page: Any, site: Path) -> None:
    # at 1440 x 900 and no zooming, every text of the blueprint on screen is 11 px or more
    for name in _pages(site)[1:]:
        page.goto((site / name).as_uri())
        if not page.locator("#blueprint-svg").count():
            continue  # a spec that does not load has no drawing
        page.locator("#blueprint .viewport").scroll_into_view_if_needed()
        least, seen = page.evaluate(SMALLEST_TEXT)
        assert seen >= 10, name
        assert least >= 11, (name, least)
    page.goto((site / "services" / "hotel-stay.html").as_uri() + "#blueprint")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "blueprint-desktop.png"))
    assert page.console.errors == []


def test_zoom_follows_the_pointer(page: Any, site: Path) -> None:
    page.goto((site / "services" / "hotel-stay.html").as_uri() + "#blueprint")
    box = page.locator("#blueprint .viewport").bounding_box()
    x, y = box["x"] + box["width"] * 0.8, box["y"] + min(box["height"], 700) * 0.6
    under = _drawing_point(page, x, y)
    page.mouse.move(x, y)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    assert float(page.locator("#blueprint figure").get_attribute("data-zoom")) > 1.3
    assert _drawing_point(page, x, y) == pytest.approx(under, abs=2)
    # the buttons zoom into the middle of what is on screen, not of the whole drawing
    box = page.locator("#blueprint .viewport").bounding_box()
    top, bottom = max(box["y"], 0), min(box["y"] + box["height"], DESKTOP["height"])
    middle = (box["x"] + box["width"] / 2, (top + bottom) / 2)
    under = _drawing_point(page, *middle)
    page.locator("#blueprint button[data-zoom=in]").dispatch_event("click")  # no scrolling
    assert _drawing_point(page, *middle) == pytest.approx(under, abs=2)


def test_lane_labels_stay_in_view_after_panning(page: Any, site: Path) -> None:
    page.goto((site / "services" / "hotel-stay.html").as_uri() + "#blueprint")
    viewport = page.locator("#blueprint .viewport")
    strip = page.locator("#blueprint .lane-strip")
    assert not strip.is_visible() or strip.evaluate(
        "s => getComputedStyle(s).visibility") == "hidden"  # the drawing's own labels show
    viewport.evaluate("v => { v.scrollLeft = v.scrollWidth / 2; }")
    expect(strip).to_have_css("visibility", "visible")
    view, labels = viewport.bounding_box(), strip.bounding_box()
    assert abs(labels["x"] - view["x"]) < 20  # at the left edge of the viewport
    assert labels["width"] > 80 and labels["height"] > 200
    # and on top: what is at its middle is the strip's picture of the labels
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.lane-strip') "
                        "!== null", [labels["x"] + labels["width"] / 2,
                                     labels["y"] + min(labels["height"], 600) / 2])
    assert hit
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "blueprint-desktop-panned.png"))
    assert page.console.errors == []


def test_a_phone_reads_the_steps_as_cards_and_nothing_overflows(phone: Any, site: Path) -> None:
    for name in _pages(site):
        phone.goto((site / name).as_uri())
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (name, width)
    phone.goto((site / "services" / "hotel-stay.html").as_uri() + "#blueprint")
    spec = lint_file(str(SPECS / "hotel-stay.yaml")).spec
    cards = phone.locator("#blueprint .step-card")
    assert cards.count() == len(spec.steps)
    first = cards.first
    assert first.is_visible()
    assert first.bounding_box()["y"] < PHONE["height"]  # the reading starts on screen
    for card, step in zip(cards.all(), spec.steps, strict=True):
        assert (step.name or step.id) in card.locator("h3").inner_text()
        lanes = card.locator("dt").all_inner_texts()
        if step.customer:
            assert "CUSTOMER" in [t.upper() for t in lanes]
        assert len([t for t in lanes if t.upper().startswith("FAIL POINT")]) == len(
            step.fail_points)
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert phone.console.errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "blueprint-phone.png"))
    phone.goto((site / "index.html").as_uri())
    phone.screenshot(path=str(ARTIFACTS / "index-phone.png"), full_page=True)


def test_serve_reloads_the_open_page_after_a_spec_is_edited(page: Any,
                                                            tmp_path: Path) -> None:
    from servicespec.site.serve import SiteServer

    spec = tmp_path / "loan.yaml"
    text = (SPECS / "personal-loan.yaml").read_text()
    spec.write_text(text)
    with SiteServer([str(tmp_path)], port=0, poll_seconds=5) as server:
        page.goto(server.url + "services/loan.html")
        assert page.locator("h1").inner_text() == "Personal loan"
        assert page.locator(".live-note").is_visible()
        page.evaluate("window.__notReloaded = true")

        spec.write_text(text.replace("  name: Personal loan\n",
                                     "  name: Personal loan, edited\n", 1))
        # (no wait_for_function: it evaluates strings, which the pages' CSP refuses)
        expect(page.locator("h1")).to_have_text("Personal loan, edited", timeout=15_000)
        assert page.evaluate("window.__notReloaded === undefined")  # a real reload

        # a syntax error: the page becomes the error page, the server keeps serving
        spec.write_text(text.replace("kind: Service", "kind: [Service", 1))
        page.wait_for_selector("text=This spec does not load", timeout=15_000)
        assert page.locator(".finding.sev-error").count() >= 1
        page.locator("a.goto-line").first.click()
        assert page.locator(":target").get_attribute("id").startswith("L")

        spec.write_text(text)
        expect(page.locator("h1")).to_have_text("Personal loan", timeout=15_000)
        assert page.locator("#blueprint-svg").is_visible()
    assert page.console.errors == []


LANE_TITLES = ["Physical evidence", "Customer actions", "Frontstage", "Backstage",
               "Support processes"]
LINE_TITLES = ["LINE OF INTERACTION", "LINE OF VISIBILITY", "LINE OF INTERNAL INTERACTION"]


def _printed(browser: Any, html: Path) -> list[tuple[tuple[float, float], str, float]]:
    """The page printed by chromium as a PDF: each sheet's size in pt, its text (whitespace
    made single spaces) and its smallest text in pt on the paper."""
    import io

    from pypdf import PdfReader

    from .test_render_pages import font_sizes

    page = browser.new_page()
    page.goto(html.as_uri())
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    page.close()
    return [((float(p.mediabox.width), float(p.mediabox.height)),
             " ".join(p.extract_text().split()),
             min((size for size, _ in font_sizes(p)), default=99.0)) for p in pdf.pages]


@pytest.mark.parametrize("steps", [10, 16])
def test_the_blueprint_prints_a_chunk_a_page_on_a4_with_lane_labels_at_7_pt(
        browser: Any, site: Path, tmp_path: Path, steps: int) -> None:
    """Printed from the browser: every sheet A4 portrait; the blueprint as the chunks of
    `render --paper a4`, each on a sheet of its own with the lane labels, the three lines
    and its header, its text 7 pt or more (the screen's drawing fitted to the page would
    be 3 pt). The hotel's 10 steps, and a generated journey of 16 short steps (pages that
    would share a sheet if the stylesheet did not break them)."""
    import yaml

    from servicespec.model.spec import Spec
    from servicespec.render.pages import PAPER
    from servicespec.render.paper import paper_chunks

    from .test_render_pages import journey_data

    if steps == 10:  # its findings fit on the last page, and are printed there
        html = site / "services" / "hotel-stay.html"
        linted = lint_file(str(SPECS / "hotel-stay.yaml"))
        spec, findings = linted.spec, linted.diagnostics
    else:  # its findings panel would outgrow the last page: the pages print without it
        (tmp_path / "specs").mkdir()
        (tmp_path / "specs" / "long.yaml").write_text(
            yaml.safe_dump(journey_data(steps), sort_keys=False), "utf-8")
        build_site([str(tmp_path / "specs")], tmp_path / "site")
        html = tmp_path / "site" / "services" / "long.html"
        spec, findings = Spec.model_validate(journey_data(steps)), []
    assert spec is not None
    sheets = _printed(browser, html)
    assert all(size == pytest.approx(PAPER["a4"], abs=1) for size, _, _ in sheets)
    drawn = [(text, least) for _, text, least in sheets if "LINE OF VISIBILITY" in text]
    headers = [re.findall(rf"Steps? \d+(?:–\d+)? of {steps} · [\w, ]+?(?= |$)", text)
               for text, _ in drawn]
    assert headers == [[c.header] for c, _ in paper_chunks(spec, "a4", False, findings)]
    for text, least in drawn:
        # a sheet of its own: nothing of the page before the drawing's title
        assert text.startswith(f"{spec.metadata.name} — service blueprint"), text[:80]
        assert all(title in text for title in LANE_TITLES + LINE_TITLES), text[:200]
        assert least >= 7 - 0.05, (least, text[:80])


@pytest.fixture(scope="module")
def catalogue_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import FIXTURES

    out = tmp_path_factory.mktemp("catalogue") / "site"
    build_site([str(FIXTURES / "catalogue" / "water")], out)
    return out


def test_the_catalogue_index_tables_read_and_filter(page: Any, catalogue_site: Path) -> None:
    page.goto((catalogue_site / "index.html").as_uri())
    matrix = page.locator("table.matrix")
    assert matrix.count() == 1
    # real tables: column headers for the shared elements, a row header per service, and
    # the mark said in words to a screen reader (not colour, not a bare symbol)
    assert matrix.locator("thead th[scope=col]").count() == 10
    assert matrix.locator("tbody th[scope=row]").count() == 3
    assert matrix.locator("td.use .visually-hidden").first.inner_text() == "uses"
    assert page.locator("#reach thead th[scope=col]").all_inner_texts() == [
        "Live", "Self-service", "Automated"]
    assert page.locator("#policies td.policy-fail a").inner_text() == "fails"
    # the filter hides a service's rows in every table by service
    page.fill("#filter-text", "leak")
    for table in ("#services", "#coverage", "table.matrix", "#policies"):
        shown = page.locator(f"{table} tbody tr:not([hidden]) th[scope=row] a")
        assert shown.all_inner_texts() == ["Report a leak"], table
    page.fill("#filter-text", "")
    assert page.locator("#policies tbody tr:not([hidden])").count() == 3
    # a failing policy's link lands on its finding
    page.locator("#policies td.policy-fail a").click()
    assert page.locator(":target").get_attribute("data-code") == "RW001"
    page.go_back()
    page.locator("#libraries a", has_text="Customer contact").click()
    assert page.locator("h1").inner_text().endswith("Customer contact")
    assert page.console.errors == [] and page.console.remote == []
    if _axe_available():
        assert _axe(page) == []
        page.go_back()
        assert _axe(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "catalogue-index.png"), full_page=True)


def test_the_catalogue_index_fits_a_phone(phone: Any, catalogue_site: Path) -> None:
    for name in ("index.html", "libraries/customer-contact.html"):
        phone.goto((catalogue_site / name).as_uri())
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


# --- scenarios as tabs ----------------------------------------------------------------------

SCENARIOS_SPEC = ROOT / "tests" / "fixtures" / "site" / "bike-repair.yaml"
SCENARIO_PANELS = ["blueprint", "scenario-walk-in-repair", "scenario-frame-cracked"]


@pytest.fixture(scope="module")
def scenario_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The service page of a spec with a variant and an exception."""
    out = tmp_path_factory.mktemp("scenarios") / "site"
    build_site([str(SCENARIOS_SPEC)], out)
    return out / "services" / "bike-repair.html"


def _shown(page: Any) -> list[str]:
    """The ids of the panels on screen (not hidden), in page order."""
    return page.evaluate("""() => [...document.querySelectorAll('[role=tabpanel]')]
        .filter(p => p.offsetParent !== null).map(p => p.id)""")


def _selected(page: Any) -> str:
    return page.locator("[role=tab][aria-selected=true]").get_attribute("aria-controls")


def _until_shown(page: Any, panel: str) -> None:
    """Wait until `panel` is the tab selected and the one panel on screen: after a link is
    followed or the address changes, the page switches on `hashchange`, which the browser
    fires after the click or navigation has returned (on a loaded machine, later)."""
    expect(page.locator("[role=tab][aria-selected=true]")).to_have_attribute(
        "aria-controls", panel)
    expect(page.locator(f"#{panel}")).to_be_visible()
    assert _shown(page) == [panel]


def test_scenario_tabs_switch_by_click_and_arrow_keys(page: Any, scenario_page: Path) -> None:
    page.goto(scenario_page.as_uri())
    tabs = page.locator("[role=tablist] [role=tab]")
    assert [" ".join(t.split()) for t in tabs.all_inner_texts()] == [
        "Main journey", "Walk-in without booking VARIANT", "Cracked frame found EXCEPTION"]
    assert _shown(page) == ["blueprint"] and _selected(page) == "blueprint"
    # one tab in the Tab order: the selected one
    assert [t.get_attribute("tabindex") for t in tabs.all()] == ["0", "-1", "-1"]
    tabs.nth(2).click()
    assert _shown(page) == ["scenario-frame-cracked"]
    assert _selected(page) == "scenario-frame-cracked"
    assert [t.get_attribute("tabindex") for t in tabs.all()] == ["-1", "-1", "0"]
    # the scenario's blueprint, sized once shown: readable like the main one
    svg = page.locator("#scenario-frame-cracked-svg")
    assert svg.is_visible() and svg.bounding_box()["width"] > 300
    assert "Hear the frame is unsafe" in svg.text_content()
    page.locator("#scenario-frame-cracked .viewport").scroll_into_view_if_needed()
    least, seen = page.evaluate(SMALLEST_TEXT.replace("#blueprint-svg",
                                                      "#scenario-frame-cracked-svg"))
    assert seen >= 5 and least >= 11, (least, seen)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("[role=tablist]").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "scenario-tabs-desktop.png"))
    # the keys of the WAI-ARIA tabs pattern: focus and selection move together, round the ends
    tabs.nth(2).focus()
    for key, expected in (("ArrowRight", 0), ("ArrowRight", 1), ("ArrowLeft", 0),
                          ("ArrowLeft", 2), ("Home", 0), ("End", 2)):
        page.keyboard.press(key)
        assert _selected(page) == SCENARIO_PANELS[expected], key
        assert _shown(page) == [SCENARIO_PANELS[expected]], key
        assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == \
            SCENARIO_PANELS[expected]
    # where the scenario starts, linked to the main journey's step: its tab and card open
    page.locator("#scenario-frame-cracked .scenario-route a", has_text="Repair the bike").click()
    _until_shown(page, "blueprint")
    card = page.locator("#step-3")
    assert card.is_visible() and "Repair the bike" in card.inner_text()
    # on paper: the main journey only, whichever tab is selected
    tabs.nth(1).click()
    page.emulate_media(media="print")
    assert _shown(page) == ["blueprint"]
    assert not page.locator("[role=tablist]").is_visible()
    page.emulate_media(media="screen")
    assert page.console.errors == []
    if _axe_available():  # (axe's own requests of the styles fail from file://: last)
        assert _axe(page) == []


def test_an_address_into_a_scenario_opens_its_tab(page: Any, scenario_page: Path) -> None:
    page.goto(scenario_page.as_uri() + "#scenario-walk-in-repair")
    _until_shown(page, "scenario-walk-in-repair")
    page.goto(scenario_page.as_uri() + "#scenario-frame-cracked-step-2")
    _until_shown(page, "scenario-frame-cracked")
    assert page.locator("#scenario-frame-cracked-step-2").is_visible()  # its list opened
    # an address elsewhere on the page (a finding) leaves the tab shown as it is
    page.goto(scenario_page.as_uri() + "#findings")
    assert _shown(page) == ["scenario-frame-cracked"]
    page.reload()  # opened there: the main journey
    assert _shown(page) == ["blueprint"]
    page.goto(scenario_page.as_uri() + "#%E2%80")  # not an id, nor valid percent-encoding
    assert page.console.errors == []


def test_without_script_the_journeys_are_stacked(browser: Any, scenario_page: Path) -> None:
    for page in _page(browser, DESKTOP, java_script_enabled=False):
        page.goto(scenario_page.as_uri())
        assert _shown(page) == SCENARIO_PANELS
        assert page.locator("#scenario-frame-cracked-svg").is_visible()
        page.locator("[role=tab]", has_text="Cracked frame found").click()
        expect(page).to_have_url(re.compile("#scenario-frame-cracked$"))


def test_a_phone_reads_each_scenario_as_cards(phone: Any, scenario_page: Path,
                                              site: Path) -> None:
    spec = lint_file(str(SCENARIOS_SPEC)).spec
    assert spec is not None
    phone.goto(scenario_page.as_uri())
    for n, sc in enumerate(spec.blueprint.scenarios, start=1):
        phone.locator("[role=tab]").nth(n).click()
        anchor = SCENARIO_PANELS[n]
        cards = phone.locator(f"#{anchor} .step-card")
        assert [c.locator("h3").inner_text() for c in cards.all()] == [
            f"STEP {i} · {st.phase.upper()}\n{st.name}" for i, st in enumerate(sc.steps, 1)]
        assert cards.first.is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for card in cards.all():
            box = card.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    phone.locator("[role=tablist]").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "scenario-tabs-phone.png"))
    # and the examples' scenarios: no tab widens the page
    phone.goto((site / "services" / "hotel-stay.html").as_uri())
    for tab in phone.locator("[role=tab]").all():
        tab.click()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.console.errors == []
