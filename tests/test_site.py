"""The stakeholder site without a browser: the data it shows, safe SVG, escaping, the folder
swap, the CLI, and the preview server's rebuild and reload endpoint."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from servicespec.api import lint_file
from servicespec.cli import cli
from servicespec.config import Config
from servicespec.site import build_files, build_site
from servicespec.site.build import MARKER, SiteError, collect, write_site
from servicespec.site.data import (
    coverage,
    fail_point_rows,
    finding_rows,
    health,
    metric_rows,
    pretty_target,
    service_data,
    source_lines,
    step_cards,
)

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GAP = SPECS / "gaps" / "unrecovered-fail-points.yaml"
METRICS_GAP = SPECS / "gaps" / "metrics-mixed-up.yaml"

BROKEN = "apiVersion: servicespec/v1\nkind: Service\nmetadata: {id: broken, name: [unclosed\n"


def _spec(path: Path):
    result = lint_file(str(path), Config())
    assert result.spec is not None
    return result


# --- data ---------------------------------------------------------------------------------

def test_coverage_of_a_gap_spec_counts_what_the_spec_says():
    spec = _spec(GAP).spec
    cov = coverage(spec)
    fail_points = [fp for s in spec.steps for fp in s.fail_points]
    covers = {c for r in spec.recovery for c in r.covers}
    recovered = [fp for s in spec.steps for fp in s.fail_points
                 if fp.id in covers or s.id in covers]
    assert (cov.fail_points_recovered.done, cov.fail_points_recovered.total) == (
        len(recovered), len(fail_points))
    # the gap spec leaves `engineer-no-show` without recovery: one short of all
    assert cov.fail_points_recovered.done == cov.fail_points_recovered.total - 1
    assert cov.fail_points_recovered.status == "partial"
    assert [p.phase for p in cov.phases] == ["before", "during", "after"]
    for p in cov.phases:
        assert p.steps == sum(1 for s in spec.steps if s.phase == p.phase)
        assert p.facilitating == sum(1 for f in spec.facilitating if p.phase in f.phases)
    modes = {m.mode: m.count for m in cov.modes}
    assert sum(modes.values()) == len(spec.channels)
    assert modes["live"] == sum(1 for c in spec.channels if c.mode == "live")


def test_the_site_marks_a_fail_point_recovered_exactly_when_ss402_does_not_fire(tmp_path):
    # `slow-speed` twice (SS005), the second in a step no recovery covers: the first is covered
    # through its step `go-live`, the second is not, whatever its id
    text = GAP.read_text(encoding="utf-8").replace("engineer-no-show", "slow-speed").replace(
        "covers: [slow-speed]", "covers: [go-live]")
    spec_file = tmp_path / "twice.yaml"
    spec_file.write_text(text, encoding="utf-8")
    result = _spec(spec_file)
    rows = fail_point_rows(result.spec)
    twins = [(r.step, r.recovered) for r in rows if r.id == "slow-speed"]
    assert twins == [("Engineer installs the line", False), ("Go live", True)]
    flagged = [d.element for d in result.diagnostics if d.code == "SS402"]
    assert flagged == ["blueprint.steps[engineer-visit].fail_points[slow-speed]"]
    cov = coverage(result.spec).fail_points_recovered
    assert cov.done == sum(r.recovered for r in rows) == len(rows) - 1


def test_facilitating_measured_counts_experience_metrics_only():
    spec = _spec(METRICS_GAP).spec
    cov = coverage(spec)
    measured = {m.measures for m in spec.metrics if m.kind == "experience"}
    expected = sum(1 for f in spec.facilitating if f.id in measured)
    assert cov.facilitating_measured.done == expected
    assert cov.facilitating_measured.total == len(spec.facilitating)
    assert expected < len(spec.facilitating)  # the gap the spec demonstrates


def test_metric_rows_put_each_kind_in_its_column_product_first():
    spec = _spec(SPECS / "hotel-stay.yaml").spec
    rows = metric_rows(spec)
    assert rows[0].subject == spec.product.id
    assert rows[0].outcome and not rows[0].experience
    by_id = {m.id: m for m in spec.metrics}
    seen = set()
    for row in rows:
        for kind in ("outcome", "experience", "relationship"):
            for cell in getattr(row, kind):
                assert by_id[cell.id].kind == kind
                assert by_id[cell.id].measures == row.subject
                seen.add(cell.id)
    assert seen == set(by_id)  # every metric shown once
    nps = next(c for r in rows for c in r.relationship if c.type == "nps")
    assert nps.target == "≥ 50"


def test_pretty_target():
    assert pretty_target(">= 4.5") == "≥ 4.5"
    assert pretty_target("<=2d") == "≤ 2d"
    assert pretty_target("< 1%") == "< 1%"
    assert pretty_target("== 100%") == "= 100%"


def test_health_counts_by_group_and_findings_link_to_lines():
    result = _spec(GAP)
    h = health(result.diagnostics)
    assert h.errors == sum(1 for d in result.diagnostics if d.severity.value == "error")
    assert h.warnings == sum(1 for d in result.diagnostics if d.severity.value == "warning")
    assert {g.group for g in h.groups} == {d.code[:3] for d in result.diagnostics}
    assert sum(g.errors + g.warnings + g.infos for g in h.groups) == len(result.diagnostics)
    rows = finding_rows(result.diagnostics)
    assert [r.severity for r in rows] == sorted((r.severity for r in rows),
                                                key=["error", "warning", "info"].index)
    assert len({r.anchor for r in rows}) == len(rows)
    lines = source_lines(GAP.read_text(), rows)
    for row in rows:
        line = lines[row.line - 1]
        assert line.number == row.line
        assert row.anchor in [a for a, _ in line.findings]


def test_a_spec_that_does_not_load_still_has_a_page():
    data = service_data(None, [], "specs/x.yaml", BROKEN, "x")
    assert not data.loads and data.coverage is None
    assert [line.text for line in data.source][-1].startswith("metadata:")


# --- safe SVG -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_site():
    services, files = build_files([str(SPECS)])
    return services, files


SPECS_BY_SLUG = {p.stem: p for p in SPECS.rglob("*.yaml")}


def test_example_site_has_a_page_per_spec_and_a_drawing_per_view(example_site):
    services, files = example_site
    specs = sorted(SPECS.rglob("*.yaml"))
    libraries = [p for p in specs if lint_file(str(p)).declared.kind == "Library"]
    assert libraries  # the council's contact centre
    # a library gets a page of its own, never a service's
    assert len(services) == len(specs) - len(libraries)
    index = files["index.html"].decode()
    for library in libraries:
        assert f"libraries/{library.stem}.html" in files
        assert f'href="libraries/{library.stem}.html"' in index
    for s in services:
        page = files[f"services/{s.slug}.html"].decode()
        assert f'href="services/{s.slug}.html"' in index
        # the blueprint inline, the other views as images of their files: each drawing is
        # stored once in the page
        # and each scenario's blueprint in its tab
        scenarios = lint_file(str(SPECS_BY_SLUG[s.slug])).spec.blueprint.scenarios
        assert page.count("<svg") == 1 + len(scenarios)
        for view in ("blueprint", "journey", "offering"):
            assert f'id="{view}-svg"' in page
            assert f"services/{s.slug}-{view}.svg" in files
        for view in ("journey", "offering"):
            assert f'<img id="{view}-svg" class="drawing-image" src="{s.slug}-{view}.svg"' in page
        # the steps as cards, in order, with their lanes
        spec = lint_file(str(SPECS_BY_SLUG[s.slug])).spec
        cards = re.findall(r'<li class="step-card[^"]*" id="step-(\d+)">\s*<h3><span '
                           r'class="step-number">[^<]*</span> ([^<]*)</h3>', page)
        assert cards == [(str(n), html.escape(step.name or step.id, quote=False))
                         for n, step in enumerate(spec.steps, start=1)]
        assert "<?xml" not in page and "<!DOCTYPE svg" not in page
        # every finding links to a line that exists in the listing
        for line in re.findall(r'class="goto-line" href="#L(\d+)"', page):
            assert f'id="L{line}"' in page
    assert set(f for f in files if f.startswith("static/")) >= {
        "static/site.css", "static/site.js", "static/reload.js"}


def test_a_drawing_opened_full_size_is_shown_at_its_size(example_site):
    """Each drawing's file has a width and height in the viewBox's proportion: without a
    height a browser shrinks the drawing into the window's height, too small to read."""
    _, files = example_site
    drawings = [name for name in files if name.endswith(".svg") and name.startswith("services/")]
    assert len(drawings) > 20
    for name in drawings:
        root = ET.fromstring(files[name])
        _, _, view_w, view_h = (float(v) for v in root.get("viewBox", "").split())
        width, height = float(root.get("width", 0)), float(root.get("height", 0))
        assert width == round(view_w * 4 / 3) and abs(height / width - view_h / view_w) < 0.01


