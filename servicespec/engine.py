"""Runs the rules over one file: config, suppressions, positions, fingerprints, order."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic_core import ValidationError

from .catalogue import Catalogue, Origin, Resolved, SharedLibrary
from .diagnostics import (
    CATALOGUE_CODES,
    Diagnostic,
    Related,
    Severity,
    Suppressed,
    fingerprint,
)
from .index import SpecIndex
from .loader import MAX_DIGITS, Loaded, file_diagnostic, load_text
from .model.spec import API_VERSION, KIND, Library, Spec, without_extensions
from .model.validate import build_spec
from .results import Declared, FileResult, PolicyInfo
from .source import ComposedSourceMap, Path, SourceMap, Span, element_path, value_at
from .textutil import YAML_UNPRINTABLE

if TYPE_CHECKING:
    from .config import Config


@cache
def _fast_parser() -> Any:
    """yaml_rs, the fast parser, imported on first use: it takes ~12 ms to load, as much as
    the fast path saves on four clean files (a run of fewer takes the precise path, see
    `api.FAST_MIN_FILES`). None without it: every file then takes the precise path."""
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover
        return None
    return yaml_rs

_SUPPRESSION = re.compile(r"(?:^|\s)#\s*servicespec:\s*ignore\[([^\]]*)\]\s*(.*?)\s*$")


Found = tuple[str, Path, str, Severity]


def run_rules(spec: Spec | Library, config: Config, file: str,
              only: Iterable[str] | None = None) -> list[Found]:
    """(code, path, message, severity) for every enabled rule's findings (of the codes in
    `only`, when given)."""
    out = []
    wanted = None if only is None else set(only)
    library = isinstance(spec, Library)
    if isinstance(spec, Library):  # a library has the structural rules alone
        spec, wanted = spec.as_spec(), _LIBRARY_RULES & (wanted or _LIBRARY_RULES)
    index = SpecIndex.build(spec)
    for code, rule, options in config.active_rules(file):
        if wanted is not None and code not in wanted:
            continue
        for found in rule.check(spec, index, options):
            severity = config.severity.get(code) or found.severity or rule.severity
            out.append((code, found.path, found.message, severity))
    policies = config.active_policies(file) if only is None and not library else None
    if policies:  # cel-python is imported only for a configuration with policies
        from .policies import evaluate

        out += evaluate(spec, policies)
    return out


# what runs on a library: ids and references inside it (rules.md, SS8)
_LIBRARY_RULES = {"SS005", "SS006"}


def resolve_and_run(spec: Spec | Library, data: Any, config: Config, file: str,
                    catalogue: Catalogue | None) -> tuple[list[Found], Resolved | None]:
    """The rules' findings on a service resolved against its libraries (and what resolving
    found: SS802, SS803), with the Resolved that places shared elements. A finding inside a
    shared element is kept only in the services that refer to that element (each of its
    users, not every service of the library: a shared channel's gap is theirs)."""
    if isinstance(spec, Library) or not spec.uses:
        return run_rules(spec, config, file), None
    local = set(SpecIndex.build(spec).ids)
    resolved = (catalogue or Catalogue()).resolve(spec, local)
    # a shared regulation is the service's when its `applies_to` names one of its elements
    governing = {r.id for r in resolved.spec.regulations if local.intersection(r.applies_to)}
    resolved.refers = (_strings({k: v for k, v in data.items() if k != "uses"})
                       | governing) & set(resolved.shared_ids)
    # a library not found: the rules about something missing would blame the service for
    # what the library may well hold, and its ids would each be an unresolved reference;
    # they wait until it resolves (SS802 says so, once; ignored, it holds back only those
    # references)
    unresolved = any(code == "SS802" for code, _, _ in resolved.findings)
    waiting = unresolved and config.enabled("SS802", file)
    found = []
    for f in run_rules(resolved.spec, config, file, only=_ON_WHAT_IS_THERE if waiting
                       else None):
        if unresolved and f[0] == "SS006":
            continue  # the missing library's ids, each an unresolved reference
        origin = resolved.origin_of(f[1])
        if origin is None or (_shared_id(origin) in resolved.refers
                              and not _elsewhere(f, origin)):
            found.append(f)
    found += [(code, path, message, config.severity_of(code, Severity.ERROR))
              for code, path, message in resolved.findings if config.enabled(code, file)]
    return found, resolved


def _elsewhere(found: Found, origin: Origin) -> bool:
    """A shared regulation's `applies_to` names elements of all the services that use it:
    an id that is not this service's is another's, no unresolved reference here."""
    return found[0] == "SS006" and origin.path[0] == "regulations" \
        and found[1][2:3] == ("applies_to",)


def _shared_id(origin: Origin) -> str:
    section, j = origin.path[0], origin.path[1]
    return str(getattr(origin.library.library, str(section))[int(j)].id)


def lint_text(text: str, file: str, config: Config, catalogue: Catalogue | None = None,
              *, fast: bool = True) -> FileResult:
    """Lint one file's text: the fast path when it applies (and `fast`, for a caller that
    lints enough files to pay for its parser's import), else the precise one."""
    return (fast and _fast(text, file, config, catalogue)) or lint_loaded(
        load_text(text, file, config.limits_value()), config, catalogue)


# anchors need the precise loader's alias accounting, and tags its refusal
_ANCHOR_OR_TAG = re.compile(r"(?:^|[\s\[{,:-])[&!][^\s]")
# Small enough that no file under it can hold more nodes than the precise loader allows.
_FAST_MAX_CHARS = 512_000
# a run of digits that may be a number too long for a spec: the loader reports it (SS002)
_LONG_DIGITS = re.compile(f"[0-9a-fA-F]{{{MAX_DIGITS + 1}}}")


def _fast(text: str, file: str, config: Config, catalogue: Catalogue | None = None
          ) -> FileResult | None:
    """Most files in CI are clean. Parse them with a fast position-free parser (yaml_rs,
    Rust), validate and run the rules; compute positions only if a rule fires. Anything
    unusual — a parse or schema error, anchors, suppressions, a very large file — returns
    None and takes the precise path, which reports it with exact positions (a merge key
    written in place, `<<: {…}`, is one: yaml_rs keeps `<<` as a key, which the model
    refuses). Tests check that both paths give identical output.
    """
    if len(text) > _FAST_MAX_CHARS or "servicespec:" in text or (
            ("&" in text or "!" in text) and _ANCHOR_OR_TAG.search(text)) or \
            YAML_UNPRINTABLE.search(text) or _LONG_DIGITS.search(text):
        return None
    parser = _fast_parser()
    if parser is None:
        return None
    try:
        data = parser.loads(text, parse_datetime=False)
    except Exception:  # any parse problem is reported by the precise path
        return None
    if not isinstance(data, dict) or data.get("apiVersion") != API_VERSION or \
            data.get("kind") != KIND:
        return None
    # the model bounds the depth of everything but `x-` values, which it drops unread
    if "x-" in text and _deeper_than(data, config.limits.max_depth):
        return None
    try:
        spec = Spec.from_data(data)
    except ValueError:
        return None
    found, resolved = resolve_and_run(spec, data, config, file, catalogue)
    declared = _declared(spec, data, resolved)
    if not found:
        return FileResult(file, [], _drawn(spec, resolved), text, declared=declared)
    loaded = Loaded(file, text, data, ComposedSourceMap(text))
    diagnostics = sorted(_positioned(loaded, found, config, resolved),
                         key=lambda d: d.sort_key)
    return FileResult(file, diagnostics, _drawn(spec, resolved), text,
                      policies=_policies(config, diagnostics),
                      declared=declared)


def _drawn(spec: Spec, resolved: Resolved | None) -> Spec:
    """The model a result carries: with the shared elements it uses, so that `render`,
    `site` and `diff` draw a shared channel like a local one."""
    return spec if resolved is None else resolved.spec


def _declared(model: Spec | Library, data: Any, resolved: Resolved | None) -> Declared:
    refers = tuple(sorted(resolved.refers)) if resolved is not None else ()
    uses = tuple(model.uses) if isinstance(model, Spec) else ()
    return Declared(model.kind, model.metadata.id, uses, refers)


# The rules that still run when the model fails, or a used library is not found: what they
# report about the elements there cannot depend on the broken or missing ones (a reference
# to one of those is left out). Rules about something missing (no recovery, no channel
# during a phase…) would blame the file for what those may well hold, so they wait.
_ON_WHAT_IS_THERE = ("SS005", "SS006")
# validation rounds: dropping an element rarely reveals another error; bounded all the same
_REPAIR_ROUNDS = 8


def _rules_on_what_remains(loaded: Loaded, config: Config, catalogue: Catalogue | None
                           ) -> list[tuple[str, Path, str, Severity]]:
    """One run shows what one run can: when schema errors stop the model, leave out the
    broken elements (the list item around each error, or an optional key outside lists) and
    run the reference rules on what remains, with paths into the file as written. Nothing is
    reported about the broken parts (their schema errors say it), nor a reference to an
    element left out. Nothing runs if what remains is not a spec (a required section is
    broken)."""
    data = without_extensions(loaded.data, Spec)  # keeps list positions: paths stay the file's
    dropped: set[Path] = set()
    for _ in range(_REPAIR_ROUNDS):
        remains, kept = _without(data, dropped)
        try:
            spec = Spec.model_validate(remains)
        except ValidationError as exc:
            broken = {_broken_element(_original(tuple(e["loc"]), kept), e["type"], data)
                      for e in exc.errors(include_url=False)}
            if None in broken or broken <= dropped:
                return []  # a required part is broken, or dropping does not help
            dropped |= {b for b in broken if b is not None}
            continue
        left_out = {value_at(data, (*path, "id")) for path in dropped}
        # references to a used library's elements resolve as they do in a whole model
        resolved = (catalogue or Catalogue()).resolve(spec, set(SpecIndex.build(spec).ids)) \
            if spec.uses else None
        unresolved = resolved is not None and any(f[0] == "SS802" for f in resolved.findings)
        out = []
        for code, path, message, severity in run_rules(
                resolved.spec if resolved else spec, config, loaded.file,
                only=_ON_WHAT_IS_THERE):
            if resolved is not None and (resolved.origin_of(path) is not None
                                         or (unresolved and code == "SS006")):
                continue  # the library's own findings, or ids of a library not found
            original = _original(path, kept)
            if code == "SS006" and value_at(data, original) in left_out:
                continue
            out.append((code, original, message, severity))
        return out
    return []


def _broken_element(loc: Path, kind: str, data: Any) -> Path | None:
    """What to leave out for an error at `loc`: the value at fault (as far as the file has
    it), or for a missing key the element that lacks it. Leaving out a required value shows
    up as a missing key in the next round, and its element goes then. None when the element
    is the document or a required section: then nothing is left to check."""
    path = loc[:-1] if kind == "missing" else loc
    while path and not _exists(data, path):  # a part the model's shorthands add
        path = path[:-1]
    if not path or (len(path) == 1 and path[0] in _REQUIRED_TOP):
        return None
    return path


def _exists(data: Any, path: Path) -> bool:
    for part in path:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_dict or in_list):
            return False
        data = data[part]
    return True


