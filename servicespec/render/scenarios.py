"""A scenario drawn as a blueprint of its own, linked to the main journey by name.

A scenario (a variant or an exception) has its own steps, persona and case owner; it starts
from a step of the main journey (`from`) and may return to one (`rejoins`). `scenario_spec`
turns the spec into one whose journey is the scenario's, so every view, the rows of a long
journey and the pages of a printout draw it exactly as they draw the main journey. The title
names the scenario; the description says what starts it and where it leaves and rejoins the
main journey. Findings follow: those about the scenario's steps land on them, those about the
main journey or another scenario stay with their own picture.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..diagnostics import Diagnostic
from ..model.spec import Spec


def scenario_spec(spec: Spec, scenario: str,
                  findings: Sequence[Diagnostic] = ()) -> tuple[Spec, list[Diagnostic]]:
    """The spec with the scenario `scenario` (an id) as its journey, and the findings that
    belong on that picture. Raises `RenderError` naming the scenarios there are."""
    from . import RenderError

    bp = spec.blueprint
    at = next((i for i, s in enumerate(bp.scenarios) if s.id == scenario), None)
    if at is None:
        there = ", ".join(s.id for s in bp.scenarios)
        raise RenderError(f"{spec.metadata.id} has no scenario '{scenario}': "
                          + (f"give one of {there}" if there else
                             "it has no scenarios (`blueprint.scenarios`)"))
    sc = bp.scenarios[at]
    names = {s.id: s.name or s.id for s in bp.steps}
    words = [f"{sc.kind.capitalize()}" + (f": {sc.trigger.rstrip('.')}" if sc.trigger else "")]
    if sc.from_:
        words.append(f"starts from step “{names.get(sc.from_, sc.from_)}” of the main journey")
    if sc.rejoins:
        words.append(f"rejoins it at step “{names.get(sc.rejoins, sc.rejoins)}”")
    elif sc.from_:
        words.append("ends on its own")
    journey = bp.model_copy(update={"steps": sc.steps, "persona": sc.persona or bp.persona,
                                    "case_owner": sc.case_owner or bp.case_owner,
                                    "scenarios": []})
    metadata = spec.metadata.model_copy(update={
        "name": f"{spec.metadata.name}: {sc.name or sc.id}",
        "description": "; ".join(words) + "."})
    drawn = spec.model_copy(update={"blueprint": journey, "metadata": metadata})
    own = ("blueprint", "scenarios", at, "steps")
    kept = []
    for d in findings:
        if d.path[:4] == own:
            kept.append(dataclasses.replace(d, path=("blueprint", *d.path[3:])))
        elif d.path[:2] not in (("blueprint", "steps"), ("blueprint", "scenarios")):
            kept.append(d)  # about the service as a whole, its roles, channels…
    return drawn, kept


__all__ = ["scenario_spec"]
