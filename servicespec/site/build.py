"""`servicespec site`: lint and draw every spec, then write the stakeholder site.

    lint_service(file, slug) -> ServiceData    lint one spec, keep what its page shows
    draw(service) -> [Drawing]                 the three views as safe SVG, then the
                                               blueprint of each scenario
    service_files(service, drawings) -> files  {relative path: bytes}: pure, deterministic
    write_pages(paths, folder)                 every spec, in parallel, then the index
    build_site(paths, output)                  all of it, written as one folder swap

A service page holds its blueprint inline (zoomable, with tooltips) and shows the journey and
the offering as images of their `.svg` files: each drawing is stored once in the page or
beside it, and the page of a 24-step service stays a few hundred kilobytes.

The site is plain files: it works from the file system and from any static host (no server,
no CDN: styles and scripts are copied in). It holds no timestamp, so building twice from the
same specs gives the same bytes and the site can be committed and diffed.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from ..catalogue import SHARED_SECTIONS, Catalogue
from ..config import Config
from ..diagnostics import Diagnostic
from ..results import FileResult
from ..textutil import path_text, plural
from .data import (
    MODES,
    PHASES,
    LibraryData,
    LibraryLink,
    Ratio,
    ServiceData,
    library_data,
    service_data,
    slugify,
    view_summary,
)
from .svg import root_attributes, standalone_svg

VIEW_TITLES = {
    "blueprint": "Service blueprint",
    "journey": "Customer journey",
    "offering": "Offering: the core product and its customer services",
}
# a folder holding this file was written by `servicespec site` and may be replaced whole
MARKER = ".servicespec-site"
MARKER_TEXT = b"written by servicespec site: this folder is replaced whole on rebuild\n"
# The pages embed text from every spec's authors: the policy lets them load the site's own
# scripts, styles and images and nothing else (no inline script or style, no other origin,
# no form, no <base>). In a <meta> tag, so that it holds on a static host and from the file
# system too; `serve` sends it as a header as well.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; "
                           "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                           "form-action 'none'")


class SiteError(Exception):
    """The site cannot be written (an output folder that is not a site, no spec found…)."""


# what a drawing's place says while file errors stop the drawing
WAITING = "The drawing waits for the file errors listed under Findings to be fixed."

# the view drawn inside the page (zoomable, with tooltips, text found by the browser's search);
# the others are images of their .svg files, loaded when scrolled to
INLINE_VIEW = "blueprint"


# The printout is one paper size throughout, A4 portrait: the paper every office printer holds
# the way it holds it, and the only A4 page on which every example's blueprint keeps its text
# at 7 pt or more (the hotel's tallest column, experience lane and all, does not fit an A4
# landscape page at 7 pt). The blueprint prints in the chunks of `render --paper a4`, a page
# each.
PRINT_PAPER = "a4"
PRINT_LANDSCAPE = False


@dataclass(frozen=True)
class PrintPage:
    """One printed page of the blueprint: a chunk of the journey as an SVG file, with the
    size it prints at (CSS px are 3/4 pt on paper) so that its text stays 7 pt or more."""

    header: str  # "Steps 1–2 of 10 · before"
    markup: str
    file: str
    width: int  # CSS px
    height: int


@dataclass(frozen=True)
class Drawing:
    view: str
    title: str
    summary: str  # the text alternative, made of the spec
    markup: str  # safe SVG, "" when it could not be drawn
    file: str  # the standalone SVG, relative to the service page
    error: str = ""
    pages: tuple[PrintPage, ...] = ()  # the blueprint's printout, when it fits the paper
    scenario: str = ""  # a scenario's blueprint: the anchor of its tab panel

    @property
    def inline(self) -> bool:
        return self.view == INLINE_VIEW

    @property
    def facts(self) -> dict[str, str]:
        """What the page's script needs to size the drawing: `size` (the viewBox's width and
        height), `width` and `height` (its natural size in CSS pixels), `lanes` (where the
        lane labels are) and `min_font` (its smallest text, in the viewBox's units)."""
        attrs = root_attributes(self.markup)
        box = [float(v) for v in attrs.get("viewBox", "").split()] or [0, 0, 0, 0]
        width = float(attrs.get("width") or box[2])
        height = box[3] * width / box[2] if box[2] else 0
        return {"size": f"{box[2]:g} {box[3]:g}", "width": f"{width:.0f}",
                "height": f"{height:.0f}", "lanes": attrs.get("data-lanes", ""),
                "min_font": attrs.get("data-min-font", "")}


def display_path(file: str) -> str:
    """The spec's path as the page shows it: relative to the working folder when inside it,
    so a site built from the repository's root names files the same on every machine."""
    try:
        rel = os.path.relpath(file)
    except ValueError:  # another drive (Windows)
        return path_text(file)
    return path_text(file if rel.startswith(os.pardir) else rel.replace(os.sep, "/"))


def _slugs(files: Sequence[str]) -> dict[str, str]:
    """Page names from file names (stable while a file is edited, even when it is broken);
    two files with one name are told apart by their folders."""
    stems = [slugify(Path(f).stem) for f in files]
    out: dict[str, str] = {}
    taken: set[str] = set()
    for file, stem in zip(files, stems, strict=False):
        slug = stem if stems.count(stem) == 1 else slugify(str(Path(file).with_suffix("")))
        base, n = slug, 1
        while slug in taken or slug == "index":
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        out[file] = slug
    return out


def lint_service(file: str, slug: str, config: Config | None = None,
                 catalogue: Catalogue | None = None,
                 links: Mapping[str, LibraryLink] | None = None,
                 extra: Sequence[Diagnostic] = ()) -> ServiceData:
    """One spec linted (with the configuration found beside it, or `config`), resolved
    against `catalogue`, with `extra` findings (the catalogue's rules on it); `links` are the
    library pages of the site."""
    from ..api import config_for, lint_file

    applied = config_for(file, config)
    result = lint_file(file, applied, catalogue=catalogue)
    diagnostics = sorted([*result.diagnostics, *extra], key=lambda d: d.sort_key) \
        if extra else result.diagnostics
    # the text that was linted, and only a spec's: a file that is not one (a link to
    # /etc/passwd, a secret) is never copied into the pages
    source = (result.text or "") if result.spec is not None else ""
    uses = result.declared.uses if result.declared else ()
    libraries = (catalogue or Catalogue()).libraries
    shared = {id(element): lib.library.metadata.name
              for lib in (libraries[u] for u in uses if u in libraries)
              for section in SHARED_SECTIONS for element in getattr(lib.library, section)}
    return service_data(result.spec, diagnostics, display_path(file), source, slug,
                        result.suppressed, declared=result.declared,
                        libraries=[(links or {}).get(u) or LibraryLink(u, "", u) for u in uses],
                        policies=[p for p, _ in applied.active_policies(result.file)],
                        shared=shared)


def collect(paths: Sequence[str], config: Config | None = None) -> list[ServiceData]:
    """Every service under `paths`, linted, sorted by service name (libraries apart)."""
    from ..api import discover, open_workspace

    files = [f for f in discover(paths, config) if f != "-"]
    slugs = _slugs(files)
    workspace = open_workspace(paths, files, config)
    catalogue = workspace.catalogue
    services = [lint_service(file, slugs[file], config, catalogue) for file in files
                if not _claims_library(workspace, file)]
    return sorted(services, key=lambda s: (s.name.lower(), s.file))


def _claims_library(workspace: Workspace, file: str) -> bool:
    document = workspace.documents.get(file)
    return document is not None and document.claims_library


def draw(service: ServiceData) -> list[Drawing]:
    """The blueprint, journey and offering of one service, findings drawn on them."""
    from ..render import VIEWS, render_spec

    if service.spec is None:
        return []
    findings = list(service.diagnostics)
    # a finding about a scenario's step is on that scenario's tab, not listed again here
    main = [d for d in findings if not (d.path[:2] == ("blueprint", "scenarios")
                                        and d.path[3:4] == ("steps",))]
    drawings = []
    for view in VIEWS:
        title = VIEW_TITLES.get(view, view)
        summary = view_summary(service.spec, view)
        file = f"{service.slug}-{view}.svg"
        if not service.drawable:
            drawings.append(Drawing(view, title, summary, "", file, WAITING))
            continue
        try:
            markup = safe_drawing(render_spec(service.spec, view, main),
                                  prefix=f"{view}-svg", label=summary)
        except Exception as exc:
            drawings.append(Drawing(view, title, summary, "", file,
                                    f"This view could not be drawn: {exc}"))
            continue
        pages = print_pages(service, main) if view == "blueprint" else ()
        drawings.append(Drawing(view, title, summary, markup, file, pages=pages))
    return drawings + scenario_drawings(service, findings)


def scenario_drawings(service: ServiceData, findings: Sequence[Diagnostic]) -> list[Drawing]:
    """Each scenario's blueprint (`render --scenario`), with the findings about its steps
    only (those about the whole service are on the main blueprint and in the page's list,
    not repeated in every tab): shown in its tab on the service page, never printed (the
    printout is the main journey)."""
    from ..render import render_spec
    from ..render.scenarios import scenario_spec

    if service.spec is None:
        return []
    out = []
    for row in service.scenarios:
        spec, kept = scenario_spec(service.spec, row.id, findings)
        kept = [d for d in kept if d.path[:2] == ("blueprint", "steps")]  # its steps' own
        summary = view_summary(spec, "blueprint")
        title = f"{row.kind.capitalize()}: {row.name}"
        file = f"{service.slug}-{row.anchor}.svg"
        if not service.drawable:
            out.append(Drawing("blueprint", title, summary, "", file, WAITING,
                               scenario=row.anchor))
            continue
        try:
            markup = safe_drawing(render_spec(spec, "blueprint", kept),
                                  prefix=f"{row.anchor}-svg", label=summary)
        except Exception as exc:
            out.append(Drawing("blueprint", title, summary, "", file,
                               f"This scenario could not be drawn: {exc}",
                               scenario=row.anchor))
            continue
        out.append(Drawing("blueprint", title, summary, markup, file, scenario=row.anchor))
    return out


def print_pages(service: ServiceData, findings: Sequence[Diagnostic]) -> tuple[PrintPage, ...]:
    """The blueprint split as `render --paper` splits it for the site's paper, each chunk
    sized to fit the page's margins. With its findings when they fit; else without them
    (the findings panel closes the last page and can outgrow it: the page's Findings section
    prints them all). None when a step alone is too big for the paper at 7 pt: the
    printout then keeps the screen's drawing, fitted to the page's width."""
    from ..render.pages import fit, page_size
    from ..render.paper import drawing_size, fitting_chunks

    assert service.spec is not None
    page = page_size(PRINT_PAPER, PRINT_LANDSCAPE)
    for drawn in (findings, ()):
        chunks = fitting_chunks(service.spec, PRINT_PAPER, PRINT_LANDSCAPE, drawn)
        if chunks is not None:
            break
    else:
        return ()
    out = []
    for n, (chunk, dot) in enumerate(chunks, 1):
        w, h = drawing_size(dot)
        scale = fit(w, h, page) * 4 / 3  # pt of the drawing to CSS px on paper
        markup = safe_drawing(dot, prefix=f"print-{n}", label=chunk.header)
        # rounded down: a page drawn a fraction of a pixel smaller keeps its margins
        out.append(PrintPage(chunk.header, markup, f"{service.slug}-print-{n}.svg",
                             math.floor(w * scale), math.floor(h * scale)))
    return tuple(out)


# The drawings last drawn, by their DOT: `serve` draws again only what an edit changed (a
# saved comment changes no drawing; a changed step, the views and the printed page that hold
# it). A few services' worth: a worker of a full build never meets a drawing twice.
DRAWN_KEPT = 64
_drawn: dict[tuple[str, str, str], str] = {}
_drawn_lock = threading.Lock()


def safe_drawing(dot: str, *, prefix: str, label: str) -> str:
    """The DOT drawn as safe SVG markup (`render.svg`), from `_drawn` when the same DOT was
    drawn with the same prefix and label before."""
    from ..render.svg import svg_markup

    key = (hashlib.sha256(dot.encode("utf-8", "surrogateescape")).hexdigest(), prefix, label)
    with _drawn_lock:
        markup = _drawn.pop(key, None)
    if markup is None:
        markup = svg_markup(dot, prefix=prefix, label=label)
    with _drawn_lock:
        _drawn.pop(key, None)
        while len(_drawn) >= DRAWN_KEPT:
            del _drawn[next(iter(_drawn))]  # the least recently used
        _drawn[key] = markup
    return markup


if TYPE_CHECKING:
    from ..workspace import Workspace

T = TypeVar("T")
# `serve` pages carry the build they belong to; the pages are written once and reused by later
# builds, so the server stamps the number in as it sends a page (the same length: the
# Content-Length holds)
BUILD_PLACEHOLDER = "live-preview"


def build_stamp(number: int) -> str:
    return f"{number:0{len(BUILD_PLACEHOLDER)}d}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("servicespec.site", "templates"),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["plural"] = plural
    env.globals.update(PHASES=PHASES, MODES=MODES, version=__version__,
                       csp=CONTENT_SECURITY_POLICY, BUILD_PLACEHOLDER=BUILD_PLACEHOLDER)
    return env


def static_files() -> dict[str, bytes]:
    """The site's styles and scripts, by file name."""
    folder = resources.files("servicespec.site") / "static"
    return {item.name: item.read_bytes() for item in sorted(folder.iterdir(),
                                                            key=lambda i: i.name)
            if item.is_file() and not item.name.startswith(".")}


def catalogue_totals(services: Sequence[ServiceData]) -> dict[str, object]:
    """The index's bottom row: how much of the catalogue each column covers."""
    loaded = [s for s in services if s.coverage is not None]
    phases = {p: sum(1 for s in loaded if s.coverage and s.coverage.phases[i].status == "covered")
              for i, p in enumerate(PHASES)}
    modes = {m: sum(1 for s in loaded if s.coverage and s.coverage.modes[i].count)
             for i, m in enumerate(MODES)}

    def total(attr: str) -> Ratio:
        ratios = [getattr(s.coverage, attr) for s in loaded]
        return Ratio(sum(r.done for r in ratios), sum(r.total for r in ratios))

    return {"services": len(loaded), "phases": phases, "modes": modes,
            "fail_points": total("fail_points_recovered"),
            "facilitating": total("facilitating_measured")}


def service_files(service: ServiceData, drawings: Sequence[Drawing], *,
                  live_reload: bool = False) -> dict[str, bytes]:
    """One service's page and its drawings, by path relative to the site. A pure function
    of the service: the page names no other page and carries no build number (`serve`
    stamps that in as it sends the page), so a page is rebuilt only when its spec changes."""
    files = {f"services/{d.file}": standalone_svg(d.markup).encode()
             for d in drawings if d.markup}
    files.update((f"services/{p.file}", standalone_svg(p.markup).encode())
                 for d in drawings for p in d.pages)
    html = environment().get_template("service.html").render(
        root="../", s=service, drawings=drawings, svg=lambda d: Markup(d.markup),
        live_reload=live_reload)
    files[f"services/{service.slug}.html"] = html.encode("utf-8")
    return files


def library_files_of(library: LibraryData, services: Sequence[ServiceData], *,
                     live_reload: bool = False) -> dict[str, bytes]:
    """A library's page: its shared elements, each with the services that refer to it, its
    findings and its source. Built with the index (it names the services that use it)."""
    users = [s for s in services if s.declared is not None and library.id in s.declared.uses]
    used_by = {e.id: [s for s in users if s.declared and e.id in s.declared.refers]
               for e in library.elements}
    html = environment().get_template("library.html").render(
        root="../", lib=library, users=users, used_by=used_by, live_reload=live_reload)
    return {f"libraries/{library.slug}.html": html.encode("utf-8")}


@dataclass(frozen=True)
class LibraryMatrix:
    """Which services use which elements of one library: a row per service that lists the
    library in `uses`, a column per shared element."""

    library: LibraryData
    users: tuple[tuple[ServiceData, tuple[bool, ...]], ...]  # the service, a mark per element

    def used_by(self, column: int) -> int:
        return sum(1 for _, marks in self.users if marks[column])


def library_matrices(libraries: Sequence[LibraryData], services: Sequence[ServiceData]
                     ) -> list[LibraryMatrix]:
    """A matrix per library that loads: a service uses an element when it refers to its id
    (what SS804 counts)."""
    out = []
    for lib in libraries:
        if not lib.loads:
            continue
        users = tuple(
            (s, tuple(e.id in s.declared.refers for e in lib.elements))
            for s in services if s.declared is not None and lib.id in s.declared.uses)
        out.append(LibraryMatrix(lib, users))
    return out


@dataclass(frozen=True)
class Reach:
    """How many services reach customers through a channel of one mode in one phase."""

    phase: str
    mode: str
    services: int
    of: int

    @property
    def status(self) -> str:
        return Ratio(self.services, self.of).status


def reach_matrix(services: Sequence[ServiceData]) -> list[list[Reach]]:
    """Phases × channel modes, each cell counted over the services that load."""
    loaded = [s.coverage for s in services if s.coverage is not None]
    return [[Reach(phase, mode, sum(1 for c in loaded if (phase, mode) in c.reach), len(loaded))
             for mode in MODES] for phase in PHASES]


def policy_columns(services: Sequence[ServiceData]) -> list[tuple[str, str, str]]:
    """(code, name, message) of every policy that runs on some service, by code."""
    seen: dict[str, tuple[str, str, str]] = {}
    for s in services:
        for p in s.policies:
            seen.setdefault(p.code, (p.code, p.name, p.message))
    return [seen[code] for code in sorted(seen)]


def index_files(services: Sequence[ServiceData], libraries: Sequence[LibraryData] = (), *,
                live_reload: bool = False) -> dict[str, bytes]:
    """The catalogue page, the styles and scripts, and the marker."""
    owners = sorted({s.owner for s in services if s.owner}, key=str.lower)
    tags = sorted({t for s in services for t in s.tags}, key=str.lower)
    columns = policy_columns(services)
    results = [(s, {p.code: p for p in s.policies}) for s in services if s.policies]
    matrices = library_matrices(libraries, services)
    index = environment().get_template("index.html").render(
        root="", services=services, owners=owners, tags=tags,
        totals=catalogue_totals(services), libraries=libraries, matrices=matrices,
        matrix_of={m.library.slug: m for m in matrices}, reach=reach_matrix(services),
        policy_columns=columns, policy_results=results, live_reload=live_reload)
    files = {"index.html": index.encode("utf-8"), MARKER: MARKER_TEXT}
    for name, data in static_files().items():
        files[f"static/{name}"] = data
    return files


def error_page(message: str, *, live_reload: bool = False) -> bytes:
    """The page `serve` shows when the site itself cannot be built."""
    return environment().get_template("error.html").render(
        root="/", message=message, live_reload=live_reload).encode()


# what a spec file was when its page was built (inode, size, times): the page is reused
# while this, the configuration it was linted with and the libraries it uses are unchanged
Signature = tuple[int, int, int, int]


@dataclass(frozen=True)
class Page:
    """One service's share of a written site."""

    file: str
    slug: str
    signature: Signature | None
    config: str  # the configuration applied, as JSON
    service: ServiceData  # without the spec, its source, steps, metrics and recovery
    files: tuple[str, ...]  # its page and drawings, relative to the site
    depends: str = ""  # the libraries it uses, as `_depends` sums them up
    extra: tuple[Diagnostic, ...] = ()  # the catalogue's findings on it (SS801)

    @property
    def key(self) -> tuple[str, str, Signature | None, str]:
        return (self.file, self.slug, self.signature, self.config)


@dataclass(frozen=True)
class SitePages:
    """What a build wrote: a page per service, and a page per shared library."""

    pages: list[Page]
    libraries: list[LibraryData]

    @property
    def services(self) -> list[ServiceData]:
        return [p.service for p in self.pages]

    @property
    def summary(self) -> str:
        """`3 service page(s), 1 library page(s): 2 error(s), 5 warning(s)` (the
        findings of both)."""
        healths = [s.health for s in self.services] + [lib.health for lib in self.libraries]
        errors = sum(h.errors for h in healths)
        warnings = sum(h.warnings for h in healths)
        libraries = f", {len(self.libraries)} library page(s)" if self.libraries else ""
        return (f"{len(self.pages)} service page(s){libraries}: {errors} error(s), "
                f"{warnings} warning(s)")


def _depends(catalogue: Catalogue, links: Mapping[str, LibraryLink], uses: Sequence[str]
             ) -> str:
    """What a service's page shows of the libraries it uses: their files' text (`digest`,
    as the lint cache keys on it), their pages' names and, when one is missing, which
    libraries there are (SS802 suggests one)."""
    missing = any(u not in catalogue.libraries for u in uses)
    data = (catalogue.digest(uses), [links.get(u) for u in uses],
            sorted(catalogue.libraries) if missing else [])
    return hashlib.sha256(repr(data).encode("utf-8", "surrogateescape")).hexdigest()


def _signature(file: str) -> Signature | None:
    try:
        info = os.stat(file)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _build_page(item: tuple[str, str, Signature | None, Config], folder: str,
                live_reload: bool, catalogue: Catalogue | None = None,
                links: Mapping[str, LibraryLink] | None = None,
                extra: Sequence[Diagnostic] = ()) -> Page:
    """Lint and draw one spec and write its files into `folder` (in a worker process when
    there are many): only the small summary the index needs travels back."""
    file, slug, signature, config = item
    service = lint_service(file, slug, config, catalogue, links, extra)
    files = service_files(service, draw(service), live_reload=live_reload)
    write_tree(files, Path(folder))
    summary = replace(service, spec=None, source=(), diagnostics=(), steps=(), metrics=(),
                      recovery=(), scenarios=())
    uses = service.declared.uses if service.declared else ()
    return Page(file, slug, signature, config.model_dump_json(), summary,
                tuple(sorted(files)), _depends(catalogue or Catalogue(), links or {}, uses),
                tuple(extra))


def _reuse(page: Page, old: Path, new: Path) -> bool:
    """Link the files of a page built before into the new site (hard links: no copy)."""
    try:
        for rel in page.files:
            (new / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(old / rel, new / rel, follow_symlinks=False)
    except OSError:
        return False
    return True


# a page costs a sixth of a second (drawing, mostly): processes pay for themselves from a
# few pages on (a saved library rebuilding its users), far sooner than for linting alone
PARALLEL_MIN_PAGES = 8
# pages a process takes at a time: few, so that at the end of a build no core waits long
# for the other's last batch (64 pages are ten seconds), and enough that handing them out
# costs nothing next to drawing them
PAGES_PER_TASK = 4


def write_pages(paths: Sequence[str], folder: Path, config: Config | None = None, *,
                live_reload: bool = False, previous: Sequence[Page] = (),
                previous_folder: Path | None = None, jobs: int | None = None) -> SitePages:
    """Write the site of the specs under `paths` into `folder`, sorted by service name.

    Services are linted, drawn and written in `jobs` processes (default: one per core when
    there are many); libraries, which have no drawing, in this one. The catalogue's rules
    (SS801, SS804) run over all of them as `lint` runs them. The pages of `previous`, a build
    written in `previous_folder`, are linked in as they are when their spec file, its
    configuration and the libraries it uses are unchanged (`serve` rebuilds only what a
    save changed).
    """
    from ..api import config_for, discover, map_in_processes, open_workspace

    files = [f for f in discover(paths, config) if f != "-"]
    if not files:
        raise SiteError("no spec found (.yaml, .yml or .json) under "
                        + ", ".join(str(p) for p in paths))
    slugs = _slugs(files)
    workspace = open_workspace(paths, files, config)
    catalogue = workspace.catalogue
    links = {lib_id: LibraryLink(lib_id, slugs.get(shared.file, ""), shared.library.metadata.name)
             for lib_id, shared in catalogue.libraries.items()}
    library_files = [f for f in files if _claims_library(workspace, f)]
    known = {p.key: p for p in previous if p.signature is not None}
    pages, todo = [], []
    for file in files:
        if file in library_files:
            continue
        applied = config_for(file, config)  # as the files are now: a saved one counts
        item = (file, slugs[file], _signature(file), applied)
        old = known.get((*item[:3], applied.model_dump_json()))
        if old is not None and old.depends == _depends(
                catalogue, links, old.service.declared.uses if old.service.declared else ()) \
                and previous_folder is not None and _reuse(old, previous_folder, folder):
            pages.append(old)
        else:
            todo.append(item)
    work = partial(_build_page, folder=str(folder), live_reload=live_reload,
                   catalogue=catalogue, links=links)
    if jobs is None and len(todo) >= PARALLEL_MIN_PAGES:
        jobs = min(os.cpu_count() or 1, 8)
    pages += map_in_processes(work, todo, jobs=jobs, chunk=PAGES_PER_TASK)

    linted = {p.file: FileResult(p.file, [], declared=p.service.declared) for p in pages}
    library_results = {}
    for file in library_files:
        from ..api import lint_file

        library_results[file] = linted[file] = lint_file(file, config_for(file, config),
                                                         catalogue=catalogue)
    found = workspace.catalogue_findings(linted)
    # a page built without the catalogue's findings it now has (or with ones it no longer
    # has: a duplicate id renamed elsewhere) is built again with them
    for n, page in enumerate(pages):
        extra = tuple(found.get(page.file, ()))
        if extra != page.extra:
            _remove(page.files, folder)  # linked from the build before: never written into
            item = (page.file, page.slug, page.signature, config_for(page.file, config))
            pages[n] = work(item, extra=extra)
    pages.sort(key=lambda p: (p.service.name.lower(), p.service.file))
    services = [p.service for p in pages]

    libraries = []
    for file in library_files:
        result = library_results[file]
        document = workspace.documents.get(file)
        shared = document.library if document is not None else None
        diagnostics = sorted([*result.diagnostics, *found.get(file, ())],
                             key=lambda d: d.sort_key)
        # a library's text is shown only when it loads as one (never a file that is no spec)
        source = (result.text or shared.text or "") if shared is not None else ""
        libraries.append(library_data(shared, diagnostics, display_path(file), source,
                                      slugs[file], result.suppressed))
    libraries.sort(key=lambda lib: (lib.name.lower(), lib.file))
    site = {}
    for lib in libraries:
        site.update(library_files_of(lib, services, live_reload=live_reload))
    site.update(index_files(services, libraries, live_reload=live_reload))
    _write_or_link(site, folder, previous_folder)
    return SitePages(pages, libraries)


def _remove(files: Sequence[str], folder: Path) -> None:
    for rel in files:
        (folder / rel).unlink(missing_ok=True)


def _write_or_link(files: Mapping[str, bytes], folder: Path, previous: Path | None) -> None:
    """Write the files, each one linked from the build before instead when it holds the
    same bytes there (a library page nothing changed, the styles)."""
    if previous is None:
        write_tree(files, folder)
        return
    fresh = {}
    for rel, data in files.items():
        try:
            same = (previous / rel).read_bytes() == data
            if same:
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                os.link(previous / rel, folder / rel, follow_symlinks=False)
                continue
        except OSError:
            pass
        fresh[rel] = data
    write_tree(fresh, folder)


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_files(paths: Sequence[str], config: Config | None = None, *,
                live_reload: bool = False) -> tuple[list[ServiceData], dict[str, bytes]]:
    """The services and the site's files in memory, nothing left on disk (small catalogues,
    tests): `write_pages` into a temporary folder, read back."""
    with tempfile.TemporaryDirectory(prefix="servicespec-site-") as tmp:
        built = write_pages(paths, Path(tmp), config, live_reload=live_reload)
        return built.services, read_tree(Path(tmp))


def write_tree(files: Mapping[str, bytes], folder: Path) -> None:
    for rel, data in sorted(files.items()):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _is_replaceable(out: Path) -> bool:
    if not out.exists():
        return True
    if not out.is_dir() or out.is_symlink():
        return False
    return (out / MARKER).is_file() or not any(out.iterdir())


def prepare_output(output: str | os.PathLike[str]) -> None:
    """Clear what killed builds left beside `output`; raise SiteError unless `output` is
    free, empty, or an earlier site."""
    out = Path(output)
    clear_stale_builds(out)
    if not _is_replaceable(out):
        raise SiteError(f"{out} exists and is not a servicespec site (no {MARKER} in it): "
                        "choose another folder, or empty it first")


def _lock(folder: Path, *, wait: bool = False) -> int | None:
    """An exclusive lock on the folder (the lock goes with it when renamed, and with the
    process when it dies, even by SIGKILL); None when another process holds it (or, with
    `wait`, once it lets go)."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _build_folders(out: Path) -> list[tuple[Path, str]]:
    """Folders beside `out` that `write_site` made and a killed build left behind, with their
    kind (`new`: a build not swapped in; `old`: a site swapped out). Only folders named as
    `write_site` names them, real folders owned by this user, holding the site marker (or
    nothing at all: killed before the marker was written)."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.[a-z0-9_]{{8}}\.(new|old)")
    found = []
    try:
        names = os.listdir(out.absolute().parent)
    except OSError:
        return []
    for name in sorted(names):
        match = pattern.fullmatch(name)
        if not match:
            continue
        folder = out.absolute().parent / name
        try:
            info = folder.lstat()
            ours = (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
                    and ((folder / MARKER).is_file() or not any(folder.iterdir())))
        except OSError:
            continue
        if ours:
            found.append((folder, match[1]))
    return found


def clear_stale_builds(out: Path) -> None:
    """Remove what killed builds left beside `out`; a site swapped out by a build killed
    before it swapped the new one in goes back in place when `out` is missing. Folders of a
    build still running are locked and left alone."""
    for folder, kind in _build_folders(out):
        fd = _lock(folder)
        if fd is None:
            continue
        try:
            if kind == "old" and not os.path.lexists(out) and (folder / MARKER).is_file():
                os.rename(folder, out)
            else:
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(fd)


def write_site(fill: Callable[[Path], T], output: str | os.PathLike[str]) -> T:
    """Write the site into a new folder beside `output` (`fill(folder)` writes it), then swap
    it in: readers see the old site or the new one, never a mix, and a build killed at any
    point leaves one of the two at `output` (the folders it leaves beside it are removed by
    the next build). A folder that is not a site is never replaced."""
    prepare_output(output)
    out = Path(output)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=parent))
    fd = _lock(tmp)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; a site is for reading
        (tmp / MARKER).write_bytes(MARKER_TEXT)  # first: the next build knows it for ours
        result = fill(tmp)
        if out.exists():
            _swap(tmp, out)
        else:
            os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the old site, or the new one on failure
        if fd is not None:
            os.close(fd)
    return result


def _swap(new: Path, out: Path) -> None:
    """The new site at `out`, the old one at `new`'s name: in one step where the system can
    (Linux), else in two renames with the old site set aside under a name the next build
    recognises and puts back if this one is killed between them."""
    from ..fsutil import exchange

    try:
        exchange(new, out)
        return
    except OSError:
        pass
    old = new.with_name(new.name[:-len(".new")] + ".old")
    fd = _lock(out)  # the lock goes with the old site: no other build puts it back
    try:
        os.rename(out, old)
        os.rename(new, out)
        os.rename(old, new)
    finally:
        if fd is not None:
            os.close(fd)


def build_site(paths: Sequence[str], output: str | os.PathLike[str], *,
               config: Config | None = None, jobs: int | None = None) -> SitePages:
    """Build the static site of the specs under `paths` into the folder `output`."""
    prepare_output(output)
    return write_site(lambda folder: write_pages(paths, folder, config, jobs=jobs), output)
