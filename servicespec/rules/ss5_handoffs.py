"""SS5 — handoffs: don't pass the customer around."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.base import Range, Record, field
from ..model.spec import Journey, Spec, Step
from ..source import Path
from .base import Finding, Group, Rule, finding

GROUP = Group("SS5", "handoffs", "handoffs: don't pass the customer around")

W = Severity.WARNING


def frontstage_people(index: SpecIndex) -> list[set[str]]:
    """The human roles the frontstage actions of each step of `index.flow` name. A system
    role (a bot, an app, an SMS sender) is no person the customer is passed to; a role the
    spec does not declare counts as a person (SS006 reports it)."""
    systems = {r.id for r in index.roles.values() if r.kind == "system"}
    return [{a.role for a in at.step.frontstage if a.role and a.role not in systems}
            for at in index.flow]


def is_change(index: SpecIndex, roles: list[set[str]], before: int, after: int) -> bool:
    """Whether the customer meets another person between two steps of `index.flow`: they
    share no human role, and neither is the case owner's (the owner stays the customer's one
    contact). Across a join of two journeys either journey's case owner counts."""
    people = roles[before] | roles[after]
    owners = {index.flow[before].journey.case_owner, index.flow[after].journey.case_owner}
    return not roles[before] & roles[after] and not owners & people


def consecutive(index: SpecIndex, roles: list[set[str]]) -> list[tuple[int, int]]:
    """(earlier, later) positions in `index.flow` of steps that follow each other.

    "Follow" is the journey's order: `next` where a step sets it, else the next step in the
    list, so alternative branches are never compared with each other; a scenario's first step
    follows its `from` step and its last step leads to its `rejoins` step (`SpecIndex.flow`).
    Steps whose frontstage names no human role are skipped: the pair is the nearest steps on
    either side that name one.
    """
    follows = index.follows
    through = _through_roleless(follows, [bool(r) for r in roles])
    pairs = []
    for i, after in enumerate(follows):
        if roles[i]:
            later = {j for k in after for j in ((k,) if roles[k] else through[k])}
            pairs += [(i, j) for j in sorted(later)[:_MOST_FOLLOWERS]]
    return pairs


# A step is compared with at most this many following steps (the first in the list). A real
# journey branches a few ways; the bound keeps a degenerate file (one step fanning out to
# thousands) linear in time and memory.
_MOST_FOLLOWERS = 50


