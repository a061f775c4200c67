"""The rule registry, built from the group modules listed here.

Each group module declares its `GROUP` (code, short name, title) and defines its rules as
`Rule` subclasses; defining a rule class in its group's module registers it. A group too large
for one module spans several, in order, the later ones importing the first one's `GROUP`.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    ss0_file,
    ss1_offering,
    ss2_channels,
    ss3_experience,
    ss3_journey,
    ss4_recovery,
    ss5_handoffs,
    ss6_metrics,
    ss7_people,
    ss8_catalogue,
)
from .base import Finding, Group, Rule, RuleDocs

GROUP_MODULES: tuple[ModuleType, ...] = (
    ss0_file, ss1_offering, ss2_channels, ss3_journey, ss3_experience, ss4_recovery, ss5_handoffs,
    ss6_metrics, ss7_people, ss8_catalogue,
)


def rules_of(module: ModuleType) -> list[type[Rule]]:
    """The rule classes a group module defines (not those it imports)."""
    return [obj for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Rule) and obj is not Rule
            and obj.__module__ == module.__name__]


GROUPS: dict[str, Group] = {m.GROUP.code: m.GROUP for m in GROUP_MODULES}
ALL_RULES: dict[str, Rule] = {
    cls.code: cls()
    for cls in sorted((c for m in GROUP_MODULES for c in rules_of(m)), key=lambda c: c.code)}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in ALL_RULES.values()}


def get_rule(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    return ALL_RULES.get(key.upper()) or BY_NAME.get(key.lower())


__all__ = ["ALL_RULES", "BY_NAME", "GROUPS", "GROUP_MODULES", "Finding", "Group", "Rule",
           "RuleDocs", "get_rule", "rules_of"]
