"""The fast lint path must give exactly what the precise path gives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from servicespec.config import Config
from servicespec.engine import _fast, lint_loaded, lint_text
from servicespec.loader import decode, load_text

from .conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import spec_text


def corpus() -> list[Path]:
    files = sorted(FIXTURES.rglob("*.yaml")) + sorted((ROOT / "specs").rglob("*.yaml"))
    files += sorted((ROOT / "tests" / "corpus").glob("*.yaml"))
    return [*files, *(ROOT / "servicespec" / "templates").glob("*.tmpl")]


def both(text: str, name: str):
    config = Config()
    precise = lint_loaded(load_text(text, name), config).diagnostics
    return lint_text(text, name, config).diagnostics, precise


@pytest.mark.parametrize("path", corpus(), ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_and_precise_agree_on_the_corpus(path: Path) -> None:
    text = decode(path.read_bytes(), path.name)
    if not isinstance(text, str):
        pytest.skip("not decodable: never reaches either path")
    fast, precise = both(text, path.name)
    assert fast == precise


def test_fast_and_precise_agree_on_generated_specs() -> None:
    import random

    rng = random.Random(7)
    used_fast = 0
    for n in range(40):
        text = spec_text(n, 12, rng, gappy=n % 2 == 0)
        fast, precise = both(text, f"s{n}.yaml")
        assert fast == precise
        used_fast += _fast(text, f"s{n}.yaml", Config()) is not None
    assert used_fast == 40  # these are plain specs: all of them take the fast path


def test_one_or_two_processes_give_identical_results(tmp_path: Path) -> None:
    import random

    from servicespec.api import lint

    rng = random.Random(3)
    for n in range(70):
        (tmp_path / f"s{n:02d}.yaml").write_text(spec_text(n, 6, rng, gappy=n % 3 == 0))
    one = lint([tmp_path], jobs=1)
    two = lint([tmp_path], jobs=2)
    assert one.diagnostics and one.diagnostics == two.diagnostics
    assert [f.file for f in one.files] == [f.file for f in two.files]


def test_a_merge_key_written_in_place_takes_the_precise_path() -> None:
    # yaml_rs keeps `<<` as a key; the model refuses it, so the precise loader merges
    text = ("apiVersion: servicespec/v1\nkind: Service\nmetadata: {id: s, name: S}\n"
            "product: {name: P}\nchannels:\n  - <<: {kind: phone, hours: '24/7'}\n    id: c\n")
    assert _fast(text, "s.yaml", Config()) is None
    fast, precise = both(text, "s.yaml")
    assert fast == precise and [d.code for d in fast if d.code < "SS100"] == []


@pytest.mark.parametrize("count", [1, 3, 4])
def test_the_fast_path_is_taken_from_four_files(tmp_path: Path, count: int) -> None:
    """Its parser takes longer to import than it saves on a few files: `servicespec lint
    one.yaml` (the editor's and pre-commit's case) never imports it."""
    import random
    import subprocess

    rng = random.Random(5)
    for n in range(count):
        (tmp_path / f"s{n}.yaml").write_text(spec_text(n, 4, rng, gappy=True))
    code = ("import sys\nfrom servicespec.cli import main\n"
            f"sys.argv = ['servicespec', 'lint', '--no-cache', {str(tmp_path)!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('fast parser:', 'yaml_rs' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path)
    assert "SS" in done.stdout, done.stdout + done.stderr
    assert f"fast parser: {count >= 4}" in done.stderr, done.stderr
