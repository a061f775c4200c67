"""What the CLI commands do, as plain functions that return exit codes or text.

Modules are imported where they are used, so that each command loads only what it needs:
a `lint` answered from the cache never imports the validator, the parsers or the rules (see
docs/performance.md).
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .api import discover, open_workspace, with_catalogue_findings
from .diagnostics import Severity
from .results import LintResult
from .textutil import plural, terminal_safe

if TYPE_CHECKING:
    from .baseline import Comparison
    from .catalogue import Catalogue
    from .config import Config, Policy

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _config_error() -> type[Exception]:
    # Called from `except` clauses, whose expression Python evaluates only when an exception
    # is being matched: the config module (and the validator with it) is not imported otherwise.
    from .config import ConfigError

    return ConfigError


def _baseline_error() -> type[Exception]:
    from .baseline import BaselineError  # see _config_error

    return BaselineError


def _write_atomic(path: str | os.PathLike[str], data: str, **kwargs: bool) -> None:
    from .fsutil import write_atomic

    write_atomic(path, data, **kwargs)


def _emit(text: str, target: str | None) -> bool:
    """Write an output to its file (atomically) or to standard output; False on failure."""
    if not target:
        sys.stdout.write(text)
        return True
    try:
        _write_atomic(target, text)
    except OSError as exc:
        _fail(f"cannot write {target}: {exc.strerror or exc}")
        return False
    return True


def _fail(message: str) -> int:
    # a message of several problems (a configuration's) says each on a line of its own
    for line in message.split("\n"):
        click.echo(f"servicespec: error: {terminal_safe(line)}", err=True)
    return EXIT_ERROR


def run_lint(paths: Sequence[str], *, formats: Sequence[str], outputs: Sequence[str],
             select: list[str] | None, ignore: list[str] | None, fail_on: str | None,
             config_path: str | None, stdin_filename: str | None, color: bool,
             baseline: str | None = None, write_baseline: str | None = None,
             jobs: int | None = None, cache: bool = False) -> int:
    """`servicespec lint`; with `cache`, results come from and go to `.servicespec_cache/`
    (identical output: see cache.py)."""
    from .report import REPORTERS

    unknown = [f for f in formats if f not in REPORTERS]
    if unknown:
        return _fail(f"unknown format {', '.join(unknown)}: use one of "
                     f"{', '.join(REPORTERS)}")
    if len(outputs) > len(formats):
        return _fail("more --output files than --format options: give one format per output")
    if len(formats) - len(outputs) > 1:
        return _fail("only one format can go to standard output: give the others an --output "
                     "(the Nth --output belongs to the Nth --format)")
    overrides = {"select": select, "ignore": ignore,
                 "fail_on": Severity.parse(fail_on) if fail_on else None}
    try:
        files = discover(paths, config_file=config_path)
        workspace = open_workspace(paths, files, config_file=config_path)
        if cache and files and "-" not in files:
            from .cache import lint_with_cache

            result, threshold = lint_with_cache(files, config_path=config_path,
                                                overrides=overrides, jobs=jobs,
                                                workspace=workspace)
        else:
            from .api import config_for, lint_files
            from .config import Config, read_config

            fixed = read_config(Path(config_path)) if config_path else None
            result = LintResult(list(lint_files(files, fixed, overrides, jobs=jobs,
                                                stdin_filename=stdin_filename,
                                                catalogue=workspace.catalogue)))
            threshold = (config_for(files[0], fixed) if files else fixed or Config()
                         ).merged(**overrides).fail_on
        with_catalogue_findings(result.files, workspace, overrides)
    except _config_error() as exc:
        return _fail(str(exc))
    try:
        comparison = _apply_baseline(result, baseline, write_baseline)
    except _baseline_error() as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write baseline {write_baseline}: {exc.strerror or exc}")
    shown = comparison.result if comparison else result
    for i, fmt in enumerate(formats):
        target = outputs[i] if i < len(outputs) else None
        text = REPORTERS[fmt](shown, color=color and target is None, baseline=comparison)
        if not _emit(text, target):
            return EXIT_ERROR
    if "github" in formats:
        _append_step_summary(shown, comparison)
    return EXIT_FINDINGS if shown.fails(threshold) else EXIT_CLEAN


def _apply_baseline(result: LintResult, baseline: str | None, write: str | None
                    ) -> Comparison | None:
    """The result measured against the baseline; `--write-baseline` records it first."""
    if not (baseline or write):
        return None
    from .baseline import compare, read_baseline, write_baseline

    if write:
        count = write_baseline(write, result)
        click.echo(f"servicespec: wrote {plural(count, 'finding')} to "
                   f"baseline {terminal_safe(write)}", err=True)
    return compare(result, read_baseline(baseline or write))  # type: ignore[arg-type]


def _append_step_summary(result: LintResult, comparison: Comparison | None) -> None:
    """GitHub Actions: the markdown summary goes to the job's page."""
    from .report import github_step_summary

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(github_step_summary(result, baseline=comparison))
    except OSError as exc:
        click.echo(terminal_safe(f"servicespec: warning: cannot write the job summary: {exc}"),
                   err=True)


