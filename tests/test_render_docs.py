"""The rendered examples in docs/images/ are up to date, and the guide shows them.

Regenerate with `python -m servicespec.gallery` from the repository root.
"""

from __future__ import annotations

import re
from pathlib import Path

from servicespec.gallery import IMAGES, entries, stale

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "blueprint-guide.md"


def test_docs_images_are_not_stale() -> None:
    out = stale(ROOT)
    assert out == [], ("stale or missing pictures in docs/images/ (the specs or the renderer "
                       "changed): run `python -m servicespec.gallery` and commit "
                       "them: " + ", ".join(out))


def test_every_example_spec_has_its_blueprint() -> None:
    names = {e.stem for e in entries(ROOT) if e.view == "blueprint" and not e.findings}
    assert names == {p.stem for p in (ROOT / "specs").glob("*.yaml")}


def test_the_guide_shows_pictures_that_exist() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    linked = re.findall(r"\]\((images/[^)]+)\)", text)
    assert linked, "the guide links no picture"
    for link in linked:
        assert (ROOT / "docs" / link).exists(), link
    shown = {Path(link).stem for link in linked}
    assert {"personal-loan", "personal-loan-journey", "personal-loan-offering",
            "branching-findings"} <= shown
    assert "python -m servicespec.gallery" in text
    assert all((ROOT / IMAGES / f"{e.stem}.png").exists() for e in entries(ROOT))
