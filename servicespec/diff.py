"""Semantic diff: what a change to a spec means for the service, and what it does to findings.

Elements are matched by id within their kind (channels with channels, steps with steps), so
moving text around is no change; renaming an id is a removal plus an addition. Field changes
are described in the words of the field: a metric target lowered, a response time lengthened,
a channel that no longer takes complaints. Findings are matched by fingerprint (rule + element
id path), as the baseline does. The experience layer is read as a designer reads it: a step that
feels worse, a new pain point or moment of truth, a scenario or persona added or removed, a
regulation deadline that tightens.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .catalogue import SHARED_SECTIONS
from .diagnostics import Diagnostic, Severity
from .model.base import Record
from .model.spec import (
    SECTION_WORDS,
    Action,
    Library,
    NextStep,
    PainPoint,
    Spec,
    Step,
    SupportAction,
)
from .model.types import Duration, Target
from .results import FileResult
from .textutil import plural

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# (kind, spec attribute, label): the order changes are reported in
SECTIONS = tuple((kind, attr, SECTION_WORDS[attr][0]) for kind, attr in (
    ("facilitating", "facilitating"), ("channel", "channels"), ("role", "roles"),
    ("touchpoint", "touchpoints"), ("metric", "metrics"), ("recovery", "recovery"),
    ("persona", "personas"), ("system", "systems"), ("opportunity", "opportunities"),
    ("regulation", "regulations")))
# fields that are elements of their own, compared separately
NESTED = {"fail_points", "components", "steps", "scenarios"}
# the emotion scale's words (Smaply-style, -2 to +2)
_FEELINGS = {-2: "very negative", -1: "negative", 0: "neutral", 1: "positive",
             2: "very positive"}
# a larger value of these durations keeps the customer waiting longer
_DURATION_WORDS = ("lengthened", "shortened")


@dataclass(frozen=True)
class Change:
    """One element added, removed or changed, in service-design words."""

    kind: str  # added | removed | changed
    element: str  # e.g. "channel 'guest-chatbot'"
    details: tuple[str, ...] = ()

    def describe(self) -> str:
        head = f"{self.element} {self.kind}" if self.kind != CHANGED else self.element
        if not self.details:
            return head
        joined = "; ".join(self.details)
        return f"{head}: {joined}" if self.kind == CHANGED else f"{head} ({joined})"


@dataclass
class SpecDiff:
    old_file: str
    new_file: str
    service: str = ""
    changes: list[Change] = field(default_factory=list)
    introduced: list[Diagnostic] = field(default_factory=list)
    fixed: list[Diagnostic] = field(default_factory=list)
    problem: str = ""  # why elements could not be compared (a side did not load)
    kind: str = "service"  # or library

    def fails(self, fail_on: Severity) -> bool:
        return any(d.severity.rank >= fail_on.rank for d in self.introduced)


def compare(old: FileResult | None, new: FileResult | None) -> SpecDiff:
    """The diff between two linted files; None stands for a file that does not exist."""
    result = SpecDiff(old.file if old else "/dev/null", new.file if new else "/dev/null")
    old_diags = old.diagnostics if old else []
    new_diags = new.diagnostics if new else []
    old_prints = {d.fingerprint for d in old_diags}
    new_prints = {d.fingerprint for d in new_diags}
    result.introduced = [d for d in new_diags if d.fingerprint not in old_prints]
    result.fixed = [d for d in old_diags if d.fingerprint not in new_prints]
    old_spec = _model(old)
    new_spec = _model(new)
    either = new_spec or old_spec
    result.service = either.metadata.id if either else ""
    result.kind = _kind(either) if either else "service"
    if isinstance(old_spec, Library) != isinstance(new_spec, Library) and old_spec \
            and new_spec:
        result.problem = "one side is a library and the other a service: elements are not " \
                         "compared"
        return result
    if (old and old_spec is None) or (new and new_spec is None):
        broken = [r.file for r in (old, new) if r is not None and _model(r) is None]
        result.problem = (f"{' and '.join(broken)} did not load (see the findings): elements "
                          "are not compared")
        return result
    if old_spec is None or new_spec is None:  # a whole file added or deleted: one line
        spec = new_spec or old_spec
        if spec is not None:
            kind = ADDED if new_spec else REMOVED
            result.changes = [Change(kind, f"{_kind(spec)} '{spec.metadata.id}'",
                                     (f"{'new' if new_spec else 'deleted'} spec: "
                                      f"{_inventory(spec)}",))]
        return result
    result.changes = list(element_changes(old_spec, new_spec))
    return result


def _model(result: FileResult | None) -> Spec | Library | None:
    """What a side compares: a service's model, else a library's."""
    return None if result is None else result.spec or result.library


def _kind(spec: Spec | Library) -> str:
    return "library" if isinstance(spec, Library) else "service"


def _inventory(spec: Spec | Library) -> str:
    if isinstance(spec, Library):
        return ", ".join(plural(len(getattr(spec, attr)), label)
                         for _, attr, label in SECTIONS if attr in SHARED_SECTIONS)
    counts = [(len(spec.steps), "step"), (len(spec.facilitating), "facilitating service"),
              (len(spec.channels), "channel"), (len(spec.metrics), "metric"),
              (len(spec.recovery), "recovery process")]
    return ", ".join(plural(n, word, word + "es" if word.endswith("ss") else None)
                     for n, word in counts)


def element_changes(old: Spec | Library | None, new: Spec | Library | None
                    ) -> Iterator[Change]:
    old_elements = dict(_elements(old)) if old else {}
    new_elements = dict(_elements(new)) if new else {}
    # the steps of a scenario added or removed whole are told with the scenario, not one by one
    old_whole = _scenario_steps(old, new_elements)
    new_whole = _scenario_steps(new, old_elements)
    for key, (label, before) in old_elements.items():
        if key not in new_elements and key not in old_whole:
            yield Change(REMOVED, label, tuple(_removal_notes(key[0], before, new)))
    for key, (label, after) in new_elements.items():
        if key in new_whole:
            continue
        if key not in old_elements:
            yield Change(ADDED, label, tuple(_addition_notes(key[0], after)))
            continue
        details = tuple(field_changes(key[0], old_elements[key][1], after))
        if details:
            yield Change(CHANGED, label, details)
    if isinstance(old, Spec) and isinstance(new, Spec):
        yield from _journey_order(old, new)


def _elements(spec: Spec | Library) -> Iterator[tuple[tuple[str, str], tuple[str, Any]]]:
    """((kind, id), (label, model)) for every element, in the order of the file."""
    if isinstance(spec, Library):  # its metadata and shared sections
        yield ("library", ""), (f"library '{spec.metadata.id}'", spec.metadata)
        for kind, attr, label in SECTIONS:
            if attr in SHARED_SECTIONS:
                for item in getattr(spec, attr):
                    yield (kind, item.id), (f"shared {label} '{item.id}'", item)
        return
    yield ("service", ""), (f"service '{spec.metadata.id}'", spec.metadata)
    yield ("product", ""), (f"product '{spec.product.id}'", spec.product)
    for c in spec.product.components:
        yield ("component", c.id), (f"product component '{c.id}'", c)
    for kind, attr, label in SECTIONS[:4]:
        for item in getattr(spec, attr):
            yield (kind, item.id), (_label(spec, label, item.id), item)
    yield ("blueprint", ""), ("blueprint", spec.blueprint)
    for sc in spec.blueprint.scenarios:
        yield ("scenario", sc.id), (f"{sc.kind} scenario '{sc.id}'", sc)
    for _path, step in spec.every_step():
        yield ("step", step.id), (f"step '{step.id}'", step)
        for fp in step.fail_points:
            yield ("fail-point", fp.id), (f"fail point '{fp.id}' (step '{step.id}')", fp)
    for kind, attr, label in SECTIONS[4:]:
        for item in getattr(spec, attr):
            yield (kind, item.id), (_label(spec, label, item.id), item)


def _label(spec: Spec, label: str, id_: str) -> str:
    """An element's name in the diff; a shared one says its library, where the change was
    made (the service's own file may not have changed at all)."""
    library = spec.shared_by(id_)
    return f"{label} '{id_}'" + (f" (shared · {library})" if library else "")


def _scenario_steps(spec: Spec | Library | None, other: dict[tuple[str, str], Any]
                    ) -> set[tuple[str, str]]:
    """Keys of the steps and fail points of scenarios of `spec` that the other side lacks."""
    keys: set[tuple[str, str]] = set()
    for sc in spec.blueprint.scenarios if isinstance(spec, Spec) else ():
        if ("scenario", sc.id) not in other:
            for step in sc.steps:
                keys.add(("step", step.id))
                keys.update(("fail-point", fp.id) for fp in step.fail_points)
    return keys


def _journey_words(scenario: Any) -> Iterator[str]:
    if scenario.trigger:
        yield f"trigger: {scenario.trigger}"
    yield plural(len(scenario.steps), "step")


def _addition_notes(kind: str, after: Any) -> Iterator[str]:
    if kind == "scenario":
        yield from _journey_words(after)
    if kind == "step":
        if after.moment_of_truth:
            yield "a moment of truth"
        if after.emotion is not None and after.emotion < 0:
            yield f"feels {_FEELINGS[after.emotion]} ({after.emotion})"
        if after.pain_points:
            yield plural(len(after.pain_points), "pain point")
    if kind == "regulation" and after.deadline:
        yield f"deadline {after.deadline.text}"


def _removal_notes(kind: str, before: Any, new: Spec | Library | None) -> Iterator[str]:
    if kind == "channel" and getattr(before, "mode", None) == "live":
        yield "a live channel: customers have one way fewer to reach a person"
    if kind == "channel" and getattr(before, "complaints", False):
        yield "it took complaints"
    if kind == "recovery" and before.covers:
        yield f"it covered {_quoted(before.covers)}"
    if kind == "metric" and before.measures:
        yield f"it measured '{before.measures}'"
    if kind == "step":
        yield "dropped from the journey"
    if kind == "scenario":
        yield "the service no longer designs for this journey"
        yield from _journey_words(before)
    if kind == "persona":
        yield "no journey is designed for this customer any more"
    if kind == "regulation":
        yield "its deadlines are no longer checked"


def field_changes(kind: str, before: Record, after: Record, prefix: str = ""
                  ) -> Iterator[str]:
    for name in type(before).model_fields:
        if name in NESTED:
            continue
        old, new = getattr(before, name), getattr(after, name)
        if name == "touchpoint" and isinstance(before, Step):
            old, new = _one_touchpoint(old), _one_touchpoint(new)
        label = f"{prefix}{name.rstrip('_')}"  # from_ is `from` in the file
        if isinstance(old, Record) or isinstance(new, Record):
            if isinstance(old, Record) and isinstance(new, Record):
                yield from field_changes(kind, old, new, f"{label}.")
            elif new is None:
                yield f"{label} removed"
            else:
                yield f"{label} added"
            continue
        if _same(old, new):
            continue
        yield _describe(kind, label, old, new)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Duration) and isinstance(new, Duration):
        return old.seconds == new.seconds
    if isinstance(old, Target) and isinstance(new, Target):
        return (old.operator, old.value, old.unit) == (new.operator, new.value, new.unit)
    return bool(_plain(old) == _plain(new))


