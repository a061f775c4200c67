"""SS3 — the journey and its blueprint."""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import BaseModel, ConfigDict, Field

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Spec
from ..model.validate import did_you_mean
from .base import Finding, Rule, finding

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
PHASES = ("before", "during", "after")
STEPS = ("blueprint", "steps")


class JourneyPhaseMissing(Rule):
    """Lovelock & Wirtz: the service journey has three stages — pre-purchase, the service
    encounter, post-encounter. A blueprint with no step in one of them leaves that stage
    undesigned. Silent when no step declares a phase.
    """

    code, name, severity = "SS301", "journey-phase-missing", W
    summary = "a phase (before, during, after) has no step"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        phases = {step.phase for step in spec.steps if step.phase}
        if not phases:
            return
        for phase in PHASES:
            if phase not in phases:
                yield finding(STEPS, f"the journey has no step in phase '{phase}': add the "
                              f"steps customers take {phase} purchase")


class SupportGapInPhase(Rule):
    """Customer service supports the customer before, during and after purchase. A phase in
    which no facilitating service is offered leaves customers without help then. Silent when
    no facilitating service declares phases.
    """

    code, name, severity = "SS302", "support-gap-in-phase", W
    summary = "in some phase no facilitating service is offered"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        offered = {p for fac in spec.facilitating for p in fac.phases}
        if not offered:
            return
        for phase in PHASES:
            if phase not in offered:
                yield finding(("facilitating",), f"no facilitating service is offered in "
                              f"phase '{phase}': add `{phase}` to the `phases` of one that "
                              "helps then")


class StepWithoutCustomerAction(Rule):
    """Bitner, Ostrom & Morgan (2008): the customer's actions are the anchor of the
    blueprint; every column starts from what the customer does.
    """

    code, name, severity = "SS303", "step-without-customer-action", W
    summary = "a step has no `customer` action"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, step in enumerate(spec.steps):
            if not step.customer:
                yield finding((*STEPS, i), f"step '{step.id}' has no `customer` action: say "
                              "what the customer does in this step")


class UnansweredCustomerAction(Rule):
    """When the customer acts at a touchpoint, something in the organisation must respond:
    a step with no frontstage, backstage or support action is a request nobody handles.
    """

    code, name, severity = "SS304", "unanswered-customer-action", W
    summary = "a customer action at a touchpoint with no organisation action"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, step in enumerate(spec.steps):
            if step.customer and step.touchpoint and not (
                    step.frontstage or step.backstage or step.support):
                yield finding((*STEPS, i), f"step '{step.id}': the customer acts at touchpoint "
                              f"'{step.touchpoint}' but nobody responds: add frontstage, "
                              "backstage or support actions")


class OrphanTouchpoint(Rule):
    """A touchpoint that no blueprint step uses is either a missing step or a touchpoint
    that no longer exists.
    """

    code, name, severity = "SS305", "orphan-touchpoint", W
    summary = "a touchpoint no step uses"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if not spec.steps:
            return
        used = {step.touchpoint for step in spec.steps}
        for i, tp in enumerate(spec.touchpoints):
            if tp.id not in used:
                yield finding(("touchpoints", i), f"touchpoint '{tp.id}' is used by no "
                              "blueprint step: add the step where it happens, or remove it")


class CustomerStepWithoutEvidence(Rule):
    """Bitner et al.: physical evidence sits above every customer action; it is what the
    customer sees and judges the service by (a form, an email, a receipt).
    """

    code, name, severity = "SS306", "customer-step-without-evidence", I
    summary = "a step at a touchpoint has no `evidence`"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, step in enumerate(spec.steps):
            if step.touchpoint and not step.evidence:
                yield finding((*STEPS, i), f"step '{step.id}' at touchpoint "
                              f"'{step.touchpoint}' shows no evidence: add what the customer "
                              "sees (`evidence:`)")


class UnreachableStep(Rule):
    """With `next`, the journey is a graph. A step that cannot be reached from the first step
    is never taken; a `next` naming no step breaks the journey.
    """

    code, name, severity = "SS307", "unreachable-step", E
    summary = "a step cannot be reached from the first step, or `next` names no step"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = spec.steps
        if not steps:
            return
        for i, step in enumerate(steps):
            for j, nxt in enumerate(step.next or []):
                if nxt not in index.steps:
                    yield finding((*STEPS, i, "next", j), f"step '{step.id}' continues to "
                                  f"'{nxt}', which is not a step"
                                  f"{did_you_mean(nxt, index.steps)}")
        seen = {0}
        todo = [0]
        while todo:
            i = todo.pop()
            for nxt in index.next_steps(i):
                j = index.steps.get(nxt)
                if j is not None and j not in seen:
                    seen.add(j)
                    todo.append(j)
        for i, step in enumerate(steps):
            if i not in seen:
                yield finding((*STEPS, i), f"step '{step.id}' cannot be reached from the first "
                              f"step '{steps[0].id}': name it in an earlier step's `next`")


class LaneEmpty(Rule):
    """The five lanes of a service blueprint (Bitner et al. 2008) each show part of what
    delivers the service. A lane empty across the whole blueprint is usually undesigned, not
    absent: the backstage work happens whether or not it is drawn.
    """

    code, name, severity = "SS308", "lane-empty", I
    summary = "a lane is empty across the whole blueprint"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if not spec.steps:
            return
        for lane in ("evidence", "frontstage", "backstage", "support"):
            if not any(getattr(step, lane) for step in spec.steps):
                yield finding(STEPS, f"the {lane} lane is empty in every step: add the "
                              f"{lane} {'items' if lane == 'evidence' else 'actions'} that "
                              "deliver the journey")


class BlueprintTooLargeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    max_steps: int = Field(30, ge=1, description="Most steps in one blueprint.")
    max_lane_items: int = Field(150, ge=1, description="Most lane items in one blueprint.")


class BlueprintTooLarge(Rule):
    """A blueprint is read at a glance by stakeholders. One with more than (30) steps or (150)
    lane items mixes scenarios: split it, one blueprint per scenario.
    """

    code, name, severity = "SS309", "blueprint-too-large", I
    summary = "more than (30) steps or (150) lane items in one blueprint"
    Options = BlueprintTooLargeOptions

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = spec.steps
        items = sum(len(s.evidence) + (1 if s.customer else 0) + len(s.frontstage)
                    + len(s.backstage) + len(s.support) for s in steps)
        if len(steps) > options.max_steps:
            yield finding(STEPS, f"the blueprint has {len(steps)} steps, more than "
                          f"{options.max_steps}: split it, one blueprint per scenario")
        elif items > options.max_lane_items:
            yield finding(STEPS, f"the blueprint has {items} lane items, more than "
                          f"{options.max_lane_items}: split it, one blueprint per scenario")


class NoBlueprint(Rule):
    """Shostack: a service cannot be managed until it is drawn. A spec with no blueprint steps
    describes an offering but not how it is delivered.
    """

    code, name, severity = "SS310", "no-blueprint", W
    summary = "the service has no blueprint steps"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if not spec.steps:
            yield finding(("blueprint",), f"service '{spec.metadata.id}' has no blueprint "
                          "steps: add `blueprint: steps:` with the customer's journey")
