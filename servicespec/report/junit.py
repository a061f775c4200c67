"""`--format junit`: JUnit XML, one test case per file and rule, for CI test tabs.

A file's test suite holds one failing test case per rule that reported in it (the failure's
`type` is the worst severity, its text lists every finding), or one passing case when the file
is clean. No timestamps or durations: the output is the same for the same findings.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from ..diagnostics import Diagnostic
from ..results import LintResult
from ..textutil import XML_UNSAFE, escaped


def xml_text(text: str) -> str:
    """What XML cannot carry, and what a terminal acts on when the report is printed, as \\xNN."""
    return escaped(text.replace("\r\n", "\n"), XML_UNSAFE)


def _line(diag: Diagnostic) -> str:
    where = f" [{diag.element}]" if diag.element else ""
    return (f"{diag.file}:{diag.line}:{diag.column}: {diag.severity.value}: "
            f"{diag.message}{where}")


def render(result: LintResult) -> str:
    root = ET.Element("testsuites", name="servicespec")
    total = failed = 0
    for file_result in result.files:
        file = xml_text(file_result.file)
        suite = ET.SubElement(root, "testsuite", name=file)
        by_rule = groupby(sorted(file_result.diagnostics, key=lambda d: (d.code, d.sort_key)),
                          key=lambda d: (d.code, d.name))
        cases = failures = 0
        for (code, name), group in by_rule:
            found = list(group)
            case = ET.SubElement(suite, "testcase", classname=file,
                                 name=xml_text(f"{code} {name}"), time="0")
            worst = max(found, key=lambda d: d.severity.rank).severity.value
            summary = found[0].message if len(found) == 1 else f"{len(found)} findings"
            failure = ET.SubElement(case, "failure", message=xml_text(summary), type=worst)
            failure.text = xml_text("\n".join(_line(d) for d in found))
            cases += 1
            failures += 1
        if not cases:
            ET.SubElement(suite, "testcase", classname=file, name="servicespec lint", time="0")
            cases = 1
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        total += cases
        failed += failures
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    root.set("time", "0")
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