def run_diff(paths: Sequence[str], *, base: str | None, fmt: str, output: str | None,
             fail_on: str | None, config_path: str | None) -> int:
    """`servicespec diff`: two files, or the working tree against a git revision."""
    from .api import SPEC_SUFFIXES, config_for, lint_file, uses_libraries
    from .config import ConfigError, find_config, read_config
    from .diff import GitError, compare, diff_against_revision
    from .report.diff_report import render_markdown, render_text
    from .results import FileResult

    if base is None and len(paths) != 2:
        return _fail("give two spec files (OLD NEW), or --base REF to compare the working "
                     "tree with a git revision")
    missing = [p for p in paths if base is None and not Path(p).is_file()]
    if missing:
        return _fail(f"{missing[0]} is not a file")
    try:
        fixed = read_config(Path(config_path)) if config_path else None
        old_catalogue = _catalogue_at(base, paths, fixed) if base is not None else None

        # the working tree's catalogue, read once a folder (not once a changed service)
        folders: dict[str, Catalogue] = {}

        def lint_one(path: str, data: bytes | None, display: str) -> FileResult:
            config = config_for(path, fixed)
            if data is None:
                folder = os.path.dirname(os.path.abspath(path))
                if folder not in folders and uses_libraries(path):
                    folders[folder] = open_workspace([path], [path], config).catalogue
                return lint_file(path, config, display=display, catalogue=folders.get(folder))
            # the revision's services resolve against the revision's libraries
            return lint_file("-", config, stdin=data, display=display,
                             catalogue=old_catalogue)

        if base is None:
            diffs = [compare(lint_one(paths[0], None, paths[0]),
                             lint_one(paths[1], None, paths[1]))]
        else:
            diffs = diff_against_revision(base, list(paths), lint_one, SPEC_SUFFIXES,
                                          partial(_library_users, paths, fixed))
        threshold = (Severity.parse(fail_on) if fail_on else
                     (fixed or find_config(Path.cwd()).config).fail_on)
    except (ConfigError, GitError) as exc:
        return _fail(str(exc))
    title = f"working tree against {base}" if base else ""
    text = (render_markdown if fmt == "markdown" else render_text)(diffs, title=title)
    if not _emit(text, output):
        return EXIT_ERROR
    return EXIT_FINDINGS if any(d.fails(threshold) for d in diffs) else EXIT_CLEAN


def _library_users(paths: Sequence[str], config: Config | None, changed: list[str]
                   ) -> list[str]:
    """The services of the working tree's catalogue that use one of the `changed` files
    (nothing to read when no library changed)."""
    from .api import lint_files, uses_libraries
    from .workspace import is_library

    libraries = [c for c in changed if os.path.isfile(c) and is_library(c)]
    if not libraries:
        return []
    workspace = open_workspace(paths or ["."], discover(paths or ["."], config), config)
    # what a service uses is known once it is linted: only those with `uses` need it
    services = [p for p, d in workspace.documents.items()
                if d.library is None and uses_libraries(p)]
    for result in lint_files(services, config, catalogue=workspace.catalogue):
        workspace.record(result)
    return sorted({u for c in libraries for u in workspace.dependents(c)})


def _catalogue_at(ref: str, paths: Sequence[str], config: Config | None) -> Catalogue:
    """The libraries of the catalogue as they were at `ref`: from the folder the
    configuration names (`catalogue =`), else from the folders given (a file's own folder),
    named `REF:path` in findings."""
    from .api import SPEC_SUFFIXES, config_for
    from .diff import git_root, libraries_at, resolve_revision
    from .workspace import Workspace

    root = git_root()
    commit = resolve_revision(ref, root)
    named = list(paths) or ["."]
    configured = config_for(named[0], config).catalogue_folder()
    folders = [configured] if configured else sorted(
        {p if os.path.isdir(p) else os.path.dirname(p) or os.curdir for p in named})
    workspace = Workspace((), config)
    for name, text in libraries_at(root, commit, folders, SPEC_SUFFIXES).items():
        workspace.update(f"{ref}:{Path(os.path.relpath(root / name)).as_posix()}", text)
    return workspace.catalogue


