"""`servicespec render`: formats, folders, views, findings, and clear errors (never a
traceback)."""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from servicespec.cli import cli

from .test_render_support import GOLDEN

SPEC = GOLDEN / "branching.yaml"


def run(*args: str) -> CliRunner.invoke:
    return CliRunner().invoke(cli, ["render", *args], catch_exceptions=False)


@pytest.mark.parametrize(("ext", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG"),
                                            ("pdf", b"%PDF"), ("dot", b"digraph")])
def test_format_from_the_extension(tmp_path: Path, ext: str, magic: bytes) -> None:
    out = tmp_path / f"picture.{ext}"
    result = run(str(SPEC), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)
    assert f"wrote {out}" in result.output


def test_format_option_for_a_name_without_extension(tmp_path: Path) -> None:
    out = tmp_path / "picture"
    assert run(str(SPEC), "-o", str(out), "--format", "svg").exit_code == 0
    assert out.read_bytes().startswith(b"<?xml")


def test_several_specs_to_a_folder(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(SPEC, specs / "one.yaml")
    shutil.copy(SPEC, specs / "two.yaml")
    out = tmp_path / "out"
    result = run(str(specs), "-o", str(out), "--format", "png", "--view", "journey")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["one-journey.png", "two-journey.png"]


def test_one_spec_to_a_folder_given_with_a_slash(tmp_path: Path) -> None:
    result = run(str(SPEC), "-o", f"{tmp_path}/pictures/")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pictures" / "branching.svg").exists()


def test_standard_output() -> None:
    result = run(str(SPEC), "-o", "-", "--format", "dot", "--view", "offering")
    assert result.exit_code == 0
    assert result.stdout.startswith('digraph "phone-repair"') and 'id="offering"' in result.stdout


def test_findings_are_drawn_on_request(tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.svg", tmp_path / "marked.svg"
    assert run(str(SPEC), "-o", str(plain)).exit_code == 0
    assert run(str(SPEC), "-o", str(marked), "--findings").exit_code == 0
    assert "finding severity-" not in html.unescape(plain.read_text())
    assert "finding severity-warning" in html.unescape(marked.read_text())


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "picture.gif"], "cannot tell the format of picture.gif"),
    (["-o", "picture.svg", "--format", "png"], "--format png does not match"),
    (["-o", "picture.svg", "--format", "jpeg"], "'jpeg' is not one of"),
    (["-o", "picture.svg", "--view", "map"], "'map' is not one of"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["render", str(SPEC), *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    result = run(str(SPEC), "-o", str(tmp_path / "missing" / "folder" / "x.svg"))
    assert result.exit_code == 2
    assert "cannot write" in result.output and "Traceback" not in result.output


def test_no_spec_found_exits_2(tmp_path: Path) -> None:
    result = run(str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "no spec files" in result.output


def test_a_spec_with_file_level_errors_is_not_drawn(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: servicespec/v1\nkind: Service\nmetadata: {id: x}\n"
                   "product: {name: P}\nbogus: 1\n")
    out = tmp_path / "bad.svg"
    result = run(str(bad), "-o", str(out))
    assert result.exit_code == 1
    assert f"{bad}:5:1: SS003" in result.output
    assert "has errors and was not drawn" in result.output
    assert not out.exists()


def test_two_specs_with_one_name_are_refused(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(SPEC, tmp_path / folder / "same.yaml")
    result = run(str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2 and "would both be drawn" in result.output


def test_as_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "x.svg"
    done = subprocess.run([sys.executable, "-m", "servicespec", "render", str(SPEC), "-o",
                           str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_text().count("<svg") == 1
