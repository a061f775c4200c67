"""Markdown for GitHub: the job summary of `--format github` and `servicespec diff`.

Spec text reaches these pages (element names, collected data items), and a PR comment or a
job summary renders it: escape it so it cannot add links, images, HTML, table cells, mentions
or issue references.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..diagnostics import Diagnostic, Severity, severity_counts
from ..results import LintResult
from ..textutil import plural, terminal_safe

# Markdown that works mid-line: emphasis, code, links and images, table cells, strikethrough,
# issue references (`#12`); the text is never at the start of a line, so lists and headings
# cannot begin
_PUNCTUATION = re.compile(r"([\\`*_\[\]|~#])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;"}

# the job summary holds at most 1 MiB; a table of this many rows stays far below it
MAX_ROWS = 200


def escape(text: str) -> str:
    """Spec text as literal markdown: one line, no markup, no HTML, no @mentions."""
    text = terminal_safe(" ".join(text.replace("\r\n", "\n").split("\n")))
    text = _PUNCTUATION.sub(r"\\\1", text)
    return "".join(_ENTITIES.get(ch, ch) for ch in text)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A markdown table; cells are already escaped."""
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def finding_row(diag: Diagnostic) -> list[str]:
    return [f"{escape(diag.file)}:{diag.line}:{diag.column}", f"{diag.code}",
            diag.severity.value, escape(diag.message)]


def findings_table(diagnostics: Sequence[Diagnostic], limit: int = MAX_ROWS) -> list[str]:
    lines = table(["where", "rule", "severity", "finding"],
                  (finding_row(d) for d in diagnostics[:limit]))
    if len(diagnostics) > limit:
        lines += ["", f"…and {len(diagnostics) - limit} more: run `servicespec lint` to see "
                      "them all."]
    return lines


def lint_summary(result: LintResult, *, fixed: Sequence[tuple[str, str, str]] = (),
                 known: int = 0) -> str:
    """The job summary of a lint run: counts, then a table of the findings.

    `fixed` lists (file, code, message) of baseline entries fixed since; `known` counts the
    findings a baseline hides.
    """
    diagnostics = result.diagnostics
    files = len(result.files)
    lines = ["## servicespec lint", ""]
    icon = ":x:" if any(d.severity == Severity.ERROR for d in diagnostics) else (
        ":warning:" if diagnostics else ":white_check_mark:")
    lines.append(f"{icon} {severity_counts(diagnostics)} in {plural(files, 'file')} checked.")
    if known:
        lines.append(f"{plural(known, 'known finding')} hidden by the baseline.")
    if diagnostics:
        lines += ["", *findings_table(diagnostics)]
    if fixed:
        lines += ["", f"### Fixed since the baseline ({len(fixed)})", ""]
        lines += table(["file", "rule", "finding"],
                       ([escape(f), c, escape(m)] for f, c, m in fixed[:MAX_ROWS]))
        lines += ["", "Shrink the baseline: run `servicespec lint --write-baseline FILE`."]
    return "\n".join(lines) + "\n"
