"""Lint findings placed on the picture: which drawn element each finding concerns.

Findings arrive as data (`Diagnostic`s); the model path each rule reported, such as
`("blueprint", "steps", 2, "fail_points", 0)`, is turned into anchor keys in order of
preference. A view draws a finding's badge on the first key it has drawn; what it cannot place
goes into the "about the whole service" panel, so no finding is ever dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..model.spec import SECTION_WORDS, Spec
from ..source import Path


def _index(path: Path, i: int, length: int) -> int | None:
    """The list position at path[i], when there is one and the list has it."""
    part = path[i] if i < len(path) else None
    return part if type(part) is int and 0 <= part < length else None


def _item(path: Path, i: int, ids: Sequence[str]) -> str | None:
    """The id of the list item at path[i], in a list whose items have `ids`."""
    index = _index(path, i, len(ids))
    return None if index is None else ids[index]


class Anchors:
    """The ids of a spec, to turn element paths (and references) into anchor keys."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.step_ids = [s.id for s in spec.steps]
        self.fail_point_step = {fp.id: s.id for s in spec.steps for fp in s.fail_points}
        self.touchpoint_ids = {t.id for t in spec.touchpoints}
        self.facilitating_ids = {f.id for f in spec.facilitating}
        self.channel_ids = {c.id for c in spec.channels}
        self.metric_measures = {m.id: m.measures for m in spec.metrics}
        self.recovery_covers = {r.id: list(r.covers) for r in spec.recovery}
        self.product_id = spec.product.id

    def of_id(self, ident: str | None) -> list[str]:
        """Anchor keys of whatever `ident` names (a step, fail point, touchpoint…)."""
        if not ident:
            return []
        if ident in self.fail_point_step:
            step = self.fail_point_step[ident]
            return [f"fp:{step}:{ident}", f"step:{step}"]
        if ident in self.step_ids:
            return [f"step:{ident}"]
        if ident in self.touchpoint_ids:
            return [f"touchpoint:{ident}"]
        if ident in self.facilitating_ids:
            return [f"facilitating:{ident}"]
        if ident in self.channel_ids:
            return [f"channel:{ident}"]
        if ident == self.product_id:
            return ["product"]
        return []

    def keys(self, path: Path) -> list[str]:
        """Anchor keys of the element at a model path, most specific first."""
        if not path:
            return []
        head = path[0]
        if head == "blueprint" and len(path) >= 3 and path[1] == "steps":
            return self._step_keys(path)
        if head == "product":
            return ["product"]
        sections = {"facilitating": [f.id for f in self.spec.facilitating],
                    "channels": [c.id for c in self.spec.channels],
                    "roles": [r.id for r in self.spec.roles],
                    "touchpoints": [t.id for t in self.spec.touchpoints],
                    "metrics": [m.id for m in self.spec.metrics],
                    "recovery": [r.id for r in self.spec.recovery]}
        if head not in sections:
            return []
        ident = _item(path, 1, sections[head])
        if ident is None:
            return []
        kind = {"facilitating": "facilitating", "channels": "channel", "roles": "role",
                "touchpoints": "touchpoint", "metrics": "metric",
                "recovery": "recovery"}[head]
        keys = [f"{kind}:{ident}"]
        if head == "metrics":
            keys += self.of_id(self.metric_measures.get(ident))
        if head == "recovery":
            for covered in self.recovery_covers.get(ident, []):
                keys += self.of_id(covered)
        return keys

    def _step_keys(self, path: Path) -> list[str]:
        at = _index(path, 2, len(self.spec.steps))
        if at is None:
            return []
        step = self.spec.steps[at].id
        keys: list[str] = []
        field = path[3] if len(path) > 3 else None
        if field == "fail_points":
            fp = _item(path, 4, [f.id for f in self.spec.steps[at].fail_points])
            if fp:
                keys.append(f"fp:{step}:{fp}")
        elif field in ("frontstage", "backstage", "support"):
            if len(path) > 4 and type(path[4]) is int:
                keys.append(f"action:{step}:{field}:{path[4]}")
            keys.append(f"lane:{step}:{field}")
        elif field in ("customer", "collects", "next", "decision"):
            keys.append(f"customer:{step}")
        elif field == "evidence":
            keys.append(f"evidence:{step}")
        elif field == "wait":
            keys.append(f"wait:{step}")
        elif field == "touchpoint":
            keys.append(f"tp:{step}")
        return [*keys, f"step:{step}"]


@dataclass(frozen=True)
class Badge:
    code: str
    severity: Severity
    message: str
    element: str
    number: int = 0  # the callout's number, in reading order: the same in the findings list
    impact: str = ""  # the rule's plain words: why it matters to a customer
    where: str = ""  # the element it is drawn on, by name ("step “Arrive” · fail point")
    notes: tuple[str, ...] = ()  # what the element says (a fail point: what, prevented how)

    @property
    def tag(self) -> str:
        return f"{self.number} {self.code}" if self.number else self.code

    @property
    def tooltip(self) -> str:
        text = "\n".join([f"{self.tag} ({self.severity.value}): {self.message}", *self.notes])
        return text + (f"\nWhy it matters: {self.impact}" if self.impact else "")


