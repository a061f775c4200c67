"""Where the cpu of one service page of the stakeholder site goes, against a baseline.

    python benchmarks/bench_page.py [--specs 10] [--steps 24] [--libraries 2] [--repeat 3]
                                    [--baseline DIR]

Generates a catalogue (benchmarks/generate.py) and writes its site in one process
(`write_pages`, no workers, the garbage collector set as the command sets it), `--repeat`
times in fresh interpreters; prints the cpu time per
service (the least of the runs) and how it divides: linting, the drawings' layout and DOT
(`render_spec`), drawing them in Python (`render.svg`) or by Graphviz (`render_bytes`), making
Graphviz's SVG safe for the page (`inline_svg`),
and the page's files (`service_files`). The stages are timed by wrapping those functions.

With `--baseline DIR` (a folder holding another version's `servicespec` package, e.g. from
`git archive <commit> servicespec | tar -x -C DIR`), the same catalogue is built by that
version too, the runs alternating, and the ratio of the two is shown: the machine's load
moves both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

STAGES = (  # (module, function, name shown): a stage's time includes what it calls
    ("servicespec.site.build", "lint_service", "lint"),
    ("servicespec.render", "render_spec", "layout and DOT"),
    ("servicespec.render.svg", "svg_markup", "SVG in Python"),
    ("servicespec.render", "render_bytes", "Graphviz"),
    ("servicespec.site.build", "inline_svg", "safe SVG"),
    ("servicespec.site.build", "service_files", "page files"),
)


def child(catalogue: str) -> dict[str, Any]:
    """One build of the catalogue's site in this process: cpu per service, by stage."""
    import gc
    import importlib

    import servicespec.__main__ as command

    # the garbage collector as the command sets it: at Python's default a page's short-lived
    # objects (an SVG's tree, a layout) trigger collections the command never makes
    gc.set_threshold(*getattr(command, "GC_THRESHOLD", (100_000, 50, 100)))

    from servicespec.site.build import write_pages

    spent: dict[str, float] = {}

    def timed(function: Callable[..., Any], name: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start
        return wrapper

    for module_name, function, name in STAGES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:  # an older version may lack a stage
            continue
        if hasattr(module, function):
            setattr(module, function, timed(getattr(module, function), name))
    services = len(list(Path(catalogue).glob("service-*.yaml")))
    with tempfile.TemporaryDirectory(prefix="servicespec-bench-page-") as out:
        start = time.process_time()
        write_pages([catalogue], Path(out), jobs=1)
        total = time.process_time() - start
    return {"total": total / services, **{k: v / services for k, v in spent.items()}}


def run_child(catalogue: Path, code: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, __file__, "--child", str(catalogue)], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the build failed ({code or 'this version'}):\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--libraries", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="builds of each version (least)")
    parser.add_argument("--baseline", type=Path,
                        help="a folder holding another version's servicespec package")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    if args.baseline is not None and not (args.baseline / "servicespec").is_dir():
        parser.error(f"{args.baseline} holds no servicespec package")

    from generate import generate

    with tempfile.TemporaryDirectory(prefix="servicespec-bench-page-") as tmp:
        catalogue = Path(tmp) / "catalogue"
        generate(catalogue, args.specs, args.steps, libraries=args.libraries)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
        print(f"catalogue: {args.specs} specs x {args.steps} steps, {args.libraries} "
              f"libraries; load average before: {load:.2f}")
        versions: dict[str, Path | None] = {"this version": None}
        if args.baseline is not None:
            versions["baseline"] = args.baseline
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in versions}
        for _ in range(max(1, args.repeat)):  # alternating: the load moves both alike
            for name, code in versions.items():
                runs[name].append(run_child(catalogue, code))
    best = {name: min(results, key=lambda r: r["total"]) for name, results in runs.items()}
    names = [name for _, _, name in STAGES]
    print()
    print(f"cpu per service page, ms (least of {max(1, args.repeat)} builds)")
    print(f"  {'':16}" + "".join(f"{name:>16}" for name in best))
    for key in ["total", *names]:
        print(f"  {key:16}" + "".join(f"{r[key] * 1000:16.1f}" if key in r else f"{'-':>16}"
                                      for r in best.values()))
    if "baseline" in best:
        ratio = best["this version"]["total"] / best["baseline"]["total"]
        print(f"\nthis version / baseline: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
