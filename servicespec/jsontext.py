"""JSON text that is safe to print: json.dumps escapes C0 controls; this escapes C1 too.

With `ensure_ascii=False` (readable non-ASCII names), characters U+007F–U+009F would pass
through raw, and some terminals act on them (U+009B is a one-byte CSI). They only occur inside
JSON strings, where `\\u009b` means the same character.
"""

from __future__ import annotations

import json
from typing import Any

from .textutil import JSON_UNSAFE


def dumps(value: Any) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"
