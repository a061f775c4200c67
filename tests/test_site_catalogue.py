"""The site of a catalogue: library pages, who uses which shared element, coverage by phase and
channel mode, policy results by service; the same findings as `lint`; `serve` rebuilding the
users of an edited library and nothing else; `serve`'s folders after a SIGKILL.

The catalogue is Riverside Water (tests/fixtures/catalogue/water): a library of shared
channels, roles, systems and a regulation, three services using it, and a configuration with
two policies, one of which `move-home`'s office-hours phone line fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import get_args

import pytest
from click.testing import CliRunner

from servicespec.api import lint_file
from servicespec.cli import cli
from servicespec.model.spec import ChannelMode, Phase
from servicespec.site import SiteError, build_files
from servicespec.site.data import reach

from .conftest import FIXTURES

WATER = FIXTURES / "catalogue" / "water"
GAP = Path(__file__).resolve().parent.parent / "specs" / "gaps" / "unrecovered-fail-points.yaml"
SERVICES = ("move-home", "pay-a-bill", "report-a-leak")


@pytest.fixture
def water(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "water"
    shutil.copytree(WATER, folder)
    monkeypatch.chdir(tmp_path)  # files named as `water/...` on the pages and by lint
    return folder


class Tables(HTMLParser):
    """Every table of a page: its id and class, and its rows as lists of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._stack: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "table":
            self._stack.append({"id": a.get("id"), "class": a.get("class", ""), "rows": []})
        elif tag == "tr" and self._stack:
            self._stack[-1]["rows"].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []
            self._stack[-1]["rows"][-1].append({"tag": tag, "scope": a.get("scope"),
                                                "class": a.get("class", ""), "text": ""})

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._stack:
            self._stack[-1]["rows"][-1][-1]["text"] = " ".join("".join(self._cell).split())
            self._cell = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def table(self, match: str) -> dict:
        return next(t for t in self.tables if match in (t["id"] or "") + " " + t["class"])


def test_a_library_gets_its_own_page_not_a_service_row(water: Path) -> None:
    services, files = build_files(["water"])
    assert sorted(s.slug for s in services) == list(SERVICES)
    assert "libraries/customer-contact.html" in files
    assert not any(f.startswith("services/customer-contact") for f in files)
    index = Tables(files["index.html"].decode())
    rows = index.table("services")["rows"][1:]
    assert len(rows) == 3 and not any("Customer contact" in r[0]["text"] for r in rows)
    libraries = index.table("libraries")["rows"]
    assert [c["text"] for c in libraries[1]][:4] == [
        "Customer contact The contact centre, website and chat assistant, and who answers "
        "them. water/customer-contact.yaml", "Customer Operations",
        "4 channels, 2 roles, 3 systems, 1 regulation", "3 services"]
    page = files["libraries/customer-contact.html"].decode()
    # each element with the services that refer to it; the unused one flagged, as SS804 is
    assert re.search(r'id="element-legacy-crm".*?0 of 3 services', page, re.S)
    assert re.search(r'id="element-contact-phone".*?2 of 3 services.*?Pay a water bill'
                     r'.*?Report a leak', page, re.S)
    assert "<dt>Hands over to</dt><dd>Customer line</dd>" in page  # names, not ids
    # legacy-crm only: the regulation is used by the services its `applies_to` names
    assert page.count('class="finding sev-info" data-code="SS804"') == 1
    # a service page links to the library and marks the shared channels
    move = files["services/move-home.html"].decode()
    assert 'href="../libraries/customer-contact.html"' in move
    assert re.search(r"Letters and email <span class=\"badge shared\">shared · Customer "
                     r"contact</span>", move)
    assert not re.search(r"Moving line <span class=\"badge shared\"", move)  # its own


