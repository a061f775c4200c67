"""SS6 — metrics: the product and customer service measured apart."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import METRIC_KIND_BY_TYPE, Spec
from .base import Finding, Group, Rule, finding

GROUP = Group("SS6", "metrics", "metrics: product and customer service measured apart")

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


class MetricKindMismatch(Rule):
    """The source articles keep the two apart: the product is judged by its outcomes (did
    the customer get what they paid for?), customer service by how it felt (CSAT, effort:
    Dixon et al. 2010). A CSAT score on the product, or a delivery time on a facilitating
    service, measures the wrong thing. The kind that counts is the declared `kind`, else the
    default from `type` (csat, ces, first-contact-resolution, first-response-time,
    resolution-time: experience; delivery-time, error-rate, completion-rate, consistency,
    availability: outcome).

    Bad:
    ```yaml
    metrics:
      - {id: stay-csat, measures: hotel-stay-product, type: csat, target: ">= 4.5",
         source: Post-stay survey}
      - {id: booking-time, measures: booking, type: custom, kind: outcome, target: "<= 5m",
         source: Web analytics}
    ```

    Good:
    ```yaml
    metrics:
      - {id: room-ready-rate, measures: hotel-stay-product, type: completion-rate,
         target: ">= 98%", source: Property management system}
      - {id: booking-ces, measures: booking, type: ces, target: "<= 2", source: Booking survey}
    ```
    """

    code, name, severity = "SS601", "metric-kind-mismatch", W
    summary = "an experience metric on the product, or an outcome metric on customer service"
    impact = ("Measuring the product by satisfaction or the help by delivery times hides where "
              "customers are really let down.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        facilitating = {fac.id for fac in spec.facilitating}
        for i, metric in enumerate(spec.metrics):
            if metric.kind == "experience" and metric.measures == spec.product.id:
                yield finding(("metrics", i), f"experience metric '{metric.id}' "
                              f"({metric.type}) measures the product '{spec.product.id}': "
                              "measure the product by outcomes, and point this metric at a "
                              "facilitating service")
            elif metric.kind == "outcome" and metric.measures in facilitating:
                yield finding(("metrics", i), f"outcome metric '{metric.id}' ({metric.type}) "
                              f"measures facilitating service '{metric.measures}': measure "
                              "customer service by experience (CSAT, CES, first-contact "
                              "resolution), and point this metric at the product")


class ProductUnmeasured(Rule):
    """The source articles: the core product is measured by outcome metrics. If the product
    has no outcome metric (`measures:` the product's id), nobody knows whether customers get
    what they pay for — satisfaction with the service around it cannot stand in for that.

    Bad:
    ```yaml
    metrics:
      - {id: info-csat, measures: stay-information, type: csat, target: ">= 4.5",
         source: Post-stay survey}
    ```

    Good:
    ```yaml
    metrics:
      - {id: room-ready-rate, measures: hotel-stay-product, type: completion-rate,
         target: ">= 98%", source: Property management system}
      - {id: info-csat, measures: stay-information, type: csat, target: ">= 4.5",
         source: Post-stay survey}
    ```
    """

    code, name, severity = "SS602", "product-unmeasured", W
    summary = "no outcome metric measures the product"
    impact = ("If nobody measures whether the product delivers, customers find out before the "
              "team does.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        pid = spec.product.id
        if not any(m.kind == "outcome" and m.measures == pid for m in spec.metrics):
            yield finding(("product",), f"product '{pid}' has no outcome metric: add a metric "
                          f"with `measures: {pid}` and an outcome type (delivery-time, "
                          "error-rate, completion-rate, consistency, availability)")


class FacilitatingUnmeasured(Rule):
    """The source articles: customer service is judged by how it is experienced. A
    facilitating service with no experience metric (CSAT, CES, first-contact resolution,
    response or resolution time; Dixon et al. 2010 on effort) is managed blind.

    Bad:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before], channels: [website]}
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter]}
    metrics:
      - {id: help-fcr, measures: guest-help, type: first-contact-resolution,
         target: ">= 80%", source: Complaint log}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before], channels: [website]}
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter]}
    metrics:
      - {id: booking-ces, measures: booking, type: ces, target: "<= 2", source: Booking survey}
      - {id: help-fcr, measures: guest-help, type: first-contact-resolution,
         target: ">= 80%", source: Complaint log}
    ```
    """

    code, name, severity = "SS603", "facilitating-unmeasured", W
    summary = "a facilitating service has no experience metric"
    impact = ("If nobody measures how customers feel about this help, it can get worse without "
              "anyone noticing.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, fac in enumerate(spec.facilitating):
            if not any(m.kind == "experience" for m in index.metrics_on.get(fac.id, [])):
                yield finding(("facilitating", i), f"facilitating service '{fac.id}' has no "
                              "experience metric: add one (csat, ces, first-contact-resolution"
                              f", ...) with `measures: {fac.id}`")


class RelationshipMetricOnly(Rule):
    """NPS and retention measure the whole relationship, product and service together (the
    source articles keep product and customer service metrics apart). When they are the only
    measures on the facilitating services, no one can tell which part to fix.

    Bad:
    ```yaml
    facilitating:
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter]}
    metrics:
      - {id: help-nps, measures: guest-help, type: nps, target: ">= 40", source: Survey}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter]}
    metrics:
      - {id: help-nps, measures: guest-help, type: nps, target: ">= 40", source: Survey}
      - {id: help-fcr, measures: guest-help, type: first-contact-resolution,
         target: ">= 80%", source: Complaint log}
    ```
    """

    code, name, severity = "SS604", "relationship-metric-only", W
    summary = "the only metrics on customer service are relationship metrics"
    impact = ("Measuring only loyalty says whether customers are unhappy, never which part of the "
              "help let them down.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        on_service = [m for fac in spec.facilitating for m in index.metrics_on.get(fac.id, [])]
        if on_service and all(m.kind == "relationship" for m in on_service):
            yield finding(("metrics",), "customer service is measured only by relationship "
                          "metrics (NPS, retention): add experience metrics (csat, ces, "
                          "first-contact-resolution) on the facilitating services")


class MetricWithoutTarget(Rule):
    """A number without a target tells nobody whether to act: Shostack's standards and
    Lovelock & Wirtz's service standards are targets the operation is held to. Write it as
    `OP NUMBER[UNIT]`, e.g. `">= 4.5"`, `"< 1%"`, `"<= 2d"`.

    Bad:
    ```yaml
    metrics:
      - {id: room-ready-rate, measures: hotel-stay-product, type: completion-rate,
         source: Property management system}
    ```

    Good:
    ```yaml
    metrics:
      - {id: room-ready-rate, measures: hotel-stay-product, type: completion-rate,
         target: ">= 98%", source: Property management system}
    ```
    """

    code, name, severity = "SS605", "metric-without-target", W
    summary = "a metric has no `target`"
    impact = ("A measure without a target cannot tell the team whether customers are served well "
              "enough.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, metric in enumerate(spec.metrics):
            if metric.target is None:
                yield finding(("metrics", i), f"metric '{metric.id}' has no target: add "
                              "`target:` such as \">= 4.5\" or \"<= 2d\"")


class MetricWithoutSource(Rule):
    """A metric with no `source` cannot be reproduced or trusted: say where the data comes
    from (a survey tool, the ticketing system, the property management system).

    Bad:
    ```yaml
    metrics:
      - {id: room-ready-rate, measures: hotel-stay-product, type: completion-rate,
         target: ">= 98%"}
    ```

    Good:
    ```yaml
    metrics:
      - {id: room-ready-rate, measures: hotel-stay-product, type: completion-rate,
         target: ">= 98%", source: Property management system}
    ```
    """

    code, name, severity = "SS606", "metric-without-source", I
    summary = "a metric has no `source`"
    impact = ("A measure with no source of data is never actually looked at, so customers' "
              "problems go unseen.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, metric in enumerate(spec.metrics):
            if not metric.source:
                yield finding(("metrics", i), f"metric '{metric.id}' has no `source`: say "
                              "where the data comes from")


class KindContradictsType(Rule):
    """A metric's type fixes its kind (spec-format: CSAT is an experience measure, delivery
    time an outcome, NPS a relationship measure). A declared `kind` that says otherwise hides
    a metric from the checks that keep product and customer service apart. Only `custom`
    metrics choose their kind.

    Bad:
    ```yaml
    metrics:
      - {id: info-csat, measures: stay-information, type: csat, kind: outcome,
         target: ">= 4.5", source: Post-stay survey}
    ```

    Good:
    ```yaml
    metrics:
      - {id: info-csat, measures: stay-information, type: csat, target: ">= 4.5",
         source: Post-stay survey}
    ```
    """

    code, name, severity = "SS607", "kind-contradicts-type", E
    summary = "a metric's declared `kind` contradicts its `type`"
    impact = ("A measure filed under the wrong kind is read the wrong way, and customers' "
              "problems are missed.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, metric in enumerate(spec.metrics):
            expected = METRIC_KIND_BY_TYPE.get(metric.type)
            if expected and metric.kind != expected:
                article = "an" if expected[0] in "aeiou" else "a"
                yield finding(("metrics", i, "kind"), f"metric '{metric.id}' is of type "
                              f"'{metric.type}', {article} {expected} measure, but declares "
                              f"kind '{metric.kind}': drop `kind`, or fix the type (`custom` "
                              "for a measure of your own)")
