"""Synthetic service catalogues for benchmarks: N specs x S steps, some with planted gaps.

    python benchmarks/generate.py OUT_DIR --specs 1000 --steps 24 [--gaps 0.3] [--seed 1]
                                         [--libraries 20]

Each spec is a complete, realistic-shaped service (every section used, block-style YAML like
people write); a share of them carry design gaps so that rules fire and positions are needed.
With `--libraries L`, the channels and roles live in L shared libraries (`kind: Library`) and
service n uses library n mod L (docs/catalogue.md).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PHASES = ("before", "during", "after")
PETALS = ("information", "order-taking", "billing", "payment", "consultation", "hospitality",
          "safekeeping", "exceptions")


def library_text(k: int) -> str:
    """A shared contact centre: the channels and roles every service of the catalogue uses."""
    return "\n".join([
        f"# Synthetic library {k}", "apiVersion: servicespec/v1", "kind: Library",
        "metadata:", f"  id: library-{k:02d}", f"  name: Contact centre {k}",
        f"  owner: Team {k}", *_SHARED]) + "\n"


def spec_text(n: int, steps: int, rng: random.Random, gappy: bool,
              library: str | None = None) -> str:
    sid = f"service-{n:05d}"
    out = [f"# Synthetic service {n}", "apiVersion: servicespec/v1", "kind: Service",
           "metadata:", f"  id: {sid}", f"  name: Service {n}", "  owner: Team "
           f"{n % 17}", "  description: A synthetic service for benchmarking.",
           "  version: '1.0'", "  tags: [synthetic, benchmark]", "product:",
           f"  id: {sid}-product", f"  name: Product {n}",
           "  need: Get the thing done without effort",
           "  outcomes:", "    - The thing is done on time", "    - The customer knows it is done",
           "  revenue: none" if gappy and rng.random() < 0.3 else "  revenue: monthly fee",
           "  components:",
           "    - {id: core-platform, name: Core platform, kind: access, visible: true, "
           "owner: agent}",
           "    - {id: back-office, name: Back office, kind: service-action, visible: false"
           + ("" if gappy else ", owner: specialist") + "}",
           "facilitating:"]
    for petal in PETALS:
        phases = "[before, during, after]"
        out += [f"  - id: {petal}-service", f"    name: {petal.title()} service",
                f"    type: {petal}", f"    phases: {phases}",
                "    channels: [phone, web, chatbot]", "    roles: [agent]",
                f"    description: Helps customers with {petal}."]
    escalation = "chatbot" if gappy and rng.random() < 0.2 else "phone"
    out += [f"uses: [{library}]"] if library else _shared(escalation)
    out += ["touchpoints:"]
    for i in range(steps):
        out += [f"  - {{id: tp-{i}, name: Touchpoint {i}, channel: "
                f"{'web' if i % 2 else 'phone'}, phase: {PHASES[i * 3 // steps]}, "
                f"serves: {sid}-product, evidence: [Screen {i}]}}"]
    out += ["blueprint:", "  steps:"]
    for i in range(steps):
        out += [f"    - id: step-{i}", f"      name: Step {i}",
                f"      phase: {PHASES[i * 3 // steps]}",
                f"      evidence: [Page {i}, Email {i}]",
                f"      customer: Does part {i} of the journey", f"      touchpoint: tp-{i}",
                "      frontstage:", f"        - {{role: agent, action: Helps with part {i}}}",
                "      backstage:", f"        - {{role: specialist, action: Checks part {i}}}",
                f"      support: [System {i % 5}]", f"      collects: [item-{i}]"]
        if i % 4 == 1:
            prevention = "" if gappy and rng.random() < 0.5 else \
                ", prevention: Validation before submit"
            out += ["      fail_points:",
                    f"        - {{id: fail-{i}, description: Part {i} goes wrong, severity: "
                    f"medium{prevention}, detected_by: error-rate}}"]
        if i % 6 == 2:
            out += [f"      wait: {{expected: {i % 3 + 1}h, max: "
                    f"{'1h' if gappy and rng.random() < 0.3 else '4h'}, "
                    "message: SMS with the expected time}"]
    out += ["metrics:",
            f"  - {{id: error-rate, name: Errors, measures: {sid}-product, type: error-rate, "
            "target: '< 1%', source: Case system, owner: Operations}"]
    for petal in PETALS:
        kind = "delivery-time" if gappy and petal == "billing" else "csat"
        out += [f"  - {{id: {petal}-csat, measures: {petal}-service, type: {kind}, "
                "target: '>= 4.5', source: Survey, owner: Service lead}"]
    out += ["recovery:"]
    for i in range(1, steps, 4):
        out += [f"  - id: recover-{i}", f"    name: Recover part {i}", f"    covers: [fail-{i}]",
                "    trigger: The part fails", "    owner: agent", "    channel: phone",
                "    response_time: 1h", "    resolve_time: 1d",
                "    actions: [apologise, fix, follow-up]"]
    return "\n".join(out) + "\n"


def _shared(escalation: str) -> list[str]:
    return ["channels:",
            "  - {id: phone, name: Phone, kind: phone, hours: '24/7', response_time: 2m, "
            "complaints: true}",
            "  - {id: web, name: Website, kind: web, escalates_to: phone, handover: warm}",
            f"  - {{id: chatbot, name: Chat assistant, kind: chatbot, escalates_to: {escalation}"
            ", handover: warm}",
            "roles:",
            "  - id: agent", "    name: Agent", "    stage: frontstage", "    skills:",
            "      technical: [product knowledge]", "      interpersonal: [empathy, clarity]",
            "    authority: refund up to 50 EUR",
            "  - id: specialist", "    name: Specialist", "    stage: backstage", "    skills:",
            "      technical: [casework]", "      interpersonal: [written communication]"]


_SHARED = _shared("phone")


def generate(out: Path, specs: int, steps: int, gaps: float = 0.3, seed: int = 1,
             libraries: int = 0) -> list[Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(libraries):
        path = out / f"library-{k:02d}.yaml"
        path.write_text(library_text(k), encoding="utf-8")
        paths.append(path)
    for n in range(specs):
        path = out / f"service-{n:05d}.yaml"
        library = f"library-{n % libraries:02d}" if libraries else None
        path.write_text(spec_text(n, steps, rng, rng.random() < gaps, library),
                        encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--specs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--gaps", type=float, default=0.3, help="share of specs with gaps")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--libraries", type=int, default=0,
                        help="shared libraries holding the channels and roles")
    args = parser.parse_args()
    paths = generate(args.out, args.specs, args.steps, args.gaps, args.seed, args.libraries)
    print(f"wrote {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
