"""How long a 60-step service blueprint takes to draw, and how much of it is servicespec's.

    python benchmarks/bench_render.py [--steps 60] [--repeat 5]

Prints, for the blueprint view: the time to build the DOT from the spec (servicespec's own
layout), the time Graphviz takes to draw that same DOT to SVG (the `nop2` engine: positions
kept), the total, and — for comparison — how long Graphviz's own `dot` layout of the same DOT
takes; medians of `--repeat` runs. The target: the total well under two seconds for 60 steps
(the exit code is 1 when it is not).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from servicespec.model.spec import Spec
from servicespec.render import render_bytes, render_spec

PHASES = ("before", "during", "after")


def big_spec(steps: int) -> Spec:
    """A realistic blueprint: every lane filled, fail points, waits, decisions and loops."""
    data: dict[str, Any] = {
        "apiVersion": "servicespec/v1", "kind": "Service",
        "metadata": {"id": "bench", "name": f"Benchmark service with {steps} steps",
                     "owner": "Benchmarks", "description": "Generated for bench_render.py."},
        "product": {"name": "Benchmark product", "need": "Measure the renderer"},
        "channels": [{"id": "web", "name": "Website", "kind": "web", "escalates_to": "phone"},
                     {"id": "phone", "name": "Phone line", "kind": "phone"},
                     {"id": "bot", "name": "Chatbot", "kind": "chatbot",
                      "escalates_to": "phone"}],
        "roles": [{"id": "agent", "name": "Service agent", "stage": "frontstage"},
                  {"id": "ops", "name": "Operations analyst", "stage": "backstage"}],
        "touchpoints": [], "blueprint": {"steps": []},
    }
    for i in range(steps):
        sid = f"step-{i:03d}"
        data["touchpoints"].append({"id": f"tp-{i:03d}", "name": f"Touchpoint number {i}",
                                    "channel": ("web", "phone", "bot")[i % 3]})
        step: dict[str, Any] = {
            "id": sid, "name": f"Step {i}: do the thing that step {i} does",
            "phase": PHASES[min(2, i * 3 // steps)],
            "evidence": [f"Confirmation email {i}", "Order page with the tracking number"],
            "customer": f"The customer completes part {i} of the journey and checks the result",
            "touchpoint": f"tp-{i:03d}",
            "frontstage": [{"role": "agent", "action": f"Explains what happens at step {i}"}],
            "backstage": [{"role": "ops", "action": "Updates the case record and the ledger"},
                          "Schedules the follow-up"],
            "support": ["Case management system", "Payments platform"],
        }
        if i % 4 == 1:
            step["fail_points"] = [{"id": f"fail-{i:03d}", "severity": "high",
                                    "description": "Something goes wrong"}]
        if i % 5 == 2:
            step["wait"] = {"expected": "10m", "max": "1h", "message": "Tracker shows the time"}
        if i % 10 == 5 and i + 3 < steps:
            step["decision"] = True
            step["next"] = [f"step-{i + 1:03d}", f"step-{i + 3:03d}"]
        if i % 15 == 14:
            step["next"] = [f"step-{i - 2:03d}", f"step-{i + 1:03d}"] if i + 1 < steps else []
        data["blueprint"]["steps"].append(step)
    return Spec.model_validate(data)


def _dot_engine(dot: str) -> bytes:
    """Graphviz laying the same graph out itself (positions ignored), drawn to SVG."""
    import contextlib
    import io

    import pygraphviz

    with contextlib.redirect_stderr(io.StringIO()):
        return bytes(pygraphviz.AGraph(string=dot).draw(format="svg", prog="dot"))


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    spec = big_spec(args.steps)
    render_bytes(render_spec(big_spec(3)), "svg")  # load Graphviz and fonts once
    layout, dot = timed(lambda: render_spec(spec), args.repeat)
    graphviz, svg = timed(lambda: render_bytes(dot, "svg"), args.repeat)
    total, _ = timed(lambda: render_bytes(render_spec(spec), "svg"), args.repeat)
    dot_engine, _ = timed(lambda: _dot_engine(dot), max(1, args.repeat // 2))
    print(f"{args.steps}-step blueprint ({len(dot.splitlines())} DOT lines, "
          f"{len(svg) // 1024} KiB of SVG), median of {args.repeat}:")
    print(f"  servicespec layout + DOT  {layout * 1000:8.1f} ms")
    print(f"  Graphviz draws that DOT   {graphviz * 1000:8.1f} ms")
    print(f"  total, spec to SVG        {total * 1000:8.1f} ms"
          f"   (servicespec adds {max(total - graphviz, 0) * 1000:.1f} ms over Graphviz)")
    print(f"  for comparison: Graphviz's own `dot` layout of the same DOT "
          f"{dot_engine * 1000:.1f} ms")
    return 0 if total < 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
