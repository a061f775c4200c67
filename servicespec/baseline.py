"""Baselines: record today's findings, then report only new ones.

A finding is known when the baseline holds an entry with the same file and fingerprint. The
fingerprint is made of the rule code and the element's id path (see `source.element_path`), or
for a finding about the whole file a position-free name of the problem
(`loader.file_diagnostic`), never of a line, so edits elsewhere in the file do not bring old
findings back. File paths are
stored relative to the baseline file's folder, so a run from another directory still matches.

The file is JSON, versioned and sorted, with the message beside each fingerprint so that a
reviewer can read in a pull request which findings a change accepts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from .fsutil import FileTooLarge, NotRegularFile, read_regular, write_atomic
from .jsontext import dumps, loads
from .results import FileResult, LintResult

VERSION = 1
# About 50,000 findings; a larger file is refused before it is parsed, so a baseline cannot
# exhaust memory.
MAX_BASELINE_BYTES = 16 * 1024 * 1024


class BaselineError(Exception):
    """The baseline file cannot be read or is not a servicespec baseline."""


@dataclass(frozen=True, order=True)
class Entry:
    file: str
    code: str
    element: str
    fingerprint: str
    message: str = field(compare=False)

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "code": self.code, "element": self.element,
                "fingerprint": self.fingerprint, "message": self.message}


@dataclass
class Baseline:
    entries: list[Entry]
    folder: Path  # entry paths are relative to it

    def key(self, file: str) -> str:
        return relative_key(file, self.folder)


@dataclass
class Comparison:
    """A lint result measured against a baseline."""

    result: LintResult  # the same files, with only the findings the baseline does not know
    known: int  # findings hidden because the baseline has them
    fixed: list[Entry]  # baseline entries of the linted files that no longer occur


def relative_key(file: str, folder: Path) -> str:
    """`file` relative to `folder`, with `/` separators (`<stdin>` stays as it is)."""
    if file.startswith("<"):
        return file
    try:
        rel = os.path.relpath(os.path.abspath(file), os.path.abspath(folder))
    except ValueError:  # another drive on Windows
        rel = os.path.abspath(file)
    return PurePath(rel).as_posix()


def entries(result: LintResult, folder: Path) -> list[Entry]:
    return sorted(Entry(relative_key(d.file, folder), d.code, d.element, d.fingerprint,
                        d.message) for d in result.diagnostics)


def read_baseline(path: str | os.PathLike[str]) -> Baseline:
    where = Path(path)
    try:
        data = loads(read_regular(where, MAX_BASELINE_BYTES))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} not found: create it with --write-baseline "
                            f"{path}") from None
    except (FileTooLarge, NotRegularFile) as exc:
        raise BaselineError(f"cannot read baseline {path}: it {exc.strerror}: a baseline "
                            "is the JSON file --write-baseline writes") from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {path} is not JSON: {exc}") from None
    except ValueError as exc:  # nested too deeply, or a number too long
        raise BaselineError(f"baseline {path} is not a servicespec baseline: {exc}: write "
                            "it again with --write-baseline") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise BaselineError(f"baseline {path} is not a servicespec baseline of version "
                            f"{VERSION}: write it again with --write-baseline")
    found = data.get("findings")
    if not isinstance(found, list):
        raise BaselineError(f"baseline {path} has no `findings` list")
    out = []
    for i, item in enumerate(found):
        values = item if isinstance(item, dict) else {}
        keys = ("file", "code", "element", "fingerprint", "message")
        if not all(isinstance(values.get(k, ""), str) for k in keys) or not (
                values.get("file") and values.get("fingerprint")):
            raise BaselineError(f"baseline {path}: entry {i} needs text `file` and "
                                "`fingerprint`")
        out.append(Entry(*(values.get(k, "") for k in keys)))
    return Baseline(out, where.resolve().parent)


def write_baseline(path: str | os.PathLike[str], result: LintResult) -> int:
    """Record the findings of `result`; returns how many entries the file holds.

    Entries of files that this run did not lint are kept from the existing baseline, so a run
    on one file does not forget the others.
    """
    folder = Path(path).resolve().parent
    linted = {relative_key(f.file, folder) for f in result.files}
    kept: list[Entry] = []
    if Path(path).exists():
        try:
            kept = [e for e in read_baseline(path).entries if e.file not in linted]
        except BaselineError:
            kept = []  # an unreadable old baseline is replaced
    all_entries = sorted(set(entries(result, folder)) | set(kept))
    document = {
        "version": VERSION,
        "tool": "servicespec",
        "comment": "Known findings: `servicespec lint --baseline` reports only findings not "
                   "listed here. Regenerate with --write-baseline.",
        "findings": [e.to_dict() for e in all_entries],
    }
    write_atomic(path, dumps(document))
    return len(all_entries)


def compare(result: LintResult, baseline: Baseline) -> Comparison:
    known_keys = {(e.file, e.fingerprint) for e in baseline.entries}
    seen: set[tuple[str, str]] = set()
    files = []
    known = 0
    for file_result in result.files:
        key = baseline.key(file_result.file)
        new = []
        for diag in file_result.diagnostics:
            if (key, diag.fingerprint) in known_keys:
                seen.add((key, diag.fingerprint))
                known += 1
            else:
                new.append(diag)
        files.append(FileResult(file_result.file, new, file_result.spec, file_result.text,
                                file_result.suppressed, file_result.policies))
    linted = {baseline.key(f.file) for f in result.files}
    fixed = [e for e in sorted(baseline.entries)
             if e.file in linted and (e.file, e.fingerprint) not in seen]
    return Comparison(LintResult(files), known, fixed)
