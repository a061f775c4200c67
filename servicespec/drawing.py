"""Spec files to pictures: load (and lint) a spec, then hand `render/` its model and findings.

`render/` draws what it is given and never runs the linter; this module, above both `api` and
`render`, does the loading for `draw` (the Python API) and for `servicespec render`.

`run_render` is `servicespec render` as a plain function: files in, pictures out, an exit code
back. Exit codes: 0 every picture written; 1 a spec had file-level errors (its diagnostics are
printed, as `lint` prints them) and could not be drawn; 2 a usage problem (unknown format, an
output that cannot be written, no spec found, only libraries given: a library is skipped
with a word, its elements are drawn in the services that use it).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from .api import discover, lint_file, load, open_workspace
from .catalogue import Catalogue
from .diagnostics import FILE_CODES, Diagnostic, Severity
from .model.spec import Spec
from .render import FORMATS, RenderError, check_paper, format_for, render_bytes, render_spec
from .textutil import path_text, terminal_safe

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def draw(spec: Spec | str | os.PathLike[str], fmt: str = "svg", *,
         view: str = "blueprint", findings: Iterable[Diagnostic] = ()) -> bytes:
    """One view of a spec (a model, or a file to load) as svg, png, pdf or dot bytes."""
    model = spec if isinstance(spec, Spec) else load(spec)
    return render_bytes(render_spec(model, view, findings), fmt)


def _fail(message: str) -> int:
    click.echo(f"servicespec: error: {terminal_safe(message)}", err=True)
    return EXIT_ERROR


def output_name(file: str, view: str, fmt: str, scenario: str | None = None) -> str:
    """The file a spec's picture gets in an output folder: `loan.svg`, `loan-journey.svg`,
    `loan-missed-payment.svg` for a scenario."""
    stem = Path(file).stem if file != "-" else "stdin"
    if scenario:
        stem += f"-{scenario}"
    return f"{stem}{'' if view == 'blueprint' else '-' + view}.{fmt}"


def _targets(files: list[str], paths: Sequence[str], output: str, fmt: str | None,
             view: str, scenario: str | None = None) -> tuple[list[tuple[str, str]], str, bool]:
    """(spec, output file) pairs, the format, and whether `output` is a folder; raises
    RenderError on a usage problem."""
    to_folder = (len(files) > 1 or any(os.path.isdir(p) for p in paths)
                 or output.endswith(("/", os.sep)) or os.path.isdir(output))
    if output == "-":
        if len(files) != 1:
            raise RenderError("`-o -` writes one picture to standard output: give one spec")
        fmt = (fmt or "svg").lower()
        if fmt not in FORMATS:
            raise RenderError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
        return [(files[0], "-")], fmt, False
    if not to_folder:
        return [(files[0], output)], format_for(output, fmt), False
    fmt = (fmt or "svg").lower()
    if fmt not in FORMATS:
        raise RenderError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}  # output file -> the spec drawn into it
    for file in files:
        target = os.path.join(output, output_name(file, view, fmt, scenario))
        if target in seen:
            raise RenderError(f"{seen[target]} and {file} would both be drawn to {target}: "
                              "render them to different folders")
        seen[target] = file
        pairs.append((file, target))
    return pairs, fmt, True


def _load(file: str, findings: bool, catalogue: Catalogue | None
          ) -> tuple[object | None, list[Diagnostic]] | None:
    """The spec's model and the findings to draw; the model is None when it cannot be drawn.
    None for a library: it holds shared elements, not a service to draw."""
    from .config import Config

    result = lint_file(file, None if findings else Config(select=["SS0"]), catalogue=catalogue)
    if result.declared is not None and result.declared.kind == "Library":
        return None
    # as `load()`: an error of the file group (syntax, schema, duplicate ids…) blocks
    blocking = [d for d in result.diagnostics if d.severity == Severity.ERROR
                and (d.code in FILE_CODES or d.code.startswith("SS0"))]
    if result.spec is None or blocking:
        shown = blocking or [d for d in result.diagnostics if d.severity == Severity.ERROR]
        for d in shown or result.diagnostics:
            click.echo(terminal_safe(f"{d.file}:{d.line}:{d.column}: {d.code} {d.message}"),
                       err=True)
        return None, []
    return result.spec, result.diagnostics if findings else []


def run_render(paths: Sequence[str], *, output: str, fmt: str | None = None,
               view: str = "blueprint", findings: bool = False, paper: str | None = None,
               landscape: bool = False, scenario: str | None = None) -> int:
    from .config import ConfigError
    from .fsutil import write_atomic

    try:
        files = discover(paths)
        # read once for every file drawn: each service resolves its `uses` against it
        catalogue = open_workspace(paths, files).catalogue
    except ConfigError as exc:
        return _fail(str(exc))
    if not files:
        return _fail(f"no spec files in {path_text(', '.join(paths))} (a spec declares "
                     "`apiVersion: servicespec/v1`)")
    try:
        pairs, fmt, to_folder = _targets(files, paths, output, fmt, view, scenario)
        check_paper(paper, landscape, fmt, view)
        if scenario is not None and view == "offering":
            raise RenderError("a scenario is a journey: draw it with --view blueprint or "
                              "--view journey, or leave out --scenario")
    except RenderError as exc:
        return _fail(str(exc))
    if to_folder:
        try:
            os.makedirs(output, exist_ok=True)
        except OSError as exc:
            return _fail(f"cannot create the folder {output}: {exc.strerror or exc}")
    status = EXIT_CLEAN
    libraries = 0
    for file, target in pairs:
        try:
            loaded = _load(file, findings, catalogue)
        except ConfigError as exc:
            return _fail(str(exc))
        if loaded is None:
            libraries += 1
            click.echo(terminal_safe(
                f"servicespec: {path_text(file)} is a library (`kind: Library`): its shared "
                "elements are drawn in the services that use it; render those"), err=True)
            continue
        spec, drawn = loaded
        if spec is None:
            message = f"servicespec: {path_text(file)} has errors and was not drawn"
            click.echo(terminal_safe(message), err=True)
            status = EXIT_FINDINGS
            continue
        try:
            if scenario is not None:
                from .render.scenarios import scenario_spec

                spec, drawn = scenario_spec(spec, scenario, drawn)  # type: ignore[arg-type]
            if paper is not None:
                from .render.paper import paper_pdf

                data = paper_pdf(spec, paper, landscape, drawn)  # type: ignore[arg-type]
            else:
                data = render_bytes(render_spec(spec, view, drawn),  # type: ignore[arg-type]
                                    fmt)
        except RenderError as exc:
            return _fail(f"{path_text(file)}: {exc}")
        if target == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            continue
        try:
            write_atomic(target, data)
        except OSError as exc:
            return _fail(f"cannot write {path_text(target)}: {exc.strerror or exc}")
        click.echo(terminal_safe(f"wrote {path_text(target)}"))
    return EXIT_ERROR if libraries == len(pairs) else status
