"""What the stakeholder site shows, computed from a linted spec: pure functions, plain data.

Nothing here touches the file system or the renderer: `service_data(result, source)` turns one
`FileResult` and the spec's text into the rows the templates print, and `coverage` is the
catalogue matrix of the index page (phases, channel modes, recovery, experience metrics).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, get_args

from ..diagnostics import FILE_CODES, Diagnostic, Severity, Suppressed
from ..index import SpecIndex
from ..model.spec import FACILITATING_PETALS, Action, ChannelMode, Phase, Spec, Step
from ..results import Declared
from ..rules import ALL_RULES, GROUPS
from ..textutil import plural

if TYPE_CHECKING:
    from ..catalogue import SharedLibrary
    from ..config import Policy

# the format's own lists: a phase or a mode added to the model shows on the site
PHASES: tuple[str, ...] = get_args(Phase)
MODES: tuple[str, ...] = get_args(ChannelMode)
METRIC_KINDS = ("outcome", "experience", "relationship")
# the source shown on a page is cut past this many lines (a spec is a few hundred)
MAX_SOURCE_LINES = 20_000
MAX_LINE_CHARS = 2_000

_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A file-name-safe slug: `Hotel stay (v2)` → `hotel-stay-v2`."""
    slug = _SLUG.sub("-", text.lower()).strip("-")
    return slug[:80] or "service"


def pretty_target(text: str) -> str:
    """`>= 4.5` → `≥ 4.5`: the operators stakeholders read."""
    text = text.strip()
    for ascii_op, sign in (("<=", "≤"), (">=", "≥"), ("==", "=")):
        if text.startswith(ascii_op):
            return sign + " " + text[len(ascii_op):].strip()
    for op in ("<", ">"):
        if text.startswith(op):
            return op + " " + text[1:].strip()
    return text


# --- health -----------------------------------------------------------------------------

POLICY_GROUP = "policies"  # the health chip of the organisation's own codes (ORG001)


@dataclass(frozen=True)
class GroupCount:
    group: str  # SS4
    title: str  # fail points, waits and recovery
    errors: int
    warnings: int
    infos: int

    @property
    def short(self) -> str:
        """One word for the index's health chips."""
        group = GROUPS.get(self.group)
        return group.short if group else self.group


@dataclass(frozen=True)
class Health:
    errors: int
    warnings: int
    infos: int
    groups: tuple[GroupCount, ...]
    suppressed: int = 0  # hidden by inline comments: counted apart, never "no findings"

    @property
    def status(self) -> str:
        """`error`, `warning` or `clean`: the worst severity found."""
        return "error" if self.errors else "warning" if self.warnings else "clean"


def health(diagnostics: Iterable[Diagnostic], suppressed: int = 0) -> Health:
    """Findings counted by severity, overall and by rule group (groups with none left out);
    `suppressed` findings apart."""
    totals: Counter[Severity] = Counter()
    counts: dict[str, Counter[Severity]] = {}
    for d in diagnostics:
        totals[d.severity] += 1
        group = d.code[:3] if d.code.startswith("SS") else POLICY_GROUP  # the team's codes
        counts.setdefault(group, Counter())[d.severity] += 1
    groups = tuple(GroupCount(g, _group_title(g, "the organisation's policies"),
                              *_by_severity(counts[g]))
                   for g in sorted(counts))
    return Health(*_by_severity(totals), groups, suppressed)


def _group_title(code: str, unknown: str) -> str:
    group = GROUPS.get(code)
    return group.title if group else unknown


def _by_severity(counts: Counter[Severity]) -> tuple[int, int, int]:
    return counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]


# --- coverage ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PhaseCover:
    phase: str
    steps: int  # blueprint steps in the phase
    facilitating: int  # customer services offered in the phase

    @property
    def status(self) -> str:
        """`covered` (a step and a customer service), `partial` (one of them) or `gap`."""
        if self.steps and self.facilitating:
            return "covered"
        return "partial" if self.steps or self.facilitating else "gap"


