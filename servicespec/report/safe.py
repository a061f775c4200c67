"""Escaping for outputs that spec text reaches: no terminal escapes pass through."""

from __future__ import annotations

import re

# C0 and C1 controls except tab and newline, and DEL: ANSI escape sequences start with ESC
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Control characters shown as `\\x1b` instead of being sent to the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)