def test_the_matrix_marks_each_shared_element_a_service_refers_to(water: Path) -> None:
    _, files = build_files(["water"])
    matrix = Tables(files["index.html"].decode()).table("matrix")
    head = [c for c in matrix["rows"][0] if c["tag"] == "th"]
    assert all(c["scope"] == "col" for c in head)
    columns = [c["text"] for c in head]
    assert columns[:2] == ["channel Customer line", "channel Riverside website"]
    marks = {}
    for row in matrix["rows"][1:-1]:
        assert row[0]["tag"] == "th" and row[0]["scope"] == "row"
        marks[row[0]["text"]] = {col: cell["text"] for col, cell in zip(columns, row[1:],
                                                                        strict=True)}
    # read off the fixture: the moving service calls its own line, not the customer line
    assert marks["Move home"]["channel Customer line"] == "does not use"
    assert marks["Move home"]["channel Letters and email"] == "●uses"
    assert marks["Report a leak"]["role Network engineer"] == "●uses"
    assert marks["Pay a water bill"]["role Network engineer"] == "does not use"
    assert all(v == "does not use" for v in (m["system Old customer database"]
                                             for m in marks.values()))
    footer = [c["text"] for c in matrix["rows"][-1]]
    assert footer[0] == "Used by"
    assert footer[columns.index("system Old customer database") + 1] == "0 of 3"
    assert footer[columns.index("role Contact centre advisor") + 1] == "3 of 3"


def test_coverage_by_phase_and_channel_mode_uses_the_models_lists(water: Path) -> None:
    _, files = build_files(["water"])
    table = Tables(files["index.html"].decode()).table("reach")
    assert [c["text"] for c in table["rows"][0][1:]] == [m.capitalize()
                                                         for m in get_args(ChannelMode)]
    assert [r[0]["text"] for r in table["rows"][1:]] == [p.capitalize()
                                                         for p in get_args(Phase)]
    cells = {(r[0]["text"], m): c["text"] for r in table["rows"][1:]
             for m, c in zip(get_args(ChannelMode), r[1:], strict=True)}
    # the chat assistant (automated) is offered before purchase by the bill and the leak
    # services; after purchase nobody offers an automated channel
    assert cells[("Before", "automated")].endswith("2 of 3 services")
    assert cells[("After", "automated")].endswith("0 of 3 services")
    assert cells[("During", "live")].endswith("3 of 3 services")


def test_reach_counts_facilitating_services_touchpoints_and_steps() -> None:
    spec = lint_file(str(GAP)).spec
    assert spec is not None
    pairs = reach(spec)
    modes = {c.id: c.mode for c in spec.channels}
    expected = {(p, modes[c]) for f in spec.facilitating for p in f.phases for c in f.channels}
    expected |= {(t.phase, modes[t.channel]) for t in spec.touchpoints
                 if t.phase and t.channel}
    assert expected <= pairs
    bare = spec.model_copy(update={"facilitating": [], "touchpoints": []})
    assert reach(bare) == frozenset()


def test_policy_results_by_service_link_to_the_findings(water: Path) -> None:
    _, files = build_files(["water"])
    index = files["index.html"].decode()
    table = Tables(index).table("policies")
    assert [c["text"] for c in table["rows"][0][1:]] == [
        "RW001 phone-lines-staffed-24-7", "RW002 compensation-owner-has-authority"]
    results = {r[0]["text"]: [c["text"] for c in r[1:]] for r in table["rows"][1:]}
    assert results == {"Move home": ["fails", "passes"],
                       "Pay a water bill": ["passes", "passes"],
                       "Report a leak": ["passes", "passes"]}
    link = re.search(r'href="services/move-home\.html#(finding-[^"]+)">fails', index)
    assert link
    page = files["services/move-home.html"].decode()
    assert re.search(rf'<li id="{link[1]}" class="finding sev-error" data-code="RW001">', page)


def _lint_findings(*args: str) -> set[tuple[str, str, int]]:
    result = CliRunner().invoke(cli, ["lint", "--no-cache", "--format", "json", *args])
    return {(d["file"], d["code"], d["line"]) for d in json.loads(result.stdout)["findings"]}


def _site_findings(files: dict[str, bytes]) -> set[tuple[str, str, int]]:
    out = set()
    for name, data in files.items():
        if not name.endswith(".html") or name == "index.html":
            continue
        page = data.decode()
        spec = re.search(r'<a href="#source"><code>([^<]+)</code>', page)
        assert spec, name
        for code, line in re.findall(r'<li id="finding-[^"]*" class="finding sev-\w+" '
                                     r'data-code="([^"]+)">.*?href="#L(\d+)"', page, re.S):
            out.add((spec[1], code, int(line)))
    return out


