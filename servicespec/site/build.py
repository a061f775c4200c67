"""`servicespec site`: lint and draw every spec, then write the stakeholder site.

    collect(paths) -> [ServiceData]            lint each spec, keep what the pages show
    draw(service) -> [Drawing]                 the three views as safe inline SVG
    render_site(services, drawings) -> files   {relative path: bytes}: pure, deterministic
    build_site(paths, output)                  all of it, written as one folder swap

The site is plain files: it works from the file system and from any static host (no server,
no CDN: styles and scripts are copied in). It holds no timestamp, so building twice from the
same specs gives the same bytes and the site can be committed and diffed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__
from ..config import Config
from ..textutil import path_text, plural
from .data import MODES, PHASES, Ratio, ServiceData, service_data, slugify, view_summary
from .svg import inline_svg, standalone_svg

VIEW_TITLES = {
    "blueprint": "Service blueprint",
    "journey": "Customer journey",
    "offering": "Offering: the core product and its customer services",
}
# a folder holding this file was written by `servicespec site` and may be replaced whole
MARKER = ".servicespec-site"
# The pages embed text from every spec's authors: the policy lets them load the site's own
# scripts, styles and images and nothing else (no inline script or style, no other origin,
# no form, no <base>). In a <meta> tag, so that it holds on a static host and from the file
# system too; `serve` sends it as a header as well.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; "
                           "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                           "form-action 'none'")


class SiteError(Exception):
    """The site cannot be written (an output folder that is not a site, no spec found…)."""


@dataclass(frozen=True)
class Drawing:
    view: str
    title: str
    summary: str  # the text alternative, made of the spec
    markup: str  # safe inline SVG, "" when it could not be drawn
    file: str  # the standalone SVG, relative to the service page
    error: str = ""


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


def collect(paths: Sequence[str], config: Config | None = None) -> list[ServiceData]:
    """Every spec under `paths`, linted (with the configuration found beside each, or
    `config`), sorted by service name."""
    from ..api import discover, lint_file

    files = [f for f in discover(paths, config) if f != "-"]
    slugs = _slugs(files)
    services = []
    for file in files:
        result = lint_file(file, config)
        # the text that was linted, and only a spec's: a file that is not one (a link to
        # /etc/passwd, a secret) is never copied into the pages
        source = (result.text or "") if result.spec is not None else ""
        services.append(service_data(result.spec, result.diagnostics, display_path(file),
                                     source, slugs[file], result.suppressed))
    return sorted(services, key=lambda s: (s.name.lower(), s.file))


def draw(service: ServiceData) -> list[Drawing]:
    """The blueprint, journey and offering of one service, findings drawn on them."""
    from ..render import VIEWS, render_bytes, render_spec

    if service.spec is None:
        return []
    findings = list(service.diagnostics)
    drawings = []
    for view in VIEWS:
        title = VIEW_TITLES.get(view, view)
        summary = view_summary(service.spec, view)
        file = f"{service.slug}-{view}.svg"
        if not service.drawable:
            drawings.append(Drawing(view, title, summary, "", file, "The drawing waits for "
                                    "the file errors listed under Findings to be fixed."))
            continue
        try:
            svg = render_bytes(render_spec(service.spec, view, findings), "svg")
            markup = inline_svg(svg, prefix=f"{view}-svg", label=summary)
        except Exception as exc:
            drawings.append(Drawing(view, title, summary, "", file,
                                    f"This view could not be drawn: {exc}"))
            continue
        drawings.append(Drawing(view, title, summary, markup, file))
    return drawings


def environment() -> Environment:
    env = Environment(loader=PackageLoader("servicespec.site", "templates"),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["plural"] = plural
    env.globals.update(PHASES=PHASES, MODES=MODES, version=__version__,
                       csp=CONTENT_SECURITY_POLICY)
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


def render_site(services: Sequence[ServiceData],
                drawings: Mapping[str, Sequence[Drawing]], *, live_reload: bool = False,
                build_id: str = "") -> dict[str, bytes]:
    """Every file of the site by relative path: pages, drawings, styles and scripts."""
    env = environment()
    common = {"live_reload": live_reload, "build_id": build_id}
    files: dict[str, bytes] = {}
    owners = sorted({s.owner for s in services if s.owner}, key=str.lower)
    tags = sorted({t for s in services for t in s.tags}, key=str.lower)
    index = env.get_template("index.html").render(
        root="", services=services, owners=owners, tags=tags,
        totals=catalogue_totals(services), **common)
    files["index.html"] = index.encode("utf-8")
    page = env.get_template("service.html")
    for service in services:
        views = drawings.get(service.slug, ())
        for drawing in views:
            if drawing.markup:
                files[f"services/{drawing.file}"] = standalone_svg(drawing.markup).encode()
        html = page.render(root="../", s=service, drawings=views,
                           svg=lambda d: Markup(d.markup), **common)
        files[f"services/{service.slug}.html"] = html.encode("utf-8")
    for name, data in static_files().items():
        files[f"static/{name}"] = data
    files[MARKER] = b"written by servicespec site: this folder is replaced whole on rebuild\n"
    return files


def error_page(message: str, *, live_reload: bool = False, build_id: str = "") -> bytes:
    """The page `serve` shows when the site itself cannot be built."""
    return environment().get_template("error.html").render(
        root="/", message=message, live_reload=live_reload, build_id=build_id).encode()


def build_files(paths: Sequence[str], config: Config | None = None, *,
                live_reload: bool = False, build_id: str = "") -> tuple[list[ServiceData],
                                                                        dict[str, bytes]]:
    """Lint, draw and render: the services and the site's files, nothing written yet."""
    services = collect(paths, config)
    if not services:
        raise SiteError("no spec found (.yaml, .yml or .json) under "
                        + ", ".join(str(p) for p in paths))
    drawings = {s.slug: draw(s) for s in services}
    return services, render_site(services, drawings, live_reload=live_reload,
                                 build_id=build_id)


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


def _lock(folder: Path) -> int | None:
    """An exclusive lock on the folder (the lock goes with it when renamed, and with the
    process when it dies, even by SIGKILL); None when another process holds it."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
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


def write_site(files: Mapping[str, bytes], output: str | os.PathLike[str]) -> Path:
    """Write the site into a new folder beside `output`, then swap it in: readers see the
    old site or the new one, never a mix, and a build killed at any point leaves one of the
    two at `output` (the folders it leaves beside it are removed by the next build). A
    folder that is not a site is never replaced."""
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
        write_tree(files, tmp)  # the marker first: its name sorts before the rest
        if out.exists():
            _swap(tmp, out)
        else:
            os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the old site, or the new one on failure
        if fd is not None:
            os.close(fd)
    return out


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
               config: Config | None = None) -> list[ServiceData]:
    """Build the static site of the specs under `paths` into the folder `output`."""
    prepare_output(output)
    services, files = build_files(paths, config)
    write_site(files, output)
    return services