_REQUIRED_TOP = {name for name, field in Spec.model_fields.items() if field.is_required()} | {
    field.alias for field in Spec.model_fields.values() if field.alias and field.is_required()}


def _without(data: Any, dropped: set[Path]) -> tuple[Any, dict[Path, list[int]]]:
    """`data` without the elements at `dropped`, and for each list (by its path in `data`)
    the positions of the items kept, to take paths in the result back to `data`."""
    kept: dict[Path, list[int]] = {}

    def copy(node: Any, path: Path) -> Any:
        if isinstance(node, dict):
            return {k: copy(v, (*path, k)) for k, v in node.items()
                    if (*path, k) not in dropped}
        if isinstance(node, list):
            positions = [i for i in range(len(node)) if (*path, i) not in dropped]
            kept[path] = positions
            return [copy(node[i], (*path, i)) for i in positions]
        return node

    return copy(data, ()), kept


def _original(path: Path, kept: dict[Path, list[int]]) -> Path:
    """A path into the data with elements left out, as a path into the data as written."""
    out: list[str | int] = []
    for part in path:
        if isinstance(part, int) and tuple(out) in kept and part < len(kept[tuple(out)]):
            part = kept[tuple(out)][part]
        out.append(part)
    return tuple(out)


def _deeper_than(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack += [(c, depth + 1) for c in children if isinstance(c, (dict, list))]
    return False


def lint_loaded(loaded: Loaded, config: Config, catalogue: Catalogue | None = None
                ) -> FileResult:
    file = loaded.file
    diagnostics = [d for d in loaded.diagnostics if config.enabled(d.code, file)]
    model: Spec | Library | None = None
    if loaded.ok:
        model, model_diags = build_spec(loaded)
        diagnostics += [d for d in model_diags if config.enabled(d.code, file)]
        if model is None and model_diags and not any(d.code == "SS007" for d in model_diags):
            remains = _rules_on_what_remains(loaded, config, catalogue)
            diagnostics += _positioned(loaded, remains, config)
    declared, resolved = None, None
    if model is not None:
        found, resolved = resolve_and_run(model, loaded.data, config, file, catalogue)
        diagnostics += _positioned(loaded, found, config, resolved)
        declared = _declared(model, loaded.data, resolved)
    spec = _drawn(model, resolved) if isinstance(model, Spec) else None
    diagnostics = [_with_severity(d, config) for d in diagnostics]
    diagnostics, suppressed = apply_suppressions(loaded, diagnostics, config)
    diagnostics.sort(key=lambda d: d.sort_key)
    suppressed.sort(key=lambda s: s.diagnostic.sort_key)
    return FileResult(file, _told_apart(diagnostics), spec if loaded.ok else None,
                      loaded.text, suppressed,
                      _policies(config, [*diagnostics, *(s.diagnostic for s in suppressed)]),
                      declared, model if isinstance(model, Library) and loaded.ok else None)


def _policies(config: Config, diagnostics: list[Diagnostic]) -> dict[str, PolicyInfo]:
    """The descriptions of the policies among the codes reported."""
    if not config.policies:
        return {}
    return {p.code: p.info() for p in config.policies
            if any(d.code == p.code for d in diagnostics)}


def _told_apart(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Findings about the same thing (two identical tags, two duplicates of one key) get
    fingerprints numbered in the order they come in the file, which lines moving keeps.
    Rule findings are numbered already (`_positioned`)."""
    seen: dict[str, int] = {}
    out = []
    for d in diagnostics:
        n = seen.get(d.fingerprint, 0)
        seen[d.fingerprint] = n + 1
        out.append(d if n == 0 else replace(d, fingerprint=fingerprint(d.code, d.fingerprint,
                                                                        n)))
    return out


def _with_severity(diag: Diagnostic, config: Config) -> Diagnostic:
    override = config.severity.get(diag.code)
    if override is None or override == diag.severity:
        return diag
    return replace(diag, severity=override)


def _positioned(loaded: Loaded, found: Iterable[Found], config: Config,
                resolved: Resolved | None = None) -> list[Diagnostic]:
    source: SourceMap = loaded.source
    out = []
    occurrences: dict[tuple[str, str], int] = {}
    places = _SharedPlaces()
    for code, path, message, severity in sorted(found, key=lambda f: (f[0], repr(f[1]),
                                                                       f[2])):
        related: tuple[Related, ...] = ()
        if resolved is not None:
            path, related = places.take_back(loaded, path, resolved, message)
        span = source.locate(path)
        element = element_path(loaded.data, path)
        n = occurrences.get((code, element), 0)
        occurrences[(code, element)] = n + 1
        out.append(Diagnostic(code, config.rule_name(code), severity, message, loaded.file,
                              span.line, span.column, span.end_line, span.end_column,
                              element, fingerprint(code, element, n), path, related))
    return out


class _SharedPlaces:
    """Findings about shared elements, placed in the service and named in the library: a
    finding inside a shared element is reported at the `uses` entry that brought it; a
    finding about the service's own element names the library's file and line of each
    shared element that element refers to and the message names (`'receptionist'`: a
    finding about the whole journey does not list every shared role of its steps)."""

    def __init__(self) -> None:
        self.sources: dict[str, ComposedSourceMap] = {}

    def take_back(self, loaded: Loaded, path: Path, resolved: Resolved, message: str
                  ) -> tuple[Path, tuple[Related, ...]]:
        origin = resolved.origin_of(path)
        if origin is not None:
            inner = (*origin.path, *path[2:])
            return ("uses", origin.uses_index), (self._related(origin.library, inner),)
        ids = sorted(i for i in _strings(value_at(loaded.data, path)) & set(resolved.shared_ids)
                     if f"'{i}'" in message)
        return path, tuple(self._related(resolved.shared_ids[i].library,
                                         (*resolved.shared_ids[i].path, "id"))
                           for i in ids[:_MAX_RELATED])

    def _related(self, shared: SharedLibrary, path: Path) -> Related:
        source = self.sources.get(shared.file)
        if source is None:
            source = self.sources[shared.file] = ComposedSourceMap(shared.text)
        span = source.locate(path)
        section, j = path[0], path[1]
        element = getattr(shared.library, str(section))[int(j)]
        return Related(shared.file, span.line, span.column,
                       f"'{element.id}' is shared by library '{shared.id}'")


_MAX_RELATED = 5


def _strings(value: Any) -> set[str]:
    """The texts anywhere in a value: the ids an element refers to."""
    if isinstance(value, str):
        return {value}
    items = value.values() if isinstance(value, dict) else value if isinstance(
        value, list) else ()
    out: set[str] = set()
    for item in items:
        out |= _strings(item)
    return out


@dataclass
class Suppression:
    line: int  # 1-based line of the comment
    standalone: bool  # the comment is alone on its line: it covers the next line
    codes: list[str]
    reason: str
    column: int
    used: set[str]


def find_suppressions(text: str) -> list[Suppression]:
    if "servicespec:" not in text:  # the common case: no suppressions, no scan
        return []
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "servicespec:" not in line:
            continue
        match = _SUPPRESSION.search(line)
        if match:
            codes = [c.strip().upper() for c in match[1].split(",") if c.strip()]
            column = line.index("#", match.start()) + 1
            standalone = not line[: column - 1].strip()
            # a reason is words, not another comment (`ignore[SS606] # TODO` gives none)
            reason = match[2] if not match[2].startswith("#") else ""
            out.append(Suppression(number, standalone, codes, reason, column, set()))
    return out


def apply_suppressions(loaded: Loaded, diagnostics: list[Diagnostic], config: Config, *,
                       judge: bool = True) -> tuple[list[Diagnostic], list[Suppressed]]:
    """(the findings kept, the findings suppressed with their reasons); `judge`: with SS008
    for the file's comments that are malformed or suppress nothing (the file's own lint
    judges them; the catalogue's findings, added later, are only matched)."""
    suppressions = [s for s in find_suppressions(loaded.text)
                    if not _inside_text_value(loaded, s.line - 1, s.column - 1)]
    if not suppressions:
        return diagnostics, []
    by_line: dict[int, list[Suppression]] = {}
    for sup in suppressions:
        if sup.reason and all(config.knows(c) for c in sup.codes):
            by_line.setdefault(sup.line, []).append(sup)
            if sup.standalone:
                by_line.setdefault(_next_content_line(loaded.text, sup.line), []).append(sup)
    kept, suppressed = [], []
    for diag in diagnostics:
        hit = next((s for s in by_line.get(diag.line, []) if diag.code in s.codes), None)
        if hit is None:
            kept.append(diag)
        else:
            hit.used.add(diag.code)
            suppressed.append(Suppressed(diag, hit.reason))
    if judge and config.enabled("SS008", loaded.file):
        kept += _unused(loaded, suppressions, config)
    return kept, suppressed


def _inside_text_value(loaded: Loaded, line: int, column: int) -> bool:
    """Whether a 0-based position lies inside a text value (`"... # servicespec: ..."` in a
    quoted or block string is text, not a comment)."""
    for path, (l1, c1, l2, c2) in loaded.source.values.items():
        if (l1, c1) <= (line, column) < (l2, c2) and isinstance(value_at(loaded.data, path),
                                                                   str):
            return True
    return False


def _next_content_line(text: str, line: int) -> int:
    """The first line after `line` that is not blank or a comment (what a comment covers)."""
    lines = text.splitlines()
    for number in range(line + 1, len(lines) + 1):
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return line + 1


def _unused(loaded: Loaded, suppressions: list[Suppression], config: Config
            ) -> list[Diagnostic]:
    out = []
    for sup in suppressions:
        unknown = [c for c in sup.codes if not config.knows(c)]
        if not sup.codes:
            problem = "names no code: write `ignore[SS402] reason`"
        elif unknown:
            problem = f"names unknown code {', '.join(unknown)} (see `servicespec rules`)"
        elif not sup.reason:
            problem = f"gives no reason: say why, after `ignore[{','.join(sup.codes)}]`"
        else:
            unused = [c for c in sup.codes if c not in sup.used and c not in CATALOGUE_CODES]
            if not unused:
                continue
            problem = f"suppresses nothing for {', '.join(unused)}: remove it"
        span = Span(sup.line, sup.column, sup.line, sup.column + 1)
        # known by what it says, not by its line
        out.append(file_diagnostic(loaded.file, "SS008", f"suppression comment {problem}", span,
                                   config.severity_of("SS008", Severity.WARNING),
                                   problem=f"ignore[{','.join(sup.codes)}] {sup.reason}"))
    return out
