"""Typed values of the format: durations and metric targets.

Both keep the text they were written as, so a spec dumps back the way it was written and
messages quote the user's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from ..textutil import shown
from .base import Parse

# a working day: five of them make a week of seven days (`15wd` is 21 days), so a deadline in
# working days compares with one in days without a calendar
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "wd": 86400 * 7 / 5}
# One pattern serves the parser and the JSON Schema, so both accept exactly the same text
# (ASCII digits and spaces only: JSON Schema regexes are ECMA-262, Python's are wider).
_NUM = r"[0-9]{1,9}(?:\.[0-9]{1,6})?"
_INT = r"[0-9]{1,9}"
_TIME = (rf"T(?:{_INT}H(?:{_INT}M)?(?:{_NUM}S)?|{_INT}M(?:{_NUM}S)?|{_NUM}S)")
# ISO 8601 without years or months: a month has no fixed length
_ISO = rf"P(?:{_INT}W(?:{_INT}D)?(?:{_TIME})?|{_INT}D(?:{_TIME})?|{_TIME})"
DURATION_PATTERN = rf"^(?:[ ]*{_NUM}[ ]*(?:wd|[smhdw])[ ]*|{_ISO})$"
_DURATION = re.compile(DURATION_PATTERN)
_ISO_PARTS = re.compile(r"([0-9.]+)([WDHMS])")
_ISO_SECONDS = {"W": 604800, "D": 86400, "H": 3600, "S": 1}


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of time: `30s`, `15m`, `4h`, `2d`, `1w`, `15wd` (working days), or ISO 8601
    `PT4H`, `P2D`."""

    seconds: float
    text: str

    def __str__(self) -> str:
        return self.text

    def __lt__(self, other: Duration) -> bool:
        return self.seconds < other.seconds


def parse_duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = shown(value, 20)
            raise ValueError(f"duration {number} has no unit: write e.g. '{number}m' or "
                             f"'{number}h' (s, m, h, d, w, wd)")
        raise ValueError("a duration is text such as '30s', '15m', '4h', '2d', '1w', '15wd' or "
                         "'PT4H'")
    if not _DURATION.match(value):
        raise ValueError(f"'{shown(value)}' is not a duration: write e.g. '30s', '15m', '4h', "
                         "'2d', '1w', '15wd' (working days) or ISO 8601 'PT4H' (no years or "
                         "months)")
    if value.startswith("P"):
        total, in_time = 0.0, False
        for part in re.split(r"(T)", value[1:]):
            if part == "T":
                in_time = True
                continue
            for number, unit in _ISO_PARTS.findall(part):
                # M is minutes after T; months are not accepted (the pattern has no M before T)
                total += float(number) * (60 if unit == "M" and in_time else _ISO_SECONDS[unit])
        return Duration(total, value)
    stripped = value.strip(" ")
    unit = "wd" if stripped.endswith("wd") else stripped[-1]
    return Duration(float(stripped[:-len(unit)]) * _UNIT_SECONDS[unit], value)


# written back as the text it was read from
DurationField = Annotated[Duration, Parse(parse_duration, {
    "type": "string", "pattern": DURATION_PATTERN,
    "examples": ["30s", "15m", "4h", "2d", "15wd", "PT4H"]})]

OPERATORS = ("<=", ">=", "==", "<", ">")
TARGET_PATTERN = (r"^[ ]*(<=|>=|==|<|>)[ ]*([-+]?[0-9]{1,15}(?:\.[0-9]{1,9})?)[ ]*"
                  r"(%|[A-Za-z][A-Za-z /]{0,30})?[ ]*$")
_TARGET = re.compile(TARGET_PATTERN)


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
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = shown(value, 20)
        raise ValueError(f"target {number} needs an operator: write it as text such as "
                         f"'>= {number}' (one of < <= > >= ==)")
    if not isinstance(value, str):
        raise ValueError("a target is text such as '>= 4.5', '< 1%' or '<= 2d'")
    match = _TARGET.match(value)
    if not match:
        raise ValueError(f"'{shown(value)}' is not a target: write OP NUMBER[UNIT] with OP one of "
                         "< <= > >= ==, e.g. '>= 4.5', '< 1%', '<= 2d'")
    return Target(match[1], float(match[2]), (match[3] or "").strip(" "), value)


TargetField = Annotated[Target, Parse(parse_target, {
    "type": "string", "pattern": TARGET_PATTERN, "examples": [">= 4.5", "< 1%", "<= 2d"]})]
