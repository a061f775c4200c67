"""SS5 — handoffs: don't pass the customer around."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from pydantic import BaseModel, ConfigDict, Field

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Spec, Step
from .base import Finding, Rule, finding

W = Severity.WARNING
STEPS = ("blueprint", "steps")


def role_changes(steps: list[Step]) -> Iterator[tuple[int, int]]:
    """(earlier, later) indexes of consecutive steps whose frontstage roles share none.

    Steps whose frontstage names no role are skipped; system roles count.
    """
    previous: tuple[int, set[str]] | None = None
    for i, step in enumerate(steps):
        roles = {a.role for a in step.frontstage if a.role}
        if not roles:
            continue
        if previous is not None and not previous[1] & roles:
            yield previous[0], i
        previous = (i, roles)


class HandoffWithoutContext(Rule):
    """Dixon et al. (2010): a transfer that loses the context makes the customer repeat
    themselves. When the frontstage role changes, say how the case travels (`handoff.context`:
    a shared record, a ticket).
    """

    code, name, severity = "SS501", "handoff-without-context", W
    summary = "the frontstage role changes and the step declares no `handoff.context`"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = spec.steps
        for before, after in role_changes(steps):
            step = steps[after]
            if not (step.handoff and step.handoff.context):
                yield finding((*STEPS, after), f"the customer is passed from "
                              f"'{steps[before].id}' to '{step.id}' with a new frontstage role "
                              "and no context: add `handoff: {context: ...}` (a shared "
                              "record, a ticket)")


class TooManyHandoffsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    max_handoffs: int = Field(2, ge=0, description="Most frontstage role changes in one phase.")


class TooManyHandoffs(Rule):
    """Dixon et al. (2010); the source articles: don't pass the customer around. More than
    (2) changes of frontstage role within one phase means the customer meets a new person at
    every turn.
    """

    code, name, severity = "SS502", "too-many-handoffs", W
    summary = "more than (2) frontstage role changes within one phase"
    Options = TooManyHandoffsOptions

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = spec.steps
        counts: dict[str, int] = {}
        for before, after in role_changes(steps):
            phase = steps[after].phase
            if phase is None or steps[before].phase != phase:
                continue
            counts[phase] = counts.get(phase, 0) + 1
            if counts[phase] == options.max_handoffs + 1:
                yield finding((*STEPS, after), f"the customer is passed between frontstage "
                              f"roles more than {options.max_handoffs} times in phase "
                              f"'{phase}' (here at step '{steps[after].id}'): give the "
                              "customer one owner for the phase")


class CustomerRepeatsInformation(Rule):
    """Dixon et al. (2010): having to repeat information is one of the strongest drivers of
    effort and disloyalty. Ask each item once and carry it along.
    """

    code, name, severity = "SS503", "customer-repeats-information", W
    summary = "the same `collects` item is asked at two steps"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        asked: dict[str, str] = {}
        for i, step in enumerate(spec.steps):
            for j, item in enumerate(step.collects):
                key = " ".join(item.lower().split())
                if key in asked and asked[key] != step.id:
                    yield finding((*STEPS, i, "collects", j), f"step '{step.id}' asks for "
                                  f"'{item}' again (already asked at step '{asked[key]}'): "
                                  "carry it along instead")
                else:
                    asked.setdefault(key, step.id)
