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

W, I = Severity.WARNING, Severity.INFO


class FrontstageWithoutInterpersonalSkills(Rule):
    """The source articles: technical competence delivers the product; empathy,
    communication and conflict resolution deliver customer service. A person who faces
    customers — a human role in a step's frontstage lane, declared `stage: frontstage`, or
    named in a facilitating service's `roles` — needs both. System roles are not asked. The
    steps of every journey count, a scenario's too.

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
        facing = {a.role for _, s in spec.every_step() for a in s.frontstage if a.role}
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
    `{role: ..., action: ...}` rather than plain text. Every step is checked, a scenario's
    too.

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
        for path, step in spec.every_step():
            for lane in ("frontstage", "backstage"):
                for j, action in enumerate(getattr(step, lane)):
                    if not action.role:
                        yield finding((*path, lane, j), f"{lane} action "
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
    is either doing work the blueprint does not show, or no longer needed. The steps of
    every journey count, a scenario's too, and so does being a journey's `case_owner`.

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
        used |= {a.role for _, s in spec.every_step() for a in (*s.frontstage, *s.backstage)}
        used |= {j.case_owner for j in index.journeys}
        used |= {rec.owner for rec in spec.recovery}
        for i, role in enumerate(spec.roles):
            if role.id not in used:
                yield finding(("roles", i), f"role '{role.id}' is not referenced by any "
                              "step, facilitating service, recovery or product component: "
                              "put it in the blueprint where it acts, or remove it")


class AccessibilityNeedUnserved(Rule):
    """Inclusive design (the GOV.UK Service Standard, point 5: make sure everyone can use
    the service; Microsoft's inclusive design: solve for one, extend to many): a customer
    with an access need — step-free access, a hearing loop, text relay, a language — meets
    the service through the channels of their journey. A persona's `accessibility` need that
    no channel of that persona's journeys offers (in its `accessibility`) shuts that customer
    out. A persona's journeys are the main journey when `blueprint.persona` names it, and
    each scenario whose `persona` (default the blueprint's) does; their channels are those
    of the steps' touchpoints. Not checked for a persona no journey is for (SS315), nor when
    its journeys reach no declared channel.

    Bad:
    ```yaml
    personas:
      - {id: wheelchair-user, name: Guest who uses a wheelchair, accessibility: [step-free]}
    blueprint:
      persona: wheelchair-user
      steps:
        - {id: book, phase: before, customer: Books a room online, touchpoint: online-booking}
        - {id: check-in, phase: during, customer: Checks in at the front desk,
           touchpoint: check-in-desk}
    ```

    Good:
    ```yaml
    personas:
      - {id: wheelchair-user, name: Guest who uses a wheelchair, accessibility: [step-free]}
    blueprint:
      persona: wheelchair-user
      steps:
        - {id: book, phase: before, customer: Books a room online, touchpoint: online-booking}
        - {id: check-in, phase: during, customer: Checks in at the front desk,
           touchpoint: check-in-desk}
    channels:
      - {id: website, name: Hotel website, kind: web, escalates_to: reception-phone,
         handover: warm}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
      - {id: front-desk-counter, name: Front desk, kind: in-person, hours: "24/7",
         response_time: 5m, complaints: true, accessibility: [step-free]}
      - {id: guest-email, name: Guest email, kind: email, hours: "Mon-Sun 07:00-23:00",
         response_time: 4h}
    ```
    """

    code, name, severity = "SS705", "accessibility-need-unserved", W
    summary = "a persona's access need that no channel of its journeys offers"
    impact = ("Customers with this access need cannot use the service the way it is designed "
              "for them.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        touchpoints = {tp.id: tp for tp in spec.touchpoints}
        for i, persona in enumerate(spec.personas):
            channels = list(dict.fromkeys(
                tp.channel for journey in index.journeys if journey.persona == persona.id
                for step in journey.steps for tp_id in step.touchpoint
                if (tp := touchpoints.get(tp_id)) and tp.channel in index.channels))
            if not channels:
                continue
            offered = {need for c in channels for need in index.channels[c].accessibility}
            names = ", ".join(f"'{c}'" for c in channels)
            for j, need in enumerate(persona.accessibility):
                if need not in offered:
                    yield finding(("personas", i, "accessibility", j), f"persona "
                                  f"'{persona.id}' needs '{need}', which no channel of their "
                                  f"journeys offers ({names}): add it to the `accessibility` "
                                  "of a channel they use, or a step at a channel that has it")
