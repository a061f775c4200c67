"""Golden DOT for each view, and the promise that the same spec gives the same bytes.

Update the golden files only on purpose, after looking at the pictures:
    SERVICESPEC_UPDATE_GOLDEN=1 python -m pytest tests/test_render_golden.py
(never in CI: the flag is refused when `CI` is set).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from servicespec.model.spec import Spec
from servicespec.render import VIEWS, digest_of, render_bytes, render_spec

from .test_render_support import FINDINGS, GOLDEN, golden_spec

UPDATE = os.environ.get("SERVICESPEC_UPDATE_GOLDEN") == "1"

EMPTY = {"apiVersion": "servicespec/v1", "kind": "Service",
         "metadata": {"id": "empty", "name": "Nothing yet"}, "product": {"name": "Something"}}

CASES = [(view, False) for view in VIEWS] + [(view, True) for view in VIEWS]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        if os.environ.get("CI"):
            pytest.fail("SERVICESPEC_UPDATE_GOLDEN is refused in CI: update golden files "
                        "locally and review the diff")
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"golden updated: {name}")
    assert path.exists(), f"no golden file {path}: run with SERVICESPEC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file: if the change is intended, look at the "
        "picture, then update with SERVICESPEC_UPDATE_GOLDEN=1")


@pytest.mark.parametrize(("view", "with_findings"), CASES)
def test_golden_dot(view: str, with_findings: bool) -> None:
    dot = render_spec(golden_spec(), view, FINDINGS if with_findings else ())
    check_golden(f"branching-{view}{'-findings' if with_findings else ''}.dot", dot)


@pytest.mark.parametrize("view", VIEWS)
def test_golden_dot_of_an_empty_spec(view: str) -> None:
    check_golden(f"empty-{view}.dot", render_spec(Spec.model_validate(EMPTY), view))


@pytest.mark.parametrize("view", VIEWS)
def test_same_spec_same_dot_and_svg(view: str) -> None:
    first = render_spec(golden_spec(), view, FINDINGS)
    second = render_spec(golden_spec(), view, list(reversed(FINDINGS)))
    assert first == second  # the order findings arrive in does not matter
    assert render_bytes(first, "svg") == render_bytes(second, "svg")


def test_dot_does_not_depend_on_the_hash_seed() -> None:
    code = ("import sys; from servicespec.render import render_spec; "
            "from tests.test_render_support import golden_spec, FINDINGS; "
            "sys.stdout.write(render_spec(golden_spec(), 'blueprint', FINDINGS))")
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                env=env, check=True, cwd=GOLDEN.parent.parent.parent)
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_the_digest_travels_into_svg_and_png() -> None:
    dot = render_spec(golden_spec())
    digest = digest_of(dot)
    assert digest and digest.startswith("servicespec ")
    assert f"<!-- {digest} -->".encode() in render_bytes(dot, "svg")
    png = render_bytes(dot, "png")
    assert png.startswith(b"\x89PNG") and f"tEXtComment\x00{digest}".encode() in png
    assert render_bytes(dot, "pdf").startswith(b"%PDF")
    assert render_bytes(dot, "dot") == dot.encode()
