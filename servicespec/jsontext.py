"""JSON text that is safe to print, and JSON read from untrusted files without a crash.

json.dumps escapes C0 controls; `dumps` escapes C1 too. With `ensure_ascii=False` (readable
non-ASCII names), characters U+007F–U+009F would pass through raw, and some terminals act on
them (U+009B is a one-byte CSI). They only occur inside JSON strings, where `\\u009b` means
the same character.
"""

from __future__ import annotations

import json
from typing import Any

from .textutil import JSON_UNSAFE


def dumps(value: Any) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n"


def loads(data: bytes | str) -> Any:
    """JSON from a file anyone may have written: whatever is wrong with it is a ValueError.

    json raises RecursionError on deep nesting (`[[[[...`) and ValueError on a number of
    over 4,300 digits, on invalid UTF-8 and on invalid JSON; the caller reads the size-capped
    bytes first (fsutil.read_regular), so memory stays bounded too.
    """
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise
    except ValueError:  # int() refuses a number of over 4,300 digits
        raise ValueError("a number too long") from None
