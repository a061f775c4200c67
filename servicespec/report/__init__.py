"""Reporters: pure functions from findings to text, picked by name. Only the CLI prints."""

from __future__ import annotations

from typing import Callable, Protocol

from ..api import LintResult


class Reporter(Protocol):
    def __call__(self, result: LintResult, *, color: bool = False) -> str: ...


def _text(result: LintResult, *, color: bool = False) -> str:
    from .text import render

    return render(result, color=color)


def _json(result: LintResult, *, color: bool = False) -> str:
    from .json_report import render

    return render(result)


REPORTERS: dict[str, Callable[..., str]] = {
    "text": _text,
    "json": _json,
}
