"""SS2 — channels and escalation: a way to a person, and no doom loops."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Spec
from .base import Finding, Group, Rule, finding

GROUP = Group("SS2", "channels", "channels and escalation")

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


class NoHumanOption(Rule):
    """CFPB (2023) on chatbots in consumer finance: customers stuck with a bot and no way to
    a person. A facilitating service (or the product) whose channels — its own plus those of
    the touchpoints that `serve` it — are all automated or self-service, and whose
    `escalates_to` chains never reach a live channel, leaves the customer alone when the
    automation fails. A channel's `mode` defaults from its `kind` (phone, email, in person…
    are live). A service with no channel at all is SS106; one that names a channel the spec
    does not declare is not judged until the reference is fixed (SS006).

    Bad:
    ```yaml
    facilitating:
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [website, chat-assistant]}
    channels:
      - {id: website, name: Hotel website, kind: web}
      - {id: chat-assistant, name: Chat assistant, kind: chatbot, escalates_to: website}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [website, chat-assistant]}
    channels:
      - {id: website, name: Hotel website, kind: web}
      - {id: chat-assistant, name: Chat assistant, kind: chatbot,
         escalates_to: reception-phone, handover: warm}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```
    """

    code, name, severity = "SS201", "no-human-option", E
    summary = "a service's channels never reach a live channel"
    impact = ("Customers who need a person can only reach bots and self-service, and get stuck in "
              "loops.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        served: dict[str, list[str]] = {}
        for tp in spec.touchpoints:
            if tp.serves and tp.channel:
                served.setdefault(tp.serves, []).append(tp.channel)
        targets: list[tuple[tuple[str | int, ...], str, str, list[str]]] = [
            (("product",), spec.product.id, f"product '{spec.product.id}'", [])]
        targets += [(("facilitating", i), fac.id, f"facilitating service '{fac.id}'",
                     list(fac.channels)) for i, fac in enumerate(spec.facilitating)]
        for path, id_, label, own in targets:
            channels = list(dict.fromkeys(own + served.get(id_, [])))
            # no channel: SS106; a channel the spec does not declare: SS006, mode unknown
            if not channels or any(c not in index.channels for c in channels):
                continue
            if not any(index.reaches_live(c) for c in channels):
                names = ", ".join(f"'{c}'" for c in channels)
                yield finding(path, f"{label} is reached only through automated or "
                              f"self-service channels ({names}) that never escalate to a "
                              "person: add a live channel or `escalates_to:` one")


class AutomatedDeadEnd(Rule):
    """An automated channel (a chatbot, an IVR, USSD: `mode: automated`, the default for
    those kinds) that escalates nowhere is a dead end when the bot cannot help (CFPB 2023).
    An outbound channel (`direction: outbound`, the default for a `notification`) is not
    checked: the customer cannot answer it, so it is no route in to be a dead end of (SS209
    keeps customers from being sent to one).

    Bad:
    ```yaml
    channels:
      - {id: chat-assistant, name: Chat assistant, kind: chatbot}
    ```

    Good:
    ```yaml
    channels:
      - {id: chat-assistant, name: Chat assistant, kind: chatbot,
         escalates_to: reception-phone, handover: warm}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```
    """

    code, name, severity = "SS202", "automated-dead-end", W
    summary = "an automated channel has no `escalates_to`"
    impact = "When the bot or phone menu cannot help, customers have no way through to a person."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, ch in enumerate(spec.channels):
            if ch.mode == "automated" and ch.direction != "outbound" and not ch.escalates_to:
                yield finding(("channels", i), f"automated channel '{ch.id}' has no "
                              "`escalates_to`: add the channel where a person takes over")


class EscalationCycle(Rule):
    """Following `escalates_to` must end at a person, not loop (bot → IVR → bot): the doom
    loop of the CFPB's 2023 chatbot report. Each loop is reported once, at the
    `escalates_to` of its first channel in the file.

    Bad:
    ```yaml
    channels:
      - {id: chat-assistant, name: Chat assistant, kind: chatbot, escalates_to: phone-menu}
      - {id: phone-menu, name: Phone menu, kind: ivr, escalates_to: chat-assistant}
    ```

    Good:
    ```yaml
    channels:
      - {id: chat-assistant, name: Chat assistant, kind: chatbot, escalates_to: phone-menu}
      - {id: phone-menu, name: Phone menu, kind: ivr, escalates_to: reception-phone}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```
    """

    code, name, severity = "SS203", "escalation-cycle", E
    summary = "`escalates_to` loops"
    impact = "Customers are passed around in a circle and never reach someone who can help."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        position = {ch.id: i for i, ch in reversed(list(enumerate(spec.channels)))}
        reported: set[frozenset[str]] = set()
        for ch in spec.channels:
            chain: list[str] = []
            current: str | None = ch.id
            while current is not None and current not in chain:
                chain.append(current)
                nxt = index.channels.get(current)
                current = nxt.escalates_to if nxt else None
            if current is None:
                continue
            cycle = chain[chain.index(current):]
            key = frozenset(cycle)
            if key in reported:
                continue
            reported.add(key)
            start = min(cycle, key=lambda c: position[c])
            rotated = cycle[cycle.index(start):] + cycle[:cycle.index(start)]
            loop = " → ".join(f"'{c}'" for c in [*rotated, start])
            yield finding(("channels", position[start], "escalates_to"),
                          f"escalation loops: {loop} (a doom loop): end the chain at a live "
                          "channel")


class ChannelServiceLevelMissing(Rule):
    """A live channel is a promise: when it is open (`hours`) and how fast a person answers
    (`response_time`). Without them customers cannot plan and the team cannot staff
    (Shostack: time standards; Lovelock & Wirtz: service standards). A channel is live by its
    `mode`, which defaults from its `kind` (phone, live chat, email, social, video, in
    person).

    Bad:
    ```yaml
    channels:
      - {id: reception-phone, name: Reception phone, kind: phone}
    ```

    Good:
    ```yaml
    channels:
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```
    """

    code, name, severity = "SS204", "channel-service-level-missing", W
    summary = "a live channel has no `hours` or no `response_time`"
    impact = ("Customers cannot tell when someone will be there or how long they will wait for an "
              "answer.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, ch in enumerate(spec.channels):
            if ch.mode != "live":
                continue
            missing = [k for k in ("hours", "response_time") if getattr(ch, k) is None]
            if missing:
                yield finding(("channels", i), f"live channel '{ch.id}' has no "
                              f"{' and no '.join(f'`{m}`' for m in missing)}: say when it is "
                              "open and how fast a person answers")


class ColdHandover(Rule):
    """Dixon et al. (2010): repeating information and being transferred are the biggest
    drivers of customer effort. A cold handover — of a channel that escalates, or of a step's
    `handoff` — makes the customer start over. A `handoff` with a `context` and no
    `handover` is warm (the default); a channel that does not say is not judged. Every
    step's `handoff` is checked, a scenario's too.

    Bad:
    ```yaml
    channels:
      - {id: website, name: Hotel website, kind: web, escalates_to: reception-phone,
         handover: cold}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```

    Good:
    ```yaml
    channels:
      - {id: website, name: Hotel website, kind: web, escalates_to: reception-phone,
         handover: warm}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```
    """

    code, name, severity = "SS205", "cold-handover", W
    summary = "a channel or step handoff with `handover: cold`"
    impact = "Customers handed over cold have to start over and explain everything again."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, ch in enumerate(spec.channels):
            if ch.handover == "cold":
                yield finding(("channels", i, "handover"), f"channel '{ch.id}' hands "
                              "customers over cold: pass the context along (`handover: warm`)")
        for path, step in spec.every_step():
            if step.handoff and step.handoff.handover == "cold":
                yield finding((*path, "handoff", "handover"),
                              f"step '{step.id}' hands the case over cold: the customer starts "
                              "over; pass the context along (`handover: warm`)")


class NoAssistedChannel(Rule):
    """GOV.UK Service Standard: assisted digital. A digital-only service shuts out the
    customers who cannot or will not self-serve, and everyone whose case does not fit
    (CFPB 2023: no human option). Not checked when the spec declares no channels yet.

    Bad:
    ```yaml
    channels:
      - {id: website, name: Hotel website, kind: web}
      - {id: guest-app, name: Guest app, kind: app}
    ```

    Good:
    ```yaml
    channels:
      - {id: website, name: Hotel website, kind: web}
      - {id: guest-app, name: Guest app, kind: app}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```
    """

    code, name, severity = "SS206", "no-assisted-channel", W
    summary = "no live channel anywhere in the service"
    impact = ("Customers who cannot or will not serve themselves have no person to help them "
              "anywhere.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if spec.channels and not any(ch.mode == "live" for ch in spec.channels):
            yield finding(("channels",), f"service '{spec.metadata.id}' has no live channel: "
                          "add an assisted option (phone, chat, in person) for customers who "
                          "cannot self-serve")


class ComplaintChannelMissing(Rule):
    """ISO 10002 and Tax & Brown (1998): complaint handling must be visible and accessible.
    Most dissatisfied customers never complain; those who would need to know where: a
    channel marked `complaints: true`, or an `exceptions` facilitating service.

    Bad:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before],
         channels: [reception-phone]}
    channels:
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before],
         channels: [reception-phone]}
    channels:
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m, complaints: true}
    ```
    """

    code, name, severity = "SS207", "complaint-channel-missing", W
    summary = "no channel takes complaints and no `exceptions` service exists"
    impact = ("Customers with a complaint do not know where to take it, so it is lost or turns "
              "into anger.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        if any(ch.complaints for ch in spec.channels):
            return
        if any(fac.type == "exceptions" for fac in spec.facilitating):
            return
        yield finding(("channels",), f"customers of '{spec.metadata.id}' have nowhere to "
                      "complain: mark a channel `complaints: true` or add an `exceptions` "
                      "facilitating service")


class UnusedChannel(Rule):
    """A channel no facilitating service, touchpoint, recovery or escalation uses is either
    missing from the design or no longer offered. A channel that escalates only to itself
    does not count as used (that loop is SS203).

    Bad:
    ```yaml
    channels:
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
      - {id: guest-sms, name: Guest SMS, kind: sms}
    ```

    Good:
    ```yaml
    channels:
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
    ```
    """

    code, name, severity = "SS208", "unused-channel", I
    summary = "a channel nothing uses"
    impact = "A channel nobody uses in the design is one customers may find but nobody answers."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        used = {c for fac in spec.facilitating for c in fac.channels}
        used |= {tp.channel for tp in spec.touchpoints if tp.channel}
        used |= {rec.channel for rec in spec.recovery if rec.channel}
        used |= {ch.escalates_to for ch in spec.channels
                 if ch.escalates_to and ch.escalates_to != ch.id}
        for i, ch in enumerate(spec.channels):
            if ch.id not in used:
                yield finding(("channels", i), f"channel '{ch.id}' is not used by any "
                              "facilitating service, touchpoint, recovery or escalation: use "
                              "it or remove it")


class OutboundChannelTakesContact(Rule):
    """ISO 10002 and Tax & Brown (1998): complaint handling and recovery must be accessible,
    and the CFPB's 2023 chatbot report warns of routes that lead nowhere. An `outbound`
    channel only speaks to the customer — a push notification, a no-reply email, an
    automated text — so wherever the customer must reach the organisation it is a dead end:
    as another channel's `escalates_to`, as a recovery's `channel`, marked
    `complaints: true`, or among the channels of an `exceptions` (problem solving) or
    `consultation` (advice) facilitating service. A channel's `direction` defaults from its
    `kind` (`notification` is outbound).

    Bad:
    ```yaml
    channels:
      - {id: website, name: Hotel website, kind: web, escalates_to: reception-phone,
         handover: warm}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
      - {id: front-desk-counter, name: Front desk, kind: in-person, hours: "24/7",
         response_time: 5m, complaints: true}
      - {id: guest-email, name: Guest email (no-reply), kind: email,
         hours: "Mon-Sun 07:00-23:00", response_time: 4h, direction: outbound}
    ```

    Good:
    ```yaml
    channels:
      - {id: website, name: Hotel website, kind: web, escalates_to: reception-phone,
         handover: warm}
      - {id: reception-phone, name: Reception phone, kind: phone, hours: "24/7",
         response_time: 1m}
      - {id: front-desk-counter, name: Front desk, kind: in-person, hours: "24/7",
         response_time: 5m, complaints: true}
      - {id: guest-email, name: Guest email, kind: email, hours: "Mon-Sun 07:00-23:00",
         response_time: 4h}
    ```
    """

    code, name, severity = "SS209", "outbound-channel-takes-contact", E
    summary = "an outbound channel is used where the customer must reach the organisation"
    impact = ("Customers are pointed to a channel that only sends messages, so they cannot get "
              "through to anyone.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        outbound = {c.id for c in index.channels.values() if c.direction == "outbound"}
        fix = "use a channel customers can reach (`direction: inbound` or `both`)"
        for i, ch in enumerate(spec.channels):
            if ch.escalates_to in outbound:
                yield finding(("channels", i, "escalates_to"), f"channel '{ch.id}' escalates "
                              f"to '{ch.escalates_to}', which is outbound: the customer "
                              f"cannot reach anyone there; {fix}")
            if ch.complaints and ch.id in outbound:
                yield finding(("channels", i, "complaints"), f"channel '{ch.id}' takes "
                              "complaints but is outbound: customers cannot complain through "
                              f"it; {fix}")
        for i, rec in enumerate(spec.recovery):
            if rec.channel in outbound:
                yield finding(("recovery", i, "channel"), f"recovery '{rec.id}' uses "
                              f"'{rec.channel}', which is outbound: the customer cannot "
                              f"reach the recovery through it; {fix}")
        for i, fac in enumerate(spec.facilitating):
            if fac.type not in ("exceptions", "consultation"):
                continue
            for j, c in enumerate(fac.channels):
                if c in outbound:
                    yield finding(("facilitating", i, "channels", j), f"{fac.type} service "
                                  f"'{fac.id}' is offered through '{c}', which is outbound: "
                                  f"customers cannot ask for help there; {fix}")
