"""Text -> plain data + SourceMap + file-level diagnostics.

Parsing is libyaml's (PyYAML's CParser, a C core) event stream; this module builds the plain
data from the events itself instead of letting PyYAML construct it, because that is where
servicespec needs to differ from PyYAML:
- YAML 1.2 core-schema scalars (`no`, `on`, `2024-01-01` stay strings; PyYAML is YAML 1.1);
- every key and value keeps its span (SourceMap);
- duplicate keys are reported (PyYAML keeps the last one silently);
- merge keys (`<<: *defaults`) merge as in PyYAML, ruamel and the editors' YAML;
- no tags are constructed, so nothing from the file ever names Python code;
- limits on depth, node count and alias expansion hold against bombs, checked while the
  stream is read, so memory and time stay bounded. Building from events is iterative:
  10,000-level nesting cannot overflow the C stack.
JSON is YAML 1.2, so `.json` files take the same path and get the same positions.
"""

from __future__ import annotations

import bisect
import codecs
import errno
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from .diagnostics import FILE_CODES, Diagnostic, Severity, fingerprint
from .fsutil import FileTooLarge, NotRegularFile, open_regular, read_regular
from .source import Path, RawSpan, SourceMap, Span, element_path
from .textutil import path_text, shown, yaml_quoted

if TYPE_CHECKING:
    import yaml


@dataclass(frozen=True)
class Limits:
    """Input limits; each one exceeded is an SS009 finding, never a hang."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 500_000
    max_alias_nodes: int = 10_000


DEFAULT_LIMITS = Limits()


@dataclass
class Loaded:
    """What the loader makes of one file."""

    file: str
    text: str
    data: Any = None
    source: SourceMap = field(default_factory=SourceMap)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the data can be handed to the model."""
        return isinstance(self.data, dict)


def file_diagnostic(file: str, code: str, message: str, span: Span,
                    severity: Severity = Severity.ERROR, *, element: str = "",
                    problem: str = "") -> Diagnostic:
    """A finding about the file itself. Its fingerprint is made of the code and what it is
    about, never of a position, so that it survives lines moving (baselines match on it):
    `element`, the id path of the key or value concerned, or for a finding about the whole
    file (a syntax error, a limit) `problem`, a position-free name of it. The message cannot
    serve: it may name lines."""
    return Diagnostic(code, FILE_CODES[code], severity, message, file,
                      span.line, span.column, span.end_line, span.end_column,
                      element, fingerprint(code, element or problem))


def _raw_to_span(raw: RawSpan) -> Span:
    return Span.from_raw(raw)


# --- reading bytes -------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_text(path: str | FsPath, limits: Limits = DEFAULT_LIMITS,
              display: str | None = None) -> str | Loaded:
    """The decoded text of one file, or a Loaded holding the diagnostic that stopped it.

    The file is read once, and only if it is a regular file: a FIFO or a device would block
    or never end. A symbolic link is followed only to a file inside the working folder, so a
    link planted in a repository (`spec.yaml -> /proc/self/environ`) is not read.
    """
    name = display or path_text(str(path))
    try:
        if not followable(path):
            return _unreadable(name, "is a symbolic link out of the working folder: lint the "
                                     "file it points to by its own name", "symbolic link")
        raw = read_regular(path, limits.max_file_bytes)
    except FileTooLarge:
        return _too_big(name, limits)
    except NotRegularFile:
        return _unreadable(name, "is not a regular file (a FIFO, device or socket?): "
                                 "lint spec files only", "not a regular file")
    except OSError as exc:
        return _unreadable(name, f"cannot be read: {exc.strerror or exc}", "unreadable")
    return decode(raw, name, limits)


def followable(path: str | FsPath) -> bool:
    """False for a symbolic link out of the working folder: such a file is not read."""
    if not os.path.islink(path):
        return True
    here = os.path.realpath(os.getcwd())
    return os.path.commonpath([here, os.path.realpath(path)]) == here


