"""SS0 — the file itself: syntax, schema, ids and references."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Spec
from ..model.validate import did_you_mean
from .base import Finding, Group, Rule, finding

GROUP = Group("SS0", "file", "the file itself")

E, W = Severity.ERROR, Severity.WARNING


class YamlSyntaxError(Rule):
    """The file must parse as YAML 1.2 (or JSON, which is YAML 1.2): nothing else can be
    checked until it does.

    The position is where the parser stopped, which may be a line or two after the real
    mistake. Tabs in indentation, an unclosed bracket or quote, and a value at the wrong
    indentation are the usual causes, and unquoted texts holding what YAML reads as
    structure: a colon followed by a space, a text that starts with a quote but goes on
    after it, ` #` or a comma inside `[…]` or `{…}`. The message says which it looks like and
    shows the text quoted. Several documents in one file, an alias to no anchor, invalid
    UTF-8 and control characters are reported here too.

    Bad:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      outcomes: [A clean room ready at check-in time
      revenue: room rate per night
    ```

    Good:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      outcomes: [A clean room ready at check-in time]
      revenue: room rate per night
    ```
    """

    code, name, severity, file_level = "SS001", "yaml-syntax-error", E, True
    summary = "the file does not parse"
    impact = ("Until the file reads as a spec, none of the checks that protect customers can run "
              "on it.")


class SchemaViolation(Rule):
    """Every value must have the type the format gives it (`spec-format.md`); required keys
    must be there and enumerated values must be one of the allowed ones (listed in the
    message). A value of the wrong shape would otherwise be read as something it is not.

    Bad:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      outcomes: A clean room ready at check-in time
      revenue: room rate per night
    ```

    Good:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      outcomes: [A clean room ready at check-in time]
      revenue: room rate per night
    ```
    """

    code, name, severity, file_level = "SS002", "schema-violation", E, True
    summary = "wrong type, missing required key, or value outside its enum"
    impact = ("A value of the wrong kind is misread, so what customers are promised may not be "
              "what the team wrote.")


class UnknownKey(Rule):
    """A key the format does not have is an error, with a did-you-mean: a typo would
    otherwise silently drop information. Keys starting with `x-` are the team's own data and
    are kept out of the model.

    An unknown key is an error whatever its value, an empty one too: in flow style
    `{name: Cancels the flight (crew, weather)}` is read as `name: Cancels the flight (crew`
    and a key `weather)` with no value, and the message says that the comma ended the text
    and shows it quoted. (An explicit `null` under a key the format has means "not given".)

    Bad:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      outcome: [A clean room ready at check-in time]
      revenue: room rate per night
    ```

    Good:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      outcomes: [A clean room ready at check-in time]
      revenue: room rate per night
      x-finance-code: ROOM-01
    ```
    """

    code, name, severity, file_level = "SS003", "unknown-key", E, True
    summary = "a key the format does not have (not `x-`)"
    impact = ("A mistyped or unknown key is dropped without a word, so something the team meant "
              "to promise customers is silently lost.")


class DuplicateKey(Rule):
    """The same key twice in one mapping: YAML keeps the last value silently, so the first
    one is lost without a word. Reported at the repeated key, in any mapping at any depth.

    Bad:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      revenue: room rate per night
      name: Suite
    ```

    Good:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      revenue: room rate per night
    ```
    """

    code, name, severity, file_level = "SS004", "duplicate-key", E, True
    summary = "the same key twice in one mapping"
    impact = ("When a key is written twice only the last one counts, so part of what customers "
              "were meant to get disappears unnoticed.")


class DuplicateId(Rule):
    """Ids form one namespace per file (so `measures:` and `covers:` can point at anything):
    two elements with the same id make every reference to it ambiguous. `metadata.id` is the
    service's own id and is not in this namespace. Reported at every element after the first,
    in the order of the format's sections.

    Bad:
    ```yaml
    recovery:
      - {id: room-not-ready, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
    ```

    Good:
    ```yaml
    recovery:
      - {id: room-not-ready-recovery, covers: [room-not-ready], owner: receptionist,
         channel: front-desk-counter, response_time: 5m, actions: [apologise, fix, follow-up]}
    ```
    """

    code, name, severity = "SS005", "duplicate-id", E
    summary = "two elements share an id"
    impact = ("When two things share a name, every link to it is ambiguous, and a customer-facing "
              "gap can hide behind the wrong one.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for id_, places in index.ids.items():
            if len(places) < 2:
                continue
            first, *others = sorted(places, key=lambda p: _section_order(p.path))
            for place in others:
                yield finding((*place.path, "id"),
                              f"{_word(place.kind)} id '{id_}' is already the id of a "
                              f"{_word(first.kind)}: ids are one namespace per file; rename "
                              "one of them")


# the format's order of sections: a duplicate is reported at the later element
_SECTIONS = ("product", "facilitating", "channels", "roles", "touchpoints", "blueprint",
             "metrics", "recovery", "personas", "systems", "opportunities", "regulations")
# in the blueprint, the main journey comes before the scenarios
_BLUEPRINT = ("persona", "case_owner", "steps", "scenarios")


def _section_order(path: tuple[Any, ...]) -> tuple[Any, ...]:
    head = _SECTIONS.index(path[0]) if path[0] in _SECTIONS else len(_SECTIONS)
    rest = path[1:]
    if path[0] == "blueprint" and rest and rest[0] in _BLUEPRINT:
        rest = (_BLUEPRINT.index(rest[0]), *rest[1:])
    return (head, *rest)


_WORDS = {"fail-point": "fail point", "facilitating": "facilitating service",
          "scenario-step": "scenario step", "pain-point": "pain point"}


def _word(kind: str) -> str:
    return _WORDS.get(kind, kind)


# reference fields: the kinds the target may have
_REFERENCE_KINDS = {
    "role": ("role",), "channel": ("channel",), "touchpoint": ("touchpoint",),
    "metric": ("metric",), "serves": ("product", "facilitating"),
    "covers": ("fail-point", "step", "scenario-step"),
    "persona": ("persona",), "system": ("system",),
    "main-step": ("step",),  # a scenario's `from` and `rejoins`: the main journey's steps
    "addresses": ("pain-point", "fail-point", "step", "scenario-step"),
    "applies_to": ("product", "facilitating", "recovery", "step", "scenario-step"),
}
# Where each reference field sits (a path with `*` for any list position, `STEP` for a step
# of the main journey or of a scenario) and its entry above: what SS006 checks, and what an
# editor completes and navigates. Besides the table's own targets: `next` names steps (SS307
# checks it), `measures` any id, `uses` a library of the catalogue; a system's `owner` may
# be a role.
REFERENCE_FIELDS: dict[tuple[str, ...], str] = {
    ("product", "components", "*", "owner"): "role",
    ("facilitating", "*", "channels", "*"): "channel",
    ("facilitating", "*", "roles", "*"): "role",
    ("channels", "*", "escalates_to"): "channel",
    ("touchpoints", "*", "channel"): "channel",
    ("touchpoints", "*", "serves"): "serves",
    ("blueprint", "persona"): "persona",
    ("blueprint", "case_owner"): "role",
    ("blueprint", "scenarios", "*", "persona"): "persona",
    ("blueprint", "scenarios", "*", "case_owner"): "role",
    ("blueprint", "scenarios", "*", "from"): "main-step",
    ("blueprint", "scenarios", "*", "rejoins"): "main-step",
    ("STEP", "touchpoint"): "touchpoint",
    ("STEP", "touchpoint", "*"): "touchpoint",
    ("STEP", "frontstage", "*", "role"): "role",
    ("STEP", "backstage", "*", "role"): "role",
    ("STEP", "support", "*", "system"): "system",
    ("STEP", "fail_points", "*", "detected_by"): "metric",
    ("STEP", "next", "*"): "next",
    ("STEP", "next", "*", "step"): "next",
    ("metrics", "*", "measures"): "measures",
    ("recovery", "*", "covers", "*"): "covers",
    ("recovery", "*", "owner"): "role",
    ("recovery", "*", "channel"): "channel",
    ("opportunities", "*", "addresses", "*"): "addresses",
    ("regulations", "*", "applies_to", "*"): "applies_to",
    ("systems", "*", "owner"): "role",
    ("uses", "*"): "library",
}
REFERENCE_KINDS: dict[str, tuple[str, ...] | None] = {
    **_REFERENCE_KINDS, "next": ("step", "scenario-step"), "measures": None,
    "library": ("library",)}


def reference_target(path: tuple[str | int, ...]) -> str | None:
    """The entry of REFERENCE_FIELDS that a path of a spec's data is, if any."""
    parts: list[str] = []
    i = 0
    while i < len(path):
        part = path[i]
        if path[i:i + 2] == ("blueprint", "steps") and i + 2 < len(path):
            parts.append("STEP")
            i += 3
        elif path[i:i + 2] == ("blueprint", "scenarios") and path[i + 3:i + 4] == ("steps",) \
                and i + 4 < len(path):
            parts.append("STEP")
            i += 5
        else:
            parts.append("*" if isinstance(part, int) else str(part))
            i += 1
    return REFERENCE_FIELDS.get(tuple(parts))


# what a reference field names, in words, where the kinds alone do not say it well
_WANTED = {"covers": "fail point or step", "main-step": "main-journey step",
           "addresses": "pain point, fail point or step",
           "applies_to": "product, facilitating service, recovery process or step"}
# where a missing element of each reference field would be added
_ADD_UNDER = {"role": "`roles:`", "channel": "`channels:`", "touchpoint": "`touchpoints:`",
              "metric": "`metrics:`", "serves": "`facilitating:` (or name the product's id)",
              "covers": "a step's `fail_points:` (or name a step)",
              "persona": "`personas:`", "system": "`systems:`",
              "main-step": "`blueprint.steps:`",
              "addresses": "a step's `pain_points:` (or name a fail point or a step)",
              "applies_to": "`facilitating:`, `recovery:` or a journey's `steps:` (or name "
                            "the product)"}


class _Hints:
    """Did-you-mean suggestions, bounded: a file full of broken references to thousands of
    ids must not make the linter crawl (each suggestion compares against every candidate).
    """

    # id comparisons per file (about a second); past it, references get no suggestion
    BUDGET = 50_000

    def __init__(self, index: SpecIndex) -> None:
        self.index = index
        self.spent = 0
        self.choices: dict[str, list[str]] = {}
        self.done: dict[tuple[str, str], str] = {}

    def get(self, value: str, target: str) -> str:
        key = (value, target)
        if key not in self.done:
            if target not in self.choices:
                kinds = _REFERENCE_KINDS.get(target)
                self.choices[target] = sorted(
                    i for i, places in self.index.ids.items()
                    if kinds is None or any(p.kind in kinds for p in places))
            choices = self.choices[target]
            self.spent += len(choices)
            if self.spent > self.BUDGET:
                return ""
            hint = did_you_mean(value, choices)
            self.done[key] = hint[2:] if hint else ""  # "did you mean 'x'?"
        return self.done[key]


class UnresolvedReference(Rule):
    """A reference must name an element of the right kind: a facilitating service's channels
    are channels, a recovery `covers` fail points or steps, a touchpoint `serves` the product
    or a facilitating service, a step's actions and the blueprint's `case_owner` name roles,
    a `support` entry's `system` a system, a `persona` a persona, a scenario's `from` and
    `rejoins` steps of the main journey, an opportunity `addresses` pain points, fail points
    or steps, and a regulation `applies_to` the product, facilitating services, recovery
    processes or steps. (A system's `owner` may be a role id or free text and is not checked.)
    A typo breaks the link silently,
    so the message offers the closest id of the right kind. A metric `measures` any id. (A
    `next` naming no step is SS307.) Reported in the same run as schema errors elsewhere in
    the file: the broken elements are left out, and references to them are not reported.

    Bad:
    ```yaml
    recovery:
      - id: room-not-ready-recovery
        covers: [room-not-redy]
        owner: receptionist
        channel: front-desk-counter
        response_time: 5m
        actions: [apologise, fix, follow-up]
    ```

    Good:
    ```yaml
    recovery:
      - id: room-not-ready-recovery
        covers: [room-not-ready]
        owner: receptionist
        channel: front-desk-counter
        response_time: 5m
        actions: [apologise, fix, follow-up]
    ```
    """

    code, name, severity = "SS006", "unresolved-reference", E
    summary = "a reference names no element of the right kind"
    impact = ("A link to something that does not exist leaves a hole in the service: a step with "
              "no one to do it, a problem with no one to fix it.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        hints = _Hints(index)

        def ref(path: tuple[Any, ...], value: str | None, target: str, owner: str) -> Any:
            if value is None:
                return
            kinds = _REFERENCE_KINDS[target]
            # with duplicate ids (SS005) any element of the right kind resolves the reference
            actual = [place.kind for place in index.ids.get(value, [])]
            if any(kind in kinds for kind in actual):
                return
            wanted = _WANTED.get(target) or " or ".join(_word(k) for k in kinds)
            hint = hints.get(value, target)
            if actual:
                todo = hint or f"name a {wanted}"
                yield finding(path, f"{owner} refers to '{value}', which is a "
                                    f"{_word(actual[0])}, not a {wanted}: {todo}")
                return
            todo = hint or f"fix the id, or add it under {_ADD_UNDER[target]}"
            yield finding(path, f"{owner} refers to {wanted} '{value}', which does not "
                                f"exist: {todo}")

        for i, comp in enumerate(spec.product.components):
            yield from ref(("product", "components", i, "owner"), comp.owner, "role",
                           f"component '{comp.id}'")
        for i, fac in enumerate(spec.facilitating):
            for j, ch in enumerate(fac.channels):
                yield from ref(("facilitating", i, "channels", j), ch, "channel",
                               f"facilitating service '{fac.id}'")
            for j, role in enumerate(fac.roles):
                yield from ref(("facilitating", i, "roles", j), role, "role",
                               f"facilitating service '{fac.id}'")
        for i, channel in enumerate(spec.channels):
            yield from ref(("channels", i, "escalates_to"), channel.escalates_to, "channel",
                           f"channel '{channel.id}'")
        for i, tp in enumerate(spec.touchpoints):
            yield from ref(("touchpoints", i, "channel"), tp.channel, "channel",
                           f"touchpoint '{tp.id}'")
            yield from ref(("touchpoints", i, "serves"), tp.serves, "serves",
                           f"touchpoint '{tp.id}'")
        yield from ref(("blueprint", "persona"), spec.blueprint.persona, "persona",
                       "the blueprint's `persona`")
        yield from ref(("blueprint", "case_owner"), spec.blueprint.case_owner, "role",
                       "the blueprint's `case_owner`")
        for i, sc in enumerate(spec.blueprint.scenarios):
            base = ("blueprint", "scenarios", i)
            for key, value, target in (("persona", sc.persona, "persona"),
                                       ("case_owner", sc.case_owner, "role"),
                                       ("from", sc.from_, "main-step"),
                                       ("rejoins", sc.rejoins, "main-step")):
                yield from ref((*base, key), value, target, f"scenario '{sc.id}' (`{key}`)")
        for where, step in spec.every_step():
            for j, tp_id in enumerate(step.touchpoint):
                # one touchpoint is usually written as a plain id, not a list
                at = (*where, "touchpoint", *([j] if len(step.touchpoint) > 1 else []))
                yield from ref(at, tp_id, "touchpoint", f"step '{step.id}'")
            for lane in ("frontstage", "backstage"):
                for j, action in enumerate(getattr(step, lane)):
                    yield from ref((*where, lane, j, "role"), action.role, "role",
                                   f"a {lane} action of step '{step.id}'")
            for j, support in enumerate(step.support):
                yield from ref((*where, "support", j, "system"), support.system, "system",
                               f"a support action of step '{step.id}'")
            for j, fp in enumerate(step.fail_points):
                yield from ref((*where, "fail_points", j, "detected_by"), fp.detected_by,
                               "metric", f"fail point '{fp.id}'")
        for i, metric in enumerate(spec.metrics):
            if metric.measures is not None and metric.measures not in index.ids:
                todo = hints.get(metric.measures, "measures") or "name the product, a " \
                    "facilitating service, a touchpoint, a step or a fail point"
                yield finding(("metrics", i, "measures"),
                              f"metric '{metric.id}' measures '{metric.measures}', which does "
                              f"not exist: {todo}")
        for i, rec in enumerate(spec.recovery):
            for j, covered in enumerate(rec.covers):
                yield from ref(("recovery", i, "covers", j), covered, "covers",
                               f"recovery '{rec.id}'")
            yield from ref(("recovery", i, "owner"), rec.owner, "role", f"recovery '{rec.id}'")
            yield from ref(("recovery", i, "channel"), rec.channel, "channel",
                           f"recovery '{rec.id}'")
        for i, opp in enumerate(spec.opportunities):
            for j, target_id in enumerate(opp.addresses):
                yield from ref(("opportunities", i, "addresses", j), target_id, "addresses",
                               f"opportunity '{opp.id}'")
        for i, reg in enumerate(spec.regulations):
            for j, target_id in enumerate(reg.applies_to):
                yield from ref(("regulations", i, "applies_to", j), target_id, "applies_to",
                               f"regulation '{reg.id}'")


class UnsupportedVersion(Rule):
    """`apiVersion` and `kind` say which format the file is in (`servicespec/v1`, `Service`).
    An unknown or missing one is reported instead of schema errors, and the rest of the file
    is not checked: its content would be judged by the wrong contract.

    Bad:
    ```yaml
    apiVersion: servicespec/v2
    ```

    Good:
    ```yaml
    apiVersion: servicespec/v1
    ```
    """

    code, name, severity, file_level = "SS007", "unsupported-version", E, True
    summary = "`apiVersion`/`kind` not known"
    impact = ("A file in an unknown format would be judged by the wrong rules, so its gaps for "
              "customers would go unseen.")


class UnusedSuppression(Rule):
    """An inline `# servicespec: ignore[CODE] reason` (on the line of the finding, or alone on
    the line above it) that suppresses nothing, names an unknown code, or gives no reason.
    Suppressions rot when the finding they hid is fixed; reporting them keeps them honest
    (like ruff's RUF100). A suppression without a reason suppresses nothing: say why.

    Bad:
    ```yaml
    product:  # servicespec: ignore[SS101] outcomes are in the brand book
      id: hotel-stay-product
      name: Overnight room
      need: A safe, quiet place to sleep away from home
      outcomes: [A clean room ready at check-in time]
      revenue: room rate per night
    ```

    Good:
    ```yaml
    product:  # servicespec: ignore[SS101] outcomes are in the brand book
      id: hotel-stay-product
      name: Overnight room
      revenue: room rate per night
    ```
    """

    code, name, severity, file_level = "SS008", "unused-suppression", W, True
    summary = "an inline suppression that suppressed nothing, or names an unknown code"
    impact = ("A stale exception hides nothing today but may hide a real problem for customers "
              "tomorrow.")


class LimitExceeded(Rule):
    """Input limits (file size, nesting depth, node count, alias expansion) keep the linter
    fast and safe on untrusted input such as alias bombs ("billion laughs") and absurdly
    deep nesting. Limits are set in the configuration (`[tool.servicespec.limits]`).

    Bad:
    ```yaml
    x-a: &a [x, x, x, x, x, x, x, x, x, x]
    x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    ```

    Good:
    ```yaml
    x-a: &a [x, x, x]
    x-b: [*a, *a]
    ```
    """

    code, name, severity, file_level = "SS009", "limit-exceeded", E, True
    summary = "the file exceeds an input limit (size, depth, nodes, aliases)"
    impact = "A file too large or too deep to check safely cannot be checked for customers at all."


class UnreadableFile(Rule):
    """The file could not be read: no permission, not a regular file (a FIFO or device), or
    it vanished while being linted. Nothing else is checked in it.
    """

    code, name, severity, file_level = "SS010", "unreadable-file", E, True
    summary = "the file cannot be read"
    impact = ("A file that cannot be read cannot be checked, so any gap it holds for customers "
              "stays hidden.")
