"""SS7 — people: who delivers the service, with which skills and authority."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Spec
from .base import Finding, Group, Rule, finding
from .ss4_recovery import compensates

GROUP = Group("SS7", "people", "people")

I = Severity.INFO


class FrontstageWithoutInterpersonalSkills(Rule):
    """The source articles: technical competence delivers the product; empathy,
    communication and conflict resolution deliver customer service. A person who faces
    customers — a human role in a step's frontstage lane, declared `stage: frontstage`, or
    named in a facilitating service's `roles` — needs both. System roles are not asked.

    Bad:
    ```yaml
    roles:
      - {id: receptionist, stage: frontstage, authority: refund up to one night,
         skills: {technical: [property management system]}}
      - {id: housekeeper, stage: backstage, skills: {technical: [room preparation]}}
      - {id: booking-engine, stage: support, kind: system}
    ```

    Good:
    ```yaml
    roles:
      - {id: receptionist, stage: frontstage, authority: refund up to one night,
         skills: {technical: [property management system],
                  interpersonal: [warm welcome, calm complaint handling]}}
      - {id: housekeeper, stage: backstage, skills: {technical: [room preparation]}}
      - {id: booking-engine, stage: support, kind: system}
    ```
    """

    code, name, severity = "SS701", "frontstage-without-interpersonal-skills", I
    summary = "a human frontstage or customer-service role lists no interpersonal skill"
    impact = ("Customers facing staff trained only in procedures meet people who cannot calm, "
              "listen or explain.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        facing = {a.role for s in spec.steps for a in s.frontstage if a.role}
        facing |= {r for fac in spec.facilitating for r in fac.roles}
        for i, role in enumerate(spec.roles):
            if role.kind != "human" or role.skills.interpersonal:
                continue
            if role.id in facing or role.stage == "frontstage":
                yield finding(("roles", i), f"role '{role.id}' faces customers but lists no "
                              "interpersonal skill: add them under `skills: {interpersonal: "
                              "[...]}` (empathy, communication, conflict resolution)")


class UnownedAction(Rule):
    """An action nobody owns is an action nobody does; a blueprint shows who acts in each
    lane (Bitner, Ostrom & Morgan 2008). Name the role on frontstage and backstage actions:
    `{role: ..., action: ...}` rather than plain text.

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          frontstage: [Greets the guest and hands over the key]
          backstage: [{role: housekeeper, action: Confirms the room is ready}]
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          backstage: [{role: housekeeper, action: Confirms the room is ready}]
    ```
    """

    code, name, severity = "SS702", "unowned-action", I
    summary = "a frontstage or backstage action names no role"
    impact = "An action nobody is named to do is one customers wait for and nobody does."

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
    (Tax & Brown 1998). The owner of a recovery that compensates (`compensation:`, or a
    `compensate` action) needs stated `authority`: what the role may grant without asking.

    Bad:
    ```yaml
    roles:
      - {id: receptionist, stage: frontstage,
         skills: {interpersonal: [warm welcome, calm complaint handling]}}
      - {id: housekeeper, stage: backstage, skills: {interpersonal: [discreet guest contact]}}
      - {id: booking-engine, stage: support, kind: system}
    ```

    Good:
    ```yaml
    roles:
      - {id: receptionist, stage: frontstage, authority: refund or discount up to one night,
         skills: {interpersonal: [warm welcome, calm complaint handling]}}
      - {id: housekeeper, stage: backstage, skills: {interpersonal: [discreet guest contact]}}
      - {id: booking-engine, stage: support, kind: system}
    ```
    """

    code, name, severity = "SS703", "recovery-owner-without-authority", I
    summary = "the owner of a compensating recovery has no `authority`"
    impact = "A person who must ask permission to make amends keeps the upset customer waiting."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, rec in enumerate(spec.recovery):
            role = index.roles.get(rec.owner or "")
            if compensates(rec) and role is not None and not role.authority:
                yield finding(("recovery", i, "owner"), f"recovery '{rec.id}' compensates but "
                              f"its owner '{role.id}' has no `authority`: add what the role may "
                              "grant without asking (e.g. `authority: refund up to one night`)")


class UnusedRole(Rule):
    """A role that no step, facilitating service, recovery or product component references
    is either doing work the blueprint does not show, or no longer needed.

    Bad:
    ```yaml
    roles:
      - {id: receptionist, stage: frontstage, authority: refund up to one night,
         skills: {interpersonal: [warm welcome, calm complaint handling]}}
      - {id: housekeeper, stage: backstage, skills: {interpersonal: [discreet guest contact]}}
      - {id: booking-engine, stage: support, kind: system}
      - {id: concierge, stage: frontstage, skills: {interpersonal: [local knowledge]}}
    ```

    Good:
    ```yaml
    roles:
      - {id: receptionist, stage: frontstage, authority: refund up to one night,
         skills: {interpersonal: [warm welcome, calm complaint handling]}}
      - {id: housekeeper, stage: backstage, skills: {interpersonal: [discreet guest contact]}}
      - {id: booking-engine, stage: support, kind: system}
    ```
    """

    code, name, severity = "SS704", "unused-role", I
    summary = "a role nothing references"
    impact = ("A role nothing in the design uses suggests customers meet someone whose part "
              "nobody designed.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        used = {c.owner for c in spec.product.components}
        used |= {r for fac in spec.facilitating for r in fac.roles}
        used |= {a.role for s in spec.steps for a in (*s.frontstage, *s.backstage)}
        used |= {rec.owner for rec in spec.recovery}
        for i, role in enumerate(spec.roles):
            if role.id not in used:
                yield finding(("roles", i), f"role '{role.id}' is not referenced by any "
                              "step, facilitating service, recovery or product component: "
                              "put it in the blueprint where it acts, or remove it")
