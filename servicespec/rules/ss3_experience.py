"""SS3 — the journey as the customer lives it: emotions, pain points, moments of truth,
personas, scenarios and branches (format v1.1). Part of the SS3 group (`ss3_journey`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Journey, Spec
from ..textutil import shown
from .base import Finding, Rule, finding
from .ss3_journey import GROUP

__all__ = ["GROUP"]

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
SHARE_TOLERANCE = 0.01  # shares are estimates: 0.33 + 0.33 + 0.33 adds up


class JourneyEndsLow(Rule):
    """Kahneman's peak-end rule: customers judge an experience by its most intense moment and
    by how it ends, not by the sum of its steps. Chase & Dasu (2001) draw the lesson for
    service design: "finish strong". A journey whose last step leaves the customer feeling
    negative (`emotion` below 0) is remembered that way.

    A journey ends where a step has `next: []`, and at its last step unless that step's `next`
    leads on. A scenario is a journey of its own: one that `rejoins` the main journey ends
    there (the main journey's end is what the customer remembers), one that does not ends at
    its own last step — a variant or an exception that leaves the customer low is the last
    they see of the service, and it is checked like the main journey. A step without
    `emotion` is not checked.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room online, emotion: 1}
        - {id: check-in, phase: during, customer: Checks in at the front desk, emotion: 2}
        - {id: check-out, phase: after, customer: Queues to settle the bill, emotion: -1}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room online, emotion: 1}
        - {id: check-in, phase: during, customer: Checks in at the front desk, emotion: 2}
        - {id: check-out, phase: after, customer: Leaves the key; the invoice is emailed,
           emotion: 1}
    ```
    """

    code, name, severity = "SS311", "journey-ends-low", W
    summary = ("the last step of the main journey (or of a scenario that ends on its own) "
               "has `emotion` below 0")
    impact = "Customers remember how a service ends, and this one ends on a bad feeling."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for journey in index.journeys:
            for k in _ends(journey):
                step = journey.steps[k]
                if step.emotion is not None and step.emotion < 0:
                    where, fix = (
                        (f"scenario '{journey.id}'", "end it with a step that puts things "
                         "right (an apology, a fix, a follow-up), or let it rejoin the main "
                         "journey") if journey.scenario else
                        ("the journey", "change the last step so the customer leaves feeling "
                         "at least neutral"))
                    yield finding((*journey.step_path(k), "emotion"),
                                  f"{where} ends at step '{step.id}' with emotion "
                                  f"{step.emotion}: customers remember the end (peak-end rule), "
                                  f"so finish strong — {fix}")


class LowPointUnaddressed(Rule):
    """The lowest points of the emotion curve (`emotion: -2`) are where customers leave and
    tell others; the expressive blueprint (Spraragen & Chan 2008) draws the curve so the team
    acts on them. A step at -2 that no opportunity `addresses` — the step itself, one of its
    pain points or one of its fail points — and that no recovery `covers` — the step or one of
    its fail points — is a known low point nobody is working on.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room online, emotion: 1}
        - {id: check-in, phase: during, customer: Waits an hour for the room, emotion: -2}
        - {id: check-out, phase: after, customer: Settles the bill, emotion: 1}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: book, phase: before, customer: Books a room online, emotion: 1}
        - {id: check-in, phase: during, customer: Waits an hour for the room, emotion: -2}
        - {id: check-out, phase: after, customer: Settles the bill, emotion: 1}
    opportunities:
      - {id: early-rooms, name: Clean the rooms of early arrivals first,
         addresses: [check-in], owner: Head of housekeeping}
    ```
    """

    code, name, severity = "SS312", "low-point-unaddressed", W
    summary = "a step at `emotion: -2` that no opportunity addresses and no recovery covers"
    impact = ("The moment customers feel worst about the service has nobody working to "
              "make it better.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        addressed = _addressed(spec)
        covered = {c for rec in spec.recovery for c in rec.covers}
        for path, step in spec.every_step():
            if step.emotion != -2:
                continue
            fail_points = {step.id, *(fp.id for fp in step.fail_points)}
            pain_points = {pp.id for pp in step.pain_points if pp.id is not None}
            if fail_points & covered or (fail_points | pain_points) & addressed:
                continue
            yield finding((*path, "emotion"), f"step '{step.id}' is a low point (emotion -2) "
                          "that nothing addresses: add an opportunity that `addresses` it, or "
                          "a recovery that `covers` it")


class PainPointUnaddressed(Rule):
    """A pain point is friction the customer feels even when nothing fails; the point of
    recording it is to remove it. One that no opportunity `addresses` is noted and left.
    An opportunity addresses a pain point by naming its id, or by naming its step (the only
    way for a pain point written as plain text, which has no id).

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Checks in at the front desk
          pain_points: [{id: form-again, description: Fills in a paper form already sent online}]
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Checks in at the front desk
          pain_points: [{id: form-again, description: Fills in a paper form already sent online}]
    opportunities:
      - {id: no-paper-form, name: Print the registration card from the booking,
         addresses: [form-again], owner: Front office manager}
    ```
    """

    code, name, severity = "SS313", "pain-point-unaddressed", I
    summary = "a pain point that no opportunity addresses"
    impact = "Something customers find hard or unpleasant is known, and nobody plans to fix it."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        addressed = _addressed(spec)
        for at in index.pain_points:
            pp, step = at.pain_point, at.step
            if pp.id in addressed or step.id in addressed:
                continue
            name = f"'{pp.id}'" if pp.id else f'"{shown(pp.description, 60)}"'
            yield finding(at.path, f"pain point {name} of step '{step.id}' is addressed by no "
                          "opportunity: add one under `opportunities:` with `addresses: "
                          f"[{pp.id or step.id}]`")


