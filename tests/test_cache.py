"""The result cache (.servicespec_cache/): output identical with and without it, invalidated by
the configuration, the tool and the file, and never trusted when it is damaged."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import servicespec.cache as cache_module
from servicespec.cache import ResultCache, lint_with_cache
from servicespec.cli import cli
from servicespec.commands import starter_text

from .conftest import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import spec_text


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SERVICESPEC_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def specs(tmp_path: Path) -> Path:
    """Clean and gappy specs, a file with a syntax error, one with a suppression, one that is
    not a spec, and the rule fixtures' bad examples."""
    folder = tmp_path / "specs"
    folder.mkdir()
    rng = random.Random(5)
    for n in range(6):
        (folder / f"s{n}.yaml").write_text(spec_text(n, 5, rng, gappy=n % 2 == 0))
    (folder / "starter.yaml").write_text(starter_text())
    (folder / "broken.yaml").write_text("apiVersion: servicespec/v1\nkind: [Service\n")
    # says it is a spec (so a folder walk takes it), but is a list
    (folder / "list.yaml").write_text("- {apiVersion: servicespec/v1}\n- b\n")
    (folder / "multi-finding.yaml").write_text(
        (FIXTURES / "multi-finding.yaml").read_text(encoding="utf-8"))
    (folder / "suppressed.yaml").write_text(
        (FIXTURES / "rules" / "SS008" / "good-used.yaml").read_text(encoding="utf-8"))
    for n, bad in enumerate(sorted((FIXTURES / "rules").glob("SS*/bad-*.yaml"))[:25]):
        shutil.copy(bad, folder / f"bad-{n:02d}.yaml")
    return folder


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files that were actually linted (cache misses), in order."""
    seen: list[str] = []
    real = cache_module._lint_keyed

    def spy(item, config, overrides, catalogue=None):  # type: ignore[no-untyped-def]
        seen.append(item[0])
        return real(item, config, overrides, catalogue)

    monkeypatch.setattr(cache_module, "_lint_keyed", spy)
    return seen


def lint(*args: str) -> Result:
    return CliRunner().invoke(cli, ["lint", *args], catch_exceptions=False)


def same(a: Result, b: Result) -> bool:
    return (a.exit_code, a.stdout) == (b.exit_code, b.stdout)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_output_is_identical_with_and_without_the_cache(specs: Path, cache_dir: Path,
                                                        linted: list[str], fmt: str) -> None:
    uncached = lint("--no-cache", "--format", fmt, str(specs))
    assert not cache_dir.exists()  # --no-cache neither reads nor writes
    first = lint("--format", fmt, str(specs))
    count = len(linted)
    warm = lint("--format", fmt, str(specs))
    assert count > 30 and len(linted) == count  # the warm run linted nothing
    assert uncached.exit_code == 1
    assert same(uncached, first) and same(uncached, warm)


def test_selected_and_ignored_rules_and_fail_on_are_part_of_the_key(
        specs: Path, cache_dir: Path) -> None:
    for args in (["--select", "SS4"], ["--ignore", "SS4,SS6"], ["--fail-on", "info"],
                 ["--fail-on", "error", "--ignore", "SS001,SS002,SS007,SS402,SS409"], []):
        expected = lint("--no-cache", *args, str(specs))
        assert same(lint(*args, str(specs)), expected), args
        assert same(lint(*args, str(specs)), expected), args


def test_a_configuration_change_invalidates(specs: Path, cache_dir: Path,
                                           linted: list[str]) -> None:
    before = lint(str(specs))
    config = specs.parent / "pyproject.toml"
    config.write_text('[tool.servicespec]\nignore = ["SS4"]\nfail_on = "info"\n')
    count = len(linted)
    after = lint(str(specs))
    assert len(linted) > count  # linted again
    assert same(after, lint("--no-cache", str(specs))) and not same(after, before)
    # a servicespec.toml nearer the files wins over pyproject.toml, and invalidates too
    (specs / "servicespec.toml").write_text('select = ["SS0"]\n')
    assert same(lint(str(specs)), lint("--no-cache", str(specs)))
    # and --config
    other = specs.parent / "other.toml"
    other.write_text('ignore = ["SS1"]\n')
    assert same(lint("--config", str(other), str(specs)),
                lint("--no-cache", "--config", str(other), str(specs)))
    other.write_text('ignore = ["SS2"]\n')
    assert same(lint("--config", str(other), str(specs)),
                lint("--no-cache", "--config", str(other), str(specs)))


def test_an_invalid_configuration_is_reported_with_or_without_the_cache(
        specs: Path, cache_dir: Path) -> None:
    lint(str(specs))
    (specs.parent / "servicespec.toml").write_text('select = ["SS999"]\n')
    cached, uncached = lint(str(specs)), lint("--no-cache", str(specs))
    assert cached.exit_code == uncached.exit_code == 2
    assert cached.stderr == uncached.stderr and "SS999" in cached.stderr


def test_a_new_tool_version_invalidates(specs: Path, cache_dir: Path, linted: list[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    lint(str(specs))
    count = len(linted)
    lint(str(specs))
    assert len(linted) == count
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    again = lint(str(specs))
    assert len(linted) == 2 * count and same(again, lint("--no-cache", str(specs)))


def test_the_tool_key_follows_the_source_files(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache_module.tool_key()
    assert cache_module.tool_key() == key
    package = tmp_path / "servicespec"
    shutil.copytree(Path(cache_module.__file__).parent, package)
    monkeypatch.setattr(cache_module, "__file__", str(package / "cache.py"))
    copied = cache_module.tool_key()
    (package / "engine.py").write_text((package / "engine.py").read_text() + "\n# edited\n")
    assert cache_module.tool_key() != copied


def test_a_file_change_invalidates_that_file_only(specs: Path, cache_dir: Path,
                                                 linted: list[str]) -> None:
    lint(str(specs))
    count = len(linted)
    target = specs / "s1.yaml"
    target.write_text(target.read_text().replace("response_time: 2m, ", ""))
    after = lint(str(specs))
    assert linted[count:] == [str(target)]
    assert same(after, lint("--no-cache", str(specs)))


def test_the_path_as_given_is_part_of_the_key(specs: Path, cache_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(specs.parent)
    lint("specs")
    for given in ("specs/", "./specs", str(specs), "specs/s0.yaml"):
        assert same(lint(given), lint("--no-cache", given)), given


@pytest.mark.parametrize("damage", [
    b"", b"not json", b"{\"format\": 1", b"[]", b"{\"format\": 1, \"tool\": 3}",
    b"\xff\xfe\x00garbage",
])
def test_damaged_bucket_files_are_ignored(specs: Path, cache_dir: Path, linted: list[str],
                                          damage: bytes) -> None:
    expected = lint("--no-cache", str(specs))
    lint(str(specs))
    buckets = sorted(cache_dir.glob("results-*.json"))
    assert buckets
    for bucket in buckets:
        bucket.write_bytes(damage)
    count = len(linted)
    assert same(lint(str(specs)), expected)
    assert len(linted) - count == count  # everything linted again
    assert same(lint(str(specs)), expected)  # and the rewritten cache is good
    assert len(linted) - count == count


def test_damaged_entries_are_ignored(specs: Path, cache_dir: Path, linted: list[str]) -> None:
    expected = lint("--no-cache", str(specs))
    lint(str(specs))
    wrong = [None, 7, [], ["error"], ["error", [["SS101"]]], ["fatal", []],
             ["error", [["SS101", "x", "error", "m", "f", "1", 1, 1, 1, "", ""]]],
             ["error", [["SS101", "x", "loud", "m", "f", 1, 1, 1, 1, "", ""]]],
             ["error", [[1, "x", "error", "m", "f", 1, 1, 1, 1, "", "", []]]],
             ["error", [["SS101", "x", "error", "m", "f", 1, 1, 1, 1, "", "", [1.5]]]],
             ["error", [["SS101", "x", "error", "m", "f", 1, 1, 1, 1, "", "", "a.b"]]]]
    damaged = 0
    for bucket in sorted(cache_dir.glob("results-*.json")):
        doc = json.loads(bucket.read_text())
        for key in doc["entries"]:
            doc["entries"][key] = wrong[damaged % len(wrong)]
            damaged += 1
        bucket.write_text(json.dumps(doc))
    count = len(linted)
    assert same(lint(str(specs)), expected)
    assert len(linted) - count == damaged


def test_standard_input_is_not_cached(cache_dir: Path) -> None:
    text = (FIXTURES / "multi-finding.yaml").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "-"], input=text)
    assert result.exit_code == 1 and "<stdin>" in result.stdout
    assert not cache_dir.exists()


def test_an_unwritable_cache_is_not_an_error(specs: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SERVICESPEC_CACHE_DIR", str(blocker / "cache"))
    assert same(lint(str(specs)), lint("--no-cache", str(specs)))


def test_the_cache_folder_keeps_itself_out_of_version_control(specs: Path,
                                                              cache_dir: Path) -> None:
    lint(str(specs))
    assert (cache_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache_dir / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")


def test_one_or_two_processes_give_identical_results_with_the_cache(
        tmp_path: Path) -> None:
    rng = random.Random(11)
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(40):
        (folder / f"s{n:02d}.yaml").write_text(spec_text(n, 4, rng, gappy=n % 3 == 0))
    files = sorted(str(p) for p in folder.iterdir())
    runs = {}
    for jobs in (1, 2):
        directory = tmp_path / f"cache-{jobs}"
        cold = lint_with_cache(files, config_path=None, overrides={}, jobs=jobs,
                               directory=directory)
        warm = lint_with_cache(files, config_path=None, overrides={}, jobs=jobs,
                               directory=directory)
        runs[jobs] = (cold[0].files, cold[1], warm[0].files, warm[1])
        assert runs[jobs][0] == runs[jobs][2] and cold[1] == warm[1]
    assert runs[1] == runs[2]
    assert any(f.diagnostics for f in runs[1][0])


@pytest.mark.parametrize("baseline", [False, True], ids=["plain", "baseline"])
def test_a_hit_imports_no_parser_validator_or_rule(specs: Path, tmp_path: Path,
                                                   baseline: bool) -> None:
    """Also with `--baseline`: the comparison needs the results only, not the engine; and
    for a folder: the walk needs the configuration only when it sets `include`/`exclude`.
    A miss validates with pydantic-core and never imports pydantic itself (only the JSON
    Schema needs it)."""
    known = tmp_path / "baseline.json"

    def probe(*options: str) -> subprocess.CompletedProcess[str]:
        code = (
            "import sys\n"
            "from servicespec.cli import main\n"
            f"sys.argv = ['servicespec', 'lint', *{options!r}, {str(specs)!r}]\n"
            "try:\n    main()\n"
            "except SystemExit:\n    pass\n"
            "heavy = sorted(m for m in ('pydantic', 'pydantic_core', 'yaml', 'yaml_rs',\n"
            "               'servicespec.rules',\n"
            "               'servicespec.engine', 'servicespec.config') if m in sys.modules)\n"
            "print('loaded:', heavy, file=sys.stderr)\n")
        env = {"SERVICESPEC_CACHE_DIR": str(tmp_path / "probe-cache"), "PATH": ""}
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, cwd=tmp_path)

    first = probe("--write-baseline", str(known)) if baseline else probe()
    warm = probe("--baseline", str(known)) if baseline else probe()
    assert "'pydantic_core'" in first.stderr and "'pydantic'" not in first.stderr, first.stderr
    assert "loaded: []" in warm.stderr, warm.stderr
    assert first.stdout == warm.stdout
    assert ("known" if baseline else "SS") in warm.stdout, warm.stdout


def test_cache_keys_depend_on_the_bytes(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, tool="t")
    assert cache.file_key("c", "a.yaml", b"x") != cache.file_key("c", "a.yaml", b"y")
    assert cache.file_key("c", "a.yaml", b"x") != cache.file_key("c", "b.yaml", b"x")
    assert cache.file_key("c", "a.yaml", b"x") != cache.file_key("d", "a.yaml", b"x")
