"""Reporters: pure functions from findings to text, picked by name. Only the CLI prints.

Each reporter takes the lint result (with a baseline, the new findings only), `color` (for a
terminal) and `baseline` (a `baseline.Comparison` or None, for the known and fixed counts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from ..results import LintResult

if TYPE_CHECKING:
    from ..baseline import Comparison


class Reporter(Protocol):
    def __call__(self, result: LintResult, *, color: bool = False,
                 baseline: Comparison | None = None) -> str: ...


def _fixed(baseline: Comparison | None) -> list[tuple[str, str, str]]:
    return [(e.file, e.code, e.message) for e in baseline.fixed] if baseline else []


def _text(result: LintResult, *, color: bool = False,
          baseline: Comparison | None = None) -> str:
    from .text import render

    return render(result, color=color, known=baseline.known if baseline else 0,
                  fixed=_fixed(baseline))


def _json(result: LintResult, *, color: bool = False,
          baseline: Comparison | None = None) -> str:
    from ..jsontext import dumps
    from .json_report import document

    doc = document(result)
    if baseline is not None:  # only with --baseline: the version 1 shape is otherwise unchanged
        doc["baseline"] = {"known": baseline.known,
                           "fixed": [e.to_dict() for e in baseline.fixed]}
    return dumps(doc)


def _sarif(result: LintResult, *, color: bool = False,
           baseline: Comparison | None = None) -> str:
    from .sarif import render

    return render(result, baselined=baseline is not None)


def _github(result: LintResult, *, color: bool = False,
            baseline: Comparison | None = None) -> str:
    from .github import render

    return render(result, known=baseline.known if baseline else 0, fixed=_fixed(baseline))


def _junit(result: LintResult, *, color: bool = False,
           baseline: Comparison | None = None) -> str:
    from .junit import render

    return render(result)


def github_step_summary(result: LintResult, *, baseline: Comparison | None = None) -> str:
    """The markdown that `--format github` appends to `$GITHUB_STEP_SUMMARY`."""
    from .markdown import lint_summary

    return lint_summary(result, known=baseline.known if baseline else 0,
                        fixed=_fixed(baseline))


REPORTERS: dict[str, Callable[..., str]] = {
    "text": _text,
    "json": _json,
    "sarif": _sarif,
    "github": _github,
    "junit": _junit,
}
