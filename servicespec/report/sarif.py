"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

The run carries the metadata of every rule that reported (id, name, short and full
description, help text and URI, default level), so code scanning can explain an alert without
servicespec installed. Columns are Unicode code points, as the loader counts them.
"""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..diagnostics import Diagnostic, Related, Severity, Suppressed
from ..jsontext import dumps
from ..results import LintResult, PolicyInfo
from ..rules import ALL_RULES, GROUPS

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# where `docs/rules.md` is published; each rule has an anchor named by its lower-case code
RULES_DOC_URL = "https://github.com/servicespec/servicespec/blob/main/docs/rules.md"
INFORMATION_URI = "https://github.com/servicespec/servicespec"
FINGERPRINT_KEY = "servicespec/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _paragraphs(text: str) -> str:
    """Docstring text with its hard line breaks undone (paragraphs kept)."""
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())


def policy_descriptor(policy: PolicyInfo) -> dict[str, Any]:
    """An organisation policy described as a rule is: its own text, what it checks, and the
    team's page when it gives one."""
    why = _paragraphs(policy.description) or policy.summary
    help_text = f"{why}\n\nChecks {policy.checks}."
    help_md = (f"{why}\n\nChecks {policy.checks.replace('`', '')}.\n\n"
               f"`servicespec explain {policy.code}` prints this text.")
    out = {
        "id": policy.code,
        "name": policy.name,
        "shortDescription": {"text": policy.summary},
        "fullDescription": {"text": why},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVELS[policy.severity]},
        "properties": {"tags": ["policy", "organisation policy"], "precision": "very-high"},
    }
    if policy.url:
        out["helpUri"] = policy.url
    return out


def rule_descriptor(code: str, fallback_name: str = "",
                    policies: dict[str, PolicyInfo] | None = None) -> dict[str, Any]:
    rule = ALL_RULES.get(code)
    if rule is None and policies and code in policies:
        return policy_descriptor(policies[code])
    if rule is None:  # a code with no registered rule (should not happen): minimal metadata
        return {"id": code, "name": fallback_name or code,
                "shortDescription": {"text": fallback_name or code}}
    docs = rule.docs()
    why = _paragraphs(docs.why) or rule.summary
    help_text = why
    help_md = why
    for heading, example in (("Bad", docs.bad.strip("\n")), ("Good", docs.good.strip("\n"))):
        if example:
            help_text += f"\n\n{heading}:\n{example}"
            help_md += f"\n\n{heading}:\n\n```yaml\n{example}\n```"
    help_md += f"\n\n`servicespec explain {rule.code}` prints this text."
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": why},
        "help": {"text": help_text, "markdown": help_md},
        "helpUri": f"{RULES_DOC_URL}#{rule.code.lower()}",
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.group, GROUPS[rule.group].title],
                       "precision": "very-high"},
    }


def artifact_uri(file: str) -> tuple[str, bool]:
    """(URI, relative?): relative paths stay relative to the checkout (`%SRCROOT%`)."""
    if os.path.isabs(file):
        return PurePath(file).as_uri(), False
    return quote(PurePath(file).as_posix(), safe="/-._~"), True


def _result(diag: Diagnostic, index: dict[str, int], baseline_state: str | None
            ) -> dict[str, Any]:
    uri, relative = artifact_uri(diag.file)
    location: dict[str, Any] = {"uri": uri}
    if relative:
        location["uriBaseId"] = "%SRCROOT%"
    region = {"startLine": max(diag.line, 1), "startColumn": max(diag.column, 1),
              "endLine": max(diag.end_line, diag.line, 1),
              "endColumn": max(diag.end_column, 1)}
    if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
        region["endColumn"] = region["startColumn"]
    out: dict[str, Any] = {
        "ruleId": diag.code,
        "ruleIndex": index[diag.code],
        "level": LEVELS[diag.severity],
        "message": {"text": diag.message},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: diag.fingerprint},
    }
    if diag.element:
        out["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": diag.element}]
    if diag.related:  # the shared elements, in their libraries' files
        out["relatedLocations"] = [_related(i, r) for i, r in enumerate(diag.related)]
    if baseline_state:
        out["baselineState"] = baseline_state
    return out


def _related(i: int, related: Related) -> dict[str, Any]:
    uri, relative = artifact_uri(related.file)
    location: dict[str, Any] = {"uri": uri}
    if relative:
        location["uriBaseId"] = "%SRCROOT%"
    region = {"startLine": max(related.line, 1), "startColumn": max(related.column, 1)}
    return {"id": i, "message": {"text": related.message},
            "physicalLocation": {"artifactLocation": location, "region": region}}


def _suppressed(item: Suppressed, index: dict[str, int]) -> dict[str, Any]:
    """A suppressed finding: reported, with the comment that hid it as its justification
    (viewers show it as dismissed)."""
    out = _result(item.diagnostic, index, None)
    out["suppressions"] = [{"kind": "inSource", "justification": item.reason}]
    return out


def document(result: LintResult, *, baselined: bool = False) -> dict[str, Any]:
    suppressed = result.suppressed
    diagnostics = result.diagnostics
    names = {d.code: d.name for d in [*diagnostics, *(s.diagnostic for s in suppressed)]}
    codes = sorted(names)
    index = {code: i for i, code in enumerate(codes)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "servicespec",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [rule_descriptor(code, names[code], result.policies) for code in codes],
        }},
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index, "new" if baselined else None) for d in diagnostics]
        + [_suppressed(s, index) for s in suppressed],
    }
    if any(artifact_uri(d.file)[1] for d in [*diagnostics, *(s.diagnostic for s in suppressed)]):
        run["originalUriBaseIds"] = {"%SRCROOT%": {
            "description": {"text": "The folder servicespec was run from."}}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: LintResult, *, baselined: bool = False) -> str:
    return dumps(document(result, baselined=baselined))
