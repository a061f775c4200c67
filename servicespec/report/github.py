"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

GitHub shows at most 10 error and 10 warning annotations per step (notices likewise), so each
severity is capped there and the rest is printed as plain log lines under a summary notice.
The markdown job summary (`markdown.lint_summary`) is written by the CLI to
`$GITHUB_STEP_SUMMARY`; this module only builds text.

Escaping follows the runner's own parser (actions/toolkit, `command.ts`): in the message `%`,
CR and LF are percent-encoded; in properties also `:` and `,`, so that spec text can neither end
the command early nor start another one on a new line.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import PurePath

from ..diagnostics import Diagnostic, Severity, severity_counts
from ..results import LintResult
from ..textutil import plural, terminal_safe

# GitHub's per-step limit for each annotation type
MAX_PER_SEVERITY = 10
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diag: Diagnostic) -> str:
    # the path as GitHub matches it to the diff: `specs/a.yaml`, never `./specs/a.yaml`
    file = diag.file if os.path.isabs(diag.file) else PurePath(diag.file).as_posix()
    props = [("file", file), ("line", str(diag.line)), ("endLine", str(diag.end_line)),
             ("col", str(diag.column)), ("title", f"{diag.code} {diag.name}")]
    if diag.end_line == diag.line and diag.end_column > diag.column:
        props.insert(4, ("endColumn", str(diag.end_column)))
    joined = ",".join(f"{key}={escape_property(terminal_safe(value))}" for key, value in props)
    return f"::{COMMANDS[diag.severity]} {joined}::{escape_data(terminal_safe(diag.message))}"


def plain(diag: Diagnostic) -> str:
    """A log line for a finding over the cap; never a workflow command."""
    text = (f"{diag.file}:{diag.line}:{diag.column}: {diag.code} {diag.severity.value}: "
            f"{diag.message}")
    # the runner reads a line that starts with `::` after its leading spaces as a command
    return "  - " + escape_data(terminal_safe(text))


def render(result: LintResult, *, fixed: Sequence[tuple[str, str, str]] = (),
           known: int = 0, limit: int = MAX_PER_SEVERITY) -> str:
    shown: dict[Severity, int] = {s: 0 for s in Severity}
    lines: list[str] = []
    over: list[Diagnostic] = []
    for diag in result.diagnostics:
        if shown[diag.severity] < limit:
            shown[diag.severity] += 1
            lines.append(annotation(diag))
        else:
            over.append(diag)
    if over:
        lines.append(f"::notice title=servicespec::{plural(len(over), 'more finding')} not "
                     f"annotated (GitHub shows {limit} per severity): listed below and in the "
                     "job summary")
        lines += [plain(d) for d in over]
    if known:
        lines.append(f"servicespec: {plural(known, 'known finding')} hidden by the baseline")
    if fixed:
        lines.append(f"::notice title=servicespec baseline::"
                     f"{plural(len(fixed), 'baseline entry is', 'baseline entries are')} fixed: "
                     "shrink the baseline with --write-baseline")
        lines += ["  - " + escape_data(terminal_safe(f"fixed: {f}: {c} {m}")) for f, c, m in fixed]
    lines.append(f"servicespec: {severity_counts(result.diagnostics)} in "
                 f"{plural(len(result.files), 'file')} checked")
    return "\n".join(lines) + "\n"
