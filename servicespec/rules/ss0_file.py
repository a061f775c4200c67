"""SS0 — the file itself: syntax, schema, ids and references."""

from __future__ import annotations

from typing import Any, Iterable

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import Spec
from ..model.validate import did_you_mean
from .base import Finding, Rule, finding

E, W = Severity.ERROR, Severity.WARNING


class YamlSyntaxError(Rule):
    """The file must parse as YAML 1.2 (or JSON, which is YAML 1.2).

    The position is where the parser stopped. Tabs in indentation, an unclosed bracket or
    quote, and a value at the wrong indentation are the usual causes; invalid UTF-8 and
    control characters are reported here too.

    Bad:
    ```yaml
    product:
      name: Personal loan
      outcomes: [Funds within two days
    ```

    Good:
    ```yaml
    product:
      name: Personal loan
      outcomes: [Funds within two days]
    ```
    """

    code, name, severity, file_level = "SS001", "yaml-syntax-error", E, True
    summary = "the file does not parse"


class SchemaViolation(Rule):
    """Every value must have the type the format gives it; required keys must be there and
    enumerated values must be one of the allowed ones (listed in the message).

    Bad:
    ```yaml
    channels:
      - {id: phone, kind: telephone}
    ```

    Good:
    ```yaml
    channels:
      - {id: phone, kind: phone, hours: "24/7", response_time: 2m}
    ```
    """

    code, name, severity, file_level = "SS002", "schema-violation", E, True
    summary = "wrong type, missing required key, or value outside its enum"


class UnknownKey(Rule):
    """A key the format does not have is an error, with a did-you-mean: a typo would
    otherwise silently drop information. Keys starting with `x-` are the team's own.

    Bad:
    ```yaml
    product:
      name: Personal loan
      outcome: [Funds within two days]
    ```

    Good:
    ```yaml
    product:
      name: Personal loan
      outcomes: [Funds within two days]
      x-finance-code: PL-01
    ```
    """

    code, name, severity, file_level = "SS003", "unknown-key", E, True
    summary = "a key the format does not have (not `x-`)"


class DuplicateKey(Rule):
    """The same key twice in one mapping: YAML keeps the last value silently, so the first
    one is lost. Reported at the repeated key.

    Bad:
    ```yaml
    product:
      name: Personal loan
      name: Car loan
    ```

    Good:
    ```yaml
    product:
      name: Personal loan
    ```
    """

    code, name, severity, file_level = "SS004", "duplicate-key", E, True
    summary = "the same key twice in one mapping"


class DuplicateId(Rule):
    """Ids form one namespace per file (so `measures:` and `covers:` can point at anything):
    two elements with the same id make every reference to it ambiguous. `metadata.id` is the
    service's own id and is not in this namespace.

    Bad:
    ```yaml
    channels:
      - {id: phone, kind: phone, hours: "24/7", response_time: 2m}
      - {id: phone, kind: email, hours: "24/7", response_time: 1d}
    ```

    Good:
    ```yaml
    channels:
      - {id: phone, kind: phone, hours: "24/7", response_time: 2m}
      - {id: email, kind: email, hours: "24/7", response_time: 1d}
    ```
    """

    code, name, severity = "SS005", "duplicate-id", E
    summary = "two elements share an id"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for id_, places in index.ids.items():
            first = places[0]
            for place in places[1:]:
                yield finding((*place.path, "id"),
                              f"id '{id_}' of this {place.kind} is already the id of a "
                              f"{first.kind}: ids are one namespace per file; rename one")


# reference fields: (kinds the target may have, words for the message)
_REFERENCE_KINDS = {
    "role": ("role",), "channel": ("channel",), "touchpoint": ("touchpoint",),
    "metric": ("metric",), "serves": ("product", "facilitating"),
    "covers": ("fail-point", "step"),
}