def test_pages_load_nothing_from_the_network(example_site):
    _, files = example_site
    for name, data in files.items():
        if name.endswith((".html", ".css", ".js")):
            text = data.decode()
            assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), name
            assert "@import" not in text and "fetch(\"http" not in text


def test_the_static_site_has_no_live_reload(example_site):
    _, files = example_site
    assert all(b"reload.js\"" not in data and b"data-build" not in data
               for name, data in files.items() if name.endswith(".html"))


def test_building_twice_gives_the_same_bytes(example_site):
    _, files = example_site
    _, again = build_files([str(SPECS)])
    assert again == files


def test_spec_text_is_escaped_everywhere(tmp_path):
    text = (GAP.read_text()
            .replace("name: Fibre broadband installation (unrecovered fail points)",
                     "name: \"<script>alert('name')</script>\"")
            .replace("owner: Home Broadband Operations",
                     "owner: '\"><img src=x onerror=alert(1)>'")
            .replace("tags: [gap-example, broadband, installation]",
                     "tags: [\"</textarea><svg onload=alert(1)>\"]"))
    spec = tmp_path / "evil.yaml"
    spec.write_text(text)
    _services, files = build_files([str(spec)])
    for name, data in files.items():
        if name.endswith((".html", ".svg")):
            page = data.decode()
            assert "<script>alert" not in page, name
            assert "<img src=x" not in page, name
            assert "<svg onload" not in page, name
            assert "onerror=alert" not in page or "&lt;img" in page, name
    page = files["services/evil.html"].decode()
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in page