def _one_touchpoint(ids: list[str]) -> str | list[str] | None:
    """A step's touchpoints as the step names them: most name one, as a plain id."""
    return ids[0] if len(ids) == 1 else (ids or None)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Action):
        return f"{value.role}: {value.action}" if value.role else value.action
    if isinstance(value, SupportAction):
        return f"{value.system}: {value.action}" if value.system else value.action
    if isinstance(value, PainPoint):
        return f"{value.id}: {value.description}" if value.id else value.description
    if isinstance(value, NextStep):
        label = [f"when {value.when}"] if value.when else []
        label += [f"share {value.share:g}"] if value.share is not None else []
        return f"{value.step} ({', '.join(label)})" if label else value.step
    return value


def _describe(kind: str, label: str, old: Any, new: Any) -> str:
    if label == "emotion":
        if old is None or new is None:
            return (f"emotion added: {new} ({_FEELINGS[new]})" if old is None
                    else f"emotion removed (was {old})")
        word = "worse" if new < old else "better"
        return f"now feels {word}: {old} → {new} ({_FEELINGS[new]})"
    if label == "moment_of_truth":
        return ("now a moment of truth: customers decide here whether they stay" if new
                else "no longer a moment of truth")
    if label == "pain_points":  # told by what the customer feels, not by id
        return _pain_point_change([p.description for p in old or []],
                                  [p.description for p in new or []])
    if old is None or old == []:
        return f"{label} added: {_show(new)}"
    if new is None or new == []:
        return f"{label} removed (was {_show(old)})"
    if isinstance(old, Target) and isinstance(new, Target):
        return _target_change(label, old, new)
    if isinstance(old, Duration) and isinstance(new, Duration):
        if kind == "regulation" and label == "deadline":
            word = "loosened" if new.seconds > old.seconds else "tightened"
            return f"deadline {word} from {old.text} to {new.text}"
        word = _DURATION_WORDS[0] if new.seconds > old.seconds else _DURATION_WORDS[1]
        return f"{label} {word} from {old.text} to {new.text}"
    if isinstance(old, list) and isinstance(new, list):
        return _list_change(label, _plain(old), _plain(new))
    special = _special(kind, label, old, new)
    return special or f"{label} changed from {_show(old)} to {_show(new)}"