class MomentOfTruthUnmeasured(Rule):
    """A moment of truth decides whether the customer stays or leaves (Carlzon 1987;
    Normann). What is not measured there is not managed: a `moment_of_truth` step needs a
    metric that `measures` the step, one of its touchpoints or one of its fail points.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in at the front desk,
           touchpoint: check-in-desk, moment_of_truth: true}
    metrics:
      - {id: room-ready-rate, measures: hotel-stay-product, type: completion-rate,
         target: ">= 98%"}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in at the front desk,
           touchpoint: check-in-desk, moment_of_truth: true}
    metrics:
      - {id: room-ready-rate, measures: hotel-stay-product, type: completion-rate,
         target: ">= 98%"}
      - {id: check-in-csat, measures: check-in, type: csat, target: ">= 4.5"}
    ```
    """

    code, name, severity = "SS314", "moment-of-truth-unmeasured", W
    summary = "a `moment_of_truth` step that no metric measures"
    impact = ("Nobody knows how customers fare at the moment that decides whether they stay "
              "or leave.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            if not step.moment_of_truth:
                continue
            measurable = [step.id, *step.touchpoint, *(fp.id for fp in step.fail_points)]
            if not any(m in index.metrics_on for m in measurable):
                yield finding((*path, "moment_of_truth"), f"step '{step.id}' is a moment of "
                              "truth that no metric measures: add a metric that `measures` "
                              f"'{step.id}' (csat, completion-rate…)")


class PersonaWithoutJourney(Rule):
    """A persona stands for customers the service is designed for; it earns its place by
    having a journey — the main one (`blueprint.persona`) or a scenario's (`persona`). A
    persona no journey is for is a customer type nobody has designed for, or one left over.

    Bad:
    ```yaml
    personas:
      - {id: business-traveller, name: Business traveller}
      - {id: wheelchair-user, name: Guest who uses a wheelchair, accessibility: [step-free]}
    blueprint:
      persona: business-traveller
      steps:
        - {id: check-in, phase: during, customer: Checks in at the front desk}
    ```

    Good:
    ```yaml
    personas:
      - {id: business-traveller, name: Business traveller}
      - {id: wheelchair-user, name: Guest who uses a wheelchair, accessibility: [step-free]}
    blueprint:
      persona: business-traveller
      steps:
        - {id: check-in, phase: during, customer: Checks in at the front desk}
      scenarios:
        - id: accessible-room
          kind: variant
          persona: wheelchair-user
          trigger: The guest books an accessible room
          steps:
            - {id: accessible-check-in, phase: during,
               customer: Checks in at the lowered counter}
    ```
    """

    code, name, severity = "SS315", "persona-without-journey", I
    summary = "a persona that neither the main journey nor any scenario is for"
    impact = "A kind of customer the team named has no journey designed for them."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        served = {journey.persona for journey in index.journeys}
        for i, persona in enumerate(spec.personas):
            if persona.id not in served:
                yield finding(("personas", i), f"persona '{persona.id}' has no journey: name "
                              "it as the `persona` of the blueprint or of a scenario, or "
                              "remove it")


class ScenarioWithoutTrigger(Rule):
    """A variant or exception journey starts from something: a customer type, a choice, an
    event such as a power cut or a missed payment. Without a `trigger` nobody on the front
    line can tell when this journey, and not the main one, is the one to follow.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in at the front desk}
      scenarios:
        - id: room-not-ready
          kind: exception
          from: check-in
          steps:
            - {id: wait-in-bar, phase: during, customer: Waits in the bar}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: check-in, phase: during, customer: Checks in at the front desk}
      scenarios:
        - id: room-not-ready
          kind: exception
          trigger: The room is not released at check-in time
          from: check-in
          steps:
            - {id: wait-in-bar, phase: during, customer: Waits in the bar}
    ```
    """

    code, name, severity = "SS316", "scenario-without-trigger", W
    summary = "a `variant` or `exception` scenario with no `trigger`"
    impact = ("Staff cannot tell when customers are on this other journey rather than the "
              "usual one.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for journey in index.journeys:
            scenario = journey.scenario
            if scenario is not None and not scenario.trigger:
                yield finding(journey.path, f"{scenario.kind} scenario '{scenario.id}' has no "
                              "`trigger`: say what starts it (a customer type, a choice, an "
                              "event)")


class UnlabelledBranch(Rule):
    """Where the journey branches, the blueprint says which customers go which way: `when`
    labels each branch ("wants a refund"), so the people who deliver the service know what
    decides it. A step with two or more `next` targets is reported once, naming the targets
    without `when`.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: stay, phase: during, customer: Stays the night, decision: true,
           next: [report-issue, check-out]}
        - {id: report-issue, phase: during, customer: Reports a problem with the room}
        - {id: check-out, phase: after, customer: Settles the bill, next: []}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: stay, phase: during, customer: Stays the night, decision: true,
           next: [{step: report-issue, when: something in the room is wrong},
                  {step: check-out, when: all is well}]}
        - {id: report-issue, phase: during, customer: Reports a problem with the room}
        - {id: check-out, phase: after, customer: Settles the bill, next: []}
    ```
    """

    code, name, severity = "SS317", "unlabelled-branch", I
    summary = "a step with two or more `next` targets, one of them without `when`"
    impact = ("Where customers' paths split, nobody can tell what sends a customer one way "
              "or the other.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            if step.next is None or len(step.next) < 2:
                continue
            unlabelled = [n.step for n in step.next if n.when is None]
            if unlabelled:
                targets = ", ".join(f"'{t}'" for t in unlabelled)
                yield finding((*path, "next"), f"step '{step.id}' branches to {targets} "
                              "without saying when: write each branch as `{step, when}` with "
                              "what sends customers there")


class BranchSharesInvalid(Rule):
    """A branch's `share` is the fraction of customers who take it: between 0 and 1, and when
    every branch of a step has one, together they are all the customers — they add up to 1
    (give or take 0.01). Shares that do not are a typo or a branch left out, and every figure
    drawn from them (load, cost, the busy path) is wrong. When a share is outside 0–1, that is
    reported and the sum is not.

    Bad:
    ```yaml
    blueprint:
      steps:
        - {id: stay, phase: during, customer: Stays the night, decision: true,
           next: [{step: report-issue, when: something is wrong, share: 0.2},
                  {step: check-out, when: all is well, share: 0.7}]}
        - {id: report-issue, phase: during, customer: Reports a problem with the room}
        - {id: check-out, phase: after, customer: Settles the bill, next: []}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - {id: stay, phase: during, customer: Stays the night, decision: true,
           next: [{step: report-issue, when: something is wrong, share: 0.2},
                  {step: check-out, when: all is well, share: 0.8}]}
        - {id: report-issue, phase: during, customer: Reports a problem with the room}
        - {id: check-out, phase: after, customer: Settles the bill, next: []}
    ```
    """

    code, name, severity = "SS318", "branch-shares-invalid", E
    summary = "`next` shares outside 0–1, or, when every branch has one, not adding up to 1"
    impact = "The figures for how many customers take each path cannot all be true."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            if not step.next:
                continue
            out_of_range = False
            for j, nxt in enumerate(step.next):
                if nxt.share is not None and not 0 <= nxt.share <= 1:
                    out_of_range = True
                    yield finding((*path, "next", j, "share"), f"step '{step.id}': the share "
                                  f"of the branch to '{nxt.step}' is {nxt.share:g}: write the "
                                  "fraction of customers who take it, from 0 to 1")
            shares = [n.share for n in step.next if n.share is not None]
            if out_of_range or len(shares) < len(step.next):
                continue
            total = sum(shares)
            if round(abs(total - 1), 9) > SHARE_TOLERANCE:  # 0.33 * 3 is 0.99000…01
                yield finding((*path, "next"), f"step '{step.id}': the shares of its branches "
                              f"add up to {total:.2f}, not 1: every customer takes one branch, "
                              "so correct the shares or add the missing branch")


def _ends(journey: Journey) -> list[int]:
    """Positions of the steps where a customer's path through the journey ends: `next: []`,
    or the last step falling off the end — unless the scenario `rejoins` the main journey."""
    last = len(journey.steps) - 1
    return [k for k, step in enumerate(journey.steps)
            if step.next == [] or (k == last and step.next is None and not journey.rejoins)]


def _addressed(spec: Spec) -> set[str]:
    return {a for opp in spec.opportunities for a in opp.addresses}