@dataclass(frozen=True)
class ModeCount:
    mode: str
    channels: tuple[str, ...]  # channel names

    @property
    def count(self) -> int:
        return len(self.channels)


@dataclass(frozen=True)
class Ratio:
    done: int
    total: int

    @property
    def status(self) -> str:
        if self.total == 0:
            return "none"
        return "covered" if self.done == self.total else "partial" if self.done else "gap"


@dataclass(frozen=True)
class Coverage:
    phases: tuple[PhaseCover, ...]
    modes: tuple[ModeCount, ...]
    fail_points_recovered: Ratio
    facilitating_measured: Ratio
    # (phase, mode) pairs in which the service reaches customers through a channel of that
    # mode (see `reach`)
    reach: frozenset[tuple[str, str]] = frozenset()


def reach(spec: Spec) -> frozenset[tuple[str, str]]:
    """Where a customer can reach the service, by phase and channel mode: a channel counts in
    a phase when a facilitating service offered in that phase lists it, or a touchpoint of
    that phase (its own, or that of a step crossing it) goes through it."""
    modes = {c.id: c.mode for c in spec.channels}
    touchpoints = {t.id: t for t in spec.touchpoints}
    pairs: set[tuple[str, str | None]] = set()
    for f in spec.facilitating:
        pairs.update((phase, modes.get(c)) for phase in f.phases for c in f.channels)
    for t in spec.touchpoints:
        if t.phase and t.channel:
            pairs.add((t.phase, modes.get(t.channel)))
    for _, step in spec.every_step():
        if not step.phase:
            continue
        for ref in step.touchpoint:
            touchpoint = touchpoints.get(ref)
            if touchpoint is not None and touchpoint.channel:
                pairs.add((step.phase, modes.get(touchpoint.channel)))
    return frozenset((phase, mode) for phase, mode in pairs if mode is not None)


def experience_measured(spec: Spec) -> set[str]:
    """Facilitating service ids with at least one experience metric measuring them."""
    ids = {f.id for f in spec.facilitating}
    return {m.measures for m in spec.metrics
            if m.kind == "experience" and m.measures in ids}


def coverage(spec: Spec) -> Coverage:
    phases = tuple(
        PhaseCover(phase, sum(1 for s in spec.steps if s.phase == phase),
                   sum(1 for f in spec.facilitating if phase in f.phases))
        for phase in PHASES)
    modes = tuple(ModeCount(mode, tuple(c.name or c.id for c in spec.channels if c.mode == mode))
                  for mode in MODES)
    fail_points = SpecIndex.build(spec).fail_points
    measured = experience_measured(spec)
    return Coverage(
        phases, modes,
        Ratio(sum(1 for at in fail_points if at.recovered), len(fail_points)),
        Ratio(sum(1 for f in spec.facilitating if f.id in measured), len(spec.facilitating)),
        reach(spec))


# --- the offering -----------------------------------------------------------------------

@dataclass(frozen=True)
class ComponentRow:
    name: str
    kind: str
    visible: bool | None
    owner: str


@dataclass(frozen=True)
class FacilitatingRow:
    id: str
    name: str
    petal: str
    role: str  # "facilitating" (needed to deliver the core) or "enhancing"
    phases: tuple[str, ...]
    channels: tuple[str, ...]
    billed: bool
    description: str


@dataclass(frozen=True)
class ChannelRow:
    id: str
    name: str
    kind: str
    mode: str
    hours: str
    escalates_to: str
    response_time: str
    complaints: bool
    library: str = ""  # the name of the library that shares it, "" for the service's own


# --- metrics ----------------------------------------------------------------------------

@dataclass(frozen=True)
class MetricCell:
    id: str
    name: str
    type: str
    target: str  # pretty, "" when none
    source: str
    owner: str


