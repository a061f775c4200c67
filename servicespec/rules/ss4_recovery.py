"""SS4 — fail points, waits and recovery."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Recovery, Spec
from ..model.types import Duration
from ..source import Path
from .base import Finding, Group, Rule, finding

GROUP = Group("SS4", "recovery", "fail points, waits and recovery")

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


class NoRecoveryProcess(Rule):
    """Tax & Brown (1998): service recovery is planned, not improvised; ISO 10002 asks for a
    complaint-handling process that is visible and accessible. A service with no recovery
    process at all leaves every failure to whoever happens to be there.

    Bad:
    ```yaml
    recovery: []
    ```

    Good:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
      - {id: wrong-charge-recovery, covers: [wrong-charge], owner: receptionist,
         channel: guest-email, response_time: 4h, actions: [acknowledge, fix, follow-up]}
    ```
    """

    code, name, severity = "SS401", "no-recovery-process", E
    summary = "the service declares no recovery process"
    impact = "When something goes wrong, nobody is named to put it right for the customer."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if not spec.recovery:
            yield finding(("recovery",), f"service '{spec.metadata.id}' declares no recovery "
                          "process: add one under `recovery:` for each fail point (who "
                          "acknowledges, fixes and follows up)")


class FailPointWithoutRecovery(Rule):
    """Shostack (1984) marks fail points on the blueprint so that each gets a fail-safe
    (`prevention`, a poka-yoke) or a planned recovery. A fail point with neither is a known
    failure left to chance; a `severity: high` one is an error. A recovery covers a fail point
    by naming it, or by naming its step (all the step's fail points). Fail points of a
    scenario's steps are checked like the main journey's (as in SS403).

    Bad:
    ```yaml
    recovery:
      # nothing covers `wrong-charge` (step check-out), which has no prevention
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
    ```

    Good:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
      # covering the step covers all its fail points
      - {id: check-out-recovery, covers: [check-out], owner: receptionist,
         channel: guest-email, response_time: 4h, actions: [acknowledge, fix, follow-up]}
    ```
    """

    code, name, severity = "SS402", "fail-point-without-recovery", W
    summary = "a fail point has no recovery and no `prevention` (E when severity is high)"
    impact = ("This known way of letting the customer down has neither a safeguard nor anyone "
              "ready to put it right.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for at in index.fail_points:
            fp = at.fail_point
            if fp.prevention or at.recovered:
                continue
            yield finding(at.path, f"fail point '{fp.id}' has no recovery process: add one "
                          f"under recovery: with covers: [{fp.id}], or a prevention",
                          E if fp.severity == "high" else None)


class FailPointUndetected(Rule):
    """A failure nobody measures is found by the customer first (Shostack: fail points need
    a way to be seen). Each fail point needs a metric that detects it: `detected_by`, or a
    metric that `measures` it.

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          touchpoint: check-in-desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          fail_points:
            - {id: key-card-fails, description: The key card does not open the door}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          touchpoint: check-in-desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          fail_points:
            - {id: key-card-fails, description: The key card does not open the door}
    metrics:
      - {id: key-card-failures, measures: key-card-fails, type: error-rate, target: "< 1%",
         source: Front desk log}
    ```
    """

    code, name, severity = "SS403", "fail-point-undetected", W
    summary = "a fail point has no detecting metric"
    impact = ("If nothing measures how often this goes wrong, customers keep meeting it and "
              "nobody notices.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for at in index.fail_points:
            fp = at.fail_point
            if not fp.detected_by and fp.id not in index.metrics_on:
                yield finding(at.path, f"fail point '{fp.id}' is not detected: add "
                              "`detected_by:` with a metric id, or a metric that measures it")


# the format's action words, and the usual spellings of the same three acts
_ACK = {"acknowledge", "acknowledgement", "acknowledgment", "apologise", "apologize",
        "apology"}
_FIX = {"fix", "resolve", "repair", "replace", "redo", "rebook"}
_FOLLOW = {"follow-up", "followup"}
_COMPENSATE = {"compensate", "compensation"}


def _first_word(action: str) -> str:
    """`Follow up by email` -> `follow-up`; `fix` -> `fix`: free text counts by its verb."""
    words = re.sub(r"[^\w\s-]", " ", action.lower()).split()
    if not words:
        return ""
    if words[0] == "follow" and len(words) > 1 and words[1] == "up":
        return "follow-up"
    return words[0]


def action_words(rec: Recovery) -> set[str]:
    return {_first_word(a) for a in rec.actions}


def compensates(rec: Recovery) -> bool:
    """A recovery compensates when it names a `compensation` or a compensate action."""
    return bool(rec.compensation) or bool(action_words(rec) & _COMPENSATE)


class RecoveryIncomplete(Rule):
    """Tax & Brown (1998) and ISO 10002: a good recovery acknowledges or apologises, fixes
    the problem, and follows up to check it stayed fixed. Missing any one of them is what
    customers remember. Free-text actions count by their first word (`fix the invoice`,
    `follow up by email`).

    Bad:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [explain, compensate]}
      - {id: wrong-charge-recovery, covers: [wrong-charge], owner: receptionist,
         channel: guest-email, response_time: 4h, actions: [acknowledge, fix, follow-up]}
    ```

    Good:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m,
         actions: [apologise, fix by moving the guest to a ready room, follow up next day]}
      - {id: wrong-charge-recovery, covers: [wrong-charge], owner: receptionist,
         channel: guest-email, response_time: 4h, actions: [acknowledge, fix, follow-up]}
    ```
    """

    code, name, severity = "SS404", "recovery-incomplete", W
    summary = "a recovery lacks an acknowledgement/apology, a fix or a follow-up"
    impact = ("Customers whose problem is fixed without being acknowledged, or never followed up, "
              "still leave unhappy.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, rec in enumerate(spec.recovery):
            missing = _missing_actions(rec)
            if not missing:
                continue
            if rec.actions:
                what = f"has no {_listed(missing, 'no ')} among its actions"
            else:
                what = "lists no actions"
            yield finding(("recovery", i, "actions"), f"recovery '{rec.id}' {what}: add "
                          f"{_listed(missing)} to `actions:`")


def _listed(words: list[str], prefix: str = "") -> str:
    """`a`, `a and b`, `a, b and c` (each word after the first with `prefix`)."""
    words = [words[0], *(prefix + w for w in words[1:])]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _missing_actions(rec: Recovery) -> list[str]:
    words = action_words(rec)
    return [label for label, vocabulary in (("acknowledge (or apologise)", _ACK),
                                            ("fix", _FIX), ("follow-up", _FOLLOW))
            if not words & vocabulary]


class RecoveryWithoutTimeTarget(Rule):
    """Timeliness is one of the first things customers judge a recovery by (Tax & Brown
    1998; ISO 10002 asks for prompt acknowledgement). Without `response_time` nobody knows
    what prompt means.

    Bad:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, actions: [apologise, fix, follow-up]}
    ```

    Good:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
    ```
    """

    code, name, severity = "SS405", "recovery-without-time-target", W
    summary = "a recovery has no `response_time`"
    impact = ("Without a promised time to respond, customers with a problem do not know how long "
              "they will wait.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, rec in enumerate(spec.recovery):
            if rec.response_time is None:
                yield finding(("recovery", i), f"recovery '{rec.id}' has no `response_time`: "
                              "say how soon the customer hears back (e.g. `response_time: 4h`)")


class RecoveryUnreachable(Rule):
    """A recovery needs someone who runs it and a way to reach a person (ISO 10002: complaint
    handling is accessible; CFPB 2023: no dead ends in automated channels): an `owner`, and a
    `channel` that is live or escalates to a live one. Without a `channel` only the owner is
    checked.

    Bad:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
      - {id: wrong-charge-recovery, covers: [wrong-charge], channel: website,
         response_time: 4h, actions: [acknowledge, fix, follow-up]}
    channels:
      - {id: website, name: Hotel website, kind: web}
      - {id: front-desk-counter, name: Front desk, kind: in-person, hours: "24/7",
         response_time: 5m, complaints: true}
    ```

    Good:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
      - {id: wrong-charge-recovery, covers: [wrong-charge], owner: receptionist,
         channel: website, response_time: 4h, actions: [acknowledge, fix, follow-up]}
    channels:
      - {id: website, name: Hotel website, kind: web, escalates_to: front-desk-counter}
      - {id: front-desk-counter, name: Front desk, kind: in-person, hours: "24/7",
         response_time: 5m, complaints: true}
    ```
    """

    code, name, severity = "SS406", "recovery-unreachable", W
    summary = "a recovery has no owner, or its channel never reaches a person"
    impact = "Customers with a problem cannot reach anyone who will fix it."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, rec in enumerate(spec.recovery):
            if not rec.owner:
                yield finding(("recovery", i), f"recovery '{rec.id}' has no owner: add "
                              "`owner:` with the role that runs it")
            # an unknown channel is SS006's to report
            if rec.channel and rec.channel in index.channels and not index.reaches_live(
                    rec.channel):
                yield finding(("recovery", i, "channel"), f"recovery '{rec.id}' reaches the "
                              f"customer through '{rec.channel}', which is not live and "
                              "escalates to no live channel: use a channel a person answers, "
                              "or add `escalates_to:` to one")


class WaitWithoutStandard(Rule):
    """Lovelock & Wirtz; Shostack's time standards: every wait needs a standard — the
    longest the customer may be kept waiting — or it grows unnoticed. A bare `wait: 2d` sets
    only the expected wait. Every step's wait is checked, a scenario's too (as in SS408 and
    SS409).

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          touchpoint: check-in-desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          wait: 3m
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          touchpoint: check-in-desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          wait: {expected: 3m, max: 10m, message: Queue screen shows the expected wait}
    ```
    """

    code, name, severity = "SS407", "wait-without-standard", W
    summary = "a wait has no `max`"
    impact = ("Without a limit on how long customers may wait, nobody notices when they wait too "
              "long.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            if step.wait is not None and step.wait.max is None:
                yield finding((*path, "wait"), f"the wait at step '{step.id}' has no "
                              "standard: add `max:`, the longest a customer may wait (e.g. "
                              "`wait: {expected: 3m, max: 10m}`)")


class WaitWithoutExpectation(Rule):
    """Maister (1985): unexplained and uncertain waits feel longer than explained, finite
    ones. Tell the customer how long (`message`: a queue screen, a tracker, an SMS).

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          touchpoint: check-in-desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          wait: {expected: 3m, max: 10m}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          touchpoint: check-in-desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          wait: {expected: 3m, max: 10m, message: Queue screen shows the expected wait}
    ```
    """

    code, name, severity = "SS408", "wait-without-expectation", I
    summary = "a wait has no `message` telling the customer how long"
    impact = ("Customers who are not told how long they will wait feel the wait as longer and "
              "give up.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            if step.wait is not None and not step.wait.message:
                yield finding((*path, "wait"), f"the wait at step '{step.id}' is not "
                              "explained to the customer: add `message:` (a queue screen, a "
                              "tracker, an SMS)")


class WaitExceedsStandard(Rule):
    """A wait whose expected length is already past its own standard (`max`) is designed to
    fail: every customer waits longer than the service promises (Shostack's time standards).

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          touchpoint: check-in-desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          wait: {expected: 15m, max: 10m, message: Queue screen shows the expected wait}
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          touchpoint: check-in-desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          wait: {expected: 3m, max: 10m, message: Queue screen shows the expected wait}
    ```
    """

    code, name, severity = "SS409", "wait-exceeds-standard", E
    summary = "an expected wait is longer than its `max`"
    impact = "Customers are expected to wait longer than the service's own standard allows."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for path, step in spec.every_step():
            wait = step.wait
            if wait and wait.expected and wait.max and wait.expected.seconds > wait.max.seconds:
                yield finding((*path, "wait"), f"the expected wait at step '{step.id}' "
                              f"({wait.expected}) is longer than its standard ({wait.max}): "
                              "shorten the wait or revisit the standard")


class RegulationDeadlineMissed(Rule):
    """ISO 10002 asks that complaints be handled promptly and within the time frames the
    organisation commits to; a regulation turns such a time frame into law (a final answer
    to a financial complaint within eight weeks, to a payment-services complaint within 15
    working days; a cooling-off period; a referral-to-treatment standard). A time the
    service sets for itself that is longer than the deadline of a regulation that
    `applies_to` it breaks the law by design. Checked, against each regulation's `deadline`:
    a recovery's `resolve_time` (or, without one, its `response_time`), a step's wait `max`,
    and the duration target (`<`, `<=` or `==`) of a metric that `measures` the element. For
    a step the regulation also governs its fail points: the recoveries that cover the step
    or one of them, and the metrics that measure them. Working days compare as 7/5 days.

    Bad:
    ```yaml
    regulations:
      - {id: billing-disputes, name: Billing disputes code, applies_to: [check-out],
         deadline: 5wd, requires: A written answer to a disputed charge within five working
         days}
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
      - {id: wrong-charge-recovery, covers: [wrong-charge], owner: receptionist,
         channel: guest-email, response_time: 4h, resolve_time: 2w,
         actions: [acknowledge, fix, follow-up]}
    ```

    Good:
    ```yaml
    regulations:
      - {id: billing-disputes, name: Billing disputes code, applies_to: [check-out],
         deadline: 5wd, requires: A written answer to a disputed charge within five working
         days}
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
      - {id: wrong-charge-recovery, covers: [wrong-charge], owner: receptionist,
         channel: guest-email, response_time: 4h, resolve_time: 2d,
         actions: [acknowledge, fix, follow-up]}
    ```
    """

    code, name, severity = "SS410", "regulation-deadline-missed", E
    summary = "a recovery, wait or metric target is longer than a regulation's deadline"
    impact = ("The service is designed to take longer than the law allows, so customers wait "
              "past what they are owed.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = {step.id: (path, step) for path, step in reversed(list(spec.every_step()))}
        reported: set[tuple[Path, str]] = set()
        for reg in spec.regulations:
            deadline = reg.deadline
            if deadline is None:
                continue
            governed = set(reg.applies_to)
            times: list[tuple[Path, str, Duration]] = []
            for ref in reg.applies_to:
                if ref in steps:
                    path, step = steps[ref]
                    governed |= {fp.id for fp in step.fail_points}
                    if step.wait and step.wait.max:
                        times.append(((*path, "wait", "max"), f"the wait at step '{step.id}' "
                                      "may last", step.wait.max))
            for i, rec in enumerate(spec.recovery):
                if rec.id in governed or governed & set(rec.covers):
                    key, time = (("resolve_time", rec.resolve_time) if rec.resolve_time
                                 else ("response_time", rec.response_time))
                    if time is not None:
                        what = "resolves in" if key == "resolve_time" else "responds in"
                        times.append((("recovery", i, key), f"recovery '{rec.id}' {what}",
                                      time))
            for i, metric in enumerate(spec.metrics):
                target = metric.target
                if metric.measures in governed and target and target.seconds is not None \
                        and target.operator in ("<", "<=", "=="):
                    times.append((("metrics", i, "target"), f"metric '{metric.id}' targets "
                                  f"{target.operator}", Duration(target.seconds, target.text)))
            for path, what, time in times:
                if time.seconds > deadline.seconds and (path, reg.id) not in reported:
                    reported.add((path, reg.id))
                    yield finding(path, f"{what} {_bare(time)}, longer than the {deadline} "
                                  f"that regulation '{reg.id}' allows: meet the deadline (or "
                                  "take the element out of its `applies_to` if it does not "
                                  "apply)")


def _bare(time: Duration) -> str:
    """A duration as written, without a metric target's operator: `<= 3wd` -> `3wd`."""
    return time.text.lstrip("<=> ")