def test_the_site_reports_what_lint_reports(water: Path) -> None:
    _, files = build_files(["water"])
    site = _site_findings(files)
    assert site == _lint_findings("water")
    codes = {code for _, code, _ in site}
    assert {"SS804", "RW001"} <= codes
    # two files with one id: SS801 on the second, on its page too (built again with it)
    shutil.copy(water / "pay-a-bill.yaml", water / "pay-again.yaml")
    _, files = build_files(["water"])
    site = _site_findings(files)
    assert ("water/pay-again.yaml", "SS801", 5) in site
    assert site == _lint_findings("water")


def test_the_cli_counts_library_pages_apart(water: Path) -> None:
    result = CliRunner().invoke(cli, ["site", "water", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "3 service page(s), 1 library page(s): 1 error(s), 0 warning(s)" in result.output


# --- serve ---------------------------------------------------------------------------------

def test_editing_a_library_rebuilds_its_users_pages_and_nothing_else(water: Path) -> None:
    # what the watcher does on a save, called directly: no thread, nothing to race with
    from servicespec.site.serve import SiteState

    shutil.copy(GAP, water / "fibre.yaml")  # uses no library
    (water / "servicespec.toml").unlink()  # the fibre spec breaks RW001; not the point here
    second = water.parent / "other"
    second.mkdir()
    (second / "extra.yaml").write_text(
        "apiVersion: servicespec/v1\nkind: Library\nmetadata: {id: extra, name: Extra}\n"
        "channels:\n  - {id: extra-line, name: Extra line, kind: phone}\n")
    state = SiteState(["water", "other"])
    try:
        state.rebuild()
        first = state.folder

        def same(rel: str) -> bool:
            return os.stat(first / rel).st_ino == os.stat(state.folder / rel).st_ino

        library = water / "customer-contact.yaml"
        library.write_text(library.read_text().replace("name: Letters and email",
                                                       "name: Post and email"))
        state.rebuild()
        assert state.folder != first
        for slug in SERVICES:
            assert not same(f"services/{slug}.html")
        assert b"Post and email" in (state.folder / "services/pay-a-bill.html").read_bytes()
        fibre = next(p for p in state.pages if p.slug == "fibre")
        assert fibre.files and all(same(rel) for rel in fibre.files)
        assert not same("index.html") and not same("libraries/customer-contact.html")
        assert same("libraries/extra.html")  # another library, unchanged
        assert b"Post and email" in (state.folder / "libraries/customer-contact.html"
                                     ).read_bytes()

        # and a service's own save rebuilds it alone
        before = state.folder
        (water / "fibre.yaml").write_text(GAP.read_text().replace(
            "Fibre broadband installation", "Fibre, edited", 1))
        state.rebuild()
        for slug in SERVICES:
            assert os.stat(before / "services" / f"{slug}.html").st_ino == os.stat(
                state.folder / "services" / f"{slug}.html").st_ino
    finally:
        state.close()


def _serve_base(tmp: Path) -> Path:
    return tmp / f"servicespec-serve-{os.getuid()}"


def test_a_killed_serve_leaves_nothing_past_the_next_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from servicespec.site.serve import SiteState

    temp = tmp_path / "tmp"
    temp.mkdir()
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(GAP, specs / "fibre.yaml")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(temp)}

    def start() -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "servicespec", "serve", str(specs),
                                 "--port", "0"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line or line.startswith("serving "):
                break
        assert line.startswith("serving "), "the server did not start"
        return proc

    killed = start()
    runs = list(_serve_base(temp).iterdir())
    assert len(runs) == 1 and (runs[0] / "build-1" / "index.html").is_file()
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    assert runs[0].exists()  # nothing could run on SIGKILL

    alive = start()  # a server running beside the next start is left alone
    try:
        mine = [p for p in _serve_base(temp).iterdir() if p != runs[0]]
        assert not runs[0].exists() and len(mine) == 1
        monkeypatch.setattr(tempfile, "tempdir", str(temp))
        state = SiteState([str(specs)])
        try:
            assert mine[0].exists() and state.root.parent == _serve_base(temp)
        finally:
            state.close()
        assert not state.root.exists() and mine[0].exists()
    finally:
        alive.terminate()
        alive.wait(timeout=10)
    assert list(_serve_base(temp).iterdir()) == []  # stopped: its builds removed


def test_serve_refuses_a_base_folder_it_does_not_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from servicespec.site.serve import SiteState

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _serve_base(tmp_path).symlink_to(elsewhere)  # planted by someone else
    with pytest.raises(SiteError, match="not a private folder"):
        SiteState([str(GAP)])
    assert list(elsewhere.iterdir()) == []
