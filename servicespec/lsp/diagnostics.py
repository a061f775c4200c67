"""The linter's findings as the protocol's diagnostics."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types
from pygls.uris import from_fs_path

from ..diagnostics import Diagnostic, Severity
from ..report.sarif import RULES_DOC_URL
from ..results import FileResult
from .positions import split_lines, to_client

SOURCE = "servicespec"
_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error,
             Severity.WARNING: types.DiagnosticSeverity.Warning,
             Severity.INFO: types.DiagnosticSeverity.Information}


def lsp_range(lines: Sequence[str], line: int, column: int, end_line: int, end_column: int,
              encoding: str) -> types.Range:
    start = to_client(lines, line, column, encoding)
    end = to_client(lines, end_line, end_column, encoding)
    if end < start:
        end = start
    return types.Range(types.Position(*start), types.Position(*end))


def rule_url(code: str, result: FileResult) -> str | None:
    policy = result.policies.get(code)
    if policy is not None:
        return policy.url
    return f"{RULES_DOC_URL}#{code.lower()}" if code.startswith("SS") else None


def to_lsp(result: FileResult, text: str, encoding: str,
           lines_of: Callable[[str], list[str]]) -> list[types.Diagnostic]:
    lines = split_lines(text)
    read: dict[str, list[str]] = {}  # each library's file read once, however many findings

    def cached(file: str) -> list[str]:
        if file not in read:
            read[file] = lines_of(file)
        return read[file]

    return [_one(d, lines, encoding, result, cached) for d in result.diagnostics]


def _one(d: Diagnostic, lines: list[str], encoding: str, result: FileResult,
         lines_of: Callable[[str], list[str]]) -> types.Diagnostic:
    url = rule_url(d.code, result)
    related = []
    for r in d.related:
        uri = from_fs_path(r.file)
        if uri is None:
            continue
        other = lines_of(r.file)
        related.append(types.DiagnosticRelatedInformation(
            types.Location(uri, lsp_range(other, r.line, r.column, r.line, r.column, encoding)),
            r.message))
    return types.Diagnostic(
        range=lsp_range(lines, d.line, d.column, d.end_line, d.end_column, encoding),
        message=d.message, severity=_SEVERITY[d.severity], code=d.code, source=SOURCE,
        code_description=types.CodeDescription(href=url) if url else None,
        related_information=related or None,
        data={"rule": d.code, "name": d.name, "fingerprint": d.fingerprint,
              "element": d.element, "path": list(d.path)})