@dataclass(frozen=True)
class MetricRow:
    """What is measured, with its metrics in one column per kind."""

    subject: str  # the id measured ("" when the metric names nothing)
    label: str
    subject_kind: str  # product, facilitating, touchpoint, step, fail point, …
    outcome: tuple[MetricCell, ...]
    experience: tuple[MetricCell, ...]
    relationship: tuple[MetricCell, ...]


def _names(spec: Spec) -> dict[str, tuple[str, str]]:
    """Every id → (display name, what it is)."""
    out: dict[str, tuple[str, str]] = {}
    steps = [s for _, s in spec.every_step()]
    named: list[tuple[str, Sequence[Any]]] = [
        ("product", [spec.product]), ("component", spec.product.components),
        ("facilitating service", spec.facilitating), ("channel", spec.channels),
        ("role", spec.roles), ("touchpoint", spec.touchpoints), ("step", steps),
        ("scenario", spec.blueprint.scenarios), ("persona", spec.personas),
        ("system", spec.systems), ("opportunity", spec.opportunities),
        ("regulation", spec.regulations), ("metric", spec.metrics),
        ("recovery", spec.recovery)]
    for kind, elements in named:
        for e in elements:
            out.setdefault(e.id, (e.name or e.id, kind))
    for fp in (fp for s in steps for fp in s.fail_points):
        out.setdefault(fp.id, (fp.description or fp.id, "fail point"))
    return out


def metric_rows(spec: Spec) -> list[MetricRow]:
    """Rows in the order a reader expects: the product, its customer services, the rest."""
    names = _names(spec)
    cells: dict[str, dict[str, list[MetricCell]]] = {}
    for m in spec.metrics:
        cell = MetricCell(m.id, m.name or m.id, m.type,
                          pretty_target(str(m.target)) if m.target is not None else "",
                          m.source or "", m.owner or "")
        column: str = m.kind if m.kind in METRIC_KINDS else "outcome"
        cells.setdefault(m.measures or "", {k: [] for k in METRIC_KINDS})[column].append(cell)
    order = [spec.product.id] + [f.id for f in spec.facilitating]
    subjects = [s for s in order if s in cells] + [s for s in cells if s not in order]
    rows = []
    for subject in subjects:
        label, what = names.get(subject, (subject or "nothing named", "unknown"))
        c = cells[subject]
        rows.append(MetricRow(subject, label, what, tuple(c["outcome"]),
                              tuple(c["experience"]), tuple(c["relationship"])))
    return rows


# --- recovery ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Covered:
    id: str
    label: str  # the fail point's description, or "all fail points of step X"


@dataclass(frozen=True)
class RecoveryRow:
    id: str
    name: str
    covers: tuple[Covered, ...]
    trigger: str
    owner: str
    channel: str
    response_time: str
    resolve_time: str
    actions: tuple[str, ...]
    compensation: str


@dataclass(frozen=True)
class FailPointRow:
    id: str
    step: str
    description: str
    severity: str
    prevention: str
    recovered: bool


def recovery_rows(spec: Spec) -> list[RecoveryRow]:
    names = _names(spec)
    rows = []
    for rec in spec.recovery:
        covers = []
        for ident in rec.covers:
            name, kind = names.get(ident, (ident, "unknown"))
            label = f"every fail point of step “{name}”" if kind == "step" else name
            covers.append(Covered(ident, label))
        rows.append(RecoveryRow(
            rec.id, rec.name or rec.id, tuple(covers), rec.trigger or "",
            names.get(rec.owner, (rec.owner or "", ""))[0] if rec.owner else "",
            names.get(rec.channel, (rec.channel or "", ""))[0] if rec.channel else "",
            str(rec.response_time) if rec.response_time else "",
            str(rec.resolve_time) if rec.resolve_time else "",
            tuple(rec.actions), rec.compensation or ""))
    return rows


@dataclass(frozen=True)
class FailPointNote:
    description: str
    severity: str
    prevention: str


