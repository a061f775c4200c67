"""What the CLI commands do, as plain functions that return exit codes or text."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Sequence

import click

from .api import LintResult, lint_file, discover
from .config import Config, ConfigError, LoadedConfig, find_config, read_config
from .diagnostics import Severity
from .fsutil import write_atomic
from .rules import ALL_RULES, GROUPS, get_rule

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> int:
    click.echo(f"servicespec: error: {message}", err=True)
    return EXIT_ERROR


def run_lint(paths: Sequence[str], *, formats: Sequence[str], outputs: Sequence[str],
             select: list[str] | None, ignore: list[str] | None, fail_on: str | None,
             config_path: str | None, stdin_filename: str | None, color: bool) -> int:
    from .report import REPORTERS

    unknown = [f for f in formats if f not in REPORTERS]
    if unknown:
        return _fail(f"unknown format {', '.join(unknown)}: use one of "
                     f"{', '.join(REPORTERS)}")
    if len(outputs) > len(formats):
        return _fail("more --output files than --format options: give one format per output")
    overrides = {"select": select, "ignore": ignore,
                 "fail_on": Severity.parse(fail_on) if fail_on else None}
    try:
        fixed = read_config(Path(config_path)) if config_path else None
        files = discover(paths)
        result = LintResult()
        for file in files:
            base = fixed or find_config(_folder(file)).config
            config = base.merged(**overrides)
            result.files.append(lint_file(file, config, display=stdin_filename
                                          if file == "-" else None))
        threshold = (fixed or (find_config(_folder(files[0])).config if files else Config())
                     ).merged(**overrides).fail_on
    except ConfigError as exc:
        return _fail(str(exc))
    for i, fmt in enumerate(formats):
        target = outputs[i] if i < len(outputs) else None
        text = REPORTERS[fmt](result, color=color and target is None)
        if target:
            write_atomic(target, text)
        else:
            sys.stdout.write(text)
    return EXIT_FINDINGS if result.fails(threshold) else EXIT_CLEAN


def _folder(file: str) -> Path:
    return Path.cwd() if file == "-" else Path(file).resolve().parent


def starter_text() -> str:
    return resources.files("servicespec").joinpath("templates/starter.yaml").read_text("utf-8")


def run_init(file: str) -> int:
    target = Path(file)
    if target.exists():
        return _fail(f"{file} already exists: choose another name (init never overwrites)")
    try:
        write_atomic(target, starter_text(), overwrite=False)
    except FileExistsError:
        return _fail(f"{file} already exists: choose another name (init never overwrites)")
    except OSError as exc:
        return _fail(f"cannot write {file}: {exc.strerror or exc}")
    click.echo(f"wrote {file}: edit it, then run `servicespec lint {file}`")
    return EXIT_CLEAN


def rules_listing(fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{"code": r.code, "name": r.name, "group": r.group,
                            "severity": r.severity.value, "summary": r.summary}
                           for r in ALL_RULES.values()], indent=2) + "\n"
    lines = []
    group = None
    for rule in ALL_RULES.values():
        if rule.group != group:
            group = rule.group
            lines.append(f"{'' if not lines else chr(10)}{group} — {GROUPS[group]}")
        lines.append(f"  {rule.code}  {rule.severity.value[0].upper()}  {rule.name:<40} "
                     f"{rule.summary}")
    return "\n".join(lines) + "\n"


def explain_rule(key: str) -> str | None:
    rule = get_rule(key)
    if rule is None:
        return None
    docs = rule.docs()
    out = [f"{rule.code} {rule.name} ({rule.severity.value})", "", rule.summary, "",
           docs.why]
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


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines()) + "\n"
