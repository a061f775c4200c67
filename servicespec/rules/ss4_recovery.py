"""SS4 — fail points, waits and recovery."""

from __future__ import annotations

import re
from typing import Any, Iterable

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Recovery, Spec
from .base import Finding, Rule, finding

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
STEPS = ("blueprint", "steps")


class NoRecoveryProcess(Rule):
    """Tax & Brown (1998): service recovery is planned, not improvised. A service with no
    recovery process at all leaves every failure to chance.
    """

    code, name, severity = "SS401", "no-recovery-process", E
    summary = "the service declares no recovery process"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if not spec.recovery:
            yield finding(("recovery",), f"service '{spec.metadata.id}' declares no recovery "
                          "process: add `recovery:` for when things go wrong")


class FailPointWithoutRecovery(Rule):
    """Shostack marks fail points on the blueprint so that each gets a fail-safe or a
    recovery. A fail point with neither is a known failure left to chance; a high-severity one
    is an error.
    """

    code, name, severity = "SS402", "fail-point-without-recovery", W
    summary = "a fail point has no recovery and no `prevention` (E when severity is high)"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        covered = {c for rec in spec.recovery for c in rec.covers}
        for at in index.fail_points:
            fp = at.fail_point
            if fp.prevention or fp.id in covered or at.step.id in covered:
                continue
            yield finding(at.path, f"fail point '{fp.id}' has no recovery process: add one "
                          f"under recovery: with covers: [{fp.id}], or a prevention",
                          E if fp.severity == "high" else None)


class FailPointUndetected(Rule):
    """A failure nobody measures is found by the customer first. Each fail point needs a
    metric that detects it (`detected_by`, or a metric that `measures` it).
    """

    code, name, severity = "SS403", "fail-point-undetected", W
    summary = "a fail point has no detecting metric"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for at in index.fail_points:
            fp = at.fail_point
            if not fp.detected_by and fp.id not in index.metrics_on:
                yield finding(at.path, f"fail point '{fp.id}' is not detected: add "
                              "`detected_by:` with a metric id, or a metric that measures it")


_ACK = {"acknowledge", "apologise", "apologize", "acknowledgement", "apology"}
_FIX = {"fix", "resolve", "repair", "replace", "redo"}
_FOLLOW = {"follow-up", "follow up", "followup"}


def _normalise(action: str) -> str:
    return re.sub(r"\s+", " ", action.strip().lower())


class RecoveryIncomplete(Rule):
    """Tax & Brown (1998) and ISO 10002: a good recovery acknowledges or apologises, fixes
    the problem, and follows up to check it stayed fixed. Missing any one of them is what
    customers remember.
    """

    code, name, severity = "SS404", "recovery-incomplete", W
    summary = "a recovery lacks an acknowledgement/apology, a fix or a follow-up"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, rec in enumerate(spec.recovery):
            missing = _missing_actions(rec)
            if missing:
                yield finding(("recovery", i), f"recovery '{rec.id}' has no "
                              f"{', no '.join(missing)} among its actions: add "
                              f"{' and '.join(missing)}")


def _missing_actions(rec: Recovery) -> list[str]:
    actions = {_normalise(a) for a in rec.actions}
    missing = []
    for label, words in (("acknowledge (or apologise)", _ACK), ("fix", _FIX),
                         ("follow-up", _FOLLOW)):
        if not actions & words:
            missing.append(label)
    return missing


class RecoveryWithoutTimeTarget(Rule):
    """Timeliness is the first thing customers judge a recovery by (Tax & Brown 1998; ISO
    10002 asks for prompt acknowledgement). Without `response_time` nobody knows what prompt
    means.
    """

    code, name, severity = "SS405", "recovery-without-time-target", W
    summary = "a recovery has no `response_time`"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, rec in enumerate(spec.recovery):
            if rec.response_time is None:
                yield finding(("recovery", i), f"recovery '{rec.id}' has no `response_time`: "
                              "say how soon the customer hears back")


class RecoveryUnreachable(Rule):
    """A recovery needs someone who runs it and a way to reach a person: an owner, and a
    channel that is live or escalates to a live one.
    """

    code, name, severity = "SS406", "recovery-unreachable", W
    summary = "a recovery has no owner, or its channel never reaches a person"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, rec in enumerate(spec.recovery):
            if not rec.owner:
                yield finding(("recovery", i), f"recovery '{rec.id}' has no owner: add "
                              "`owner:` with the role that runs it")
            if rec.channel and rec.channel in index.channels and not index.reaches_live(
                    rec.channel):
                yield finding(("recovery", i, "channel"), f"recovery '{rec.id}' reaches the "
                              f"customer through '{rec.channel}', which is not live and "
                              "escalates to no live channel: use a channel a person answers")


class WaitWithoutStandard(Rule):
    """Lovelock & Wirtz, Shostack: every wait needs a standard — the longest the customer may
    be kept waiting — or it grows unnoticed. A bare `wait: 2d` sets only the expected wait.
    """

    code, name, severity = "SS407", "wait-without-standard", W
    summary = "a wait has no `max`"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, step in enumerate(spec.steps):
            if step.wait is not None and step.wait.max is None:
                yield finding((*STEPS, i, "wait"), f"the wait at step '{step.id}' has no "
                              "standard: add `max:`, the longest a customer may wait")


class WaitWithoutExpectation(Rule):
    """Maister: unexplained waits feel longer than explained ones. Tell the customer how
    long (`message`: a tracker, an SMS, a sign).
    """

    code, name, severity = "SS408", "wait-without-expectation", I
    summary = "a wait has no `message` telling the customer how long"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, step in enumerate(spec.steps):
            if step.wait is not None and not step.wait.message:
                yield finding((*STEPS, i, "wait"), f"the wait at step '{step.id}' is not "
                              "explained to the customer: add `message:` (a tracker, an SMS)")


class WaitExceedsStandard(Rule):
    """A wait whose expected length is already past its own standard is designed to fail.
    """

    code, name, severity = "SS409", "wait-exceeds-standard", E
    summary = "an expected wait is longer than its `max`"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, step in enumerate(spec.steps):
            wait = step.wait
            if wait and wait.expected and wait.max and wait.expected.seconds > wait.max.seconds:
                yield finding((*STEPS, i, "wait"), f"the expected wait at step '{step.id}' "
                              f"({wait.expected}) is longer than its standard ({wait.max}): "
                              "shorten the wait or revisit the standard")
