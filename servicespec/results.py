"""What linting gives: one file's findings (and its model), and a run's files.

A leaf module (it imports no parser and no validator), so that results read back from the
cache (`cache.py`) can be compared with a baseline and reported without loading the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Severity, Suppressed

if TYPE_CHECKING:
    from .model.spec import Library, Spec


@dataclass(frozen=True)
class PolicyInfo:
    """What a report says of an organisation policy (`config.Policy`) that reported: the
    data that describes it as a rule (SARIF), carried with the findings it made."""

    code: str
    name: str
    severity: Severity
    summary: str
    description: str
    checks: str  # select, where and require, as `explain` shows them
    url: str | None = None


@dataclass(frozen=True)
class Declared:
    """What a file says it is in a catalogue: its kind (`Service` or `Library`), its
    `metadata.id`, the libraries it uses and the shared ids it refers to (what the
    catalogue's rules, SS801 and SS804, and the cache's dependencies need of it)."""

    kind: str
    id: str
    uses: tuple[str, ...] = ()
    refers: tuple[str, ...] = ()


@dataclass
class FileResult:
    """One linted file: its findings, its model when it had no file-level errors, and the
    text that was linted (what reporters quote: a file is read once, never again to show it;
    a run drops the text of files without findings); the findings its inline comments
    suppressed are kept apart."""

    file: str
    diagnostics: list[Diagnostic]
    spec: Spec | None = None
    text: str | None = field(default=None, repr=False)
    suppressed: list[Suppressed] = field(default_factory=list)
    # the policies among the codes of its findings (reported or suppressed), by code
    policies: dict[str, PolicyInfo] = field(default_factory=dict)
    # None when the file is no valid service or library
    declared: Declared | None = None
    # the model of a library (`spec` is a service's): what `diff` compares
    library: Library | None = None


@dataclass
class LintResult:
    """Every linted file with its findings."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.files for d in f.diagnostics]

    @property
    def suppressed(self) -> list[Suppressed]:
        return [s for f in self.files for s in f.suppressed]

    @property
    def policies(self) -> dict[str, PolicyInfo]:
        return {code: info for f in self.files for code, info in f.policies.items()}

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def fails(self, fail_on: Severity) -> bool:
        return any(d.severity.rank >= fail_on.rank for d in self.diagnostics)