@dataclass(frozen=True)
class StepCard:
    """One step of the blueprint as text: the phone's reading of the journey, and the
    drawing's text alternative. Names, not ids, wherever a name exists."""

    number: int
    id: str
    name: str
    phase: str
    evidence: tuple[str, ...]
    customer: str
    touchpoint: str
    frontstage: tuple[str, ...]  # "Role: action", or the action when no role is named
    backstage: tuple[str, ...]
    support: tuple[str, ...]
    fail_points: tuple[FailPointNote, ...]
    wait: str  # "expected 2d, at most 5d (tracker)", "" when none
    decision: bool
    next: tuple[str, ...]  # the steps that follow when not simply the next one

    @property
    def lanes(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(lane key, label, lines) of the lanes that hold something, in the drawing's
        order."""
        lanes = (("evidence", "Evidence", self.evidence),
                 ("customer", "Customer", (self.customer,) if self.customer else ()),
                 ("frontstage", "Frontstage", self.frontstage),
                 ("backstage", "Backstage", self.backstage),
                 ("support", "Support", self.support))
        return tuple(lane for lane in lanes if lane[2])


def _wait_text(step: Step) -> str:
    wait = step.wait
    if wait is None:
        return ""
    parts = []
    if wait.expected is not None:
        parts.append(f"expected {wait.expected}")
    if wait.max is not None:
        parts.append(f"at most {wait.max}")
    text = ", ".join(parts) or "a wait"
    return f"{text} ({wait.message})" if wait.message else text


def step_cards(spec: Spec, steps: Sequence[Step] | None = None) -> list[StepCard]:
    """The main journey's steps as cards, or `steps` (a scenario's), named from the whole
    spec (a scenario's step may lead back into the main journey)."""
    names = _names(spec)

    def name_of(ident: str | None) -> str:
        return names.get(ident, (ident, ""))[0] if ident else ""

    def actions(items: Sequence[Action]) -> tuple[str, ...]:
        return tuple(f"{name_of(a.role)}: {a.action}" if a.role else a.action for a in items)

    cards = []
    for n, step in enumerate(spec.steps if steps is None else steps, start=1):
        touchpoint = ", ".join(name_of(ref) for ref in step.touchpoint)
        cards.append(StepCard(
            n, step.id, step.name or step.id, step.phase or "", tuple(spec.evidence_of(step)),
            step.customer or "", touchpoint, actions(step.frontstage),
            actions(step.backstage),
            tuple(f"{name_of(s.system)}: {s.action}" if s.system else s.action
                  for s in step.support),
            tuple(FailPointNote(fp.description or fp.id, fp.severity or "",
                                fp.prevention or "") for fp in step.fail_points),
            _wait_text(step), step.decision,
            tuple(f"{name_of(b.step)} · {b.when}" if b.when else name_of(b.step)
                  for b in step.next) if step.next is not None else ()))
    return cards


def fail_point_rows(spec: Spec) -> list[FailPointRow]:
    rows = []
    for at in SpecIndex.build(spec).fail_points:
        fp = at.fail_point
        rows.append(FailPointRow(fp.id, at.step.name or at.step.id, fp.description or fp.id,
                                 fp.severity or "", fp.prevention or "", at.recovered))
    return rows


# --- scenarios --------------------------------------------------------------------------

@dataclass(frozen=True)
class StepLink:
    """A step of the main journey named in a scenario (where it starts or rejoins): its
    number and name, as the main journey's step cards show them."""

    number: int  # 0: not a step of the main journey
    name: str


@dataclass(frozen=True)
class ScenarioRow:
    """A scenario (variant or exception) of the service: its tab and its steps as cards."""

    id: str
    anchor: str  # the HTML id of its tab panel, `scenario-<id>`
    name: str
    kind: str  # variant or exception
    trigger: str
    persona: str
    start: StepLink | None  # the main-journey step it starts from, None: on its own
    rejoin: StepLink | None  # the main-journey step it returns to, None: it ends on its own
    steps: tuple[StepCard, ...]


def scenario_rows(spec: Spec) -> list[ScenarioRow]:
    names = _names(spec)
    main = {s.id: StepLink(n, s.name or s.id) for n, s in enumerate(spec.steps, start=1)}
    rows, seen = [], set()
    for sc in spec.blueprint.scenarios:
        anchor, n = f"scenario-{sc.id}", 1
        while anchor in seen:  # duplicate ids are an error the page lists; its ids stay unique
            n += 1
            anchor = f"scenario-{sc.id}-{n}"
        seen.add(anchor)
        rows.append(ScenarioRow(
            sc.id, anchor, sc.name or sc.id, sc.kind, sc.trigger or "",
            names.get(sc.persona, (sc.persona, ""))[0] if sc.persona else "",
            # a step the main journey lacks (a finding says so) keeps its id: not "on its own"
            main.get(sc.from_, StepLink(0, sc.from_)) if sc.from_ else None,
            main.get(sc.rejoins, StepLink(0, sc.rejoins)) if sc.rejoins else None,
            tuple(step_cards(spec, sc.steps))))
    return rows


# --- findings and source ----------------------------------------------------------------

@dataclass(frozen=True)
class FindingRow:
    anchor: str  # the HTML id of the finding in the list
    code: str
    name: str
    severity: str
    message: str
    line: int
    column: int
    end_line: int
    element: str
    summary: str  # the rule's one-line summary
    group: str
    impact: str = ""  # why it matters to a customer, in plain words (the rule's `impact`)
    reason: str = ""  # why it is suppressed (suppressed findings only)


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    severity: str  # the worst finding starting on this line, "" when none
    findings: tuple[tuple[str, str], ...]  # (anchor, code) of the findings that start here


def finding_rows(diagnostics: Sequence[Diagnostic]) -> list[FindingRow]:
    """Worst first, then by position; anchors made of the fingerprint (stable when lines
    move)."""
    rows, seen = [], set()
    for d in sorted(diagnostics, key=lambda d: (-d.severity.rank, d.line, d.column,
                                                d.code, d.message)):
        base = f"finding-{d.fingerprint or d.code.lower()}"
        anchor, n = base, 1
        while anchor in seen:
            n += 1
            anchor = f"{base}-{n}"
        seen.add(anchor)
        rule = ALL_RULES.get(d.code)
        rows.append(FindingRow(anchor, d.code, d.name, d.severity.value, d.message, d.line,
                               d.column, d.end_line, d.element,
                               rule.summary if rule else "", _group_title(d.code[:3], ""),
                               rule.impact if rule else ""))
    return rows


def suppressed_rows(items: Sequence[Suppressed]) -> list[FindingRow]:
    """Suppressed findings in file order, each with the reason its comment gives."""
    rows = []
    for n, item in enumerate(items, start=1):
        d = item.diagnostic
        rule = ALL_RULES.get(d.code)
        rows.append(FindingRow(f"suppressed-{n}", d.code, d.name, d.severity.value, d.message,
                               d.line, d.column, d.end_line, d.element,
                               rule.summary if rule else "", _group_title(d.code[:3], ""),
                               rule.impact if rule else "", item.reason))
    return rows


def source_lines(text: str, findings: Sequence[FindingRow]) -> list[SourceLine]:
    """The spec's lines, each knowing the findings that start on it."""
    at: dict[int, list[FindingRow]] = {}
    for f in findings:
        at.setdefault(f.line, []).append(f)
    # lines as positions count them: only "\n" ends a line (not NEL or LS, as splitlines has it)
    lines = text.replace("\r\n", "\n").removesuffix("\n").split("\n")[:MAX_SOURCE_LINES]
    # a finding at the end of the file (an unclosed bracket) may start past the last line
    last = min(max((f.line for f in findings), default=0), MAX_SOURCE_LINES)
    lines += [""] * (last - len(lines))
    out = []
    for number, line in enumerate(lines, start=1):
        here = at.get(number, [])
        worst = max((f.severity for f in here), key=lambda s: Severity(s).rank, default="")
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS] + " …"
        out.append(SourceLine(number, line.replace("\t", "    "), worst,
                              tuple((f.anchor, f.code) for f in here)))
    return out


