"""How fast servicespec lints a catalogue, against the tools in its class, in one run.

    python benchmarks/run.py [--bin DIR] [--specs 1000] [--steps 24] [--scale 4]
                             [--big-steps 500] [--cold-repeat 15] [--full-repeat 2]
                             [--no-baselines] [--keep DIR] [--check] [--only 3]

Generates synthetic catalogues (benchmarks/generate.py) into a temporary folder and runs every
tool as a subprocess, so start-up and imports count, as in pre-commit and CI. Prints the tools'
timings, then the five figures of docs/performance.md with their ratios and targets:

1. full lint of SPECS x STEPS (all rules, positions for every finding, no cache) against
   PyYAML's C loader only loading the same files, and against check-jsonschema;
2. linear scaling: SCALE times the specs, and one spec of BIG-STEPS steps;
3. cold start on one spec against yamllint on the same file (no cache, first run with the
   cache, warm cache), with `python -c pass` as the floor; the ratio is the median of the
   rounds' ratios (each round runs every command once);
4. peak memory of the full lint, and how it grows with the catalogue;
5. cores: the full lint in one process and in one per core, and whether the outputs (and the
   cached output) are identical.

`--only 3` measures figure 3 alone, without generating the catalogues (seconds, not minutes).

`--bin` is the folder holding the `servicespec`, `python`, `yamllint` and `check-jsonschema`
to measure (default: this Python's). Measure a regular install (`pip install .`), not an
editable one: an editable install's import hook adds to every start. The baselines that are
not installed are left out. Timings are wall-clock; `--full-repeat` and `--cold-repeat` runs
are interleaved and the best (full) or the median (cold) is kept. Peak memory comes from
`wait4` (the largest single process) and from sampling /proc (the process tree's total RSS,
an upper bound: pages the worker processes share with their parent count once per process).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

PYYAML_LOAD = """\
import sys, yaml
for path in sys.argv[1:]:
    with open(path, "rb") as fh:
        yaml.load(fh.read(), Loader=yaml.CSafeLoader)
"""


@dataclass
class Run:
    """One command's measurements."""

    wall: float
    cpu: float  # user + system, of the process and the children it waited for
    max_rss_mb: float  # the largest single process (wait4)
    tree_rss_mb: float  # the process tree's sampled peak total RSS (0 when not sampled)
    code: int
    output: bytes = b""


@dataclass
class Tools:
    servicespec: list[str]
    python: str
    yamllint: list[str] | None
    check_jsonschema: list[str] | None
    env: dict[str, str] = field(default_factory=dict)


