"""What linting one file gives: its findings, and its model when it had no file-level errors.

A leaf module (it imports no parser and no pydantic), so that results read back from the
cache (`cache.py`) can be reported without loading the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic

if TYPE_CHECKING:
    from .model.spec import Spec


@dataclass
class FileResult:
    """One linted file: its findings, and its model when it had no file-level errors."""

    file: str
    diagnostics: list[Diagnostic]
    spec: Spec | None = None