def test_a_broken_spec_is_listed_and_gets_an_error_page(tmp_path):
    shutil.copy(GAP, tmp_path / "good.yaml")
    (tmp_path / "broken.yaml").write_text(BROKEN)
    services, files = build_files([str(tmp_path)])
    broken = next(s for s in services if s.slug == "broken")
    assert not broken.loads and broken.health.errors
    page = files["services/broken.html"].decode()
    assert "This spec does not load" in page
    assert "<svg" not in page
    line = broken.findings[0].line
    assert f'href="#L{line}"' in page and f'id="L{line}"' in page
    assert "does not load" in files["index.html"].decode()


def test_pages_are_named_after_files_and_never_clash(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(GAP, tmp_path / "a" / "loan.yaml")
    shutil.copy(METRICS_GAP, tmp_path / "b" / "loan.yaml")
    services = collect([str(tmp_path)])
    assert len({s.slug for s in services}) == 2


# --- writing the folder -------------------------------------------------------------------

def test_build_site_replaces_an_earlier_site_whole(tmp_path):
    out = tmp_path / "site"
    build_site([str(GAP)], out)
    assert (out / MARKER).is_file()
    (out / "services" / "stale.html").write_text("old")
    build_site([str(METRICS_GAP)], out)
    names = sorted(p.name for p in (out / "services").iterdir())
    assert names == sorted(["metrics-mixed-up.html", "metrics-mixed-up-blueprint.svg",
                            "metrics-mixed-up-journey.svg", "metrics-mixed-up-offering.svg",
                            *[f"metrics-mixed-up-print-{n}.svg" for n in (1, 2, 3)]])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary left
    assert oct((out / "index.html").stat().st_mode & 0o444) == oct(0o444)


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    with pytest.raises(SiteError, match="not a servicespec site"):
        write_site({"index.html": b"x"}, out)
    assert (out / "precious.txt").read_text() == "keep me"


def test_no_spec_is_an_error(tmp_path):
    with pytest.raises(SiteError, match="no spec found"):
        build_files([str(tmp_path)])


# --- CLI ----------------------------------------------------------------------------------

def test_cli_site_writes_the_site(tmp_path):
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["site", str(GAP), str(METRICS_GAP), "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 service page(s)" in result.output
    assert (out / "index.html").is_file()
    assert (out / "services" / "unrecovered-fail-points.html").is_file()


def test_step_cards_name_v11_touchpoint_lists_systems_and_labelled_branches():
    spec = _spec(ROOT / "tests" / "fixtures" / "v1.1" / "library-loan.yaml").spec
    first, second, third = step_cards(spec)[:3]
    assert "Library management system: Serves availability" in first.support
    assert "Reserve a copy · the copy is at another branch" in first.next
    assert third.touchpoint.count(", ") == len(spec.steps[2].touchpoint) - 1 > 0
    assert "," not in second.touchpoint


def test_suppressed_findings_are_shown_with_their_reasons_not_as_clean(tmp_path):
    quiet = ROOT / "tests" / "fixtures" / "rules" / "SS008" / "good-used.yaml"
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["site", str(quiet), "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (out / "services" / "good-used.html").read_text(encoding="utf-8")
    assert "found no design gap" not in page and "no findings" not in page
    assert "4 suppressed" in page and "Suppressed (4)" in page
    assert "Suppressed because: the queue screen is being replaced" in page
    assert page.count('class="finding suppressed-finding"') == 4
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "4 suppressed" in index and "no findings" not in index


def test_findings_say_why_they_matter_to_customers_beside_the_message(tmp_path):
    from servicespec.rules import ALL_RULES

    out = tmp_path / "site"
    CliRunner().invoke(cli, ["site", str(GAP), "-o", str(out)], catch_exceptions=False)
    page = (out / "services" / "unrecovered-fail-points.html").read_text(encoding="utf-8")
    items = re.findall(r'<li id="finding-[^"]*"[^>]*data-code="(SS\d+)">(.*?)</li>', page, re.S)
    assert items
    for code, item in items:
        impact = ALL_RULES[code].impact.replace("'", "&#39;")
        assert re.search(rf'<p class="impact">{re.escape(impact)}</p>\s*<p class="message">',
                         item), code



    (tmp_path / "x.txt").write_text("x")
    result = CliRunner().invoke(cli, ["site", str(GAP), "-o", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert "not a servicespec site" in result.output


# --- serve --------------------------------------------------------------------------------

def _get(url: str, host: str | None = None, timeout: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _until_built(server, predicate, timeout: float = 60.0) -> None:
    """Wait until a build makes `predicate` true: woken by each new build, no polling."""
    deadline = time.monotonic() + timeout
    seen = server.state.build_id
    while not predicate():
        left = deadline - time.monotonic()
        assert left > 0, "no build made it true"
        seen = server.state.wait_for_change(seen, left)


def test_serve_rebuilds_on_save_and_survives_a_broken_spec(tmp_path, monkeypatch):
    from servicespec.site.serve import SiteServer

    spec = tmp_path / "fibre.yaml"
    good = GAP.read_text()
    spec.write_text(good)
    builds: list[str] = []
    with SiteServer([str(tmp_path)], port=0, on_build=builds.append,
                    poll_seconds=60) as server:
        assert server.url.startswith("http://127.0.0.1:")
        status, body = _get(server.url + "services/fibre.html")
        assert status == 200 and b'data-build="000000000001"' in body and b"reload.js" in body
        assert _get(server.url, host="attacker.example:80")[0] == 403
        assert _get(server.url + "services/gone.html")[0] == 404

        # a long poll that is waiting is answered by the next build
        answers: list[dict] = []
        polling = threading.Event()
        wait_for_change = server.state.wait_for_change
        monkeypatch.setattr(server.state, "wait_for_change", lambda seen, timeout: (
            polling.set(), wait_for_change(seen, timeout))[1])
        poller = threading.Thread(target=lambda: answers.append(
            json.loads(_get(server.url + "__reload?build=1", timeout=60)[1])))
        poller.start()
        assert polling.wait(timeout=60)
        spec.write_text(good.replace("name: Fibre broadband installation (unrecovered fail "
                                     "points)", "name: Fibre, edited"))
        poller.join(timeout=60)
        assert answers and answers[0]["build"] != "1"
        page = server.url + "services/fibre.html"
        _until_built(server, lambda: b"Fibre, edited" in _get(page)[1])

        spec.write_text(BROKEN)
        _until_built(server, lambda: b"This spec does not load" in _get(page)[1])
        assert any("1 error" in b for b in builds)  # announced before it was served

        spec.write_text(good)
        _until_built(server, lambda: b"<svg" in _get(page)[1])
    assert not server.state.root.exists()  # the builds are cleaned up


def test_serve_shows_an_error_page_when_the_build_fails(tmp_path, monkeypatch):
    from servicespec.site import serve

    spec = tmp_path / "fibre.yaml"
    shutil.copy(GAP, spec)
    calls = {"n": 0}
    real = serve.write_pages

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the renderer fell over")
        return real(*args, **kwargs)

    monkeypatch.setattr(serve, "write_pages", flaky)
    with serve.SiteServer([str(spec)], port=0, poll_seconds=2) as server:
        assert _get(server.url)[0] == 200
        server.state.rebuild()
        status, body = _get(server.url + "services/fibre.html")
        assert status == 500 and b"the renderer fell over" in body
        server.state.rebuild()
        assert _get(server.url + "services/fibre.html")[0] == 200


def test_a_rebuild_uses_the_configuration_as_saved(tmp_path):
    # what the watcher does on a save, called directly: no thread, nothing to wait for
    from servicespec.site.serve import SiteState

    shutil.copy(GAP, tmp_path / "fibre.yaml")
    builds: list[str] = []
    state = SiteState([str(tmp_path)], on_build=builds.append)
    try:
        state.rebuild()
        assert not re.search(r"\b0 warning", builds[-1]), builds[-1]
        (tmp_path / "servicespec.toml").write_text('select = ["SS0"]\n')
        state.rebuild()
        assert builds[-1].endswith("0 error(s), 0 warning(s)"), builds[-1]
        page = (state.folder / "services" / "fibre.html").read_text()
        assert 'xlink:title="SS402' not in page  # no badge left on the drawing
    finally:
        state.close()


def test_a_rebuild_writes_only_the_pages_of_saved_specs(tmp_path):
    # what the watcher does on a save, called directly: no watcher thread to race with
    from servicespec.site.serve import SiteHTTPServer, SiteState

    shutil.copy(GAP, tmp_path / "fibre.yaml")
    shutil.copy(SPECS / "hotel-stay.yaml", tmp_path / "hotel.yaml")
    state = SiteState([str(tmp_path)])
    httpd = SiteHTTPServer(state, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        state.rebuild()
        first = state.folder
        (tmp_path / "fibre.yaml").write_text(GAP.read_text().replace(
            "Fibre broadband installation", "Fibre installation, edited", 1))
        state.rebuild()
        second = state.folder
        assert first.exists() and second != first

        def same(rel: str) -> bool:
            return os.stat(first / rel).st_ino == os.stat(second / rel).st_ino

        # the unchanged spec's page and drawings are the same files (linked), the saved
        # one's are new, and the index shows the new name
        hotel = next(p for p in state.pages if p.slug == "hotel")
        # the page, three views, 6 printed pages and the blueprints of its 2 scenarios
        assert len(hotel.files) == 4 + 6 + 2 and all(same(rel) for rel in hotel.files)
        assert not same("services/fibre.html")
        assert b"Fibre installation, edited" in (second / "services/fibre.html").read_bytes()
        assert b"Fibre installation, edited" in (second / "index.html").read_bytes()
        # a linked page still carries the current build's number as it is sent
        url = f"http://127.0.0.1:{httpd.server_address[1]}/services/hotel.html"
        status, body = _get(url)
        assert state.build_id == "000000000002"
        assert status == 200 and b'data-build="000000000002"' in body
    finally:
        httpd.shutdown()
        httpd.server_close()
        state.close()


def test_a_rebuild_reads_the_config_option_file_again(tmp_path):
    from servicespec.site.serve import SiteServer, SiteState, change_filter

    spec = tmp_path / "specs" / "fibre.yaml"
    spec.parent.mkdir()
    shutil.copy(GAP, spec)
    config = tmp_path / "ci.toml"
    config.write_text('select = ["SS0"]\n')
    builds: list[str] = []
    state = SiteState([str(spec.parent)], config_file=str(config), on_build=builds.append)
    try:
        state.rebuild()
        assert builds[-1].endswith("0 error(s), 0 warning(s)"), builds[-1]
        config.write_text('select = ["ALL"]\n')
        state.rebuild()
        assert not builds[-1].endswith("0 error(s), 0 warning(s)"), builds[-1]
        config.write_text('select = [\n')
        state.rebuild()
        assert "invalid TOML" in state.error
    finally:
        state.close()
    server = SiteServer([str(spec.parent)], port=0, config_file=str(config))
    try:  # the watcher rebuilds when that file is saved
        assert change_filter(server.watched)(None, str(config))
    finally:
        server.stop()


def test_serve_as_a_real_process(tmp_path):
    shutil.copy(GAP, tmp_path / "fibre.yaml")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "servicespec", "serve", str(tmp_path),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    try:
        url = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and url is None:
            line = proc.stdout.readline()
            if not line:
                break
            match = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
            url = match[1] if match else None
        assert url, "the server did not say where it listens"
        status, body = _get(url)
        assert status == 200 and b"Fibre broadband installation" in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_the_watcher_rebuilds_for_specs_and_configuration_only(tmp_path):
    from servicespec.site.serve import change_filter, watched_roots

    folder = tmp_path / "specs"
    folder.mkdir()
    single = tmp_path / "other" / "one.yaml"
    single.parent.mkdir()
    single.write_text("x")
    wanted = change_filter([str(folder), str(single)])
    assert watched_roots([str(folder), str(single)]) == sorted([str(folder),
                                                                str(single.parent)])
    assert wanted(None, str(folder / "loan.yaml"))
    assert wanted(None, str(folder / "deep" / "loan.json"))
    assert wanted(None, str(single))
    assert wanted(None, str(tmp_path / "servicespec.toml"))
    assert not wanted(None, str(folder / "notes.md"))
    assert not wanted(None, str(folder / ".loan.yaml.swp"))
    assert not wanted(None, str(single.parent / "sibling.yaml"))  # not asked for


def test_tags_reach_the_filter_whole_whatever_they_hold(tmp_path):
    tags = ["a|b", "it's", "</tr>"]
    spec = tmp_path / "tags.yaml"
    spec.write_text(GAP.read_text(encoding="utf-8").replace(
        "tags: [gap-example, broadband, installation]", f"tags: {json.dumps(tags)}"))
    _, files = build_files([str(spec)])
    index = files["index.html"].decode()
    attributes = re.findall(r"data-tags='([^']*)'", index)
    assert attributes and all(json.loads(a) == tags for a in attributes)


# --- scenarios as tabs ----------------------------------------------------------------------

SCENARIOS_SPEC = ROOT / "tests" / "fixtures" / "site" / "bike-repair.yaml"


def _tabs(page: str) -> list[tuple[str, str, str]]:
    """(id, panel id, name) of each tab, in order; the name as a screen reader reads it."""
    found = re.findall(r'<a class="journey-tab[^"]*" role="tab" id="([^"]+)" href="#([^"]+)" '
                       r'aria-controls="\2" aria-selected="(?:true|false)">(.*?)</a>', page)
    return [(tab, panel, " ".join(html.unescape(re.sub(r"<[^>]+>", " ", name)).split()))
            for tab, panel, name in found]


def _panel(page: str, anchor: str) -> str:
    """The markup of the tab panel `anchor` (a section: panels do not nest)."""
    start = page.index(f'<section id="{anchor}"')
    return page[start:page.index("</section>", start)]


def test_a_service_with_scenarios_shows_them_as_tabs(tmp_path):
    spec = _spec(SCENARIOS_SPEC).spec
    _services, files = build_files([str(SCENARIOS_SPEC)])
    page = files["services/bike-repair.html"].decode()
    assert page.count('role="tablist"') == 1
    assert _tabs(page) == [
        ("tab-blueprint", "blueprint", "Main journey"),
        ("tab-scenario-walk-in-repair", "scenario-walk-in-repair",
         "Walk-in without booking variant"),
        ("tab-scenario-frame-cracked", "scenario-frame-cracked",
         "Cracked frame found exception")]
    assert '<section id="blueprint" class="drawing-section" aria-labelledby="blueprint-heading" ' \
           'role="tabpanel">' in page
    main_names = [s.name for s in spec.steps]
    for sc, anchor in zip(spec.blueprint.scenarios, ("scenario-walk-in-repair",
                                                     "scenario-frame-cracked"), strict=True):
        panel = _panel(page, anchor)
        assert 'role="tabpanel"' in panel.split(">", 1)[0]
        # its blueprint, inline once, naming its own steps and none of the main journey's
        # but where it starts and rejoins
        assert panel.count("<svg") == 1 and f'id="{anchor}-svg"' in panel
        drawing = panel[panel.index("<svg"):panel.index("</svg>")]
        texts = html.unescape(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", drawing)))
        for step in sc.steps:
            assert step.name.split()[0] in texts and step.name in " ".join(texts.split()), \
                step.name
        assert "Drop the bike off" not in html.unescape(drawing)
        # its steps as cards, with anchors of their own
        cards = re.findall(rf'<li class="step-card[^"]*" id="{anchor}-step-(\d+)">\s*<h3><span '
                           r'class="step-number">[^<]*</span> ([^<]*)</h3>', panel)
        assert cards == [(str(n), html.escape(st.name, quote=False))
                         for n, st in enumerate(sc.steps, start=1)]
        assert f"services/bike-repair-{anchor}.svg" in files
    # where each leaves and rejoins the main journey, linked to the main journey's cards
    walk_in = _panel(page, "scenario-walk-in-repair")
    cracked = _panel(page, "scenario-frame-cracked")
    assert "no step of the main journey: it starts on its own" in walk_in
    assert (f'the main journey at <a href="#step-4">step 4, “{main_names[3]}”</a>'
            in walk_in)
    assert f'<a href="#step-3">step 3, “{main_names[2]}”</a> of the main journey' in cracked
    assert "no: it ends on its own" in cracked
    assert 'id="step-3"' in page and 'id="step-4"' in page
    # a finding about a scenario's step is drawn on the scenario's picture, not the main one
    assert "SS306" in cracked[cracked.index("<svg"):]
    main = _panel(page, "blueprint")
    assert "Hear the frame is unsafe" not in main
    # three drawings inline in all: no blueprint twice
    assert page.count("<svg") == 3


def test_a_service_without_scenarios_has_no_tabs(example_site):
    _services, files = example_site
    plain = [p for p in SPECS.rglob("*.yaml")
             if (spec := lint_file(str(p)).spec) is not None and not spec.blueprint.scenarios]
    assert len(plain) >= 5
    for p in plain:
        page = files[f"services/{p.stem}.html"].decode()
        for mark in ('role="tablist"', 'role="tab"', 'role="tabpanel"', "journey-tab",
                     "scenario-"):
            assert mark not in page, (p.stem, mark)


def test_every_example_with_scenarios_has_a_tab_for_each(example_site):
    _services, files = example_site
    with_scenarios = [p for p in SPECS.rglob("*.yaml")
                      if "scenarios:" in p.read_text(encoding="utf-8")]
    assert len(with_scenarios) >= 5
    for path in with_scenarios:
        spec = _spec(path).spec
        page = files[f"services/{path.stem}.html"].decode()
        assert [name for _, _, name in _tabs(page)] == ["Main journey"] + [
            f"{sc.name or sc.id} {sc.kind}" for sc in spec.blueprint.scenarios], path
        for _, anchor, _ in _tabs(page)[1:]:
            assert f'id="{anchor}-svg"' in _panel(page, anchor), (path, anchor)


def test_a_scenario_is_named_as_written_escaped_and_never_said_to_start_on_its_own(tmp_path):
    # a `from` that is not a step of the main journey (SS006) is named, not read as absent;
    # a name with markup is text; a scenario without steps still gets its tab
    text = (SCENARIOS_SPEC.read_text(encoding="utf-8")
            .replace("from: repair-bike", "from: no-such-step")
            .replace("name: Walk-in without booking", 'name: "<script>alert(1)</script> walk-in"')
            .replace("    - id: frame-cracked\n", "    - {id: no-steps, kind: exception, "
                     "trigger: Nothing yet, steps: []}\n    - id: frame-cracked\n"))
    (tmp_path / "odd.yaml").write_text(text, encoding="utf-8")
    _services, files = build_files([str(tmp_path / "odd.yaml")])
    page = files["services/odd.html"].decode()
    assert [name for _, _, name in _tabs(page)] == [
        "Main journey", "<script>alert(1)</script> walk-in variant", "no-steps exception",
        "Cracked frame found exception"]
    assert "<script>alert(1)" not in page
    cracked = _panel(page, "scenario-frame-cracked")
    assert "step “no-such-step”, which the main journey does not have" in cracked
    assert "on its own" not in cracked.split("<dt>Rejoins</dt>")[0]
    # the file error stops every drawing, the scenarios' too: said in each panel
    assert "The drawing waits for the file errors" in _panel(page, "scenario-no-steps")
    assert "<svg" not in page


def test_the_site_is_drawn_without_graphviz() -> None:
    """Every drawing of the site is written by `render.svg`: a build never loads Graphviz."""
    code = ("import sys; from servicespec.site import build_files; "
            f"build_files([{str(SPECS)!r}]); print('pygraphviz' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "False"
