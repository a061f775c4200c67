"""`servicespec diff` output: text for a terminal, markdown for a pull-request comment."""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Diagnostic, severity_counts
from ..diff import ADDED, REMOVED, SpecDiff
from ..textutil import plural, terminal_safe
from . import markdown as md
from .text import related_notes

_MARKS = {ADDED: "+", REMOVED: "-"}


def _finding(diag: Diagnostic) -> str:
    return (f"{diag.file}:{diag.line}:{diag.column}: {diag.code} {diag.severity.value}: "
            f"{diag.message}")


def _headline(diff: SpecDiff) -> str:
    changes = len(diff.changes)
    introduced = (f"{len(diff.introduced)} introduced ({severity_counts(diff.introduced)})"
                  if diff.introduced else "none introduced")
    fixed = f"{len(diff.fixed)} fixed" if diff.fixed else "none fixed"
    return (f"{plural(changes, 'change') if changes else 'no changes'}; findings: "
            f"{introduced}, {fixed}")


def render_text(diffs: Sequence[SpecDiff], *, title: str = "") -> str:
    lines: list[str] = [title] if title else []
    if not diffs:
        lines.append("No spec changes.")
    for diff in diffs:
        if lines:
            lines.append("")
        service = f" ({diff.kind} '{diff.service}')" if diff.service else ""
        lines.append(f"{diff.old_file} -> {diff.new_file}{service}")
        lines.append(_headline(diff))
        if diff.problem:
            lines.append(f"! {diff.problem}")
        if diff.changes:
            lines += ["", "Changes:"]
            lines += [f"  {_MARKS.get(c.kind, '~')} {c.describe()}" for c in diff.changes]
        elif not diff.problem:
            lines += ["", "No service-design changes."]
        for heading, found in (("Findings introduced", diff.introduced),
                               ("Findings fixed", diff.fixed)):
            if found:
                lines += ["", f"{heading}:"]
                for d in found:
                    lines += [f"  {_finding(d)}", *related_notes(d, "    ")]
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


def render_markdown(diffs: Sequence[SpecDiff], *, title: str = "") -> str:
    lines = [f"## servicespec diff{': ' + md.escape(title) if title else ''}", ""]
    if not diffs:
        lines.append("No spec changes.")
    for diff in diffs:
        service = f" — {diff.kind} {md.escape(diff.service)}" if diff.service else ""
        shown = diff.new_file if diff.new_file != "/dev/null" else diff.old_file
        lines += [f"### {md.escape(shown)}{service}", "", md.escape(_headline(diff)), ""]
        if diff.problem:
            lines += [f":warning: {md.escape(diff.problem)}", ""]
        if diff.changes:
            lines += md.table(["change", "element", "details"],
                              ([c.kind, md.escape(c.element), md.escape("; ".join(c.details))]
                               for c in diff.changes))
            lines.append("")
        for heading, found in (("Findings introduced", diff.introduced),
                               ("Findings fixed", diff.fixed)):
            if found:
                lines += [f"#### {heading} ({len(found)})", ""]
                lines += [*md.findings_table(found), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
