"""Findings as data: what the loader and the rules report, never raised."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from .textutil import plural

if TYPE_CHECKING:
    from .source import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: `fail_on` thresholds compare ranks, and worst-first orders sort
        by `-rank`."""
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Accepts `error`/`warning`/`info` and the catalogue's `E`/`W`/`I`."""
        key = text.strip().lower()
        for sev in cls:
            if key in (sev.value, sev.value[0]):
                return sev
        raise ValueError(f"unknown severity {text!r}: use error, warning or info")


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


@dataclass(frozen=True, slots=True)
class Related:
    """Another place a finding concerns: a shared element in a library's file."""

    file: str
    line: int
    column: int
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column,
                "message": self.message}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding in one file, with the position a user's editor needs."""

    code: str
    name: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    element: str = ""  # the id path, `blueprint.steps[check-in].fail_points[late]`: stable text
    fingerprint: str = ""
    # the model path the rule reported, `("blueprint", "steps", 2, "fail_points", 0)`: what
    # in-process readers (the renderer) place a finding by; empty for file-level findings
    path: Path = ()
    # the shared elements (in libraries' files) the finding is about
    related: tuple[Related, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "element": self.element,
            "fingerprint": self.fingerprint,
            **({"related": [r.to_dict() for r in self.related]} if self.related else {}),
        }


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding an inline `# servicespec: ignore[CODE] reason` comment hid: kept apart from
    the findings (it fails nothing), but shown with its reason, so a quiet file is not taken
    for a clean one."""

    diagnostic: Diagnostic
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {**self.diagnostic.to_dict(), "reason": self.reason}


def severity_counts(diagnostics: Iterable[Diagnostic]) -> str:
    """`2 errors, 1 warning, 3 info` (severities with none left out), or `no findings`."""
    found = Counter(d.severity for d in diagnostics)
    return ", ".join(plural(found[s], s.value, "info" if s is Severity.INFO else None)
                     for s in Severity if found[s]) or "no findings"


def fingerprint(code: str, element: str, occurrence: int = 0) -> str:
    """Stable across edits that move lines: made of the rule and the element's id path."""
    digest = hashlib.sha1(f"{code}\0{element}\0{occurrence}".encode()).hexdigest()
    return digest[:16]


# The file-level codes that the loader and the model report themselves (no rule runs for
# them); the rule registry documents them under the same names.
FILE_CODES: dict[str, str] = {
    "SS001": "yaml-syntax-error",
    "SS002": "schema-violation",
    "SS003": "unknown-key",
    "SS004": "duplicate-key",
    "SS007": "unsupported-version",
    "SS008": "unused-suppression",
    "SS009": "limit-exceeded",
    "SS010": "unreadable-file",
}

# The codes found over the whole catalogue once every file is linted (SS801 a repeated id,
# SS804 a shared element nobody uses): one file alone cannot tell whether an inline comment
# that names them suppresses anything.
CATALOGUE_CODES = frozenset({"SS801", "SS804"})
