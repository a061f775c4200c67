"""Per-spec lookups computed once, so rules never rescan lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .model.spec import Channel, FailPoint, Journey, Metric, PainPoint, Role, Spec, Step
from .source import Path


class Located(NamedTuple):
    kind: str  # product, component, facilitating, channel, role, touchpoint, step, ...
    path: Path


class FailPointAt(NamedTuple):
    step_path: Path  # the step's, in the main journey or a scenario
    fail_point_index: int  # not `index`: a tuple has an index() method
    step: Step
    fail_point: FailPoint
    recovered: bool  # a recovery process covers it, by naming it or its step

    @property
    def path(self) -> Path:
        return (*self.step_path, "fail_points", self.fail_point_index)


class StepAt(NamedTuple):
    """A step of the joined journey graph (`SpecIndex.flow`)."""

    path: Path
    step: Step
    journey: Journey


class PainPointAt(NamedTuple):
    path: Path  # the pain point's own path
    step: Step
    pain_point: PainPoint  # its `id` is None when it is written as text


@dataclass
class SpecIndex:
    spec: Spec
    ids: dict[str, list[Located]] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    steps: dict[str, int] = field(default_factory=dict)  # main-journey step id -> position
    journeys: list[Journey] = field(default_factory=list)  # main first, then each scenario
    pain_points: list[PainPointAt] = field(default_factory=list)  # every step's, in order
    fail_points: list[FailPointAt] = field(default_factory=list)  # every journey's
    # every journey's steps as one graph: the main journey's first, then each scenario's;
    # `follows[p]` are the positions that follow `flow[p]`, `entries` where customers start
    flow: list[StepAt] = field(default_factory=list)
    follows: list[list[int]] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)
    metrics_on: dict[str, list[Metric]] = field(default_factory=dict)

    @classmethod
    def build(cls, spec: Spec) -> SpecIndex:
        index = cls(spec)
        add = index._add
        add(spec.product.id, "product", ("product",))
        for i, c in enumerate(spec.product.components):
            add(c.id, "component", ("product", "components", i))
        for section, kind in (("facilitating", "facilitating"), ("channels", "channel"),
                              ("roles", "role"), ("touchpoints", "touchpoint"),
                              ("metrics", "metric"), ("recovery", "recovery"),
                              ("personas", "persona"), ("systems", "system"),
                              ("opportunities", "opportunity"), ("regulations", "regulation")):
            for i, item in enumerate(getattr(spec, section)):
                add(item.id, kind, (section, i))
        covered = {c for rec in spec.recovery for c in rec.covers}
        index.journeys = spec.journeys()
        for journey in index.journeys:
            if journey.scenario is not None:
                add(journey.scenario.id, "scenario", journey.path)
            # a scenario's steps are a kind of their own: `from` and `rejoins` name the main
            # journey's
            kind = "scenario-step" if journey.scenario else "step"
            for k, step in enumerate(journey.steps):
                path = journey.step_path(k)
                add(step.id, kind, path)
                index.flow.append(StepAt(path, step, journey))
                for j, fp in enumerate(step.fail_points):
                    add(fp.id, "fail-point", (*path, "fail_points", j))
                    index.fail_points.append(FailPointAt(
                        path, j, step, fp, fp.id in covered or step.id in covered))
                for j, pp in enumerate(step.pain_points):
                    index.pain_points.append(PainPointAt((*path, "pain_points", j), step, pp))
                    if pp.id is not None:
                        add(pp.id, "pain-point", (*path, "pain_points", j))
        for i, step in enumerate(spec.steps):
            index.steps.setdefault(step.id, i)
        index._join()
        for ch in spec.channels:
            index.channels.setdefault(ch.id, ch)
        for role in spec.roles:
            index.roles.setdefault(role.id, role)
        for metric in spec.metrics:
            if metric.measures:
                index.metrics_on.setdefault(metric.measures, []).append(metric)
        return index

    def _join(self) -> None:
        """`follows` and `entries` of `flow`: each journey walked on its own (`next`, else the
        step below), joined to the main journey where a scenario starts (`from`: its first
        step follows that step, besides the main journey's own next steps) and where it
        returns (`rejoins` follows the scenario's last step). A `next` may name a step of
        another journey. A scenario whose `from` names no main step starts on its own, as
        does the main journey; without scenarios this is the main journey's own graph.
        """
        at: dict[str, int] = {}
        for p, s in enumerate(self.flow):
            at.setdefault(s.step.id, p)
        main = self.journeys[0].positions  # the main journey comes first: position = flow's
        offset = 0
        for journey in self.journeys:
            n = len(journey.steps)
            for k, step in enumerate(journey.steps):
                ids = step.next_ids
                if ids is not None:
                    self.follows.append([at[i] for i in ids if i in at])
                elif k + 1 < n:
                    self.follows.append([offset + k + 1])
                elif journey.rejoins in main:
                    self.follows.append([main[journey.rejoins]])
                else:
                    self.follows.append([])
            offset += n
        offset = 0
        for journey in self.journeys:
            if journey.steps:
                if journey.start in main:
                    self.follows[main[journey.start]].append(offset)
                else:
                    self.entries.append(offset)
            offset += len(journey.steps)

    def _add(self, id_: str, kind: str, path: Path) -> None:
        self.ids.setdefault(id_, []).append(Located(kind, path))

    def reaches_live(self, channel_id: str) -> bool:
        """Whether the channel is live or its `escalates_to` chain reaches a live one."""
        seen: set[str] = set()
        current: str | None = channel_id
        while current and current not in seen:
            seen.add(current)
            channel = self.channels.get(current)
            if channel is None:
                return False
            if channel.mode == "live":
                return True
            current = channel.escalates_to
        return False

    def reached(self) -> set[int]:
        """The positions of `flow` that customers can reach from the `entries`."""
        seen = set(self.entries)
        todo = list(self.entries)
        while todo:
            for j in self.follows[todo.pop()]:
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
        return seen
