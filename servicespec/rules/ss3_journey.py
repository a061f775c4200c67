"""SS3 — the journey and its blueprint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.base import Range, Record, field
from ..model.spec import Spec, Step
from ..model.validate import did_you_mean
from .base import Finding, Group, Rule, finding

GROUP = Group("SS3", "journey", "journey and blueprint")

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
PHASES = ("before", "during", "after")
STEPS = ("blueprint", "steps")
LANES = ("evidence", "frontstage", "backstage", "support")
_LANE_WHAT = {"evidence": "the evidence the customer sees",
              "frontstage": "the visible actions of staff or systems",
              "backstage": "the invisible actions behind them",
              "support": "the support processes and systems"}


class JourneyPhaseMissing(Rule):
    """Lovelock & Wirtz: the service journey has three stages — pre-purchase, the service
    encounter, post-encounter. A blueprint with no step in one of them leaves that stage
    undesigned. Reported once per missing phase. Not checked while some step declares no
    `phase` (it might be the missing one), nor when there are no steps (SS310). The main
    journey only: a scenario (a variant or an exception) covers part of the journey, from
    where it starts to where it rejoins.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room online}
        - {id: check-in, phase: during, customer: Checks in at the front desk}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room online}
        - {id: check-in, phase: during, customer: Checks in at the front desk}
        - {id: check-out, phase: after, customer: Settles the bill}
    ```
    """

    code, name, severity = "SS301", "journey-phase-missing", W
    summary = "a phase (before, during, after) has no step"
    impact = "A stage of the customer's experience nobody has designed is left to chance."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = spec.steps
        if not steps or any(step.phase is None for step in steps):
            return
        phases = {step.phase for step in steps}
        for phase in PHASES:
            if phase not in phases:
                yield finding(STEPS, f"the journey has no step in phase '{phase}': add the "
                              f"steps customers take {phase} purchase")


class SupportGapInPhase(Rule):
    """Customer service supports the customer before, during and after purchase (the source
    articles; Lovelock & Wirtz). A phase in which no facilitating service is offered leaves
    customers without help then. Reported once per phase. Not checked while some
    facilitating service declares no `phases` (it might cover the gap), nor when there is
    none at all (SS102).

    Bad:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before],
         channels: [website]}
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during],
         channels: [front-desk-counter]}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before],
         channels: [website]}
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter]}
    ```
    """

    code, name, severity = "SS302", "support-gap-in-phase", W
    summary = "in some phase no facilitating service is offered"
    impact = "At some stage of the experience customers have no help to turn to."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        services = spec.facilitating
        if not services or any(not fac.phases for fac in services):
            return
        offered = {p for fac in services for p in fac.phases}
        for phase in PHASES:
            if phase not in offered:
                yield finding(("facilitating",), f"no facilitating service is offered in "
                              f"phase '{phase}': add `{phase}` to the `phases` of one that "
                              "helps then")


class StepWithoutCustomerAction(Rule):
    """Bitner, Ostrom & Morgan (2008): the customer's actions are the anchor of the
    blueprint; every column starts from what the customer does. Every step is checked, a
    scenario's too.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, touchpoint: check-in-desk,
           frontstage: [{role: receptionist, action: Hands over the key card}]}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in at the front desk,
           touchpoint: check-in-desk,
           frontstage: [{role: receptionist, action: Hands over the key card}]}
    ```
    """

    code, name, severity = "SS303", "step-without-customer-action", W
    summary = "a step has no `customer` action"
    impact = ("A step that says nothing about what the customer does is designed from the inside "
              "out, not around the customer.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            if not step.customer:
                yield finding(path, f"step '{step.id}' has no `customer` action: say "
                              "what the customer does in this step")


class UnansweredCustomerAction(Rule):
    """In a service blueprint (Bitner et al. 2008), a customer action that crosses the line
    of interaction at a touchpoint is met by the organisation: a frontstage, backstage or
    support action. A step with none is a request nobody handles. Every step is checked, a
    scenario's too.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Asks for a late check-out,
           touchpoint: check-in-desk}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Asks for a late check-out,
           touchpoint: check-in-desk,
           frontstage: [{role: receptionist, action: Extends the stay in the system}]}
    ```
    """

    code, name, severity = "SS304", "unanswered-customer-action", W
    summary = "a customer action at a touchpoint with no organisation action"
    impact = "The customer does something and nobody on the service side responds."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            if step.customer and step.touchpoint and not (
                    step.frontstage or step.backstage or step.support):
                yield finding(path, f"step '{step.id}': the customer acts at "
                              f"{_touchpoints(step)} but nobody responds: add frontstage, "
                              "backstage or support actions")


class OrphanTouchpoint(Rule):
    """A touchpoint that no blueprint step (of any journey) uses is either a missing step or a
    touchpoint that no longer exists (Bitner et al. 2008: touchpoints sit on the customer's
    actions). Not checked when there are no steps yet (SS310).

    Bad:
    ```yaml
    touchpoints:
      - {id: online-booking, channel: website, phase: before, serves: booking}
      - {id: check-in-desk, channel: front-desk-counter, phase: during,
         serves: hotel-stay-product}
      - {id: check-out-desk, channel: front-desk-counter, phase: after, serves: invoicing}
      - {id: room-service-call, channel: reception-phone, phase: during,
         serves: hotel-stay-product}
    ```

    Good:
    ```yaml
    touchpoints:
      - {id: online-booking, channel: website, phase: before, serves: booking}
      - {id: check-in-desk, channel: front-desk-counter, phase: during,
         serves: hotel-stay-product}
      - {id: check-out-desk, channel: front-desk-counter, phase: after, serves: invoicing}
    ```
    """

    code, name, severity = "SS305", "orphan-touchpoint", W
    summary = "a touchpoint no step uses"
    impact = ("A point of contact no step uses is one customers meet without anyone having "
              "designed what happens there.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if not spec.steps:
            return
        used = {tp for _, step in spec.every_step() for tp in step.touchpoint}
        for i, tp in enumerate(spec.touchpoints):
            if tp.id not in used:
                yield finding(("touchpoints", i), f"touchpoint '{tp.id}' is used by no "
                              "blueprint step: add the step where it happens, or remove it")


class CustomerStepWithoutEvidence(Rule):
    """Bitner et al. (2008): physical evidence sits above every customer action; it is what
    the customer sees and judges the service by (a form, an email, a receipt). A step at a
    touchpoint with no `evidence`, its own or its touchpoint's (written once there for every
    step at it; the blueprint draws it in the step's lane), leaves that lane undesigned.
    Every step is checked, a scenario's too.

    Bad:
    ```yaml
    touchpoints:
      - {id: check-in-desk, name: Check-in desk, channel: front-desk-counter, phase: during,
         serves: hotel-stay-product}
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in, touchpoint: check-in-desk,
           frontstage: [{role: receptionist, action: Hands over the key card}]}
    ```

    Good:
    ```yaml
    touchpoints:
      - {id: check-in-desk, name: Check-in desk, channel: front-desk-counter, phase: during,
         serves: hotel-stay-product}
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in, touchpoint: check-in-desk,
           evidence: [Lobby, key card],
           frontstage: [{role: receptionist, action: Hands over the key card}]}
    ```
    """

    code, name, severity = "SS306", "customer-step-without-evidence", I
    summary = "a step at a touchpoint has no `evidence`"
    impact = ("Customers judge a service by what they can see; a step with nothing to see leaves "
              "them unsure it happened.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            if step.touchpoint and not spec.evidence_of(step):
                yield finding(path, f"step '{step.id}' at {_touchpoints(step)} "
                              "shows no evidence: add what the customer "
                              "sees (`evidence:`)")


class UnreachableStep(Rule):
    """With `next`, the journey is a graph (branches, loops; `next: []` ends it). A step that
    cannot be reached from the first step is never taken; a `next` naming no step breaks the
    journey (in a scenario's steps too). Without `next` a step follows the one before it.
    Scenarios are walked as journeys of their own, joined to the main one: a scenario is
    entered at its `from` step (or starts on its own, from its trigger) and its last step
    continues at `rejoins`, so a main step reached only through a scenario is reachable. A
    scenario step that its scenario's first step does not lead to is reported; a scenario
    nobody can enter is its unreachable `from` step's finding, not each of its steps'.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room, next: [check-in]}
        - {id: change-dates, phase: before, customer: Changes the dates}
        - {id: check-in, phase: during, customer: Checks in, next: []}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room, decision: true,
           next: [change-dates, check-in]}
        - {id: change-dates, phase: before, customer: Changes the dates}
        - {id: check-in, phase: during, customer: Checks in, next: []}
    ```
    """

    code, name, severity = "SS307", "unreachable-step", E
    summary = "a step cannot be reached from the first step, or `next` names no step"
    impact = ("A step no customer can reach is designed for nobody, and a branch leading nowhere "
              "leaves customers stranded.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = spec.steps
        if not steps:
            return
        # any step of the file, a scenario's too: where a branch may lead is the journey
        # rules' concern, not a broken link
        step_ids = {s.id for _, s in spec.every_step()}
        for path, step in spec.every_step():
            for j, nxt in enumerate(step.next_ids or []):
                if nxt not in step_ids:
                    yield finding((*path, "next", j), f"step '{step.id}' continues to "
                                  f"'{nxt}', which names no step: use the id of a step"
                                  f"{did_you_mean(nxt, step_ids)}")
        seen = index.reached()
        start = 0  # the position in `index.flow` of each journey's first step
        for journey in index.journeys:
            first = journey.steps[0].id if journey.steps else ""
            for k, step in enumerate(journey.steps):
                if start + k in seen:
                    continue
                if journey.scenario is None:
                    yield finding(journey.step_path(k), f"step '{step.id}' cannot be reached "
                                  f"from the first step '{first}': name it in an earlier "
                                  "step's `next`")
                # a scenario nobody enters is its `from` step's finding, not each of its steps'
                elif start in seen:
                    yield finding(journey.step_path(k), f"step '{step.id}' of scenario "
                                  f"'{journey.id}' cannot be reached from its first step "
                                  f"'{first}': name it in an earlier step's `next`")
            start += len(journey.steps)


class LaneEmpty(Rule):
    """The five lanes of a service blueprint (Bitner et al. 2008) each show part of what
    delivers the service. A lane (evidence, frontstage, backstage, support) empty across the
    whole blueprint is usually undesigned, not absent: the backstage work happens whether or
    not it is drawn. Reported once per empty lane, a lane being empty when no step of any
    journey (the main one or a scenario) has it. (The customer lane is SS303.)

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in, evidence: [Key card],
           frontstage: [{role: receptionist, action: Hands over the key card}],
           support: [Property management system]}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in, evidence: [Key card],
           frontstage: [{role: receptionist, action: Hands over the key card}],
           backstage: [{role: housekeeper, action: Releases the inspected room}],
           support: [Property management system]}
    ```
    """

    code, name, severity = "SS308", "lane-empty", I
    summary = "a lane is empty across the whole blueprint"
    impact = ("An empty lane means a whole layer of the service (what customers see, or what "
              "supports them) has not been designed.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if not spec.steps:
            return
        for lane in LANES:
            if not any(spec.evidence_of(step) if lane == "evidence" else getattr(step, lane)
                       for _, step in spec.every_step()):
                yield finding(STEPS, f"the '{lane}' lane is empty in every step: add "
                              f"{_LANE_WHAT[lane]} to the steps where they happen")


class BlueprintTooLargeOptions(Record, strict=False):
    max_steps: Annotated[int, Range(ge=1)] = field(30, description="Most steps in one "
                                                   "blueprint.")
    max_lane_items: Annotated[int, Range(ge=1)] = field(150, description="Most lane items in "
                                                        "one blueprint.")


class BlueprintTooLarge(Rule):
    """A blueprint is read at a glance by everyone who delivers the service. One with more
    than (30) steps or (150) lane items — evidence, customer, frontstage, backstage and
    support entries — mixes scenarios: split it, one blueprint per scenario. Each journey
    is counted on its own (the main journey, and each of `blueprint.scenarios`, which is that
    split), and reported at its steps. Both limits are options (`max_steps`,
    `max_lane_items`).

    Bad:
    ```yaml
    blueprint:
      steps: [{id: s01}, {id: s02}, {id: s03}, {id: s04}, {id: s05}, {id: s06}, {id: s07},
              {id: s08}, {id: s09}, {id: s10}, {id: s11}, {id: s12}, {id: s13}, {id: s14},
              {id: s15}, {id: s16}, {id: s17}, {id: s18}, {id: s19}, {id: s20}, {id: s21},
              {id: s22}, {id: s23}, {id: s24}, {id: s25}, {id: s26}, {id: s27}, {id: s28},
              {id: s29}, {id: s30}, {id: s31}]
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room online}
        - {id: check-in, phase: during, customer: Checks in at the front desk}
        - {id: check-out, phase: after, customer: Settles the bill}
    ```
    """

    code, name, severity = "SS309", "blueprint-too-large", I
    summary = "more than (30) steps or (150) lane items in one blueprint"
    impact = ("A journey too large to read in one picture hides its problems from the people who "
              "could fix them.")
    Options = BlueprintTooLargeOptions

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for journey in index.journeys:
            steps = journey.steps
            items = sum(len(s.evidence) + (1 if s.customer else 0) + len(s.frontstage)
                        + len(s.backstage) + len(s.support) for s in steps)
            too_many = []
            if len(steps) > options.max_steps:
                too_many.append(f"{len(steps)} steps (more than {options.max_steps})")
            if items > options.max_lane_items:
                too_many.append(f"{items} lane items (more than {options.max_lane_items})")
            if too_many:
                whose = (f"scenario '{journey.id}'" if journey.scenario else
                         f"'{spec.metadata.id}'")
                yield finding((*journey.path, "steps"), f"the blueprint of {whose} has "
                              f"{' and '.join(too_many)}: split it, one blueprint per "
                              "scenario")


class NoBlueprint(Rule):
    """Shostack (1984): a service is designed and controlled through its blueprint. A spec
    with no blueprint steps describes an offering but not how it is delivered.

    Bad:
    ```yaml
    blueprint:
      steps: []
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in at the front desk,
           touchpoint: check-in-desk, evidence: [Lobby, key card],
           frontstage: [{role: receptionist, action: Hands over the key card}]}
    ```
    """

    code, name, severity = "SS310", "no-blueprint", W
    summary = "the service has no blueprint steps"
    impact = "Without a journey, nobody has designed what customers actually go through."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if not spec.steps:
            yield finding(("blueprint",), f"service '{spec.metadata.id}' has no blueprint "
                          "steps: add `blueprint: steps:` with the customer's journey")


def _touchpoints(step: Step) -> str:
    """`touchpoint 'a'`, or `touchpoints 'a', 'b'` for a step at several."""
    names = ", ".join(f"'{tp}'" for tp in step.touchpoint)
    return f"touchpoint{'s' if len(step.touchpoint) > 1 else ''} {names}"
