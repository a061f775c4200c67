"""SS1 — offering: the core product kept apart from the facilitating services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.spec import FACILITATING_PETALS, Spec
from .base import Finding, Group, Rule, finding

GROUP = Group("SS1", "offering", "offering: core product vs facilitating services")

E, W = Severity.ERROR, Severity.WARNING


class ProductWithoutOutcomes(Rule):
    """The core product is what the customer pays for. A product that names neither the need
    it meets nor the outcomes the customer gets cannot be designed or measured against
    anything (the source articles: product vs customer service; ITIL 4: a product delivers
    outcomes). Either a `need` or `outcomes` is enough to silence the rule.

    Bad:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      revenue: room rate per night
    ```

    Good:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      need: A safe, quiet place to sleep away from home
      outcomes: [A clean room ready at the promised check-in time]
      revenue: room rate per night
    ```
    """

    code, name, severity = "SS101", "product-without-outcomes", W
    summary = "the product names neither an outcome nor a need"
    impact = ("If nobody can say what the customer gets for their money, nobody can check they "
              "get it.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        product = spec.product
        if not product.outcomes and not product.need:
            yield finding(("product",), f"product '{product.id}' names neither a need nor "
                          "outcomes: add `need:` and `outcomes:` (what is the customer "
                          "paying for?)")


class ProductWithoutSupportChannel(Rule):
    """Customer service supports the product before, during and after purchase (the source
    articles; Lovelock & Wirtz's service encounter and post-encounter stages). When no
    facilitating service is offered `during` or `after` through a channel, nobody helps once
    the customer has bought. A facilitating service that declares no `phases` might be
    offered then, so it keeps the rule silent (no guessing); no facilitating service at all
    is reported.

    Bad:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before],
         channels: [website, reception-phone]}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before],
         channels: [website, reception-phone]}
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter]}
    ```
    """

    code, name, severity = "SS102", "product-without-support-channel", E
    summary = "no facilitating service with a channel during or after purchase"
    impact = "Once customers have bought, they have nobody to turn to when something goes wrong."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for fac in spec.facilitating:
            # phases not declared: it may well help after purchase; say nothing
            if fac.channels and (not fac.phases or {"during", "after"} & set(fac.phases)):
                return
        yield finding(("facilitating",), f"no facilitating service helps customers of "
                      f"'{spec.product.id}' during or after purchase: add one with "
                      "`phases: [during, after]` and a channel")


class FacilitatingPetalMissing(Rule):
    """Lovelock's Flower of Service: information, order-taking, billing and payment are the
    facilitating petals every priced product needs to be delivered at all. A free offering
    (`revenue: none`) is not checked, nor is a product that does not say how it earns
    (no `revenue`). Reported once per missing petal.

    Bad:
    ```yaml
    facilitating:
      - {id: booking, name: Booking, type: order-taking, phases: [before],
         channels: [website]}
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter]}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: stay-information, name: Stay information, type: information,
         phases: [before, during], channels: [website]}
      - {id: booking, name: Booking, type: order-taking, phases: [before],
         channels: [website]}
      - {id: invoicing, name: Invoice, type: billing, phases: [after],
         channels: [guest-email]}
      - {id: card-payment, name: Card payment, type: payment, phases: [during],
         channels: [front-desk-counter]}
    ```
    """

    code, name, severity = "SS103", "facilitating-petal-missing", W
    summary = "a priced product lacks a facilitating petal (information, order-taking, " \
              "billing, payment)"
    impact = ("Customers who pay need to be informed, to order, to be billed and to pay easily; a "
              "missing one leaves them stuck.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        revenue = spec.product.revenue
        if revenue is None or revenue.strip().lower() == "none":
            return
        present = {fac.type for fac in spec.facilitating}
        for petal in FACILITATING_PETALS:
            if petal not in present:
                yield finding(("facilitating",), f"priced product '{spec.product.id}' has no "
                              f"'{petal}' facilitating service: add one with `type: {petal}`")


class CategoryConfusion(Rule):
    """Facilitating services support the core product and are not sold on their own (the
    source articles: product vs customer service). A service the customer is billed for is a
    product: model it as one (its own spec), so it is measured by outcomes, not experience.

    Bad:
    ```yaml
    facilitating:
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter], billed: true}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter]}
    ```
    """

    code, name, severity = "SS104", "category-confusion", W
    summary = "a facilitating service is billed"
    impact = ("Charging for help that should come with the product makes customers pay to be "
              "served.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, fac in enumerate(spec.facilitating):
            if fac.billed:
                yield finding(("facilitating", i, "billed"), f"facilitating service "
                              f"'{fac.id}' is billed: a service sold on its own is a product; "
                              "model it as one, or drop `billed`")


class InvisibleComponentUnowned(Rule):
    """ITIL 4: a product is a configuration of resources, many of them invisible to the
    customer. An invisible component (`visible: false`) with no owner is the one nobody
    notices until it fails. A component that does not say whether it is visible is not
    checked.

    Bad:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      need: A safe, quiet place to sleep away from home
      components:
        - {id: housekeeping-schedule, name: Housekeeping schedule, kind: service-action,
           visible: false}
    ```

    Good:
    ```yaml
    product:
      id: hotel-stay-product
      name: Overnight room
      need: A safe, quiet place to sleep away from home
      components:
        - {id: housekeeping-schedule, name: Housekeeping schedule, kind: service-action,
           visible: false, owner: housekeeper}
    ```
    """

    code, name, severity = "SS105", "invisible-component-unowned", W
    summary = "an invisible product component has no owner"
    impact = ("Parts of the service that customers never see still fail them, and without an "
              "owner nobody fixes them.")

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, comp in enumerate(spec.product.components):
            if comp.visible is False and not comp.owner:
                yield finding(("product", "components", i), f"invisible component "
                              f"'{comp.id}' has no owner: add `owner:` with the role that "
                              "answers for it")


class FacilitatingWithoutChannel(Rule):
    """Customer service is support the customer can reach before, during and after purchase
    (the source articles). A facilitating service that lists no channel cannot be reached:
    it exists on paper only.

    Bad:
    ```yaml
    facilitating:
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after]}
    ```

    Good:
    ```yaml
    facilitating:
      - {id: guest-help, name: Guest help, type: exceptions, phases: [during, after],
         channels: [front-desk-counter, reception-phone]}
    ```
    """

    code, name, severity = "SS106", "facilitating-without-channel", E
    summary = "a facilitating service lists no channel"
    impact = "A service customers cannot reach through any channel does not exist for them."

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        for i, fac in enumerate(spec.facilitating):
            if not fac.channels:
                yield finding(("facilitating", i), f"facilitating service '{fac.id}' lists "
                              "no channel: customers cannot reach it; add `channels:`")