# --- organisation policies --------------------------------------------------------------

@dataclass(frozen=True)
class PolicyResult:
    """How one service fares against one organisation policy that applies to it."""

    code: str
    name: str
    message: str
    status: str  # pass, fail, suppressed (every finding accepted by a comment), not-checked
    count: int  # findings (suppressed ones for `suppressed`)
    anchor: str  # the first finding on the service's page, "" when none

    @property
    def label(self) -> str:
        if self.status == "fail":
            return f"fails ({self.count})" if self.count > 1 else "fails"
        return {"pass": "passes", "suppressed": f"suppressed ({self.count})",
                "not-checked": "not checked"}[self.status]


def policy_results(policies: Sequence[Policy], findings: Sequence[FindingRow],
                   suppressed: Sequence[FindingRow], checked: bool) -> tuple[PolicyResult, ...]:
    """Each policy that runs on a service, passed or failed as its findings say. `checked` is
    False when the spec does not load: no policy could look at it."""
    out = []
    for policy in policies:
        failed = [f for f in findings if f.code == policy.code]
        accepted = [f for f in suppressed if f.code == policy.code]
        if not checked:
            status, shown = "not-checked", []
        elif failed:
            status, shown = "fail", failed
        elif accepted:
            status, shown = "suppressed", accepted
        else:
            status, shown = "pass", []
        out.append(PolicyResult(policy.code, policy.name, policy.message, status, len(shown),
                                shown[0].anchor if shown else ""))
    return tuple(out)


