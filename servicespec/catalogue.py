"""The catalogue as one service sees it: the libraries it uses, read-only.

A service that lists libraries in `uses` refers to their channels, roles, personas, systems
and regulations by plain id, as if they were its own (spec-format, "Many files"). Resolving
it appends the shared elements to the service's own sections, so every rule sees a shared
channel's mode or a shared persona's needs without knowing about libraries; `origins` says
where each appended element is written, so findings can name the library's file and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .source import Path

if TYPE_CHECKING:  # the model is needed only once a library is loaded (the cache path
    # over a catalogue without libraries imports no validator: performance.md)
    from .model.spec import Library, Spec

# the sections a library shares, in the format's order
SHARED_SECTIONS = ("channels", "roles", "personas", "systems", "regulations")


@dataclass(frozen=True)
class SharedLibrary:
    """A library of the catalogue: its file, model and text (to place its elements)."""

    file: str
    library: Library
    text: str

    @property
    def id(self) -> str:
        return self.library.metadata.id


@dataclass(frozen=True)
class Origin:
    """Where a shared element of a resolved service is written."""

    library: SharedLibrary
    path: Path  # in the library's file: ("channels", 2)
    uses_index: int  # the entry of the service's `uses` that brought it


@dataclass
class Resolved:
    """A service with the elements of its libraries: `spec` for the rules, `origins` by the
    path of each shared element in `spec`, and what resolving found (SS802, SS803) as
    (code, path in the service, message)."""

    spec: Spec
    origins: dict[Path, Origin] = field(default_factory=dict)
    findings: list[tuple[str, Path, str]] = field(default_factory=list)
    shared_ids: dict[str, Origin] = field(default_factory=dict)
    # the shared ids the service refers to (set by the engine, which has its data)
    refers: set[str] = field(default_factory=set)

    def origin_of(self, path: Path) -> Origin | None:
        """The shared element a path of `spec` lies in, if any."""
        return self.origins.get(path[:2]) if len(path) >= 2 else None


@dataclass(frozen=True)
class Catalogue:
    """The libraries of a catalogue, by id (the first file wins a duplicate: SS801)."""

    libraries: dict[str, SharedLibrary] = field(default_factory=dict)
    # the files that say `kind: Library` but do not load as one, with their text: a `uses`
    # of one of them is told to fix it, not to add a library that is already there
    broken: dict[str, str] = field(default_factory=dict)

    def digest(self, uses: Iterable[str]) -> str:
        """What a service's findings depend on beyond its own bytes: the file and text of
        each library it uses (the cache keys on it, so editing a library re-lints its users
        and no one else)."""
        h = hashlib.sha256()
        for lib_id in uses:
            shared = self.libraries.get(lib_id)
            h.update(f"{lib_id}\0".encode())
            if shared is not None:
                h.update(f"{shared.file}\0{len(shared.text)}\0{shared.text}\0".encode(
                    "utf-8", "surrogateescape"))
            else:
                h.update(f"{self.broken_as(lib_id)}\0".encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def broken_as(self, lib_id: str) -> str | None:
        """The file of a library that does not load and looks like the one named `lib_id`
        (its text holds `id: lib_id`)."""
        written = re.compile(rf"""\bid["']?[ \t]*:[ \t]*["']?{re.escape(lib_id)}(?![\w-])""")
        return next((f for f, text in sorted(self.broken.items()) if written.search(text)),
                    None)

    def resolve(self, spec: Spec, local_ids: set[str]) -> Resolved:
        """`spec` with the elements of the libraries it uses appended to its sections.
        `local_ids` are the ids the service defines itself: a shared element with one of
        them is left out and reported (SS803), as is an id a library used earlier brings."""
        resolved = Resolved(spec)
        added: dict[str, list[object]] = {s: list(getattr(spec, s)) for s in SHARED_SECTIONS}
        for u, lib_id in enumerate(spec.uses):
            shared = self.libraries.get(lib_id)
            if shared is None:
                from .model.validate import did_you_mean

                broken = self.broken_as(lib_id)
                hint = did_you_mean(lib_id, self.libraries)
                todo = hint[2:] if hint else ("add a file with `kind: Library` and this "
                                              "`metadata.id`, or fix the id")
                what = (f"'{lib_id}', which does not load ({broken} has errors): fix them"
                        if broken else f"'{lib_id}', which is no library of the catalogue: "
                        f"{todo}")
                resolved.findings.append(("SS802", ("uses", u), f"`uses` names library {what}"
                                          "; the design rules wait until it resolves"))
                continue
            for section in SHARED_SECTIONS:
                for j, element in enumerate(getattr(shared.library, section)):
                    origin = Origin(shared, (section, j), u)
                    earlier = resolved.shared_ids.get(element.id)
                    if element.id in local_ids:
                        where = _local_path(spec, element.id)
                        resolved.findings.append((
                            "SS803", where or ("uses", u),
                            f"'{element.id}' is also the id of a shared element of library "
                            f"'{lib_id}' ({shared.file}): refer to the shared one and remove "
                            "this one, or rename it"))
                    elif earlier is not None:
                        if earlier.library is not shared:
                            resolved.findings.append((
                                "SS803", ("uses", u),
                                f"libraries '{earlier.library.id}' and '{lib_id}' both define "
                                f"'{element.id}': a service can use only one of them, or the "
                                "libraries rename theirs"))
                    else:
                        resolved.shared_ids[element.id] = origin
                        resolved.origins[(section, len(added[section]))] = origin
                        added[section].append(element)
        if resolved.origins:
            resolved.spec = spec.model_copy(update=added).sharing({
                id_: o.library.library.metadata.name or o.library.id
                for id_, o in resolved.shared_ids.items()})
        return resolved


def _local_path(spec: Spec, id_: str) -> Path | None:
    """The path of the service's own element of a shared section with this id."""
    for section in SHARED_SECTIONS:
        for i, element in enumerate(getattr(spec, section)):
            if element.id == id_:
                return (section, i, "id")
    return None