def _special(kind: str, label: str, old: Any, new: Any) -> str | None:
    if kind == "channel" and label == "complaints":
        return "now takes complaints" if new else "no longer takes complaints"
    if kind == "channel" and label == "mode" and old == "live":
        return f"no longer live (now {new}): customers no longer reach a person here"
    if label.endswith("handover") and new == "cold":
        return f"{label} now cold: the customer starts over"
    if kind == "facilitating" and label == "billed":
        return "now billed: a service sold on its own is a product" if new else "no longer billed"
    return None


def _target_change(label: str, old: Target, new: Target) -> str:
    if (old.operator, old.unit) != (new.operator, new.unit) or old.operator == "==":
        return f"{label} changed from '{old.text}' to '{new.text}'"
    word = "raised" if new.value > old.value else "lowered"
    # `>= 98%` lowered to `>= 95%` asks less; `< 1%` raised to `< 2%` asks less too
    easier = (new.value < old.value) == (old.operator in (">=", ">"))
    return (f"{label} {word} from '{old.text}' to '{new.text}' "
            f"({'less' if easier else 'more'} demanding)")


def _list_change(label: str, old: list[Any], new: list[Any]) -> str:
    gone = [v for v in old if v not in new]
    came = [v for v in new if v not in old]
    parts = []
    if came:
        parts.append(f"added {_quoted(came)}")
    if gone:
        parts.append(f"removed {_quoted(gone)}")
    if not parts:
        parts.append(f"reordered to {_quoted(new)}")
    return f"{label}: {', '.join(parts)}"


