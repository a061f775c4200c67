"""SS7 — people: who delivers the service, with which skills and authority."""

from __future__ import annotations

from typing import Any, Iterable

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Spec
from .base import Finding, Rule, finding

I = Severity.INFO


class FrontstageWithoutInterpersonalSkills(Rule):
    """The source articles: technical competence delivers the product; empathy,
    communication and conflict resolution deliver customer service. A person who faces
    customers needs both.
    """

    code, name, severity = "SS701", "frontstage-without-interpersonal-skills", I
    summary = "a human frontstage or customer-service role lists no interpersonal skill"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        facing = {a.role for s in spec.steps for a in s.frontstage if a.role}
        facing |= {r for fac in spec.facilitating for r in fac.roles}
        for i, role in enumerate(spec.roles):
            if role.kind != "human" or role.skills.interpersonal:
                continue
            if role.id in facing or role.stage == "frontstage":
                yield finding(("roles", i), f"role '{role.id}' faces customers but lists no "
                              "interpersonal skill: add `skills: interpersonal:` (empathy, "
                              "communication, conflict resolution)")


class UnownedAction(Rule):
    """An action nobody owns is an action nobody does. Name the role on frontstage and
    backstage actions.
    """

    code, name, severity = "SS702", "unowned-action", I
    summary = "a frontstage or backstage action names no role"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, step in enumerate(spec.steps):
            for lane in ("frontstage", "backstage"):
                for j, action in enumerate(getattr(step, lane)):
                    if not action.role:
                        yield finding(("blueprint", "steps", i, lane, j), f"{lane} action "
                                      f"'{action.action}' at step '{step.id}' names no role: "
                                      "write it as `{role: ..., action: ...}`")


class RecoveryOwnerWithoutAuthority(Rule):
    """Empowerment: staff who must ask permission to compensate make the customer wait twice
    (Tax & Brown 1998). The owner of a compensating recovery needs stated `authority`.
    """

    code, name, severity = "SS703", "recovery-owner-without-authority", I
    summary = "the owner of a compensating recovery has no `authority`"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, rec in enumerate(spec.recovery):
            compensates = bool(rec.compensation) or any(
                a.strip().lower() == "compensate" for a in rec.actions)
            role = index.roles.get(rec.owner or "")
            if compensates and role is not None and not role.authority:
                yield finding(("recovery", i, "owner"), f"recovery '{rec.id}' compensates but "
                              f"its owner '{role.id}' has no `authority`: say what the role may "
                              "grant without asking")


class UnusedRole(Rule):
    """A role nothing references is either doing undrawn work or no longer needed.
    """

    code, name, severity = "SS704", "unused-role", I
    summary = "a role nothing references"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        used = {c.owner for c in spec.product.components}
        used |= {r for fac in spec.facilitating for r in fac.roles}
        used |= {a.role for s in spec.steps for a in (*s.frontstage, *s.backstage)}
        used |= {rec.owner for rec in spec.recovery}
        for i, role in enumerate(spec.roles):
            if role.id not in used:
                yield finding(("roles", i), f"role '{role.id}' is not referenced by any "
                              "step, facilitating service, recovery or component: use it or "
                              "remove it")