@dataclass
class Placement:
    """Badges by anchor key, and the findings no drawn element could take."""

    badges: dict[str, list[Badge]]
    general: list[Badge]

    def at(self, key: str) -> list[Badge]:
        return self.badges.get(key, [])

    def on_steps(self, steps: set[str], general: bool) -> Placement:
        """The badges on these steps' elements (one page of the paper output: its findings
        panel lists what its picture shows), with the findings about the whole service when
        `general` (the page that ends the journey). Numbers stay those of the whole."""
        return Placement({k: v for k, v in self.badges.items()
                          if k.partition(":")[2].split(":")[0] in steps},
                         self.general if general else [])

    def numbered(self) -> list[Badge]:
        """Every finding, placed or not, in the order of its number."""
        every = [b for badges in self.badges.values() for b in badges] + self.general
        return sorted(every, key=lambda b: b.number)


_PARTS = {"step": "", "customer": "customer action", "evidence": "physical evidence",
          "wait": "wait", "tp": "touchpoint", "chan": "channel", "fp": "fail point",
          "metric": "metric"}


def _named(item: Any) -> str:
    return f"“{getattr(item, 'name', None) or item.id}”"


def _rest(path: Path, i: int) -> str:
    """` · the field` a path goes on to after its element, in words."""
    field = path[i] if i < len(path) else None
    return f" · {field.replace('_', ' ')}" if isinstance(field, str) else ""


def element_title(spec: Spec, path: Path) -> str:
    """The element at a model path by the names a reader sees (`facilitating service
    “Billing” · channels`, not `facilitating[billing].channels`); "" when the spec holds
    no such element."""
    head = path[0] if path else None
    if head == "product":
        return f"core product {_named(spec.product)}{_rest(path, 1)}"
    if head in SECTION_WORDS:
        one, every = SECTION_WORDS[str(head)]
        items = getattr(spec, str(head))
        at = _index(path, 1, len(items))
        if len(path) == 1:
            return f"the {every}"
        return "" if at is None else f"{one} {_named(items[at])}{_rest(path, 2)}"
    if head != "blueprint" or len(path) < 2:
        return ""
    if path[1] == "steps":
        at = _index(path, 2, len(spec.steps))
        return "the journey's steps" if len(path) == 2 else "" if at is None else \
            f"step {_named(spec.steps[at])}{_rest(path, 3)}"
    if path[1] == "scenarios":
        scenarios = spec.blueprint.scenarios
        at = _index(path, 2, len(scenarios))
        if at is None:
            return ""
        scenario = scenarios[at]
        where = f"scenario {_named(scenario)}"
        if len(path) > 4 and path[3] == "steps":
            k = _index(path, 4, len(scenario.steps))
            return "" if k is None else f"{where} · step {_named(scenario.steps[k])}" \
                + _rest(path, 5)
        return where + _rest(path, 3)
    return ""


def _described(spec: Spec, key: str) -> dict[str, Any]:
    """Where a badge sits, by the names a reader sees, and what a fail point there says."""
    kind, _, rest = key.partition(":")
    parts = rest.split(":")
    step = next((s for s in spec.steps if s.id == parts[0]), None)
    if step is None or (kind not in _PARTS and kind != "action"):
        return {}
    where = f"step “{step.name or step.id}”"
    part = (f"{parts[1]} action {int(parts[2]) + 1}" if kind == "action" and len(parts) == 3
            and parts[2].isdigit() else _PARTS.get(kind, ""))
    out: dict[str, Any] = {"where": where + (f" · {part}" if part else "")}
    fp = next((f for f in step.fail_points if kind == "fp" and f.id == parts[-1]), None)
    if fp is not None:
        out["notes"] = (f"Fail point: {fp.description or fp.id}"
                        + (f" · prevented by: {fp.prevention}" if fp.prevention
                           else " · no prevention yet"),)
    return out


def place(spec: Spec, findings: Iterable[Diagnostic], drawn: Sequence[str] | None = None,
          alias: dict[str, str] | None = None) -> Placement:
    """Each finding on the first of its anchor keys that the view draws (`drawn`).

    `alias` maps keys a view draws elsewhere (a touchpoint drawn at a step's pill) to the key of
    that place. Findings are ordered by severity, then code, then element: stable badges. They
    are numbered in the order of `drawn` (the reading order of the view), then the findings no
    element took.
    """
    from ..rules import ALL_RULES  # the plain words of each rule, for the callouts

    anchors = Anchors(spec)
    alias = alias or {}
    order = {key: n for n, key in enumerate(drawn or ())}
    badges: dict[str, list[Badge]] = {}
    general: list[Badge] = []
    ordered = sorted(findings, key=lambda d: (-d.severity.rank, d.code, d.element, d.message))
    for d in ordered:
        rule = ALL_RULES.get(d.code)
        badge = Badge(d.code, d.severity, d.message, d.element,
                      impact=rule.impact if rule else "")
        for key in anchors.keys(d.path):
            key = alias.get(key, key)
            if drawn is None or key in order:
                badges.setdefault(key, []).append(replace(badge, **_described(spec, key)))
                break
        else:
            general.append(replace(badge, where=element_title(spec, d.path)))
    number = 0
    for key in sorted(badges, key=lambda k: order.get(k, len(order))):
        badges[key] = [replace(b, number=number + n) for n, b in enumerate(badges[key], 1)]
        number += len(badges[key])
    general = [replace(b, number=number + n) for n, b in enumerate(general, 1)]
    return Placement(badges, general)