# --- shared libraries -------------------------------------------------------------------

# a library's sections, with the word for one element of each
SHARED_KINDS = {"channels": "channel", "roles": "role", "personas": "persona",
                "systems": "system", "regulations": "regulation"}


@dataclass(frozen=True)
class SharedElement:
    """One element of a library, as its page and the index's matrix show it."""

    section: str  # channels
    kind: str  # channel
    id: str
    name: str
    facts: tuple[tuple[str, str], ...]  # ("Mode", "live"), … what a reader needs to know


def _element_facts(section: str, element: Any, names: Mapping[str, str]
                   ) -> tuple[tuple[str, str], ...]:
    if section == "channels":
        pairs = [("Kind", element.kind), ("Mode", element.mode), ("Hours", element.hours),
                 ("Response time", element.response_time and str(element.response_time)),
                 ("Hands over to", names.get(element.escalates_to, element.escalates_to)),
                 ("Takes complaints", "yes" if element.complaints else "")]
    elif section == "roles":
        pairs = [("Stage", element.stage), ("Authority", element.authority)]
    elif section == "systems":
        pairs = [("Provider", element.vendor or element.provider),
                 ("Owner", names.get(element.owner, element.owner))]
    elif section == "regulations":
        pairs = [("Reference", element.reference),
                 ("Deadline", element.deadline and str(element.deadline)),
                 ("Requires", element.requires)]
    else:
        pairs = [("Who", element.description), ("Needs", ", ".join(element.needs))]
    return tuple((label, str(value)) for label, value in pairs if value)


def shared_elements(shared: SharedLibrary) -> tuple[SharedElement, ...]:
    """A library's elements in the format's order of sections."""
    elements = [(section, kind, element) for section, kind in SHARED_KINDS.items()
                for element in getattr(shared.library, section)]
    names = {e.id: e.name or e.id for _, _, e in elements}  # names, not ids
    out = []
    for section, kind, element in elements:
        out.append(SharedElement(section, kind, element.id, element.name or element.id,
                                 _element_facts(section, element, names)))
    return tuple(out)