def _through_roleless(follows: list[list[int]], named: list[bool]) -> list[tuple[int, ...]]:
    """For each step that names no role: the steps naming one that it leads to through steps
    naming none (the first `_MOST_FOLLOWERS`). Strongly connected groups of such steps (a
    retry loop) share one answer, so every step is visited once however the journey branches
    (Tarjan's algorithm, iterative).
    """
    n = len(follows)
    out: list[tuple[int, ...]] = [()] * n
    order = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    counter = 0
    for root in range(n):
        if named[root] or order[root] >= 0:
            continue
        work = [(root, 0)]
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, edge = work[-1]
            if edge < len(follows[node]):
                work[-1] = (node, edge + 1)
                nxt = follows[node][edge]
                if named[nxt]:
                    continue
                if order[nxt] < 0:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack[nxt] = True
                    work.append((nxt, 0))
                elif on_stack[nxt]:
                    low[node] = min(low[node], order[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] != order[node]:
                continue
            group = set()
            while True:
                member = stack.pop()
                on_stack[member] = False
                group.add(member)
                if member == node:
                    break
            # the groups this one leads to are finished: Tarjan completes a group after them
            reached: set[int] = set()
            for member in group:
                for nxt in follows[member]:
                    if named[nxt]:
                        reached.add(nxt)
                    elif nxt not in group:
                        reached.update(out[nxt])
            shared = tuple(sorted(reached)[:_MOST_FOLLOWERS])
            for member in group:
                out[member] = shared
    return out


def role_changes(index: SpecIndex, roles: list[set[str]]) -> list[tuple[int, int]]:
    """Consecutive steps (as in `consecutive`) where the customer meets another person."""
    return [(i, j) for i, j in consecutive(index, roles) if is_change(index, roles, i, j)]


class HandoffWithoutContext(Rule):
    """Dixon et al. (2010): transfers, and having to repeat information after one, are what
    makes customer service effortful. When the customer passes from one person to another
    between consecutive steps, the later step says how the case travels: `handoff.context`, a
    shared record or a ticket. A change is two steps whose frontstage human roles share none.
    System roles (`kind: system`: a bot, an app, an SMS sender) are no person: a step whose
    frontstage names no human role is skipped (a bot-to-person handover is SS205's concern).
    With a `blueprint.case_owner`, a change to or from the owner's role is no change: the
    owner stays the customer's one contact. "Next" follows the journey: a step's `next` where
    it has one, else the next step in the list, so alternative branches are never compared
    with each other. Scenarios are walked as journeys of their own, joined to the main one:
    a scenario's first step follows its `from` step and its last step is followed by its
    `rejoins` step, so passing the customer on when an exception starts or ends counts too;
    each journey's `case_owner` (default the blueprint's) is no change within it, and
    across a join either journey's owner is none.

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
        - id: ask-for-towels
          phase: during
          customer: Asks for extra towels
          frontstage: [{role: housekeeper, action: Brings the towels}]
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
        - id: ask-for-towels
          phase: during
          customer: Asks for extra towels
          frontstage: [{role: housekeeper, action: Brings the towels}]
          handoff: {context: Request ticket with the room number}
    ```
    """

    code, name, severity = "SS501", "handoff-without-context", W
    summary = "the customer passes to another person and the step declares no " \
              "`handoff.context`"
    impact = ("When the customer is passed to another person without the case, they have to tell "
              "their story again.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = [at.step for at in index.flow]
        roles = frontstage_people(index)
        earlier: dict[int, list[int]] = {}
        for before, after in role_changes(index, roles):
            earlier.setdefault(after, []).append(before)
        for after, befores in sorted(earlier.items()):
            step = steps[after]
            if step.handoff and step.handoff.context:
                continue
            names = " or ".join(f"'{steps[b].id}'" for b in befores[:3])
            if len(befores) > 3:
                names += f" (or {len(befores) - 3} more)"
            new = ", ".join(f"'{r}'" for r in sorted(roles[after]))
            yield finding(index.flow[after].path, f"step '{step.id}' passes the customer to {new} "
                          f"after step {names} with no context: add `handoff: {{context: "
                          "...}` (a shared record, a ticket) so they need not start over")


class TooManyHandoffsOptions(Record, strict=False):
    max_handoffs: Annotated[int, Range(ge=0)] = field(2, description="Most changes of "
                                                      "frontstage human role in one phase.")


class TooManyHandoffs(Rule):
    """Dixon et al. (2010); the source articles: don't pass the customer around. More than
    (2) changes of frontstage human role between consecutive steps of one phase (as in SS501:
    system roles are no person) means the customer meets a new person at every turn. With a
    `blueprint.case_owner`, a change to or from the owner's role is not counted: the owner
    stays the customer's one contact. Changes across a phase boundary, and steps with no
    `phase`, do not count; on a branching journey each path is counted on its own. A
    scenario's paths start in the main journey, at its `from` step, with its own
    `case_owner`; its return at `rejoins` is not followed (the main journey's paths are
    counted on their own).

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: check-in
          phase: during
          customer: Checks in at the front desk
          frontstage: [{role: receptionist, action: Hands over the key}]
        - id: ask-for-towels
          phase: during
          customer: Asks for extra towels
          frontstage: [{role: housekeeper, action: Brings the towels}]
          handoff: {context: Request ticket with the room number}
        - id: key-fails
          phase: during
          customer: Comes back to the desk with a key card that does not open the door
          frontstage: [{role: receptionist, action: Encodes a new key card}]
          handoff: {context: Booking record}
        - id: room-too-cold
          phase: during
          customer: Reports that the heating does not work
          frontstage: [{role: housekeeper, action: Brings a heater}]
          handoff: {context: Request ticket with the room number}
    ```

    Good:
    ```yaml
    blueprint:
      case_owner: receptionist
      steps:
        - id: check-in
          phase: during
          customer: Checks in at the front desk
          frontstage: [{role: receptionist, action: Hands over the key}]
        - id: ask-for-towels
          phase: during
          customer: Asks for extra towels
          frontstage: [{role: housekeeper, action: Brings the towels}]
          handoff: {context: Request ticket with the room number}
        - id: key-fails
          phase: during
          customer: Comes back to the desk with a key card that does not open the door
          frontstage: [{role: receptionist, action: Encodes a new key card}]
        - id: room-too-cold
          phase: during
          customer: Reports that the heating does not work
          frontstage: [{role: housekeeper, action: Brings a heater}]
          handoff: {context: Request ticket with the room number}
    ```
    """

    code, name, severity = "SS502", "too-many-handoffs", W
    summary = "more than (2) changes of frontstage person within one phase"
    impact = ("Customers who meet a new person at every turn feel passed around, and nobody owns "
              "their problem.")
    Options = TooManyHandoffsOptions

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        steps = [at.step for at in index.flow]
        roles = frontstage_people(index)
        limit = options.max_handoffs
        incoming: dict[int, list[int]] = {}
        for before, after in consecutive(index, roles):
            phase = steps[after].phase
            # forward pairs in one phase; a loop back does not add a new person
            if phase is not None and steps[before].phase == phase and before < after:
                incoming.setdefault(after, []).append(before)
        # the most role changes on any path within the phase that ends at each step
        most = [0] * len(steps)
        for after in sorted(incoming):
            crossed = False
            for before in incoming[after]:
                change = is_change(index, roles, before, after)
                most[after] = max(most[after], most[before] + change)
                crossed |= change and most[before] == limit
            if crossed:
                step = steps[after]
                yield finding(index.flow[after].path, f"the customer is passed between frontstage "
                              f"roles more than {limit} times in phase '{step.phase}' (here at "
                              f"step '{step.id}'): give the customer one owner for the phase")


def _item_key(item: str) -> str:
    """`Order number`, `order_number` and `order-number` are the same item."""
    return re.sub(r"[\s_-]+", "-", item.strip().lower())


class CustomerRepeatsInformation(Rule):
    """Dixon et al. (2010): having to repeat information is one of the strongest drivers of
    customer effort and disloyalty. Ask each item once and carry it along. Items are compared
    ignoring case, spaces, hyphens and underscores; reported at every step after the first
    that asks. A scenario is walked as its own journey: the main journey's steps up to its
    `from`, its own steps, then the main journey's from its `rejoins` on (the list order of
    each), so a scenario step asking again what the main journey asked before, or a main
    step after `rejoins` asking again what the scenario asked, is reported.

    Bad:
    ```yaml
    blueprint:
      steps:
        - id: book
          phase: before
          customer: Books a room online
          frontstage: [{role: booking-engine, action: Shows live availability and prices}]
          collects: [guest-name, stay-dates, card-details]
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          handoff: {context: Booking record in the property management system}
          collects: [guest-name, card-details]
    ```

    Good:
    ```yaml
    blueprint:
      steps:
        - id: book
          phase: before
          customer: Books a room online
          frontstage: [{role: booking-engine, action: Shows live availability and prices}]
          collects: [guest-name, stay-dates, card-details]
        - id: check-in
          phase: during
          customer: Arrives and checks in at the front desk
          frontstage: [{role: receptionist, action: Greets the guest and hands over the key}]
          handoff: {context: Booking record in the property management system}
          collects: [signature]
    ```
    """

    code, name, severity = "SS503", "customer-repeats-information", W
    summary = "the same `collects` item is asked at two steps"
    impact = "Customers asked for the same information twice feel nobody listened the first time."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        main = index.journeys[0]
        reported: set[Path] = set()
        for journey in index.journeys:
            walk = [(journey.step_path(k), step, journey) for k, step in enumerate(journey.steps)]
            if journey.scenario is not None:
                # the customer came through the main journey up to `from`, and goes on from
                # `rejoins`
                start, end = main.positions.get(journey.start or ""), main.positions.get(
                    journey.rejoins or "")
                mains = [(main.step_path(k), step, main) for k, step in enumerate(main.steps)]
                walk = [*(mains[:start + 1] if start is not None else ()), *walk,
                        *(mains[end:] if end is not None else ())]
            asked: dict[str, tuple[Step, Journey]] = {}
            for path, step, at in walk:
                for j, item in enumerate(step.collects):
                    first, where = asked.setdefault(_item_key(item), (step, at))
                    # two main steps: the main journey's own walk reports them
                    if first.id == step.id or (where is main and at is main and journey
                                               is not main) or (*path, j) in reported:
                        continue
                    reported.add((*path, j))
                    of = f" of scenario '{where.id}'" if where.scenario else ""
                    yield finding((*path, "collects", j), f"step '{step.id}' asks for "
                                  f"'{item}' again (already asked at step '{first.id}'{of}): "
                                  "ask once and carry it along (a shared record)")
