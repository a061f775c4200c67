"""`--format json`: the public, versioned shape documented in docs/output-formats.md."""

from __future__ import annotations

from ..diagnostics import Severity
from ..results import LintResult


def document(result: LintResult) -> dict[str, object]:
    return {
        "version": 1,
        "findings": [d.to_dict() for d in result.diagnostics],
        # hidden by inline comments, each with its reason: they fail nothing
        "suppressed": [s.to_dict() for s in result.suppressed],
        "summary": {
            "files": len(result.files),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "suppressed": len(result.suppressed),
        },
    }
