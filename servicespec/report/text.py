"""The default, human output: `file:line:col: CODE severity: message`, source and caret."""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Diagnostic, Severity, severity_counts
from ..results import LintResult
from ..textutil import plural, terminal_safe

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render(result: LintResult, *, color: bool = False, source: bool = True,
           known: int = 0, fixed: Sequence[tuple[str, str, str]] = ()) -> str:
    """Findings grouped by file (a blank line between files), then the summary.

    `known` and `fixed` describe a baseline: findings it hides, and its entries
    (file, code, message) that no longer occur. Source lines are those of the text that was
    linted (`FileResult.text`): a file is never read again to show it.
    """
    lines: list[str] = []
    for file_result in result.files:
        if not file_result.diagnostics:
            continue
        if lines:
            lines.append("")
        # the lines as positions count them
        texts = file_result.text.split("\n") if source and file_result.text else []
        for diag in file_result.diagnostics:
            lines.append(_headline(diag, color))
            lines += _snippet(diag, texts)
            lines += related_notes(diag)
    if lines:
        lines.append("")
    if fixed:
        lines.append(f"Fixed since the baseline ({len(fixed)}): shrink it with "
                     "--write-baseline.")
        lines += [f"  {terminal_safe(f)}: {code} {terminal_safe(m)}" for f, code, m in fixed]
        lines.append("")
    lines.append(summary(result, known=known))
    return "\n".join(lines) + "\n"


def _headline(diag: Diagnostic, color: bool) -> str:
    where = _paint(f"{terminal_safe(diag.file)}:{diag.line}:{diag.column}:", "1", color)
    code = _paint(f"{diag.code} {diag.severity.value}:", _COLORS[diag.severity], color)
    return f"{where} {code} {terminal_safe(diag.message)}"


def related_notes(diag: Diagnostic, indent: str = "      ") -> list[str]:
    """The other places a finding concerns, a line each (a shared element in its library's
    file), as SARIF gives them in `relatedLocations`."""
    return [f"{indent}= note: {terminal_safe(r.message)}: "
            f"{terminal_safe(r.file)}:{r.line}:{r.column}" for r in diag.related]


def _snippet(diag: Diagnostic, texts: list[str]) -> list[str]:
    if not 1 <= diag.line <= len(texts):
        return []
    text = texts[diag.line - 1]
    if len(text) > 200:  # a 1 MB single line is not worth showing whole
        start = max(0, diag.column - 60)
        text, column = text[start:start + 160], diag.column - start
    else:
        column = diag.column
    gutter = str(diag.line).rjust(5)
    text = text.replace("\t", " ")
    # the caret sits under the character as it is shown, escapes before it counted
    indent = len(terminal_safe(text[:column - 1]))
    return [f"{gutter} | {terminal_safe(text)}", f"{' ' * 5} | {' ' * indent}^"]


def summary(result: LintResult, *, known: int = 0) -> str:
    """`2 errors, 1 warning in 1 file; 3 suppressed.`: counted over the files that have
    findings. Suppressed findings are counted apart: a file whose findings are all suppressed
    is quiet, not clean, and the summary says so."""
    checked = len(result.files)
    with_findings = sum(1 for f in result.files if f.diagnostics)
    hidden = f" ({plural(known, 'known finding')} hidden by the baseline)" if known else ""
    quiet = len(result.suppressed)
    suppressed = f"; {quiet} suppressed" if quiet else ""
    if not with_findings:
        return f"All clean: {plural(checked, 'file')} checked{suppressed}.{hidden}"
    of = f" ({checked} checked)" if checked != with_findings else ""
    return (f"{severity_counts(result.diagnostics)} in {plural(with_findings, 'file')}{of}"
            f"{suppressed}.{hidden}")