@dataclass(frozen=True)
class LibraryData:
    """Everything a library's page shows; `elements` is empty when the file does not load
    as a library (its findings say why)."""

    slug: str
    file: str
    id: str
    name: str
    owner: str
    description: str
    health: Health
    loads: bool
    elements: tuple[SharedElement, ...] = ()
    findings: tuple[FindingRow, ...] = ()
    suppressed: tuple[FindingRow, ...] = ()
    source: tuple[SourceLine, ...] = field(default=(), repr=False)

    @property
    def sections(self) -> list[tuple[str, str, list[SharedElement]]]:
        """(section, the word for one element, its elements) of the sections that hold some,
        in the format's order."""
        out = []
        for section, kind in SHARED_KINDS.items():
            items = [e for e in self.elements if e.section == section]
            if items:
                out.append((section, kind, items))
        return out


def library_data(shared: SharedLibrary | None, diagnostics: Sequence[Diagnostic], file: str,
                 source: str, slug: str, suppressed: Sequence[Suppressed] = ()) -> LibraryData:
    findings = finding_rows(diagnostics)
    hidden = tuple(suppressed_rows(suppressed))
    lines = tuple(source_lines(source, findings))
    counts = health(diagnostics, len(hidden))
    if shared is None:
        stem = file.rsplit("/", 1)[-1]
        return LibraryData(slug, file, "", stem, "", "", counts, False, (), tuple(findings),
                           hidden, lines)
    meta = shared.library.metadata
    return LibraryData(slug, file, meta.id, meta.name, meta.owner or "",
                       meta.description or "", counts, True, shared_elements(shared),
                       tuple(findings), hidden, lines)


# --- one service ------------------------------------------------------------------------

@dataclass(frozen=True)
class LibraryLink:
    """A library a service uses: its page (`slug`, "" when it is no library of the
    catalogue) and name."""

    id: str
    slug: str
    name: str


@dataclass(frozen=True)
class ServiceData:
    """Everything one service page shows; `spec` is None when the file does not load."""

    slug: str
    file: str
    name: str
    owner: str
    description: str
    version: str
    tags: tuple[str, ...]
    product: str
    health: Health
    spec: Spec | None  # dropped once the pages are written: the index needs the rest
    drawable: bool  # no file-level error stops the drawing
    loads: bool
    coverage: Coverage | None
    need: str = ""
    outcomes: tuple[str, ...] = ()
    revenue: str = ""
    components: tuple[ComponentRow, ...] = ()
    facilitating: tuple[FacilitatingRow, ...] = ()
    channels: tuple[ChannelRow, ...] = ()
    metrics: tuple[MetricRow, ...] = ()
    recovery: tuple[RecoveryRow, ...] = ()
    fail_points: tuple[FailPointRow, ...] = ()
    steps: tuple[StepCard, ...] = ()
    scenarios: tuple[ScenarioRow, ...] = ()  # the blueprint's variants and exceptions
    findings: tuple[FindingRow, ...] = ()
    suppressed: tuple[FindingRow, ...] = ()
    source: tuple[SourceLine, ...] = field(default=(), repr=False)
    diagnostics: tuple[Diagnostic, ...] = field(default=(), repr=False)  # drawn on the views
    # what the catalogue knows of it: its id, the libraries it uses, the shared ids it
    # refers to (None when it does not load)
    declared: Declared | None = None
    libraries: tuple[LibraryLink, ...] = ()  # the libraries it uses, as its page links them
    policies: tuple[PolicyResult, ...] = ()  # the organisation's, that run on it

    @property
    def search_text(self) -> str:
        """What the index filter matches: name, owner, product, tags, file."""
        return " ".join([self.name, self.owner, self.product, *self.tags, self.file]).lower()


