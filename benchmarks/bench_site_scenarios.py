"""What a service's scenarios cost its page: time to build it, and its bytes.

    python benchmarks/bench_site_scenarios.py [--repeat 3] [SPEC ...]

For each spec with scenarios (default: every example under specs/ that has them), the spec is
linted once, then its page is drawn and rendered (`site.build`: draw, service_files) with its
scenarios and, as the baseline measured in the same run, as it is without them (the same
linted service, its scenarios left out: removing them from the file would break what refers
to their steps). `--repeat` rounds, interleaved, the best time kept. Prints the time and the
page's HTML bytes of both, their ratio, and the kilobytes each scenario adds to the page (its
blueprint is inline once, its steps as cards).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from servicespec.site.build import draw, lint_service, service_files  # noqa: E402
from servicespec.site.data import ServiceData  # noqa: E402


def build_page(service: ServiceData) -> tuple[float, int]:
    """Seconds to draw and render one service page, and its HTML bytes."""
    start = time.perf_counter()
    files = service_files(service, draw(service))
    return time.perf_counter() - start, len(files[f"services/{service.slug}.html"])


def measure(spec: Path, repeat: int) -> tuple[int, float, float, int, int]:
    service = lint_service(str(spec), "page")
    baseline = replace(service, scenarios=())
    times: dict[int, list[float]] = {0: [], 1: []}
    size: dict[int, int] = {}
    for _ in range(repeat):
        for n, page in enumerate((baseline, service)):
            seconds, size[n] = build_page(page)
            times[n].append(seconds)
    return len(service.scenarios), min(times[0]), min(times[1]), size[0], size[1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    specs = args.specs or sorted(p for p in (ROOT / "specs").rglob("*.yaml")
                                 if "scenarios:" in p.read_text(encoding="utf-8"))
    print(f"{'spec':32} {'scen.':>5} {'time without':>12} {'with':>8} {'ratio':>6} "
          f"{'KB without':>10} {'with':>6} {'ratio':>6} {'KB/scen.':>8}")
    for spec in specs:
        n, t0, t1, b0, b1 = measure(spec, args.repeat)
        print(f"{spec.stem[:32]:32} {n:5d} {t0:11.2f}s {t1:7.2f}s {t1 / t0:6.2f} "
              f"{b0 / 1024:10.0f} {b1 / 1024:6.0f} {b1 / b0:6.2f} "
              f"{(b1 - b0) / 1024 / max(n, 1):8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