def _pain_point_change(old: list[str], new: list[str]) -> str:
    came = [v for v in new if v not in old]
    gone = [v for v in old if v not in new]
    parts = [f"new pain point '{v}'" for v in came]
    parts += [f"pain point gone: '{v}'" for v in gone]
    return ", ".join(parts) or f"pain points reordered to {_quoted(new)}"


def _journey_order(old: Spec, new: Spec) -> Iterator[Change]:
    common = {s.id for s in old.steps} & {s.id for s in new.steps}
    before = [s.id for s in old.steps if s.id in common]
    after = [s.id for s in new.steps if s.id in common]
    if before != after:
        yield Change(CHANGED, "journey", (f"steps reordered: {' -> '.join(before)} becomes "
                                          f"{' -> '.join(after)}",))


def _show(value: Any) -> str:
    if isinstance(value, (Duration, Target)):
        return f"'{value.text}'"
    if isinstance(value, list):
        return _quoted(value) or "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"'{value}'"


def _quoted(items: list[Any]) -> str:
    return ", ".join(f"'{_plain(i)}'" for i in items)


# --- git: the old side of `servicespec diff --base REF` ---------------------------------

class GitError(Exception):
    """git is missing, this is not a repository, or the revision does not exist."""


def _git(args: list[str], cwd: str | Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False,
                              timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed: --base needs git") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than a minute") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def git_root(cwd: str | Path = ".") -> Path:
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except GitError as exc:
        raise GitError(f"--base needs a git repository ({exc})") from None
    return Path(out.decode("utf-8", "surrogateescape").strip())


