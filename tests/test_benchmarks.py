"""The benchmark runner works: on a tiny catalogue it prints all five figures (no timing is
asserted here; the figures themselves are in docs/performance.md)."""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("servicespec_benchmark_run",
                                               ROOT / "benchmarks" / "run.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench  # dataclasses look their module up there
_spec.loader.exec_module(bench)


def test_the_runner_prints_all_five_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code = bench.main(["--specs", "8", "--steps", "4", "--scale", "2", "--big-steps", "12",
                       "--cold-repeat", "1", "--full-repeat", "1", "--no-baselines"])
    out = capsys.readouterr().out
    assert code == 0
    table = out[out.index("#  figure"):]
    numbers = [line.split()[0] for line in table.splitlines()[2:]
               if re.match(r"[1-5] ", line)]
    assert numbers == ["1", "2", "3", "4", "5"]
    for words in ("full lint, 8 specs", "PyYAML CSafeLoader load", "scaling: 16 specs",
                  "one 12-step spec", "cold start, one spec", "warm cache",
                  "peak memory", "cores:", "output identical"):
        assert words in table, words
    identical = next(line for line in table.splitlines() if "output identical" in line)
    assert identical.split()[-1] == "yes"


def test_only_figure_3(capsys: pytest.CaptureFixture[str]) -> None:
    code = bench.main(["--only", "3", "--steps", "4", "--cold-repeat", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "catalogue:" not in out  # none generated (the line that describes one)
    table = out[out.index("#  figure"):]
    numbers = [line.split()[0] for line in table.splitlines()[2:] if re.match(r"[1-5] ", line)]
    assert numbers == ["3"]
    assert "cold start, one spec" in table and "floor: python -c pass" in table


_site_spec = importlib.util.spec_from_file_location("servicespec_benchmark_site",
                                                    ROOT / "benchmarks" / "bench_site.py")
assert _site_spec is not None and _site_spec.loader is not None
bench_site = importlib.util.module_from_spec(_site_spec)
_site_spec.loader.exec_module(bench_site)


def test_the_site_benchmark_prints_its_three_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code = bench_site.main(["--specs", "3", "--steps", "4", "--edits", "1"])
    out = capsys.readouterr().out
    assert code == 0
    lines = [line for line in out.splitlines() if re.match(r"[1-3]\. ", line)]
    assert [line[:2] for line in lines] == ["1.", "2.", "3."]
    assert "servicespec site (3 specs)" in lines[0] and "per 1,000 specs" in lines[0]
    assert "largest" in lines[1] and "KB" in lines[1]
    # one spec saved: its page alone is written again
    assert "(1 page(s) written again, the rest linked" in lines[2]


def test_the_site_benchmark_saves_a_library_with_libraries(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = bench_site.main(["--specs", "4", "--steps", "4", "--edits", "1", "--libraries", "2"])
    out = capsys.readouterr().out
    assert code == 0
    # service n uses library n mod 2: the first library's two users are written again
    assert "one library saved, rebuilt in" in out and "(2 page(s) written again" in out
    assert re.search(r"^4\. the index page: \d+ KB$", out, re.M)


_page_spec = importlib.util.spec_from_file_location("servicespec_benchmark_page",
                                                    ROOT / "benchmarks" / "bench_page.py")
assert _page_spec is not None and _page_spec.loader is not None
bench_page = importlib.util.module_from_spec(_page_spec)
_page_spec.loader.exec_module(bench_page)


def test_the_page_benchmark_divides_a_page_against_a_baseline(
        capsys: pytest.CaptureFixture[str]) -> None:
    # this checkout as its own baseline: both columns, every stage, the ratio
    code = bench_page.main(["--specs", "2", "--steps", "4", "--repeat", "1",
                            "--baseline", str(ROOT)])
    out = capsys.readouterr().out
    assert code == 0
    rows = {line.split("  ")[1].strip(): line.split()[-2:] for line in out.splitlines()
            if line.startswith("  ") and line.strip()}
    for stage in ("total", "lint", "layout and DOT", "SVG in Python", "page files"):
        assert all(float(v) > 0 for v in rows[stage]), rows
    assert re.search(r"^this version / baseline: \d+\.\d\d$", out, re.M)