# A spec declares itself in its first lines: `apiVersion: servicespec/v1` (YAML, any quoting)
# or `{"apiVersion": "servicespec/v1", ...}` (JSON).
SPEC_HEAD_BYTES = 8192
_DECLARES_SPEC = re.compile(
    r"""(?:^|[{,])[ \t]*["']?apiVersion["']?[ \t]*:[ \t]*["']?servicespec/""", re.MULTILINE)


def declares_spec(path: str) -> bool:
    """Whether `path` says it is a spec in its first SPEC_HEAD_BYTES: how a folder walk tells
    specs from the other YAML and JSON of a repository. Only regular files, never through a
    symbolic link; a file that cannot be read is taken (linting it reports why)."""
    try:
        with open_regular(path, follow_symlinks=False) as fh:
            head = fh.read(SPEC_HEAD_BYTES)
    except NotRegularFile:  # a FIFO, a device or a symbolic link
        return False
    except OSError as exc:
        return exc.errno not in (errno.ELOOP, errno.ENOENT, errno.ENOTDIR)
    encoding = "utf-8"
    for bom, enc in _BOMS:
        if head.startswith(bom):
            head, encoding = head[len(bom):], enc
            break
    # a multi-byte character cut at the end of the head is not a reason to say no
    return declares_spec_text(head.decode(encoding, "replace"))


def declares_spec_text(text: str) -> bool:
    """Whether a text says it is a spec near its top (`apiVersion: servicespec/...`)."""
    return bool(_DECLARES_SPEC.search(text[:SPEC_HEAD_BYTES]))


def read_file(path: str | FsPath, limits: Limits = DEFAULT_LIMITS,
              display: str | None = None) -> Loaded:
    """Read and load one file; every failure becomes a diagnostic naming the file."""
    text = read_text(path, limits, display)
    return text if isinstance(text, Loaded) else load_text(text, display or str(path), limits)


def _unreadable(name: str, why: str, problem: str) -> Loaded:
    return Loaded(name, "", diagnostics=[file_diagnostic(
        name, "SS010", f"file {why}", Span(1, 1, 1, 1), problem=problem)])


def _too_big(name: str, limits: Limits) -> Loaded:
    return Loaded(name, "", diagnostics=[file_diagnostic(
        name, "SS009", f"file is over the limit of {limits.max_file_bytes:,} bytes: split the "
                       "service into smaller specs or raise `max_file_bytes`", Span(1, 1, 1, 1),
        problem="max_file_bytes")])


