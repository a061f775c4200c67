from __future__ import annotations

import re
from pathlib import Path

from servicespec.commands import starter_text
from servicespec.config import Config
from servicespec.engine import lint_loaded
from servicespec.loader import load_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*:", re.M)


def top_level_blocks(text: str) -> dict[str, str]:
    """Top-level YAML sections of a block-style spec, by key, with their text."""
    starts = [m.start() for m in _TOP_KEY.finditer(text)]
    blocks = {}
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=False):
        block = text[begin:end]
        blocks[block.split(":", 1)[0]] = block.rstrip("\n") + "\n"
    return blocks


def apply_fragment(fragment: str) -> str:
    """The starter spec with the fragment's top-level sections put in place of its own.

    Textual, so a fragment keeps what parsing would lose: duplicate keys, comments, syntax
    errors.
    """
    base = top_level_blocks(starter_text())
    head = starter_text()[: _TOP_KEY.search(starter_text()).start()]
    extra = top_level_blocks(fragment)
    if not extra:  # not block-style sections: append as it is
        return starter_text() + fragment
    merged = {**base, **extra}
    return head + "".join(merged.values())


def lint_text(text: str, name: str = "spec.yaml", config: Config | None = None):
    return lint_loaded(load_text(text, name), config or Config())




# `pytest --hypothesis-profile=long` for deep fuzzing runs (docs/robustness.md)
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("default", max_examples=10, deadline=None)
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile("default")


def examples(n: int) -> int:
    """`n` examples in the suite; the profile's number when it asks for more (`long`).

    The hypothesis plugin loads `--hypothesis-profile` before test modules are imported, so
    this sees the profile in force."""
    return max(n, settings.default.max_examples)