def blocking(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors of the file group (syntax, schema, duplicate ids…): the spec cannot be drawn."""
    return [d for d in diagnostics if d.severity == Severity.ERROR
            and (d.code in FILE_CODES or d.code.startswith("SS0"))]


def service_data(spec: Spec | None, diagnostics: Sequence[Diagnostic], file: str,
                 source: str, slug: str, suppressed: Sequence[Suppressed] = (), *,
                 declared: Declared | None = None, libraries: Sequence[LibraryLink] = (),
                 policies: Sequence[Policy] = (), shared: Mapping[int, str] | None = None
                 ) -> ServiceData:
    """One service's page data. `libraries` are those it uses, `policies` the organisation's
    that run on it, `shared` the library name of each shared element of `spec` (by `id()`:
    a service's own element with the same id is not the shared one)."""
    findings = finding_rows(diagnostics)
    hidden = tuple(suppressed_rows(suppressed))
    lines = tuple(source_lines(source, findings))
    counts = health(diagnostics, len(hidden))
    results = policy_results(policies, findings, hidden, checked=spec is not None)
    if spec is None:
        stem = file.rsplit("/", 1)[-1]
        return ServiceData(slug=slug, file=file, name=stem, owner="", description="",
                           version="", tags=(), product="", health=counts,
                           spec=None, drawable=False, loads=False, coverage=None,
                           findings=tuple(findings), suppressed=hidden, source=lines,
                           diagnostics=tuple(diagnostics), declared=declared,
                           libraries=tuple(libraries), policies=results)
    shared = shared or {}
    names = _names(spec)
    meta, product = spec.metadata, spec.product

    def name_of(ident: str) -> str:
        return names.get(ident, (ident, ""))[0]

    components = tuple(ComponentRow(c.name or c.id, c.kind or "", c.visible,
                                    name_of(c.owner) if c.owner else "")
                       for c in product.components)
    facilitating = tuple(
        FacilitatingRow(f.id, f.name or f.id, f.type,
                        "facilitating" if f.type in FACILITATING_PETALS else "enhancing",
                        tuple(f.phases), tuple(name_of(c) for c in f.channels), f.billed,
                        f.description or "")
        for f in spec.facilitating)
    channels = tuple(
        ChannelRow(c.id, c.name or c.id, c.kind, c.mode, c.hours or "",
                   name_of(c.escalates_to) if c.escalates_to else "",
                   str(c.response_time) if c.response_time else "", c.complaints,
                   shared.get(id(c), ""))
        for c in spec.channels)
    return ServiceData(
        slug=slug, file=file, name=meta.name, owner=meta.owner or "",
        description=meta.description or "", version=meta.version or "",
        tags=tuple(meta.tags), product=product.name, health=counts, spec=spec,
        drawable=not blocking(diagnostics), loads=True, coverage=coverage(spec),
        need=product.need or "",
        outcomes=tuple(product.outcomes), revenue=product.revenue or "",
        components=components, facilitating=facilitating, channels=channels,
        metrics=tuple(metric_rows(spec)), recovery=tuple(recovery_rows(spec)),
        fail_points=tuple(fail_point_rows(spec)), steps=tuple(step_cards(spec)),
        scenarios=tuple(scenario_rows(spec)),
        findings=tuple(findings), suppressed=hidden,
        source=lines,
        diagnostics=tuple(diagnostics), declared=declared, libraries=tuple(libraries),
        policies=results)


def view_summary(spec: Spec, view: str) -> str:
    """A text alternative for a drawing, made of the spec (for screen readers)."""
    name = spec.metadata.name
    if view == "blueprint":
        steps = [s.name or s.id for s in spec.steps]
        fps = sum(len(s.fail_points) for s in spec.steps)
        if not steps:
            return f"Service blueprint of {name}: no steps yet."
        return (f"Service blueprint of {name}: {plural(len(steps), 'step')} "
                f"({', '.join(steps)}) across the lanes evidence, customer, frontstage, "
                f"backstage and support; {plural(fps, 'fail point')} marked.")
    if view == "journey":
        touch = len(spec.touchpoints)
        return (f"Customer journey of {name}: {len(spec.steps)} steps before, during and after "
                f"purchase, with {plural(touch, 'touchpoint')}, their channels "
                "and metrics.")
    petals = sorted({f.type for f in spec.facilitating})
    return (f"Offering of {name}: the core product “{spec.product.name}” surrounded by "
            f"{len(spec.facilitating)} facilitating services"
            f"{' (' + ', '.join(petals) + ')' if petals else ''} and the channels that reach "
            "them.")
