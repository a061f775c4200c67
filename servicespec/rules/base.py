"""What a rule is: metadata, options, documentation and a check."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from ..diagnostics import Severity
from ..index import SpecIndex
from ..model.base import Record
from ..model.spec import Spec
from ..source import Path


@dataclass(frozen=True)
class Group:
    """A rule group, declared by its module as `GROUP`: its rules' codes start with `code`."""

    code: str  # SS4
    short: str  # recovery: one word, for the site's health chips
    title: str  # fail points, waits and recovery


class Finding(NamedTuple):
    """What a rule reports: where (a model path), what, and an optional severity change."""

    path: Path
    message: str
    severity: Severity | None = None


class NoOptions(Record, strict=False):
    """A rule without options: `[tool.servicespec.options.SSnnn]` must be empty."""


class Rule:
    """One design check. Subclasses set the metadata and implement `check`.

    The class docstring is the user documentation: why the rule exists (with its grounding),
    then `Bad:` and `Good:` YAML fragments; `impact` says in one plain sentence why it matters
    to a customer. A fragment replaces the same top-level sections of
    the starter spec (`servicespec init`); a test checks that Bad fires and Good does not.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    # why it matters to a customer, in one plain sentence for stakeholders (no spec terms):
    # shown beside the technical message on the site and in `explain`
    impact: ClassVar[str]
    Options: ClassVar[type[Record]] = NoOptions
    # file-level codes are reported by the loader, the model or the engine, not by check()
    file_level: ClassVar[bool] = False

    @property
    def group(self) -> str:
        return self.code[:3]

    def check(self, spec: Spec, index: SpecIndex, options: Any) -> Iterable[Finding]:
        return iter(())

    @classmethod
    def docs(cls) -> RuleDocs:
        return RuleDocs.parse(inspect.getdoc(cls) or "")


@dataclass(frozen=True)
class RuleDocs:
    why: str
    bad: str
    good: str

    @classmethod
    def parse(cls, text: str) -> RuleDocs:
        parts = re.split(r"^(Bad|Good):\s*$", text, flags=re.M)
        why = parts[0].strip()
        blocks = dict(zip(parts[1::2], parts[2::2], strict=False))
        return cls(why, _yaml_block(blocks.get("Bad", "")), _yaml_block(blocks.get("Good", "")))


def _yaml_block(text: str) -> str:
    match = re.search(r"```yaml\n(.*?)```", text, flags=re.S)
    return match[1] if match else ""


def finding(path: Path, message: str, severity: Severity | None = None) -> Finding:
    return Finding(tuple(path), message, severity)


def each(items: Iterable[Any], *prefix: Any) -> Iterator[tuple[Path, Any]]:
    """(path, item) for a section's list: `each(spec.channels, "channels")`."""
    for i, item in enumerate(items):
        yield (*prefix, i), item
