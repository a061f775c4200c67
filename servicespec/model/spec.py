"""The models of the servicespec v1 format (`docs/spec-format.md`).

Models check one object's shape only. Anything across objects — references, design
judgement — is a rule, so users can configure and suppress it.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from functools import cache
from typing import Annotated, Any, ClassVar, Literal

from ..textutil import shown
from .base import Before, Dump, Range, Record, Text, ValidationError, field
from .types import DurationField, TargetField

API_VERSION = "servicespec/v1"
KIND = "Service"
LIBRARY_KIND = "Library"  # a catalogue's shared elements (spec-format, "Many files")

ID_PATTERN, ID_MAX = r"^[a-z][a-z0-9-]*$", 100
Id = Annotated[str, Text(pattern=ID_PATTERN, max_length=ID_MAX)]
Ref = Annotated[str, Text(min_length=1)]
# an accessibility need or offer: `step-free`, `hearing-loop`, `language-cy`
Slug = Id
Phase = Literal["before", "during", "after"]
Handover = Literal["warm", "cold"]
Stage = Literal["frontstage", "backstage", "support"]

PETALS = ("information", "consultation", "order-taking", "hospitality", "safekeeping",
          "exceptions", "billing", "payment")
FACILITATING_PETALS = ("information", "order-taking", "billing", "payment")
Petal = Literal["information", "consultation", "order-taking", "hospitality", "safekeeping",
                "exceptions", "billing", "payment"]

ChannelKind = Literal["in-person", "phone", "live-chat", "email", "social", "video",
                      "knowledge-base", "community", "chatbot", "ivr", "ussd", "kiosk", "web",
                      "app", "sms", "notification"]
ChannelMode = Literal["live", "self-service", "automated"]
# a person answers / a bot or IVR answers / everything else the customer does alone
CHANNEL_MODE_BY_KIND: dict[str, str] = {
    **dict.fromkeys(("phone", "live-chat", "email", "social", "video", "in-person"), "live"),
    **dict.fromkeys(("chatbot", "ivr", "ussd", "notification"), "automated"),
}
Direction = Literal["inbound", "outbound", "both"]
# who starts the contact: push messages and automated notices only go out
CHANNEL_DIRECTION_BY_KIND: dict[str, str] = {"notification": "outbound"}

MetricType = Literal["csat", "nps", "ces", "first-contact-resolution", "first-response-time",
                     "resolution-time", "retention", "delivery-time", "error-rate",
                     "completion-rate", "consistency", "availability", "custom"]
MetricKind = Literal["outcome", "experience", "relationship"]
METRIC_KIND_BY_TYPE: dict[str, str] = {
    **dict.fromkeys(("csat", "ces", "first-contact-resolution", "first-response-time",
                     "resolution-time"), "experience"),
    **dict.fromkeys(("delivery-time", "error-rate", "completion-rate", "consistency",
                     "availability"), "outcome"),
    **dict.fromkeys(("nps", "retention"), "relationship"),
}

# the lists of elements a spec holds, in the order of the file: the words for one of their
# items and for all of them, as messages, diffs and pictures name them
SECTION_WORDS: dict[str, tuple[str, str]] = {
    "facilitating": ("facilitating service", "facilitating services"),
    "channels": ("channel", "channels"), "roles": ("role", "roles"),
    "touchpoints": ("touchpoint", "touchpoints"), "metrics": ("metric", "metrics"),
    "recovery": ("recovery process", "recovery processes"),
    "personas": ("persona", "personas"), "systems": ("system", "systems"),
    "opportunities": ("opportunity", "opportunities"),
    "regulations": ("regulation", "regulations")}


class SpecModel(Record, schema_extra={"patternProperties": {"^x-": {}}}):
    """Common rules of every object: frozen, no unknown keys (but see `without_extensions`),
    strict: `billed: "yes"` or `name: 12` are errors, as the JSON Schema says."""


def without_extensions(data: Any, model: type[Record] | None) -> Any:
    """`data` read as `model`, without `x-` keys (the team's own data) and the null values
    of known keys ("not given"). A key the format does not have stays, null or not, to be
    reported: `{name: Cancels (crew, weather)}` is cut at the comma into `name` and a key
    `weather)` with no value."""
    if isinstance(data, dict):
        known = fields_by_key(model) if model is not None else {}
        out = {}
        for key, value in data.items():
            if isinstance(key, str) and key.startswith("x-"):
                continue
            if key not in known:
                out[key] = value
            elif value is not None:
                out[key] = without_extensions(value, inner_model(known[key].annotation))
        return out
    if isinstance(data, list):
        return [without_extensions(v, model) for v in data]
    return data


@cache
def fields_by_key(model: type[Record]) -> dict[str, Any]:
    """A model's fields by the key a spec writes (`apiVersion`, not `api_version`)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def inner_model(annotation: Any) -> type[Record] | None:
    """The model inside a field's type: `Channel` for `list[Channel]`, `Wait` for
    `Wait | None`."""
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return annotation
    for arg in typing.get_args(annotation):
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def _d(text: str, **kw: Any) -> Any:
    return field(description=text, **kw)



class TextOr(SpecModel):
    """An object that may be written as plain text, the value of its `text_key`: a lane
    action `Checks the form`, a `next` entry `check-in`. It dumps back as text when that key
    is all it holds."""

    text_key: ClassVar[str]

    @classmethod
    def before_validation(cls, data: Any) -> Any:
        return {cls.text_key: data} if isinstance(data, str) else data

    def dumped(self, data: dict[str, Any]) -> Any:
        if all(v is None or k == self.text_key for k, v in data.items()):
            return data[self.text_key]
        return data


class Metadata(SpecModel):
    id: Id = _d("The service's id (a lowercase slug), unique in the catalogue.")
    name: str = _d("The service's name as customers and staff know it.")
    owner: str | None = _d("The team that owns the service.", default=None)
    description: str | None = _d("What the service is, in a sentence or two.", default=None)
    version: str | None = _d("The spec's own version, free text.", default=None)
    tags: list[str] = _d("Free labels for search and grouping.", default_factory=list)
    state: Literal["current", "future"] = _d("current (the service as it is, default) or "
                                             "future (as it is to be).", default="current")


class Component(SpecModel):
    id: Id = _d("The component's id.")
    name: str | None = _d("What the component is.", default=None)
    kind: Literal["goods", "access", "service-action"] | None = _d(
        "ITIL 4: goods, access to resources, or a service action.", default=None)
    visible: bool | None = _d("Whether customers see this component.", default=None)
    owner: Ref | None = _d("The role (id) that answers for the component.", default=None)


class Product(SpecModel):
    id: Id = _d("The product's id; `product` when not set.", default="product")
    name: str = _d("The core service product: what the customer pays for.")
    need: str | None = _d("The need it fulfils or the problem it solves.", default=None)
    outcomes: list[str] = _d("What the customer gets.", default_factory=list)
    revenue: str | None = _d("How it earns (fee, subscription, interest…); `none` when free.",
                                default=None)
    components: list[Component] = _d("ITIL 4: the resources configured behind the product.",
                                     default_factory=list)


class Facilitating(SpecModel):
    id: Id = _d("The facilitating service's id.")
    name: str | None = _d("The customer service's name.", default=None)
    type: Petal = _d("Flower of Service petal. Facilitating petals: information, order-taking, "
                     "billing, payment; enhancing: consultation, hospitality, safekeeping, "
                     "exceptions (complaints, problem solving, restitution).")
    phases: list[Phase] = _d("When it is offered: before, during and/or after purchase.",
                             default_factory=list)
    channels: list[Ref] = _d("Channels (ids) through which customers reach it.",
                             default_factory=list)
    roles: list[Ref] = _d("Roles (ids) who deliver it.", default_factory=list)
    billed: bool = _d("Whether it is charged for; customer service is normally not.",
                      default=False)
    description: str | None = _d("What it does for the customer.", default=None)


class Channel(SpecModel):
    id: Id = _d("The channel's id.")
    name: str | None = _d("The channel's name.", default=None)
    kind: ChannelKind = _d("What sort of channel it is.")
    mode: ChannelMode = _d("live (a person answers), self-service, or automated (a bot or IVR "
                           "answers). Defaults from `kind`.", default="self-service")
    hours: str | None = _d("Opening hours: `24/7` or free text.", default=None)
    escalates_to: Ref | None = _d("The channel (id) where this one hands the customer to a "
                                     "person.", default=None)
    handover: Handover | None = _d("warm (context travels with the customer) or cold.",
                                      default=None)
    response_time: DurationField | None = _d("Target time to answer.", default=None)
    complaints: bool = _d("This channel takes complaints, and customers are told so.",
                          default=False)
    direction: Direction = _d("Who starts the contact: inbound (the customer), outbound (the "
                              "organisation) or both. Defaults from `kind`: outbound for "
                              "notification, else both.", default="both")
    accessibility: list[Slug] = _d("Access needs the channel serves (`step-free`, "
                                   "`hearing-loop`, `text-relay`, `sign-language`, "
                                   "`screen-reader`, `large-print`, `easy-read`, "
                                   "`language-<code>`).", default_factory=list)

    @classmethod
    def before_validation(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("kind"), str):
            kind = data["kind"]
            if data.get("mode") is None:
                data = {**data, "mode": CHANNEL_MODE_BY_KIND.get(kind, "self-service")}
            if data.get("direction") is None:
                data = {**data, "direction": CHANNEL_DIRECTION_BY_KIND.get(kind, "both")}
        return data


class Skills(SpecModel):
    technical: list[str] = _d("Technical competence for delivering the product.",
                              default_factory=list)
    interpersonal: list[str] = _d("Empathy, communication, conflict resolution: customer "
                                  "service skills.", default_factory=list)


class Role(SpecModel):
    id: Id = _d("The role's id.")
    name: str | None = _d("The role's name.", default=None)
    stage: Stage | None = _d("Where the role works: frontstage, backstage or support.",
                                default=None)
    skills: Skills = _d("Technical and interpersonal skills.", default_factory=Skills)
    authority: str | None = _d("What the role may grant without asking, e.g. `refund up to "
                                  "50 EUR`.", default=None)
    kind: Literal["human", "system"] = _d("human, or system for a bot, kiosk or automated "
                                          "process.", default="human")
    organisation: str | None = _d("The organisation the role works for, when not the "
                                  "service's own (a third party's staff).", default=None)


class Touchpoint(SpecModel):
    id: Id = _d("The touchpoint's id.")
    name: str | None = _d("The touchpoint's name.", default=None)
    channel: Ref | None = _d("The channel (id) the contact happens through.", default=None)
    phase: Phase | None = _d("before, during or after purchase.", default=None)
    serves: Ref | None = _d("The product's id or a facilitating service's id.", default=None)
    evidence: list[str] = _d("Physical or digital evidence the customer sees.",
                             default_factory=list)


class Action(TextOr):
    text_key = "action"
    role: Ref | None = _d("The role (id) that acts.", default=None)
    action: str = _d("What is done.")


class SupportAction(TextOr):
    text_key = "action"
    system: Ref | None = _d("The system (id) that supports the step.", default=None)
    action: str = _d("What the support process or system does.")


class PainPoint(TextOr):
    """Friction the customer feels even when nothing fails. Written as text it has no id: an
    opportunity addresses it through its step."""

    text_key = "description"
    id: Id | None = _d("The pain point's id (for an opportunity's `addresses`).", default=None)
    description: str = _d("What the customer finds hard, slow or unpleasant.")


class NextStep(TextOr):
    text_key = "step"
    step: Ref = _d("The step (id) that follows.")
    when: str | None = _d("The branch's label: when customers take it (`wants a refund`).",
                          default=None)
    share: float | None = _d("The fraction of customers who take it (0–1).", default=None)


def _one_or_more(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ValueError(f"write an id or a list of ids, not {shown(value, 40)}")
    return value


def _one_as_text(ids: list[str]) -> Any:
    return ids[0] if len(ids) == 1 else ids


# one id or a list of ids, read as a list; one dumps back as the plain id
IdOrIds = Annotated[list[Ref], Before(_one_or_more), Dump(_one_as_text)]


class FailPoint(SpecModel):
    id: Id = _d("The fail point's id.")
    description: str | None = _d("What goes wrong.", default=None)
    severity: Literal["low", "medium", "high"] | None = _d("How badly it hurts the "
                                                              "customer.", default=None)
    prevention: str | None = _d("The fail-safe (poka-yoke) that keeps it from happening.",
                                   default=None)
    detected_by: Ref | None = _d("The metric (id) that detects it.", default=None)


class Wait(SpecModel):
    expected: DurationField | None = _d("The expected wait.", default=None)
    max: DurationField | None = _d("The standard the customer must not wait past.",
                                      default=None)
    message: str | None = _d("What tells the customer how long (a tracker, an SMS).",
                                default=None)


class Handoff(SpecModel):
    context: str | None = _d("How the case travels when the owner changes (shared record, "
                                "ticket).", default=None)
    handover: Handover | None = _d("warm (default when `context` is given) or cold.",
                                      default=None)

    @classmethod
    def before_validation(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("handover") is None and data.get("context"):
            data = {**data, "handover": "warm"}
        return data


class Step(SpecModel):
    id: Id = _d("The step's id.")
    name: str | None = _d("The step's name (the column header).", default=None)
    phase: Phase | None = _d("before, during or after purchase.", default=None)
    evidence: list[str] = _d("Lane 1: physical evidence.", default_factory=list)
    customer: str | None = _d("Lane 2: what the customer does.", default=None)
    touchpoint: IdOrIds = _d("Where the step crosses the line of interaction: a touchpoint "
                             "id, or a list of them (read as a list).",
                             default_factory=list)
    frontstage: list[Action] = _d("Lane 3: visible contact-employee or system actions: "
                                  "`{role, action}` or text.", default_factory=list)
    backstage: list[Action] = _d("Lane 4: invisible actions: `{role, action}` or text.",
                                 default_factory=list)
    support: list[SupportAction] = _d("Lane 5: support processes and systems: `{system, "
                                      "action}` or text.", default_factory=list)
    fail_points: list[FailPoint] = _d("Where the step can go wrong.", default_factory=list)
    wait: Wait | None = _d("A duration (the expected wait) or `{expected, max, message}`.",
                              default=None)
    collects: list[str] = _d("Data items asked of the customer at this step.",
                             default_factory=list)
    handoff: Handoff | None = _d("How the case travels when the owner changes here.",
                                    default=None)
    decision: bool = _d("True where the journey branches here.", default=False)
    next: list[NextStep] | None = _d("The steps that follow: step ids or `{step, when, "
                                        "share}` (default: the next step); `[]` ends the "
                                        "journey here.", default=None)
    emotion: Annotated[int, Range(ge=-2, le=2)] | None = _d(
        "The customer's feeling here, from -2 (very negative) to 2 (very positive).",
        default=None)
    thoughts: list[str] = _d("What the customer thinks or says here (research quotes).",
                             default_factory=list)
    pain_points: list[PainPoint] = _d("Friction felt even when nothing fails: `{id, "
                                      "description}` or text.", default_factory=list)
    moment_of_truth: bool = _d("True where this step decides whether the customer stays or "
                               "leaves.", default=False)
    duration: DurationField | None = _d("How long the step itself takes the customer.",
                                           default=None)

    @classmethod
    def before_validation(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("wait"), (str, int, float)) and \
                not isinstance(data.get("wait"), bool):
            data = {**data, "wait": {"expected": data["wait"]}}
        return data

    @property
    def next_ids(self) -> list[str] | None:
        """The ids of the steps `next` names (None: the default, the step below)."""
        return None if self.next is None else [n.step for n in self.next]


class Scenario(SpecModel):
    id: Id = _d("The scenario's id.")
    name: str | None = _d("The scenario's name.", default=None)
    kind: Literal["variant", "exception"] = _d("variant (another customer type or path) or "
                                               "exception (something went wrong, or an event "
                                               "such as a power cut).")
    persona: Ref | None = _d("The persona (id) whose journey it is; default the blueprint's.",
                                default=None)
    trigger: str | None = _d("What starts it.", default=None)
    from_: Ref | None = field(default=None, alias="from",
                                 description="The main-journey step (id) where it starts; "
                                             "absent: it starts on its own, from the trigger.")
    rejoins: Ref | None = _d("The main-journey step (id) where it returns; absent: it ends "
                                "on its own.", default=None)
    case_owner: Ref | None = _d("The role (id) who owns the case in this journey; default the "
                                   "blueprint's.", default=None)
    steps: list[Step] = _d("The scenario's own steps (ids unique across the whole file).",
                           default_factory=list)


class Blueprint(SpecModel):
    persona: Ref | None = _d("The persona (id) whose journey the main steps are.",
                                default=None)
    case_owner: Ref | None = _d("The role (id) who owns the customer's case end to end: the "
                                "customer's one contact, so changes to and from it are no "
                                "handoff.", default=None)
    steps: list[Step] = _d("The main journey, one step per column of the blueprint.",
                           default_factory=list)
    scenarios: list[Scenario] = _d("Further journeys of the same service: variants and "
                                   "exceptions.", default_factory=list)


class Metric(SpecModel):
    id: Id = _d("The metric's id.")
    name: str | None = _d("The metric's name.", default=None)
    measures: Ref | None = _d("What it measures: the product, a facilitating service, a "
                                 "touchpoint, a step or a fail point (id).", default=None)
    type: MetricType = _d("What sort of measure it is.")
    kind: MetricKind | None = _d("outcome, experience or relationship; defaults from `type`, "
                                    "required for `custom`.", default=None)
    target: TargetField | None = _d("`OP NUMBER[UNIT]`, e.g. `>= 4.5`, `< 1%`, `<= 2d`.",
                                       default=None)
    source: str | None = _d("Where the data comes from.", default=None)
    owner: str | None = _d("Who answers for the number.", default=None)

    @classmethod
    def before_validation(cls, data: Any) -> Any:
        # `type` of the wrong type (a list, a mapping) is reported by its own validation
        if isinstance(data, dict) and data.get("kind") is None and isinstance(
                data.get("type"), str):
            kind = METRIC_KIND_BY_TYPE.get(data["type"])
            if kind:
                data = {**data, "kind": kind}
            elif data.get("type") == "custom":
                raise ValueError("a `custom` metric needs `kind`: outcome, experience or "
                                 "relationship")
        return data


class Recovery(SpecModel):
    id: Id = _d("The recovery process's id.")
    name: str | None = _d("The recovery process's name.", default=None)
    covers: list[Ref] = _d("Fail point ids, or step ids meaning all their fail points.",
                           default_factory=list)
    trigger: str | None = _d("What starts it.", default=None)
    owner: Ref | None = _d("The role (id) that runs it.", default=None)
    channel: Ref | None = _d("The channel (id) through which the customer is contacted or "
                                "reaches it.", default=None)
    response_time: DurationField | None = _d("Time to acknowledge.", default=None)
    resolve_time: DurationField | None = _d("Time to resolve.", default=None)
    actions: list[str] = _d("acknowledge, apologise, explain, fix, compensate, follow-up, log, "
                            "root-cause, or free text.", default_factory=list)
    compensation: str | None = _d("What the customer is given.", default=None)


class Persona(SpecModel):
    id: Id = _d("The persona's id.")
    name: str | None = _d("The persona's name.", default=None)
    description: str | None = _d("Who the customer is.", default=None)
    needs: list[str] = _d("What the customer needs from the service.",
                          default_factory=list)
    accessibility: list[Slug] = _d("Access needs (`step-free`, `hearing-loop`, `text-relay`, "
                                   "`sign-language`, `screen-reader`, `large-print`, "
                                   "`easy-read`, `language-<code>`).",
                                   default_factory=list)


class System(SpecModel):
    id: Id = _d("The system's id.")
    name: str | None = _d("The system's name.", default=None)
    owner: str | None = _d("Who answers for it: a role id or free text.", default=None)
    provider: Literal["internal", "third-party"] = _d("internal (default) or third-party.",
                                                      default="internal")
    vendor: str | None = _d("The third party that provides it.", default=None)


class Opportunity(SpecModel):
    id: Id = _d("The opportunity's id.")
    name: str | None = _d("The idea, in a few words.", default=None)
    addresses: list[Ref] = _d("What it improves: pain point, fail point or step ids.",
                              default_factory=list)
    owner: str | None = _d("Who takes it forward (free text).", default=None)
    status: Literal["idea", "planned", "in-progress", "done"] = _d(
        "idea (default), planned, in-progress or done.", default="idea")


class Regulation(SpecModel):
    id: Id = _d("The regulation's id.")
    name: str | None = _d("The regulation's name.", default=None)
    reference: str | None = _d("Where it is written, e.g. `EU 261/2004 art. 8`.", default=None)
    applies_to: list[Ref] = _d("What it governs: the product, facilitating services, recovery "
                               "processes or steps (ids).", default_factory=list)
    deadline: DurationField | None = _d("The time the organisation must meet.", default=None)
    requires: str | None = _d("What it requires, in plain words.", default=None)


@dataclasses.dataclass
class Journey:
    """One journey of the blueprint, walked on its own: the main journey (`scenario` None) or
    a scenario, joined to the main journey at `start` (its `from`) and `rejoins`.

    `persona` and `case_owner` are the scenario's, else the blueprint's.
    """

    path: tuple[str | int, ...]  # where it is written: ("blueprint",) or a scenario's path
    steps: list[Step]
    persona: str | None = None
    case_owner: str | None = None
    scenario: Scenario | None = None
    positions: dict[str, int] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.positions = {}
        for k, step in enumerate(self.steps):
            self.positions.setdefault(step.id, k)

    @property
    def id(self) -> str | None:
        return self.scenario.id if self.scenario else None

    @property
    def start(self) -> str | None:
        """The main-journey step where the scenario starts (its `from`)."""
        return self.scenario.from_ if self.scenario else None

    @property
    def rejoins(self) -> str | None:
        return self.scenario.rejoins if self.scenario else None

    def step_path(self, k: int) -> tuple[str | int, ...]:
        return (*self.path, "steps", k)

    def following(self, k: int) -> list[int]:
        """Positions of the steps of this journey that follow step `k`: its `next`, else the
        step below it. Targets outside this journey are not positions here (see `start`
        and `rejoins` for the links between journeys).

        By position, not id, for the default: a repeated id (SS005) must not cut the journey.
        """
        ids = self.steps[k].next_ids
        if ids is None:
            return [k + 1] if k + 1 < len(self.steps) else []
        return [self.positions[n] for n in ids if n in self.positions]


class Spec(SpecModel, title="servicespec v1 service spec"):
    """A servicespec v1 file: one service."""

    api_version: Literal["servicespec/v1"] = field(alias="apiVersion",
                                                   description="Always `servicespec/v1`.")
    kind: Literal["Service"] = _d("Always `Service`.")
    metadata: Metadata = _d("The service's identity and owner.")
    product: Product = _d("The core service product: what the customer pays for.")
    facilitating: list[Facilitating] = _d("Facilitating (customer) services: supplementary, "
                                          "not billed, before / during / after purchase.",
                                          default_factory=list)
    channels: list[Channel] = _d("Channels through which customers reach the organisation.",
                                 default_factory=list)
    roles: list[Role] = _d("People (and systems) who deliver the service.",
                           default_factory=list)
    touchpoints: list[Touchpoint] = _d("Points of contact between customer and organisation.",
                                       default_factory=list)
    blueprint: Blueprint = _d("The journey as steps across the five lanes.",
                              default_factory=Blueprint)
    metrics: list[Metric] = _d("What is measured, on what, against which target.",
                               default_factory=list)
    recovery: list[Recovery] = _d("Service recovery processes.", default_factory=list)
    personas: list[Persona] = _d("The customers the journeys are for.",
                                 default_factory=list)
    systems: list[System] = _d("Systems behind the support lane, in-house or third-party.",
                               default_factory=list)
    opportunities: list[Opportunity] = _d("Ideas to improve the service, and what they "
                                          "address.", default_factory=list)
    regulations: list[Regulation] = _d("Rules the service must keep, with their deadlines.",
                                       default_factory=list)
    uses: list[Id] = _d("The libraries (their `metadata.id`) whose channels, roles, systems, "
                        "personas and regulations the service refers to by plain id.",
                        default_factory=list)
    # the library (its name) each shared element comes from, by element id: set when the
    # catalogue resolves `uses`, so pictures and pages can mark what the service shares
    _shared_by: ClassVar[dict[str, str]] = {}  # none, unless `sharing` says

    def sharing(self, shared_by: dict[str, str]) -> Spec:
        """A copy of this spec that knows which library each shared element comes from."""
        copy = self.model_copy()
        vars(copy)["_shared_by"] = shared_by
        return copy

    def shared_by(self, element_id: str) -> str | None:
        """The name of the library a shared element is written in; None for the service's
        own elements."""
        return self._shared_by.get(element_id)

    @property
    def steps(self) -> list[Step]:
        """The main journey's steps."""
        return self.blueprint.steps

    def journeys(self) -> list[Journey]:
        """The main journey, then each scenario as a journey of its own."""
        bp = self.blueprint
        main = Journey(("blueprint",), bp.steps, bp.persona, bp.case_owner)
        return [main, *(Journey(("blueprint", "scenarios", i), sc.steps,
                                sc.persona or bp.persona, sc.case_owner or bp.case_owner, sc)
                        for i, sc in enumerate(bp.scenarios))]

    def evidence_of(self, step: Step) -> list[str]:
        """What the customer sees at a step: its own `evidence`, else that of the touchpoints
        it is at (evidence written once on a touchpoint is the evidence of its steps)."""
        if step.evidence or not step.touchpoint:
            return list(step.evidence)
        touchpoints = {t.id: t for t in self.touchpoints}
        return [e for t in step.touchpoint if t in touchpoints
                for e in touchpoints[t].evidence]

    def every_step(self) -> Iterator[tuple[tuple[str | int, ...], Step]]:
        """Every step of the file with its path: the main journey's, then the scenarios'."""
        for journey in self.journeys():
            for k, step in enumerate(journey.steps):
                yield journey.step_path(k), step

    @classmethod
    def from_data(cls, data: Any) -> Spec:
        """Validate plain data as the format reads it: `x-` keys and nulls of known keys
        ignored.

        Most specs have neither, so they are validated as they are; only when that fails is
        the data cleaned and validated again (cleaning every spec first costs more).
        """
        try:
            return cls.model_validate(data)
        except ValidationError:
            cleaned = without_extensions(data, cls)
            if cleaned == data:
                raise
            return cls.model_validate(cleaned)


class LibraryMetadata(SpecModel):
    id: Id = _d("The library's id, unique in the catalogue: what services name in `uses`.")
    name: str = _d("The library's name.")
    owner: str | None = _d("The team that answers for the shared elements.", default=None)
    description: str | None = _d("What the library holds, in a sentence or two.", default=None)


class Library(SpecModel, title="servicespec v1 library"):
    """A servicespec v1 library: elements shared by the services that list it in `uses`."""

    api_version: Literal["servicespec/v1"] = field(alias="apiVersion",
                                                   description="Always `servicespec/v1`.")
    kind: Literal["Library"] = _d("Always `Library`.")
    metadata: LibraryMetadata = _d("The library's identity and owner.")
    channels: list[Channel] = _d("Shared channels.", default_factory=list)
    roles: list[Role] = _d("Shared roles.", default_factory=list)
    personas: list[Persona] = _d("Shared personas.", default_factory=list)
    systems: list[System] = _d("Shared systems.", default_factory=list)
    regulations: list[Regulation] = _d("Shared regulations; `applies_to` names elements of "
                                       "the services that use them.",
                                       default_factory=list)

    def as_spec(self) -> Spec:
        """The library as a service with nothing but its shared elements, for the structural
        rules (ids and references inside the library). A regulation's `applies_to` names
        the using services' elements, so it is left out here."""
        return Spec.model_construct(
            api_version="servicespec/v1", kind="Service",
            metadata=Metadata.model_construct(id=self.metadata.id, name=self.metadata.name),
            product=Product.model_construct(id="product", name=self.metadata.name,
                                            components=[], outcomes=[]),
            facilitating=[], touchpoints=[], blueprint=Blueprint(), metrics=[], recovery=[],
            opportunities=[], uses=[], channels=self.channels, roles=self.roles,
            personas=self.personas, systems=self.systems,
            regulations=[r.model_copy(update={"applies_to": []}) for r in self.regulations])

    @classmethod
    def from_data(cls, data: Any) -> Library:
        try:
            return cls.model_validate(data)
        except ValidationError:
            cleaned = without_extensions(data, cls)
            if cleaned == data:
                raise
            return cls.model_validate(cleaned)