def starter_text(kind: str = "service") -> str:
    """The commented starter `init` writes: `service` or `library`. Templates are named
    `.tmpl`, not `.yaml`: a walk of the repository takes them for no one's specs."""
    from importlib import resources

    return resources.files("servicespec").joinpath(f"templates/{kind}.yaml.tmpl").read_text(
        "utf-8")


def run_init(file: str, library: bool = False) -> int:
    target = Path(file)
    if target.exists():
        return _fail(f"{file} already exists: choose another name (init never overwrites)")
    try:
        _write_atomic(target, starter_text("library" if library else "service"),
                      overwrite=False)
    except FileExistsError:
        return _fail(f"{file} already exists: choose another name (init never overwrites)")
    except OSError as exc:
        return _fail(f"cannot write {file}: {exc.strerror or exc}")
    click.echo(terminal_safe(f"wrote {file}: edit it, then run `servicespec lint {file}`"))
    return EXIT_CLEAN


def project_policies(config_path: str | None) -> tuple[list[Policy], Path | None]:
    """The organisation policies of the configuration given, or found from the working
    folder, and the file they come from; ConfigError when it is invalid."""
    from .config import find_config, read_config

    if config_path:
        return read_config(Path(config_path)).policies, Path(config_path)
    found = find_config(Path.cwd())
    return found.config.policies, found.path


def rules_listing(fmt: str, config_path: str | None = None) -> str:
    """Every rule, then the project's organisation policies; ConfigError when the
    configuration is invalid."""
    from .rules import ALL_RULES, GROUPS

    policies, source = project_policies(config_path)
    if fmt == "json":
        import json

        return json.dumps([{"code": r.code, "name": r.name, "group": r.group,
                            "severity": r.severity.value, "summary": r.summary,
                            "impact": r.impact}
                           for r in ALL_RULES.values()]
                          + [{"code": p.code, "name": p.name, "group": "policies",
                              "severity": p.severity.value, "summary": p.summary,
                              "impact": p.description}
                             for p in policies], indent=2) + "\n"
    lines: list[str] = []
    group = None
    for rule in ALL_RULES.values():
        if rule.group != group:
            group = rule.group
            lines.append(f"{'' if not lines else chr(10)}{group} — {GROUPS[group].title}")
        lines.append(f"  {rule.code}  {rule.severity.value[0].upper()}  {rule.name:<40} "
                     f"{rule.summary}")
    if policies:
        lines.append(f"\nOrganisation policies ({terminal_safe(str(source))})")
        lines += [f"  {p.code}  {p.severity.value[0].upper()}  {terminal_safe(p.name):<40} "
                  f"{terminal_safe(p.summary)}" for p in policies]
    return "\n".join(lines) + "\n"


def explain_rule(key: str, config_path: str | None = None) -> str | None:
    """A rule's documentation, or an organisation policy's; None when neither has that code
    or name. ConfigError when the configuration is invalid."""
    from .rules import get_rule

    rule = get_rule(key)
    if rule is None:
        policies, source = project_policies(config_path)
        wanted = key.strip()
        policy = next((p for p in policies if wanted.upper() == p.code or wanted == p.name),
                      None)
        return None if policy is None else _explain_policy(policy, source)
    docs = rule.docs()
    out = [f"{rule.code} {rule.name} ({rule.severity.value})", "", rule.summary, "",
           textwrap.fill(f"Why it matters to customers: {rule.impact}", 90), "", docs.why]
    options = rule.Options.model_fields
    if options:
        out += ["", "Options (in [tool.servicespec.options." + rule.code + "]):"]
        out += [f"  {name} = {field.default!r}  {field.description or ''}"
                for name, field in options.items()]
    if docs.bad:
        out += ["", "Bad:", "", _indent(docs.bad)]
    if docs.good:
        out += ["Good:", "", _indent(docs.good)]
    return "\n".join(out).rstrip() + "\n"


def _explain_policy(policy: Policy, source: Path | None) -> str:
    safe = terminal_safe
    out = [f"{policy.code} {safe(policy.name)} ({policy.severity.value})", "",
           f"An organisation policy of {safe(str(source))}.", "", safe(policy.summary)]
    if policy.description and policy.description != policy.summary:
        out += [""] + [safe(line) for line in policy.description.splitlines()]
    out += ["", f"Selects:  {policy.select}", f"Where:    {safe(policy.where)}",
            f"Requires: {safe(policy.require)}", f"Message:  {safe(policy.message)}"]
    if policy.url:
        out += [f"More:     {safe(policy.url)}"]
    return "\n".join(out) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines()) + "\n"
