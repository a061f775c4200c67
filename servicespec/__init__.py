"""servicespec: service design specifications, linted and drawn.

The API is imported lazily so that `servicespec --version` and a one-file lint start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import InvalidSpecError, discover, lint, load
    from .diagnostics import Diagnostic, Severity
    from .drawing import draw
    from .model.spec import Spec
    from .results import LintResult

_EXPORTS = {
    "load": "api", "lint": "api", "draw": "drawing", "discover": "api", "LintResult": "results",
    "InvalidSpecError": "api", "Diagnostic": "diagnostics", "Severity": "diagnostics",
    "Spec": "model.spec",
}

__all__ = [
    "Diagnostic", "InvalidSpecError", "LintResult", "Severity", "Spec", "__version__",
    "discover", "draw", "lint", "load",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'servicespec' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