def resolve_revision(ref: str, root: Path) -> str:
    if not ref or ref.startswith("-"):
        raise GitError(f"'{ref}' is not a git revision")
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    except GitError:
        raise GitError(f"'{ref}' is not a commit in this repository (fetch it first?)") from None
    return out.decode().strip()


def changed_specs(root: Path, commit: str, paths: list[str], suffixes: tuple[str, ...]
                  ) -> list[str]:
    """Spec files under `paths` that differ from `commit`: changed, added, untracked, deleted.

    Paths are relative to the repository root, sorted. Hidden folders are skipped as
    `servicespec lint` skips them.
    """
    specs = [_pathspec(p, root) for p in paths] or ["."]
    changed = _git(["diff", "--name-only", "--no-renames", "-z", commit, "--", *specs], root)
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard", "--", *specs], root)
    names = {n.decode("utf-8", "surrogateescape")
             for n in (changed + b"\0" + untracked).split(b"\0") if n}
    explicit = set(specs)
    return sorted(n for n in names if n in explicit or (
        n.endswith(suffixes) and not any(part.startswith(".") for part in n.split("/"))))


def _pathspec(path: str, root: Path) -> str:
    rel = os.path.relpath(os.path.abspath(path), root)
    if rel.startswith(".."):
        raise GitError(f"{path} is outside the repository at {root}")
    return Path(rel).as_posix()


def show_file(root: Path, commit: str, path: str) -> bytes | None:
    """The file's bytes at `commit`, or None when it did not exist there."""
    listed = _git(["ls-tree", "-z", "--name-only", commit, "--", path], root)
    if not listed.strip(b"\0"):
        return None
    return _git(["show", f"{commit}:{path}"], root)


def libraries_at(root: Path, commit: str, folders: list[str], suffixes: tuple[str, ...]
                 ) -> dict[str, str]:
    """The text of each file under `folders` at `commit` that may be a library (it says
    `Library`; the workspace reads its `kind`), by its path from the repository root: the
    catalogue the revision's services resolved their `uses` against."""
    specs = [_pathspec(f, root) for f in folders] or ["."]
    try:
        listed = _git(["grep", "-l", "-z", "-I", "--fixed-strings", "-e", "Library", commit,
                       "--", *specs], root)
    except GitError:
        return {}  # git grep exits 1 when nothing matches
    out: dict[str, str] = {}
    for entry in listed.split(b"\0"):
        name = entry.decode("utf-8", "surrogateescape").removeprefix(f"{commit}:")
        if name.endswith(suffixes) and not any(p.startswith(".") for p in name.split("/")):
            data = show_file(root, commit, name)
            if data is not None:
                out[name] = data.decode("utf-8", "replace")
    return out


def diff_against_revision(ref: str, paths: list[str],
                          lint: Callable[[str, bytes | None, str], FileResult | None],
                          suffixes: tuple[str, ...],
                          users: Callable[[list[str]], list[str]] | None = None
                          ) -> list[SpecDiff]:
    """Each spec under `paths` that differs between `ref` and the working tree, compared,
    and each service that uses a library that differs (`users(displays)`: its file did not
    change, what it draws on did).

    `lint(path, data, display)` lints the working-tree file (data None) or the revision's
    bytes; both sides are linted under the working-tree name, so that per-file settings apply
    alike, and the old side's findings are then labelled `REF:path`.
    """
    root = git_root()
    commit = resolve_revision(ref, root)
    out = []
    names = changed_specs(root, commit, paths, suffixes)
    if users is not None:
        displays = [Path(os.path.relpath(root / n)).as_posix() for n in names]
        names += sorted({Path(os.path.relpath(os.path.abspath(u), root)).as_posix()
                         for u in users(displays)} - set(names))
    for name in names:
        display = Path(os.path.relpath(root / name)).as_posix()
        new = lint(display, None, display) if (root / name).is_file() else None
        data = show_file(root, commit, name)
        old = None
        if data is not None:
            old = lint(display, data, display)
            if old is not None:
                label = f"{ref}:{name}"
                old = FileResult(label, [replace(d, file=label) for d in old.diagnostics],
                                 old.spec, library=old.library)
        if old is not None or new is not None:
            out.append(compare(old, new))
    return out