class UnresolvedReference(Rule):
    """A reference must name an element of the right kind: a facilitating service's channels
    are channels, a recovery `covers` fail points or steps, a touchpoint `serves` the product
    or a facilitating service. A typo breaks the link silently, so the message offers the
    closest id of the right kind. (A `next` naming no step is SS307.)

    Bad:
    ```yaml
    recovery:
      - id: room-not-ready-recovery
        covers: [room-not-redy]
        owner: front-desk
        channel: front-desk-counter
        response_time: 5m
        actions: [apologise, fix, follow-up]
    ```

    Good:
    ```yaml
    recovery:
      - id: room-not-ready-recovery
        covers: [room-not-ready]
        owner: front-desk
        channel: front-desk-counter
        response_time: 5m
        actions: [apologise, fix, follow-up]
    ```
    """

    code, name, severity = "SS006", "unresolved-reference", E
    summary = "a reference names no element of the right kind"

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        def ref(path: tuple[Any, ...], value: str | None, target: str, owner: str) -> Any:
            if value is None:
                return
            kinds = _REFERENCE_KINDS[target]
            actual = index.kind_of(value)
            if actual in kinds:
                return
            wanted = " or ".join(k.replace("-", " ") for k in kinds)
            if actual is not None:
                yield finding(path, f"{owner} refers to '{value}', which is a "
                                    f"{actual.replace('-', ' ')}, not a {wanted}")
                return
            choices = [i for k in kinds for i in index.ids_of(k)]
            yield finding(path, f"{owner} refers to {wanted} '{value}', which does not "
                                f"exist{did_you_mean(value, choices)}")

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
        for i, ch in enumerate(spec.channels):
            yield from ref(("channels", i, "escalates_to"), ch.escalates_to, "channel",
                           f"channel '{ch.id}'")
        for i, tp in enumerate(spec.touchpoints):
            yield from ref(("touchpoints", i, "channel"), tp.channel, "channel",
                           f"touchpoint '{tp.id}'")
            yield from ref(("touchpoints", i, "serves"), tp.serves, "serves",
                           f"touchpoint '{tp.id}'")
        for i, step in enumerate(spec.steps):
            base = ("blueprint", "steps", i)
            yield from ref((*base, "touchpoint"), step.touchpoint, "touchpoint",
                           f"step '{step.id}'")
            for lane in ("frontstage", "backstage"):
                for j, action in enumerate(getattr(step, lane)):
                    yield from ref((*base, lane, j, "role"), action.role, "role",
                                   f"step '{step.id}'")
            for j, fp in enumerate(step.fail_points):
                yield from ref((*base, "fail_points", j, "detected_by"), fp.detected_by,
                               "metric", f"fail point '{fp.id}'")
        for i, metric in enumerate(spec.metrics):
            if metric.measures is not None and metric.measures not in index.ids:
                yield finding(("metrics", i, "measures"),
                              f"metric '{metric.id}' measures '{metric.measures}', which does "
                              f"not exist{did_you_mean(metric.measures, index.ids)}")
        for i, rec in enumerate(spec.recovery):
            for j, covered in enumerate(rec.covers):
                yield from ref(("recovery", i, "covers", j), covered, "covers",
                               f"recovery '{rec.id}'")
            yield from ref(("recovery", i, "owner"), rec.owner, "role", f"recovery '{rec.id}'")
            yield from ref(("recovery", i, "channel"), rec.channel, "channel",
                           f"recovery '{rec.id}'")


class UnsupportedVersion(Rule):
    """`apiVersion` and `kind` say which format the file is in. An unknown one is reported
    instead of schema errors, and the rest of the file is not checked: its content would be
    judged by the wrong contract.

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


class UnusedSuppression(Rule):
    """An inline `# servicespec: ignore[CODE] reason` that suppresses nothing, names an
    unknown code, or gives no reason. Suppressions rot when the finding they hid is fixed;
    reporting them keeps them honest (like ruff's RUF100).

    Bad:
    ```yaml
    product:
      # servicespec: ignore[SS101] outcomes agreed with legal
      name: Personal loan
      need: Finance a large purchase now and repay it over time
      outcomes: [Funds within two working days]
      revenue: interest and arrangement fee
    ```

    Good:
    ```yaml
    product:
      name: Personal loan
      need: Finance a large purchase now and repay it over time
      outcomes: [Funds within two working days]
      revenue: interest and arrangement fee
    ```
    """

    code, name, severity, file_level = "SS008", "unused-suppression", W, True
    summary = "an inline suppression that suppressed nothing, or names an unknown code"


class LimitExceeded(Rule):
    """Input limits (file size, nesting depth, node count, alias expansion) keep the linter
    fast and safe on untrusted input such as alias bombs. Limits are set in the configuration
    (`[tool.servicespec.limits]`).

    Bad:
    ```yaml
    x-a: &a [x, x, x, x, x, x, x, x, x, x]
    x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    ```

    Good:
    ```yaml
    x-a: [x, x, x]
    ```
    """

    code, name, severity, file_level = "SS009", "limit-exceeded", E, True
    summary = "the file exceeds an input limit (size, depth, nodes, aliases)"


class UnreadableFile(Rule):
    """The file could not be read: no permission, not a regular file (a FIFO or device), or
    it vanished while being linted. Nothing else is checked in it.
    """

    code, name, severity, file_level = "SS010", "unreadable-file", E, True
    summary = "the file cannot be read"
