"""Typed values of the format: durations and metric targets.

Both keep the text they were written as, so a spec dumps back the way it was written and
messages quote the user's own words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SHORT = re.compile(r"\s*(\d{1,9}(?:\.\d{1,6})?)\s*([smhdw])\s*\Z")
# ISO 8601 without years or months: a month has no fixed length
_ISO = re.compile(r"P(?!\Z)(?:(\d{1,9})W)?(?:(\d{1,9})D)?"
                  r"(?:T(?=\d)(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:\.\d{1,6})?)S)?)?\Z")
DURATION_PATTERN = (r"^\s*\d+(\.\d+)?\s*[smhdw]\s*$|"
                    r"^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of time: `30s`, `15m`, `4h`, `2d`, `1w`, or ISO 8601 `PT4H`, `P2D`."""

    seconds: float
    text: str

    def __str__(self) -> str:
        return self.text

    def __lt__(self, other: "Duration") -> bool:
        return self.seconds < other.seconds


def parse_duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(f"duration {value!r} has no unit: write e.g. '{value}m' or "
                             f"'{value}h' (s, m, h, d, w)")
        raise ValueError("a duration is text such as '30s', '15m', '4h', '2d', '1w' or 'PT4H'")
    match = _SHORT.match(value)
    if match:
        return Duration(float(match[1]) * _UNIT_SECONDS[match[2]], value)
    match = _ISO.match(value.strip())
    if match:
        weeks, days, hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
        total = weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + secs
        return Duration(total, value)
    raise ValueError(f"'{value}' is not a duration: write e.g. '30s', '15m', '4h', '2d', '1w' "
                     "or ISO 8601 'PT4H' (no years or months)")


DurationField = Annotated[
    Duration,
    PlainValidator(parse_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN,
                    "examples": ["30s", "15m", "4h", "2d", "PT4H"]}),
]

OPERATORS = ("<=", ">=", "==", "<", ">")
_TARGET = re.compile(r"\s*(<=|>=|==|<|>)\s*([-+]?\d{1,15}(?:\.\d{1,9})?)\s*"
                     r"(%|[smhdw]|[A-Za-z][A-Za-z /]{0,30})?\s*\Z")
TARGET_PATTERN = (r"^\s*(<=|>=|==|<|>)\s*[-+]?\d+(\.\d+)?\s*(%|[smhdw]|[A-Za-z][A-Za-z /]*)?"
                  r"\s*$")


@dataclass(frozen=True, slots=True)
class Target:
    """A metric target `OP NUMBER[UNIT]`: `>= 4.5`, `< 1%`, `<= 2d`."""

    operator: str
    value: float
    unit: str
    text: str

    def __str__(self) -> str:
        return self.text

    @property
    def seconds(self) -> float | None:
        """The target as a duration, when its unit is one."""
        factor = _UNIT_SECONDS.get(self.unit)
        return self.value * factor if factor else None


def parse_target(value: Any) -> Target:
    if isinstance(value, Target):
        return value
    if not isinstance(value, str):
        raise ValueError(f"target {value!r} needs an operator: write it as text such as "
                         f"'>= {value}' (one of < <= > >= ==)")
    match = _TARGET.match(value)
    if not match:
        raise ValueError(f"'{value}' is not a target: write OP NUMBER[UNIT] with OP one of "
                         "< <= > >= ==, e.g. '>= 4.5', '< 1%', '<= 2d'")
    number = float(match[2])
    if not math.isfinite(number):
        raise ValueError(f"'{value}' is not a finite number")
    return Target(match[1], number, (match[3] or "").strip(), value)


TargetField = Annotated[
    Target,
    PlainValidator(parse_target),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": TARGET_PATTERN,
                    "examples": [">= 4.5", "< 1%", "<= 2d"]}),
]