def decode(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> str | Loaded:
    """Bytes -> text, honouring a byte-order mark; invalid bytes are an SS001 finding."""
    if len(raw) > limits.max_file_bytes:
        return _too_big(file, limits)
    encoding = "utf-8"
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            raw, encoding = raw[len(bom):], enc
            break
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n")
        column = exc.start - (before.rfind(b"\n") + 1)
        text = raw.decode(encoding, errors="replace")
        return Loaded(file, text, diagnostics=[file_diagnostic(
            file, "SS001",
            f"invalid {encoding.upper()} (byte 0x{raw[exc.start]:02x}): save the file as UTF-8",
            Span(line + 1, column + 1, line + 1, column + 2), problem="encoding")])


_SURROGATE = re.compile("[\ud800-\udfff]")


def load_bytes(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    text = decode(raw, file, limits)
    return text if isinstance(text, Loaded) else load_text(text, file, limits)


# --- YAML 1.2 core schema ------------------------------------------------------------------

_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
# at most MAX_DIGITS digits: no field of a spec takes a longer number, and Python refuses to
# print one of over 4,300 digits (the builder reports a longer one as SS002)
MAX_DIGITS = 100
_INT = re.compile(rf"[-+]?[0-9]{{1,{MAX_DIGITS}}}\Z")
_INT8 = re.compile(rf"0o[0-7]{{1,{MAX_DIGITS}}}\Z")
_INT16 = re.compile(rf"0x[0-9a-fA-F]{{1,{MAX_DIGITS}}}\Z")
_LONG = f"{{{MAX_DIGITS + 1},}}"
_LONG_NUMBER = re.compile(rf"(?:[-+]?[0-9]{_LONG}|0o[0-7]{_LONG}|0x[0-9a-fA-F]{_LONG})\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")
_MAYBE_NOT_STR = frozenset("0123456789+-.~nNtTfF")

_TAG = "tag:yaml.org,2002:"


def looks_like_number(value: str) -> bool:
    """A number too long to be one: plain, it is SS002 (quoted, it is text)."""
    return bool(_LONG_NUMBER.match(value))


def resolve_plain(value: str) -> Any:
    """A plain (unquoted, untagged) scalar under the YAML 1.2 core schema."""
    if value and value[0] not in _MAYBE_NOT_STR:
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if looks_like_number(value):
        return value  # reported by the builder; kept as the text it is
    if _INT.match(value):
        return int(value)
    if _INT8.match(value):
        return int(value[2:], 8)
    if _INT16.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value[0] == "-" else math.inf
    if _NAN.match(value):
        return math.nan
    return value


class _Stop(Exception):
    """Loading ends here; the diagnostic has been recorded."""


_DROP = object()  # a key whose value is read but not kept
_MERGE = object()  # a merge key (`<<`): its value is merged when the mapping ends


class _Builder:
    def __init__(self, file: str, limits: Limits, lines: LineIndex | None = None) -> None:
        self.file = file
        self.lines = lines
        self.limits = limits
        self.source = SourceMap()
        self.diagnostics: list[Diagnostic] = []
        # findings about a key, named by their element once the data is built (list items
        # are named by their `id`, which may come later): (code, message, span, path)
        self.keyed: list[tuple[str, str, RawSpan, Path]] = []
        self.root: Any = None  # the data so far, kept when loading stops
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.alias_nodes = 0
        # nodes as the data will have them, aliases expanded: an anchor's size counts the
        # aliases inside it at their full size, so nested bombs are measured as they grow
        self.expanded = 0

    def report(self, code: str, message: str, raw: RawSpan, problem: str) -> None:
        self.diagnostics.append(file_diagnostic(self.file, code, message, _raw_to_span(raw),
                                                problem=problem))

    def report_key(self, code: str, message: str, raw: RawSpan, path: Path | None,
                   problem: str) -> None:
        """A finding about a key at `path` (None under a key that is not kept)."""
        if path is None:
            self.report(code, message, raw, problem)
        else:
            self.keyed.append((code, message, raw, path))

    def findings(self) -> list[Diagnostic]:
        return self.diagnostics + [
            file_diagnostic(self.file, code, message, _raw_to_span(raw),
                            element=element_path(self.root, path))
            for code, message, raw, path in self.keyed]

    def limit(self, message: str, raw: RawSpan, setting: str) -> None:
        self.report("SS009", message, raw, setting)
        raise _Stop

    def scalar(self, ev: Any, raw: RawSpan) -> Any:
        tag = ev.tag
        value = ev.value
        if (tag is None and not ev.implicit[0]) or tag == "!" or tag == _TAG + "str":
            return value  # quoted or block text
        if tag in (None, _TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"):
            if looks_like_number(value):
                self.report("SS002", f"a number of {len(value):,} characters: no field of a "
                                     "spec takes one this long; if it is text, quote it", raw,
                            f"long number {shown(value)}")
            return resolve_plain(value)
        self.unsupported_tag(tag, raw)
        return value

    def unsupported_tag(self, tag: str, raw: RawSpan) -> None:
        name = shown(tag.replace(_TAG, "!!"))
        self.report("SS002", f"YAML tag '{name}' is not supported: a spec holds plain data "
                             "only; remove the tag", raw, f"tag {name}")

    def span(self, start: Any, end: Any) -> RawSpan:
        """A raw span from two libyaml marks, in lines as editors count them."""
        if self.lines is None:
            return (start.line, start.column, end.line, end.column)
        return (*self.lines.position(start.index), *self.lines.position(end.index))

    def build(self, events: Any) -> Any:
        import yaml  # imported where it is used: the fast path never needs it

        node_events = _node_events()
        limits = self.limits
        source_keys = self.source.keys
        source_values = self.source.values
        # frame: [container, path, pending key (None until a key is read), key span, anchor,
        #         node count at start, start mark, merge values (key span, value, value span)]
        stack: list[list[Any]] = []
        root: Any = None
        have_root = False
        documents = 0

        for ev in events:
            cls = type(ev)
            if cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line, column = self.span(ev.start_mark, ev.start_mark)[:2]
                    self.report("SS001", "several YAML documents in one file: a spec file "
                                "holds one service; split the documents into files",
                                (line, column, line, column + 3), "several documents")
                    raise _Stop
                continue
            if cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame[7]:
                    self.merge(frame)
                sm, em = frame[6], ev.end_mark
                if frame[1] is not None:
                    source_values[frame[1]] = self.span(sm, em)
                if frame[4] is not None:
                    self.anchors[frame[4]] = (frame[0], self.expanded - frame[5] + 1)
                continue
            if cls not in node_events:
                continue

            sm, em = ev.start_mark, ev.end_mark
            raw = self.span(sm, em)
            self.nodes += 1
            if cls is not yaml.AliasEvent:
                self.expanded += 1
            if self.nodes > limits.max_nodes:
                self.limit(f"more than {limits.max_nodes:,} YAML nodes: split the service "
                           "or raise `max_nodes`", raw, "max_nodes")

            # A node is either a mapping key, a mapping value, a sequence item or the root.
            parent = stack[-1] if stack else None
            if parent is not None and type(parent[0]) is dict and parent[2] is None:
                self.mapping_key(parent, ev, cls, raw)
                continue

            if cls is yaml.AliasEvent:
                value = self.alias(ev, raw)
            elif cls is yaml.ScalarEvent:
                value = self.scalar(ev, raw)
            else:
                value = {} if cls is yaml.MappingStartEvent else []
                if ev.tag not in (None, "!", _TAG + "map", _TAG + "seq"):
                    self.unsupported_tag(ev.tag, raw)

            if parent is None:
                path: Path | None = ()
                root, have_root = value, True
                self.root = root
            else:
                container = parent[0]
                if type(container) is list:
                    path = parent[1] + (len(container),) if parent[1] is not None else None
                    container.append(value)
                else:
                    key = parent[2]
                    parent[2] = None
                    if key is _DROP:
                        path = None
                    elif key is _MERGE:
                        path = None
                        if value is not None or cls is not yaml.AliasEvent:  # else: SS001
                            parent[7] = [*(parent[7] or ()), (parent[3], value, raw)]
                    else:
                        container[key] = value
                        path = parent[1] + (key,) if parent[1] is not None else None
                        if path is not None:
                            source_keys[path] = parent[3]

            if cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                if len(stack) >= limits.max_depth:
                    self.limit(_nesting_message(limits.max_depth), raw, "max_depth")
                stack.append([value, path, None, None, ev.anchor, self.expanded, sm, None])
            else:
                if path is not None:
                    source_values[path] = raw
                if ev.anchor is not None and cls is yaml.ScalarEvent:
                    self.anchors[ev.anchor] = (value, 1)
        return root if have_root else None

    def mapping_key(self, parent: list[Any], ev: Any, cls: type, raw: RawSpan) -> None:
        import yaml

        if cls is yaml.ScalarEvent:
            key = ev.value  # keys are names: always strings, whatever they look like
            if ev.anchor is not None:
                self.anchors[ev.anchor] = (key, 1)
        elif cls is yaml.AliasEvent and isinstance(self.anchors.get(ev.anchor, (None,))[0], str):
            key = self.alias(ev, raw)  # counted against the alias budget like any other use
        else:
            self.report_key("SS002", "a mapping key must be a plain name, not a list, "
                                     "mapping or alias", raw, parent[1], "complex key")
            if cls in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                raise _Stop  # skipping a complex key's subtree is not worth the machinery
            parent[2], parent[3] = _DROP, raw
            return
        container = parent[0]
        if key == "<<" and cls is yaml.ScalarEvent and ev.implicit[0]:  # quoted: a name
            parent[2], parent[3] = _MERGE, raw
            return
        if key in container:
            path = parent[1] + (key,) if parent[1] is not None else None
            first = self.source.keys.get(path) if path is not None else None
            where = f" (first at line {first[0] + 1})" if first else ""
            self.report_key("SS004", f"duplicate key '{shown(key)}'{where}: YAML keeps only the "
                                     "last value; remove one of them", raw, path,
                            f"key {shown(key)}")
        parent[2], parent[3] = key, raw

    def merge(self, frame: list[Any]) -> None:
        """Apply a mapping's merge keys: `<<: *a` or `<<: [*a, *b]` adds the keys of those
        mappings that the mapping does not set itself; of two merged mappings, the earlier
        wins. The merged keys point at the merge key (their source)."""
        container, path = frame[0], frame[1]
        for key_raw, value, value_raw in frame[7]:
            sources = value if type(value) is list else [value]
            wrong = [s for s in sources if type(s) is not dict]
            if wrong or not sources:
                what = f"a list holding {_described(wrong[0])}" if wrong and wrong[0] is not \
                    value else _described(value)
                self.report_key("SS002", "a merge key (<<) takes a mapping or a list of "
                                         f"mappings, not {what}: write "
                                         "`<<: *defaults` with `defaults` an anchor on a "
                                         "mapping", value_raw, path, "merge value")
                continue
            for source in sources:
                for key, item in source.items():
                    if key in container:
                        continue  # the mapping's own keys and earlier merges win
                    container[key] = item
                    if path is not None:
                        merged = (*path, key)
                        self.source.keys[merged] = key_raw
                        self.source.values[merged] = value_raw

    def alias(self, ev: Any, raw: RawSpan) -> Any:
        if ev.anchor not in self.anchors:
            self.report("SS001", f"alias '*{ev.anchor}' names no anchor defined before it",
                        raw, f"alias {ev.anchor}")
            return None
        value, size = self.anchors[ev.anchor]
        self.alias_nodes += size
        self.expanded += size
        if self.alias_nodes > self.limits.max_alias_nodes:
            self.limit(f"aliases expand to more than {self.limits.max_alias_nodes:,} nodes "
                       "(an alias bomb?): write the values out or raise `max_alias_nodes`",
                       raw, "max_alias_nodes")
        return value


@cache
def _node_events() -> frozenset[type]:
    import yaml

    return frozenset({yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent,
                      yaml.AliasEvent})


def load_text(text: str, file: str, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Parse one document; every problem becomes a diagnostic, nothing is raised."""
    import yaml

    lone = _SURROGATE.search(text)
    if lone is not None:
        # a str from Python (an editor's JSON may carry one) that no file could hold
        line = text.count("\n", 0, lone.start())
        column = lone.start() - (text.rfind("\n", 0, lone.start()) + 1)
        return Loaded(file, text.encode("utf-8", "replace").decode("utf-8"), diagnostics=[
            file_diagnostic(file, "SS001", f"a lone surrogate (U+{ord(lone[0]):04X}) is not "
                            "text: remove it, or write the character it was meant to be",
                            Span(line + 1, column + 1, line + 1, column + 2),
                            problem="encoding")])
    loaded = Loaded(file, text)
    lines = LineIndex(text) if _YAML11_BREAKS.search(text) else None
    builder = _Builder(file, limits, lines)
    data: Any = None
    events: Iterator[Any] = iter(())
    try:
        events = yaml.parse(text, Loader=yaml.CSafeLoader)
        data = builder.build(events)
    except _Stop:
        # the builder stopped (a limit, a complex key): the rest is still read, event by
        # event and bounded by the file's size, so that a syntax error after that point is
        # reported as what it is
        try:
            for _ in events:
                pass
        except yaml.YAMLError as exc:
            diagnostic = _yaml_error_diagnostic(file, exc, text, lines, limits)
            if diagnostic.code == "SS001":
                builder.diagnostics.append(diagnostic)
        data = None
    except yaml.YAMLError as exc:
        builder.diagnostics.append(_yaml_error_diagnostic(file, exc, text, lines, limits))
        data = None
    loaded.source = builder.source
    loaded.diagnostics = builder.findings()
    if (data is not None and not isinstance(data, dict)) or (
            data is None and not loaded.diagnostics):
        what = "empty" if data is None else f"a {_kind(data)}"
        loaded.diagnostics.append(file_diagnostic(
            file, "SS002", f"the file is {what}: a spec is a mapping that starts with "
                           "`apiVersion: servicespec/v1` and `kind: Service` "
                           "(`servicespec init` writes a starter)", Span(1, 1, 1, 1),
            problem="not a mapping"))
        data = None
    loaded.data = data
    return loaded


# libyaml's own nesting limit (yaml_set_max_nest_level, default 1000) and the words of its error
LIBYAML_MAX_NESTING = 1000
_LIBYAML_NESTING = "exceeded maximum nesting depth"


def _nesting_message(levels: int) -> str:
    return (f"nesting deeper than {levels:,} levels: a spec is never this deep; "
            "check the indentation and the brackets")


def _described(value: Any) -> str:
    return "an empty value" if value is None else f"a {_kind(value)}"


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number",
            bool: "boolean"}.get(type(value), type(value).__name__)


def _yaml_error_diagnostic(file: str, exc: yaml.YAMLError, text: str, lines: LineIndex | None,
                           limits: Limits) -> Diagnostic:
    import yaml

    if not isinstance(exc, yaml.MarkedYAMLError):
        return _reader_diagnostic(file, exc, text)  # reader errors carry a position of their own
    diagnostic = _syntax_diagnostic(file, exc, text, lines)
    if exc.problem and _LIBYAML_NESTING in exc.problem:
        # libyaml 0.2.6 and newer stop deep flow nesting themselves, before the builder sees
        # the depth: the same limit, so the same finding as the builder's own
        return file_diagnostic(
            file, "SS009", _nesting_message(min(limits.max_depth, LIBYAML_MAX_NESTING)),
            Span(diagnostic.line, diagnostic.column, diagnostic.end_line,
                 diagnostic.end_column), problem="max_depth")
    return diagnostic


def _syntax_diagnostic(file: str, exc: yaml.MarkedYAMLError, text: str,
                       lines: LineIndex | None = None) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    if mark and lines is not None:
        line, column = lines.position(mark.index)
    problem = exc.problem or "invalid YAML"
    message = f"YAML syntax error: {problem}"
    if exc.context:
        message += f" ({exc.context}"
        if exc.context_mark and mark and exc.context_mark.line != mark.line:
            message += f" at line {exc.context_mark.line + 1}"
        message += ")"
    line, column = _clamp(text, line, column)
    text_lines = text.split("\n")
    if "\t" in text_lines[line][: column + 1]:
        message += ": indent with spaces, YAML does not allow tabs there"
    else:
        context_line = exc.context_mark.line if exc.context_mark else line
        message += _syntax_hint(text_lines, line, column, context_line,
                                "flow" in (exc.context or ""))
    # the parser's words without its marks: what went wrong, wherever it now is
    problem = f"{problem} ({exc.context})" if exc.context else problem
    return file_diagnostic(file, "SS001", message, Span(line + 1, column + 1, line + 1,
                                                          column + 2), problem=problem)


def _syntax_hint(lines: list[str], line: int, column: int, context_line: int,
                 flow: bool) -> str:
    """What usually causes a syntax error at this place, read from the text around it, and
    how to write it instead: texts holding `: `, ` #`, a leading quote or, inside `[…]` and
    `{…}`, a comma, unquoted."""
    here = lines[line]
    if here[column:column + 1] == ":" and ": " in here[_item_start(here, column, flow):column]:
        return (": a colon followed by a space inside a text starts a key; quote the text, "
                f"`{_requoted(here, column, flow)}`")
    if here[:column].rstrip().endswith(('"', "'")) and here[column:column + 1] not in ",]}":
        return (": a text that starts with a quote ends at the closing quote; quote the whole "
                f"text, `{_requoted(here, column, flow)}`")
    if flow:
        for number in range(context_line, line):
            comment = re.search(r"\s#", lines[number])
            if comment:
                return (f": ` #` on line {number + 1} starts a comment, so the rest of that "
                        "line is not read; quote the text, "
                        f"`{_requoted(lines[number], comment.end(), flow)}`")
        opened = _unclosed_bracket(lines, line, column)
        return (": inside `[…]` and `{…}` a comma ends a text and a colon followed by a space "
                "starts a key; quote texts that hold them, and check that the bracket opened "
                f"on line {(context_line if opened is None else opened) + 1} is closed")
    return ""


_QUOTED_OR_COMMENT = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|(?:^|\s)#.*""")
_LOOK_BACK = 500  # lines: a flow collection longer than that is not written by hand


def _unclosed_bracket(lines: list[str], line: int, column: int) -> int | None:
    """The line of the innermost `[` or `{` still open at the error (outside quotes and
    comments): the parser names where the node it was reading starts, often the line after
    the one whose bracket was never closed."""
    depth = 0
    for number in range(line, max(-1, line - _LOOK_BACK), -1):
        text = lines[number][:column] if number == line else lines[number]
        text = _QUOTED_OR_COMMENT.sub(lambda m: " " * len(m[0]), text)
        for char in reversed(text):
            if char in "]}":
                depth += 1
            elif char in "[{":
                if depth == 0:
                    return number
                depth -= 1
    return None


def _requoted(line: str, column: int, flow: bool) -> str:
    """The item of `line` around `column` (`key: text` or `text`) with the text quoted."""
    start = _item_start(line, column, flow)
    ends = [i for i in (line.find(c, column) for c in ",]}") if i >= 0] if flow else []
    item = " ".join(line[start:min(ends, default=len(line))].split())
    key, colon, value = item.partition(": ")
    if not colon or key[:1] in ("'", '"'):
        return yaml_quoted(shown(item, 80))
    return f"{key}: {yaml_quoted(shown(value, 80))}"


def _item_start(line: str, column: int, flow: bool) -> int:
    """Where the item holding `column` starts: after `{`, `[` or `,` in flow style, after the
    indentation and any `- ` in block style."""
    if flow:
        return max(line.rfind(c, 0, column) for c in "{[,") + 1
    return len(line) - len(line.lstrip(" -"))


def _reader_diagnostic(file: str, exc: yaml.YAMLError, text: str) -> Diagnostic:
    position = getattr(exc, "position", None)
    line = column = 0
    if isinstance(position, int):
        before = text[:position]
        line = before.count("\n")
        column = position - (before.rfind("\n") + 1)
    reason = getattr(exc, "reason", None) or str(exc)
    character = getattr(exc, "character", None)
    message = f"YAML syntax error: {reason}"
    if isinstance(character, int):
        message += f" (character U+{character:04X}): remove it or quote it as an escape"
    line, column = _clamp(text, line, column)
    return file_diagnostic(file, "SS001", message, Span(line + 1, column + 1, line + 1,
                                                          column + 2),
                           problem=f"{reason} {character}")


# libyaml follows YAML 1.1 and also breaks lines at NEL, LS and PS; editors (and YAML 1.2)
# break only at LF and CR, so positions in files holding them are counted again from the
# character index.
_YAML11_BREAKS = re.compile("[\x85\u2028\u2029]")


class LineIndex:
    """Character index -> (line, column), 0-based, lines ending at "\\n"."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index) - 1
        return line, index - self.starts[line]


def _clamp(text: str, line: int, column: int) -> tuple[int, int]:
    """Keep a position inside the file (libyaml may point one past the last line)."""
    lines = text.split("\n")
    line = max(0, min(line, len(lines) - 1))
    column = max(0, min(column, len(lines[line])))
    return line, column