# --- measuring -------------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        out.setdefault(ppid, []).append(int(name))
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """The peak of the summed RSS of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self.done.is_set():
            children = _children()
            tree, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo += children.get(pid, [])
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in tree))
            self.done.wait(self.interval)


def run(cmd: Sequence[str], env: dict[str, str] | None = None, *, sample: bool = False,
        capture: bool = False) -> Run:
    """Run `cmd` once; its output is discarded unless `capture`."""
    # closed by the caller once read (Run.output)
    out = tempfile.TemporaryFile() if capture else subprocess.DEVNULL  # noqa: SIM115
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    sampler = TreeSampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if sampler:
        sampler.done.set()
        sampler.join()
    output = b""
    if capture:
        out.seek(0)  # type: ignore[union-attr]
        output = out.read()  # type: ignore[union-attr]
        out.close()  # type: ignore[union-attr]
    # ru_maxrss is in kilobytes on Linux
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               (sampler.peak_kb / 1024) if sampler else 0.0, proc.returncode, output)


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


def median_wall(runs: list[Run]) -> float:
    return statistics.median(r.wall for r in runs)


def paired_ratio(runs: list[Run], against: list[Run]) -> float:
    """The median of the ratios of runs made one after the other: a shared machine's load
    changes between rounds more than between the two runs of a round."""
    return statistics.median(a.wall / b.wall for a, b in zip(runs, against, strict=True))


# --- the tools -------------------------------------------------------------------------------

def find_tools(bin_dir: Path, cache_dir: Path) -> Tools:
    def tool(name: str) -> list[str] | None:
        path = bin_dir / name
        if path.exists():
            return [str(path)]
        found = shutil.which(name)
        return [found] if found else None

    python = str(bin_dir / "python") if (bin_dir / "python").exists() else sys.executable
    servicespec = tool("servicespec") or [python, "-m", "servicespec"]
    return Tools(servicespec, python, tool("yamllint"), tool("check-jsonschema"),
                 {"SERVICESPEC_CACHE_DIR": str(cache_dir)})


def install_kind(tools: Tools) -> str:
    probe = subprocess.run(
        [tools.python, "-c",
         "import servicespec, os; print(os.path.dirname(servicespec.__file__))"],
        capture_output=True, text=True)
    where = probe.stdout.strip()
    if not where:
        return "not importable from --bin's python"
    if "site-packages" in where or "dist-packages" in where:
        return f"regular install ({where})"
    return f"EDITABLE install ({where}): start-up includes its import hook; measure a " \
           "regular `pip install .` for the figures"


def lint_cmd(tools: Tools, *args: str) -> list[str]:
    return [*tools.servicespec, "lint", *args]


# --- the figures -----------------------------------------------------------------------------

@dataclass
class Row:
    number: str
    figure: str
    value: str
    against: str
    ratio: str
    target: str
    met: str


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 1 else f"{seconds:.2f} s"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "NO")


def show(label: str, r: Run | float, extra: str = "") -> None:
    wall = r if isinstance(r, float) else r.wall
    more = "" if isinstance(r, float) else \
        f"  cpu {r.cpu:7.2f} s  max RSS {r.max_rss_mb:6.0f} MB" + (
            f"  tree RSS {r.tree_rss_mb:6.0f} MB" if r.tree_rss_mb else "")
    print(f"  {label:<62} {wall:8.3f} s{more}{extra}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", type=Path, default=Path(sys.executable).parent,
                        help="folder with the servicespec, python, yamllint and "
                             "check-jsonschema to measure (default: this Python's)")
    parser.add_argument("--specs", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=24)
    parser.add_argument("--scale", type=int, default=4, help="scaling run: this many times "
                        "--specs")
    parser.add_argument("--big-steps", type=int, default=500, help="steps of the one big spec")
    parser.add_argument("--cold-repeat", type=int, default=15, help="cold-start runs per tool")
    parser.add_argument("--full-repeat", type=int, default=2, help="full-lint runs (best kept)")
    parser.add_argument("--no-baselines", action="store_true",
                        help="skip check-jsonschema and yamllint on the catalogue (slow)")
    parser.add_argument("--keep", type=Path, help="generate here and keep the files")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--only", choices=["3"], help="only this figure (3: cold start, in "
                        "seconds: no catalogue is generated)")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="servicespec-bench-")) if args.keep is None \
        else args.keep
    root.mkdir(parents=True, exist_ok=True)
    try:
        rows, ok = measure(args, root)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print_table(rows)
    return 1 if args.check and not ok else 0


def measure(args: argparse.Namespace, root: Path) -> tuple[list[Row], bool]:
    tools = find_tools(args.bin.resolve(), root / "cache")
    if args.only == "3":  # no catalogue: spec 0 of any catalogue, and a clean spec
        one = str(generate(root / "one", 1, args.steps)[0])
        clean = str(generate(root / "clean", 1, args.steps, gaps=0.0)[0])
        print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
        print(f"servicespec: {' '.join(tools.servicespec)} — {install_kind(tools)}")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"one spec: {Path(one).read_text(encoding='utf-8').count(chr(10))} lines")
        print()
        print(f"timings (wall clock; median of {args.cold_repeat})")
        rows, ok = cold_start(tools, one, clean, root, args.cold_repeat)
        return rows, ok is not False
    n, n_big = args.specs, args.specs * args.scale
    catalogue = root / "catalogue"
    files = [str(p) for p in generate(catalogue, n, args.steps)]
    size_mb = sum(os.path.getsize(f) for f in files) / 1e6
    big_catalogue = root / "catalogue-scaled"
    generate(big_catalogue, n_big, args.steps)
    big_spec = generate(root / "big", 1, args.big_steps)[0]
    one = files[0]  # a spec with planted gaps: its findings need positions
    clean = str(generate(root / "clean", 1, args.steps, gaps=0.0)[0])  # no findings
    schema = root / "schema.json"
    schema.write_bytes(subprocess.run([*tools.servicespec, "schema"], capture_output=True,
                                      check=True).stdout)

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"servicespec: {' '.join(tools.servicespec)} — {install_kind(tools)}")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"catalogue: {n:,} specs x {args.steps} steps ({size_mb:.1f} MB); scaling: "
          f"{n_big:,} specs; big spec: {args.big_steps} steps; one spec: "
          f"{Path(one).read_text(encoding='utf-8').count(chr(10))} lines")
    print()
    print("timings (wall clock; full runs: best of "
          f"{args.full_repeat}, one-file runs: median of {args.cold_repeat})")

    env = tools.env
    # 1. the full lint, against PyYAML's C loader on the same files
    full: list[Run] = []
    pyyaml: list[Run] = []
    for _ in range(args.full_repeat):
        full.append(run(lint_cmd(tools, "--no-cache", str(catalogue)), env, sample=True))
        pyyaml.append(run([tools.python, "-c", PYYAML_LOAD, *files], env))
    ss_full, yaml_full = best(full), best(pyyaml)
    show(f"servicespec lint --no-cache ({n:,} specs)", ss_full)
    show(f"PyYAML yaml.load(CSafeLoader) ({n:,} specs)", yaml_full)
    cjs = yl = None
    if not args.no_baselines and tools.check_jsonschema:
        cjs = run([*tools.check_jsonschema, "--schemafile", str(schema), *files], env)
        show(f"check-jsonschema ({n:,} specs)", cjs)
    if not args.no_baselines and tools.yamllint:
        yl = run([*tools.yamllint, "-d", "relaxed", str(catalogue)], env)
        show(f"yamllint -d relaxed ({n:,} specs)", yl)

    # 5. one process against one per core; the outputs, and the cached output, identical
    one_core = run(lint_cmd(tools, "--no-cache", "--jobs", "1", "--format", "json",
                            str(catalogue)), env, capture=True)
    cores = os.cpu_count() or 1
    all_cores = run(lint_cmd(tools, "--no-cache", "--jobs", str(cores), "--format", "json",
                             str(catalogue)), env, sample=True, capture=True)
    shutil.rmtree(root / "cache", ignore_errors=True)
    first_cached = run(lint_cmd(tools, "--format", "json", str(catalogue)), env, capture=True)
    warm_cached = run(lint_cmd(tools, "--format", "json", str(catalogue)), env, capture=True)
    show(f"servicespec --jobs 1 --format json ({n:,} specs)", one_core)
    show(f"servicespec --jobs {cores} --format json ({n:,} specs)", all_cores)
    show(f"servicespec, empty cache: lints and writes it ({n:,})", first_cached)
    show(f"servicespec, warm cache ({n:,} specs)", warm_cached)
    identical = one_core.output == all_cores.output == first_cached.output == \
        warm_cached.output and one_core.code == all_cores.code == warm_cached.code
    findings = len(json.loads(one_core.output).get("findings", [])) if one_core.output else 0

    # 2. scaling
    scaled = best([run(lint_cmd(tools, "--no-cache", str(big_catalogue)), env, sample=True)
                   for _ in range(args.full_repeat)])
    show(f"servicespec lint --no-cache ({n_big:,} specs)", scaled)
    big = [run(lint_cmd(tools, "--no-cache", str(big_spec)), env)
           for _ in range(max(1, min(args.cold_repeat, 5)))]
    show(f"servicespec lint --no-cache (one {args.big_steps}-step spec)", median_wall(big))

    rows3, ok3 = cold_start(tools, one, clean, root, args.cold_repeat)

    # 4. memory
    mem_n = max(ss_full.tree_rss_mb, ss_full.max_rss_mb)
    mem_big = max(scaled.tree_rss_mb, scaled.max_rss_mb)

    rows: list[Row] = []
    ratio1 = ss_full.wall / yaml_full.wall
    ok1 = ratio1 < 1.0
    rows.append(Row("1", f"full lint, {n:,} specs x {args.steps} steps (no cache)",
                    fmt_s(ss_full.wall), f"PyYAML CSafeLoader load {fmt_s(yaml_full.wall)}",
                    f"{ratio1:.2f}", "< 1.0", verdict(ok1)))
    if cjs is not None:
        ratio = cjs.wall / ss_full.wall
        ok1 = ok1 and ratio >= 20
        rows.append(Row("", "", "", f"check-jsonschema {fmt_s(cjs.wall)}",
                        f"{ratio:.0f}x faster", ">= 20x", verdict(ratio >= 20)))
    else:
        rows.append(Row("", "", "", "check-jsonschema not run", "", ">= 20x", "n/a"))
    if yl is not None:
        rows.append(Row("", "", "", f"yamllint -d relaxed {fmt_s(yl.wall)}",
                        f"{yl.wall / ss_full.wall:.0f}x faster", "", ""))
    rows.append(Row("", "  with a warm cache", fmt_s(warm_cached.wall),
                    f"PyYAML CSafeLoader load {fmt_s(yaml_full.wall)}",
                    f"{warm_cached.wall / yaml_full.wall:.2f}", "", ""))

    ratio2 = scaled.wall / ss_full.wall
    big_wall = median_wall(big)
    ok2 = ratio2 <= 1.1 * args.scale and big_wall < 1.0
    rows.append(Row("2", f"scaling: {n_big:,} specs against {n:,}", fmt_s(scaled.wall),
                    f"{n:,} specs {fmt_s(ss_full.wall)}", f"{ratio2:.2f}",
                    f"<= {1.1 * args.scale:.1f}", verdict(ratio2 <= 1.1 * args.scale)))
    rows.append(Row("", f"  one {args.big_steps}-step spec, cold", fmt_s(big_wall), "", "",
                    "< 1 s", verdict(big_wall < 1.0)))

    rows += rows3

    ok4 = mem_n < 300
    rows.append(Row("4", f"peak memory, {n:,} specs (tree RSS)", f"{mem_n:.0f} MB",
                    f"largest process {ss_full.max_rss_mb:.0f} MB", "", "< 300 MB",
                    verdict(ok4)))
    rows.append(Row("", f"  {n_big:,} specs (tree RSS)", f"{mem_big:.0f} MB",
                    f"{n:,} specs {mem_n:.0f} MB", f"{mem_big / mem_n:.2f}", "flat", ""))

    speedup = one_core.wall / all_cores.wall
    busy = all_cores.cpu / all_cores.wall
    ok5 = identical and (cores < 2 or speedup > 1.3)
    rows.append(Row("5", f"cores: {cores} processes against 1", fmt_s(all_cores.wall),
                    f"1 process {fmt_s(one_core.wall)}", f"{speedup:.2f}x faster",
                    "> 1.3x", verdict(cores < 2 or speedup > 1.3)))
    rows.append(Row("", "  cores busy (cpu / wall)", f"{busy:.2f}", "", "", "", ""))
    rows.append(Row("", f"  output identical: 1 / {cores} processes, cache",
                    "yes" if identical else "NO", f"{findings:,} findings", "", "identical",
                    verdict(identical)))
    all_ok = all(x is not False for x in (ok1, ok2, ok3, ok4, ok5))
    return rows, all_ok


# a cold start on one spec with findings, against yamllint on the same file
COLD_TARGET = 0.8


def cold_start(tools: Tools, one: str, clean: str, root: Path, repeat: int
               ) -> tuple[list[Row], bool | None]:
    """Figure 3: `repeat` rounds of every run; the median time of each, and the median of the
    rounds' ratios against yamllint."""
    env = tools.env
    cold: dict[str, list[Run]] = {"pass": [], "yamllint": [], "no-cache": [], "first": [],
                                  "warm": [], "yamllint-clean": [], "clean": []}
    cold_cache = {"SERVICESPEC_CACHE_DIR": str(root / "cold-cache")}
    for _ in range(repeat):
        cold["pass"].append(run([tools.python, "-c", "pass"], env))
        if tools.yamllint:
            cold["yamllint"].append(run([*tools.yamllint, "-d", "relaxed", one], env))
        cold["no-cache"].append(run(lint_cmd(tools, "--no-cache", one), env))
        shutil.rmtree(root / "cold-cache", ignore_errors=True)
        cold["first"].append(run(lint_cmd(tools, one), cold_cache))
        cold["warm"].append(run(lint_cmd(tools, one), cold_cache))
        if tools.yamllint:
            cold["yamllint-clean"].append(run([*tools.yamllint, "-d", "relaxed", clean], env))
        cold["clean"].append(run(lint_cmd(tools, "--no-cache", clean), env))
    t_pass = median_wall(cold["pass"])
    t_yl = median_wall(cold["yamllint"]) if cold["yamllint"] else None
    t_cold, t_first, t_warm, t_clean = (median_wall(cold[k])
                                        for k in ("no-cache", "first", "warm", "clean"))
    t_yl_clean = median_wall(cold["yamllint-clean"]) if cold["yamllint-clean"] else None
    clean_exit = cold["clean"][0].code
    show("python -c pass", t_pass)
    if t_yl is not None:
        show("yamllint -d relaxed (one spec)", t_yl)
    show("servicespec lint --no-cache (one spec)", t_cold)
    show("servicespec lint, empty cache: lints and writes it", t_first)
    show("servicespec lint, warm cache (one spec)", t_warm)
    if t_yl_clean is not None:
        show("yamllint -d relaxed (one spec without findings)", t_yl_clean)
    show(f"servicespec lint --no-cache (one spec without findings, exit {clean_exit})",
         t_clean)

    # the ratios: the median of each round's servicespec run against its yamllint run
    rows: list[Row] = []
    ok: bool | None = None
    target = f"<= {COLD_TARGET}"
    if t_yl is not None:
        ratio = paired_ratio(cold["no-cache"], cold["yamllint"])
        ok = ratio <= COLD_TARGET
        rows.append(Row("3", "cold start, one spec with findings, no cache", fmt_s(t_cold),
                        f"yamllint {fmt_s(t_yl)}", f"{ratio:.2f}", target, verdict(ok)))
        rows.append(Row("", "  first run, empty cache (writes it)", fmt_s(t_first),
                        f"yamllint {fmt_s(t_yl)}",
                        f"{paired_ratio(cold['first'], cold['yamllint']):.2f}", "", ""))
        rows.append(Row("", "  warm cache", fmt_s(t_warm), f"yamllint {fmt_s(t_yl)}",
                        f"{paired_ratio(cold['warm'], cold['yamllint']):.2f}", "", ""))
    if t_yl_clean is not None:
        rows.append(Row("", "  a spec without findings, no cache", fmt_s(t_clean),
                        f"yamllint {fmt_s(t_yl_clean)}",
                        f"{paired_ratio(cold['clean'], cold['yamllint-clean']):.2f}", "", ""))
    else:
        rows.append(Row("3", "cold start, one spec, no cache", fmt_s(t_cold),
                        "yamllint not installed", "", target, "n/a"))
    rows.append(Row("", "  floor: python -c pass", fmt_s(t_pass), "", "", "", ""))
    return rows, ok


def print_table(rows: list[Row]) -> None:
    print()
    header = Row("#", "figure", "value", "against", "ratio", "target", "met")
    cols = list(zip(*[(r.number, r.figure, r.value, r.against, r.ratio, r.target, r.met)
                      for r in [header, *rows]], strict=False))
    widths = [max(len(c) for c in col) for col in cols]
    for r in [header, *rows]:
        cells = (r.number, r.figure, r.value, r.against, r.ratio, r.target, r.met)
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip())
        if r is header:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    sys.exit(main())
