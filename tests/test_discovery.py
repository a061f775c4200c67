"""Which files a folder walk lints: the specs (files that declare `apiVersion: servicespec/…`),
`include` and `exclude` from the configuration, gitignore-style globs; through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from servicespec.api import discover
from servicespec.commands import starter_text

from .conftest import ROOT

# the starter with its only recovery process removed: SS401 error, SS402 on both fail points
GAPPY = starter_text().split("# Recovery:")[0]
# every file the walk must pass over in an ordinary repository: YAML and JSON of other tools
OTHER_FILES = {
    "action.yml": "name: build\nruns:\n  using: composite\n  steps: []\n",
    "package.json": '{"name": "site", "version": "1.0.0", "apiVersion": "v2"}\n',
    "mkdocs.yml": "site_name: Docs\nnav:\n  - index.md\n",
    ".pre-commit-hooks.yaml": "- id: x\n  entry: x\n",
    ".github/workflows/ci.yml": "on: push\njobs: {}\n",
    "schemas/servicespec-v1.schema.json":
        '{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": '
        '{"apiVersion": {"const": "servicespec/v1"}}}\n',
    "k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
    "docs/notes.yaml": "# apiVersion: servicespec/v1 is what a spec starts with\nx: 1\n",
}


def servicespec(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "servicespec", *args], capture_output=True,
                          text=True, timeout=60, cwd=cwd, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode in (0, 1), proc.stderr
    return proc


def repository(root: Path) -> Path:
    for name, text in OTHER_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "specs" / "drafts").mkdir(parents=True)
    (root / "specs" / "hotel.yaml").write_text(starter_text())
    (root / "specs" / "gappy.yaml").write_text(GAPPY)
    (root / "specs" / "drafts" / "old.yaml").write_text(GAPPY)
    # JSON, with apiVersion not first and no line break before it
    (root / "specs" / "minimal.json").write_text('{"kind": "Service", "apiVersion": '
                                                 '"servicespec/v1"}')
    return root


def files_with_findings(proc: subprocess.CompletedProcess[str]) -> set[str]:
    return {f["file"] for f in json.loads(proc.stdout)["findings"]}


def test_the_actions_default_lints_only_the_specs(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    # as action.yml runs it, with `paths: "."`
    proc = servicespec("lint", "--fail-on", "error", "--format", "sarif", "--output",
                       "servicespec.sarif", "--format", "github", "--", ".", cwd=repo)
    assert proc.returncode == 1
    annotated = {line.split("file=")[1].split(",")[0] for line in proc.stdout.splitlines()
                 if line.startswith("::error")}
    assert annotated == {"specs/gappy.yaml", "specs/drafts/old.yaml", "specs/minimal.json"}
    assert "no findings" not in proc.stdout and "4 files checked" in proc.stdout
    sarif = json.loads((repo / "servicespec.sarif").read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert uris == annotated
    text = servicespec("lint", ".", cwd=repo).stdout
    assert text.startswith("specs/gappy.yaml:") and "./" not in text


def test_a_file_named_is_always_linted(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    proc = servicespec("lint", "--format", "json", "k8s/deploy.yaml", cwd=repo)
    assert files_with_findings(proc) == {"k8s/deploy.yaml"}


def test_build_leftovers_are_passed_over_unless_named(tmp_path: Path) -> None:
    # `pip install .` leaves copies of the package's starter specs under build/lib/
    repo = repository(tmp_path)
    for folder in ("build/lib/servicespec/templates", "dist", "venv/share"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "copy.yaml").write_text(GAPPY)
    walked = files_with_findings(servicespec("lint", "--format", "json", ".", cwd=repo))
    assert walked == {"specs/gappy.yaml", "specs/drafts/old.yaml", "specs/minimal.json"}
    named = files_with_findings(servicespec("lint", "--format", "json", "build", cwd=repo))
    assert named == {"build/lib/servicespec/templates/copy.yaml"}


def test_include_and_exclude(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    (repo / "servicespec.toml").write_text('exclude = ["drafts/", "*.json"]\n')
    proc = servicespec("lint", "--format", "json", ".", cwd=repo)
    assert files_with_findings(proc) == {"specs/gappy.yaml"}
    # from a sub-folder the globs are still relative to the configuration's folder
    proc = servicespec("lint", "--format", "json", ".", cwd=repo / "specs")
    assert files_with_findings(proc) == {"gappy.yaml"}
    # `include` takes what it matches, declared or not; `*` stays within a folder
    (repo / "catalogue" / "archive").mkdir(parents=True)
    (repo / "catalogue" / "loans.yaml").write_text("kind: Service\n")  # no apiVersion
    (repo / "catalogue" / "archive" / "old.yaml").write_text("kind: Service\n")
    (repo / "servicespec.toml").write_text('include = ["catalogue/*.yaml"]\n')
    proc = servicespec("lint", "--format", "json", ".", cwd=repo)
    assert files_with_findings(proc) == {"catalogue/loans.yaml"}
    # `--config` is used for the walk as for linting
    (repo / "other.toml").write_text('exclude = ["specs/"]\n')
    proc = servicespec("lint", "--format", "json", "--config", "other.toml", ".", cwd=repo)
    assert files_with_findings(proc) == set()


def test_an_invalid_glob_is_a_configuration_error(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    (repo / "servicespec.toml").write_text('exclude = ["\\\\"]\n')
    proc = subprocess.run([sys.executable, "-m", "servicespec", "lint", "."],
                          capture_output=True, text=True, timeout=60, cwd=repo)
    assert proc.returncode == 2 and "invalid glob" in proc.stderr, proc.stderr


def test_per_file_ignores_use_the_same_globs(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    (repo / "specs" / "drafts" / "v2").mkdir()
    (repo / "specs" / "drafts" / "v2" / "new.yaml").write_text(GAPPY)
    (repo / "servicespec.toml").write_text(
        '[per_file_ignores]\n"specs/drafts/*.yaml" = ["SS4"]\n')
    proc = servicespec("lint", "--format", "json", "specs", cwd=repo)
    # `*` does not cross `/`: drafts/v2/new.yaml keeps its findings (fnmatch's would not)
    assert files_with_findings(proc) == {"specs/gappy.yaml", "specs/drafts/v2/new.yaml",
                                         "specs/minimal.json"}


def test_lint_dot_in_this_repository_lints_only_specs() -> None:
    proc = servicespec("lint", "--no-cache", "--format", "json", ".", cwd=ROOT)
    files = files_with_findings(proc)
    assert files and all(f.startswith(("specs/", "tests/")) for f in files), files
    walked = {os.path.relpath(f, ROOT) for f in discover([str(ROOT)])}
    assert json.loads(proc.stdout)["summary"]["files"] == len(walked)
    assert all(f.startswith(("specs/", "tests/")) for f in walked)
    for name in ("action.yml", ".pre-commit-hooks.yaml", "schemas/servicespec-v1.schema.json",
                 "specs/hotel-stay.yaml"):
        assert (name in walked) == name.startswith("specs/"), name
