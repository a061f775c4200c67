"""Hover, completion, navigation and quick fixes: the protocol's side of `document.py`."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import from_fs_path

from ..model.spec import ID_MAX, ID_PATTERN
from ..source import Path, RawSpan
from .document import (
    Element,
    Parsed,
    candidates,
    every_element,
    field_at,
    model_at,
    parse,
    value_at,
)
from .positions import from_client, split_lines, to_client
from .state import sound

if TYPE_CHECKING:
    from .server import SpecServer

# the outline's symbol for each kind of element
_SYMBOL = {"product": types.SymbolKind.Package, "component": types.SymbolKind.Field,
           "facilitating": types.SymbolKind.Class, "channel": types.SymbolKind.Interface,
           "role": types.SymbolKind.Constructor, "touchpoint": types.SymbolKind.Field,
           "metric": types.SymbolKind.Number, "recovery": types.SymbolKind.Method,
           "persona": types.SymbolKind.Object, "system": types.SymbolKind.Module,
           "opportunity": types.SymbolKind.Key, "regulation": types.SymbolKind.Constant,
           "step": types.SymbolKind.Event, "scenario-step": types.SymbolKind.Event,
           "fail-point": types.SymbolKind.Struct, "pain-point": types.SymbolKind.Struct,
           "scenario": types.SymbolKind.Namespace}
_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")
_QUOTE_IT = re.compile(r"quote it, `(.+)`$")
_FAIL_POINT = re.compile(r"fail point '([^']+)'")
REASON_PLACEHOLDER = "TODO: say why this finding does not apply"


class View:
    """One open document as a feature sees it: its text, lines, parse and catalogue."""

    def __init__(self, ls: SpecServer, uri: str) -> None:
        self.ls, self.uri = ls, uri
        self.path = ls.path_of(uri)
        document = ls.workspace.get_text_document(uri)
        self.text = sound(document.source)
        self.lines = split_lines(self.text)
        self.encoding = ls.encoding
        self.parsed = parse(self.path, self.text)
        snapshot = ls.state.snapshot_of(self.path)
        self.files = snapshot.files
        self.libraries = {lib_id: parse(shared.file, shared.text)
                          for lib_id, shared in snapshot.catalogue.libraries.items()}

    def position(self, pos: types.Position) -> tuple[int, int]:
        return from_client(self.lines, pos.line, pos.character, self.encoding)

    def at(self, pos: types.Position) -> tuple[Path, bool] | None:
        return self.parsed.at(*self.position(pos))

    def other(self, file: str) -> tuple[Parsed, list[str]]:
        """Another file of the catalogue, as the editor holds it or as it is on disk."""
        text = sound(self.ls.text_of(file))
        return parse(file, text), split_lines(text)


def lsp_range_of(lines: list[str], raw: RawSpan, encoding: str) -> types.Range:
    start = to_client(lines, raw[0] + 1, raw[1] + 1, encoding)
    end = to_client(lines, raw[2] + 1, raw[3] + 1, encoding)
    return types.Range(types.Position(*start), types.Position(*end))


def _id_span(parsed: Parsed, element: Element) -> RawSpan | None:
    if element.kind == "library":
        return parsed.span(("metadata", "id"))
    return parsed.span((*element.path, "id"))


def _location(view: View, element: Element) -> types.Location | None:
    parsed, lines = (view.parsed, view.lines) if element.file == view.path \
        else view.other(element.file)
    span = _id_span(parsed, element)
    uri = from_fs_path(element.file) if element.file != view.path else view.uri
    if span is None or uri is None:
        return None
    return types.Location(uri, lsp_range_of(lines, span, view.encoding))


def _resolve(parsed: Parsed, id_: str, libraries: dict[str, Parsed],
             target: str | None = None) -> Element | None:
    """The element an id names from `parsed`: its own first, then its libraries'."""
    if target is not None:
        found = [e for e in candidates(parsed, target, libraries) if e.id == id_]
        if found:
            return found[0]
    return next((e for e in every_element(parsed, libraries) if e.id == id_), None)


def _element_under(view: View, pos: types.Position) -> Element | None:
    """The element whose id, or a reference to which, is under the cursor."""
    hit = view.at(pos)
    if hit is None or hit[1]:
        return None
    path = hit[0]
    value = value_at(view.parsed, path)
    if not isinstance(value, str):
        return None
    if path == ("metadata", "id") and view.parsed.is_library:
        return Element(value, "library", (), view.path, None, value)
    if path and path[-1] == "id":
        own = next((e for e in view.parsed.elements if e.path == path[:-1]), None)
        if own is not None and view.parsed.is_library:
            return Element(own.id, own.kind, own.path, own.file, own.name,
                           view.parsed.library_id)
        return own
    reference = next((r for r in view.parsed.references if r.path == path), None)
    if reference is None:
        return None
    return _resolve(view.parsed, value, view.libraries, reference.target)


def _describe(view: View, element: Element) -> str:
    location = _location(view, element)
    where = "" if location is None else \
        f"{element.file}:{location.range.start.line + 1}"
    kind = element.kind.replace("-", " ")
    head = f"**{element.name or element.id}** — {kind} `{element.id}`"
    lib = f", library `{element.library}`" if element.library and element.kind != "library" \
        else ""
    return f"{head}\n\nDefined in {where}{lib}"


def hover(ls: SpecServer, params: types.HoverParams) -> types.Hover | None:
    view = View(ls, params.text_document.uri)
    parts: list[str] = []
    hit = view.at(params.position)
    if hit is not None:
        path, is_key = hit
        if is_key:
            found = field_at(view.parsed, path)
            if found is not None and found.description:
                parts.append(f"**{path[-1]}**: {found.description}")
        else:
            element = _element_under(view, params.position)
            if element is not None:
                parts.append(_describe(view, element))
    for code in ls.codes_at(params.text_document.uri, params.position):
        from ..commands import explain_rule

        explained = explain_rule(code)
        if explained:
            parts.append(f"```text\n{explained.rstrip()}\n```")
    if not parts:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(parts)))


def definition(ls: SpecServer, params: types.DefinitionParams) -> types.Location | None:
    view = View(ls, params.text_document.uri)
    element = _element_under(view, params.position)
    return None if element is None else _location(view, element)


def _occurrences(view: View, element: Element, declaration: bool
                 ) -> Iterator[tuple[str, list[str], RawSpan]]:
    """(file, its lines, span) of the element's id and of every reference to it, in the
    document and, for a shared element, in every file of the catalogue."""
    files = [view.path]
    if element.library is not None or element.file != view.path:
        files += [f for f in view.files if f != view.path]
    for file in files:
        parsed, lines = (view.parsed, view.lines) if file == view.path else view.other(file)
        if declaration and file == element.file:
            span = _id_span(parsed, element)
            if span is not None:
                yield file, lines, span
        for ref in parsed.references:
            if ref.id != element.id:
                continue
            if element.kind == "library":
                hit = ref.target == "library"
            else:
                resolved = _resolve(parsed, ref.id, view.libraries, ref.target)
                hit = resolved is not None and resolved.file == element.file and \
                    resolved.path == element.path
            span = parsed.span(ref.path)
            if hit and span is not None:
                yield file, lines, span


def references(ls: SpecServer, params: types.ReferenceParams) -> list[types.Location] | None:
    view = View(ls, params.text_document.uri)
    element = _element_under(view, params.position)
    if element is None:
        return None
    out = []
    for file, lines, span in _occurrences(view, element, params.context.include_declaration):
        uri = view.uri if file == view.path else from_fs_path(file)
        if uri is not None:
            out.append(types.Location(uri, lsp_range_of(lines, span, view.encoding)))
    return out


def rename(ls: SpecServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    view = View(ls, params.text_document.uri)
    element = _element_under(view, params.position)
    if element is None:
        raise JsonRpcInvalidParams("put the cursor on an id, or on a reference to one, to "
                                   "rename it")
    new = params.new_name
    if not re.match(ID_PATTERN, new) or len(new) > ID_MAX:
        raise JsonRpcInvalidParams(
            f"'{new}' is not a valid id: use lower-case letters, digits and dashes, starting "
            f"with a letter (at most {ID_MAX} characters)")
    occurrences = list(_occurrences(view, element, True))
    for file in {f for f, _, _ in occurrences} | {element.file}:
        parsed = view.parsed if file == view.path else view.other(file)[0]
        ids = [e for e in every_element(parsed, view.libraries) if e.id == new]
        if element.kind == "library":
            ids = [e for e in candidates(parsed, "library", view.libraries) if e.id == new]
        if ids:
            clash = ids[0]
            raise JsonRpcInvalidParams(
                f"'{new}' is already the id of {clash.kind.replace('-', ' ')} "
                f"'{clash.id}' in {clash.file}: choose another id")
    changes: dict[str, list[types.TextEdit]] = {}
    for file, lines, span in occurrences:
        uri = view.uri if file == view.path else from_fs_path(file)
        if uri is not None:
            changes.setdefault(uri, []).append(
                types.TextEdit(lsp_range_of(lines, span, view.encoding), new))
    return types.WorkspaceEdit(changes=changes)


def symbols(ls: SpecServer, params: types.DocumentSymbolParams
            ) -> list[types.DocumentSymbol]:
    view = View(ls, params.text_document.uri)
    top: list[types.DocumentSymbol] = []
    stack: list[tuple[Path, types.DocumentSymbol]] = []
    for element in sorted(view.parsed.elements, key=lambda e: _order(view.parsed, e)):
        whole = view.parsed.span(element.path)
        name = view.parsed.span((*element.path, "id"))
        if whole is None or name is None:
            continue
        symbol = types.DocumentSymbol(
            name=element.id, detail=f"{element.kind.replace('-', ' ')}"
            + (f": {element.name}" if element.name else ""),
            kind=_SYMBOL.get(element.kind, types.SymbolKind.Object),
            range=lsp_range_of(view.lines, whole, view.encoding),
            selection_range=lsp_range_of(view.lines, name, view.encoding), children=[])
        while stack and stack[-1][0] != element.path[:len(stack[-1][0])]:
            stack.pop()
        (stack[-1][1].children if stack else top).append(symbol)  # type: ignore[union-attr]
        stack.append((element.path, symbol))
    return top


def _order(parsed: Parsed, element: Element) -> tuple[int, int]:
    span = parsed.span(element.path) or (0, 0, 0, 0)
    return span[0], span[1]


# completion -------------------------------------------------------------------------------

_KEY_LINE = re.compile(r"^(\s*)((?:-\s+)*)([A-Za-z_][\w-]*)?$")
_VALUE_LINE = re.compile(r"^(\s*)((?:-\s+)*)([A-Za-z_][\w-]*):[ \t]+(.*)$")
_ITEM_LINE = re.compile(r"^(\s*)-[ \t]+([\w-]*)$")


def completion(ls: SpecServer, params: types.CompletionParams) -> types.CompletionList:
    view = View(ls, params.text_document.uri)
    line, column = view.position(params.position)
    before = view.lines[line][:column] if line < len(view.lines) else ""
    items: list[types.CompletionItem] = []
    value = _VALUE_LINE.match(before)
    item = _ITEM_LINE.match(before)
    in_flow = _flow_at(view.parsed, line, column) if _FLOW.search(before) else None
    if in_flow is not None:
        # `{id: x, channels: [web, |]}`: the line's first key is not the one at the cursor
        path, is_key = in_flow
        items = _mapping_keys(view.parsed, path) if is_key else \
            _values_for(view, view.parsed, path)
    elif value is not None:
        key_column = len(value[1]) + len(value[2])
        parsed = _parsed_with(view, line, None)
        key_path = _key_at(parsed, line, key_column)
        if key_path is not None:
            flow = "[" in value[4]
            items = _values_for(view, parsed, (*key_path, 0) if flow else key_path)
            if not items and not flow:
                items = _values_for(view, parsed, (*key_path, 0))
    elif item is not None and _parent_key(view, line, len(item[1])) is not None:
        parsed = _parsed_with(view, line, f"{item[1]}- x")
        key_path = _parent_key_path(parsed, view, line, len(item[1]))
        if key_path is not None:
            items = _values_for(view, parsed, (*key_path, 0))
    if not items and _KEY_LINE.match(before):
        items = _keys_for(view, line, before)
    return types.CompletionList(is_incomplete=False, items=items)


_FLOW = re.compile(r"[\[{]")


def _flow_at(parsed: Parsed, line: int, column: int) -> tuple[Path, bool] | None:
    """What the cursor inside a flow collection completes, read from the parsed document:
    (the value's path, False) for the scalar it is on (a list item, a key's value) or the
    next item of the innermost list that holds it; (the mapping's path, True) for a key
    being written. None when the document does not parse."""
    if not parsed.loaded.ok:
        return None
    found = parsed.at(line, column)
    if found is not None:
        return (found[0][:-1], True) if found[1] else (found[0], False)
    best: Path | None = None
    for path, (l1, c1, l2, c2) in parsed.loaded.source.values.items():
        if (l1, c1) < (line, column) < (l2, c2) and (best is None or len(path) > len(best)) \
                and isinstance(value_at(parsed, path), (list, dict)):
            best = path
    if best is None:
        return None
    return (best, True) if isinstance(value_at(parsed, best), dict) else ((*best, 0), False)


def _parsed_with(view: View, line: int, replacement: str | None) -> Parsed:
    """The document parsed as is, or, when a half-typed line breaks it, with that line
    replaced (a key with no value yet, a list item)."""
    if view.parsed.loaded.ok and replacement is None:
        return view.parsed
    lines = list(view.lines)
    if replacement is None:
        match = _VALUE_LINE.match(lines[line])
        replacement = f"{match[1]}{match[2]}{match[3]}:" if match else ""
    lines[line] = replacement
    return parse(view.path, "\n".join(lines))


def _key_at(parsed: Parsed, line: int, column: int) -> Path | None:
    for path, span in parsed.loaded.source.keys.items():
        if span[0] == line and span[1] == column:
            return path
    return None


def _indent_of(text: str) -> tuple[int, bool]:
    """The column where a line's content (after any `- `) starts, and whether it is a
    list item."""
    match = re.match(r"^(\s*)((?:-\s+)*)", text)
    assert match is not None
    return len(match[0]), bool(match[2])


def _parent_key(view: View, line: int, column: int) -> int | None:
    """The line above with a `key:` at a smaller indentation than `column`."""
    for number in range(line - 1, -1, -1):
        text = view.lines[number]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent, _ = _indent_of(text)
        if len(text) - len(text.lstrip()) < column or indent < column:
            return number if re.search(r":\s*(#.*)?$", text) else None
    return None


def _parent_key_path(parsed: Parsed, view: View, line: int, column: int) -> Path | None:
    number = _parent_key(view, line, column)
    if number is None:
        return None
    indent, _ = _indent_of(view.lines[number])
    return _key_at(parsed, number, indent)


def _values_for(view: View, parsed: Parsed, path: Path) -> list[types.CompletionItem]:
    """Enum values and ids of the right kind for the value at `path`."""
    from ..rules.ss0_file import reference_target

    target = reference_target(path)
    if target is not None:
        libraries = view.libraries
        seen: set[str] = set()
        out = []
        for element in candidates(parsed, target, libraries):
            if element.id in seen:
                continue
            seen.add(element.id)
            where = f" (library {element.library})" if element.library and \
                element.kind != "library" else ""
            out.append(types.CompletionItem(
                label=element.id, kind=types.CompletionItemKind.Reference,
                detail=f"{element.kind.replace('-', ' ')}{where}",
                documentation=element.name))
        return out
    found = field_at(parsed, tuple(p for p in path if not isinstance(p, int))
                     if path and isinstance(path[-1], int) else path)
    if found is None:
        return []
    return [types.CompletionItem(label=v, kind=types.CompletionItemKind.EnumMember,
                                 documentation=found.description)
            for v in _literals(found.annotation)]


def _literals(annotation: Any) -> list[str]:
    if typing.get_origin(annotation) is Literal:
        return [str(a) for a in typing.get_args(annotation)]
    out: list[str] = []
    for arg in typing.get_args(annotation):
        out += [v for v in _literals(arg) if v not in out]
    if not out and hasattr(annotation, "__value__"):  # a `type` alias
        out = _literals(annotation.__value__)
    return out


def _keys_for(view: View, line: int, before: str) -> list[types.CompletionItem]:
    """The keys the mapping at the cursor may have and does not have yet."""
    column, _ = _indent_of(before)
    lines = list(view.lines)
    lines[line] = before[:column] + "x-completion:"
    parsed = parse(view.path, "\n".join(lines))
    own = _key_at(parsed, line, column)
    return [] if own is None else _mapping_keys(parsed, own[:-1])


def _mapping_keys(parsed: Parsed, parent: Path) -> list[types.CompletionItem]:
    """The keys the mapping at `parent` may have and does not have yet."""
    model = model_at(parsed, parent)
    if model is None:
        return []
    from ..model.spec import fields_by_key

    present = value_at(parsed, parent)
    taken = set(present) if isinstance(present, dict) else set()
    return [types.CompletionItem(label=key, kind=types.CompletionItemKind.Property,
                                 insert_text=f"{key}: ", documentation=f.description)
            for key, f in fields_by_key(model).items() if key not in taken]


# code actions -----------------------------------------------------------------------------

def code_actions(ls: SpecServer, params: types.CodeActionParams
                 ) -> list[types.CodeAction]:
    view = View(ls, params.text_document.uri)
    out: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.source != "servicespec" or not diagnostic.code:
            continue
        code = str(diagnostic.code)
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        out += _did_you_mean(view, diagnostic, code, data)
        out += _quote_cut_text(view, diagnostic, code)
        if code == "SS402":
            out += _recovery_skeleton(view, diagnostic)
        out.append(_suppress(view, diagnostic, code))
    return out


def _edit(view: View, title: str, diagnostic: types.Diagnostic, edits: list[types.TextEdit],
          preferred: bool = False) -> types.CodeAction:
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic], is_preferred=preferred or None,
                            edit=types.WorkspaceEdit(changes={view.uri: edits}))


def _did_you_mean(view: View, diagnostic: types.Diagnostic, code: str, data: dict[str, Any]
                  ) -> list[types.CodeAction]:
    match = _DID_YOU_MEAN.search(diagnostic.message)
    if match is None or code not in ("SS003", "SS006", "SS802"):
        return []
    where = diagnostic.range
    path = tuple(data.get("path") or ())
    if path and code != "SS003":
        span = view.parsed.span(path)
        if span is None:
            return []
        where = lsp_range_of(view.lines, span, view.encoding)
    return [_edit(view, f"Change to '{match[1]}'", diagnostic,
                  [types.TextEdit(where, match[1])], preferred=True)]


def _quote_cut_text(view: View, diagnostic: types.Diagnostic, code: str
                    ) -> list[types.CodeAction]:
    """`{name: Cancels the flight (crew, weather)}`: the comma cut the text; put it back
    whole, quoted, as the finding shows it."""
    match = _QUOTE_IT.search(diagnostic.message)
    if match is None or code != "SS003":
        return []
    replacement = match[1]
    name = replacement.split(":", 1)[0]
    start = view.position(diagnostic.range.start)
    key = _key_at(view.parsed, *start)
    if key is None:
        return []
    parent = value_at(view.parsed, key[:-1])
    if not isinstance(parent, dict) or name not in parent:
        return []
    names = list(parent)
    last = names.index(key[-1])
    while last + 1 < len(names) and parent[names[last + 1]] is None:
        last += 1
    first = view.parsed.span((*key[:-1], name), key=True)
    end = view.parsed.span((*key[:-1], names[last]), key=True)
    if first is None or end is None:
        return []
    where = lsp_range_of(view.lines, (first[0], first[1], end[2], end[3]), view.encoding)
    return [_edit(view, f"Quote the text of `{name}`", diagnostic,
                  [types.TextEdit(where, replacement)], preferred=True)]


def _suppress(view: View, diagnostic: types.Diagnostic, code: str) -> types.CodeAction:
    """A comment on its own line above the finding's: it covers the next line."""
    line = diagnostic.range.start.line
    text = view.lines[line] if line < len(view.lines) else ""
    indent = text[:len(text) - len(text.lstrip())]
    at = types.Position(line, 0)
    comment = f"{indent}# servicespec: ignore[{code}] {REASON_PLACEHOLDER}\n"
    return _edit(view, f"Suppress {code} on this line (say why)", diagnostic,
                 [types.TextEdit(types.Range(at, at), comment)])


def _recovery_skeleton(view: View, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    match = _FAIL_POINT.search(diagnostic.message)
    data = view.parsed.data
    if match is None or not isinstance(data, dict):
        return []
    fail_point = match[1]
    fields = [f"id: {fail_point}-recovery", f"covers: [{fail_point}]",
              "owner:  # the role (id) that runs it",
              "channel:  # the channel (id) the customer is reached through",
              "response_time:  # how soon it is acknowledged, such as 15m",
              "actions: [acknowledge, apologise, fix, follow-up]"]
    recovery = data.get("recovery")
    if recovery is None and "recovery" not in data:
        end = len(view.lines) - 1
        tail = view.lines[end]
        prefix = "\n" if tail else ""
        body = "recovery:\n  - " + "\n    ".join(fields) + "\n"
        at = types.Position(*to_client(view.lines, end + 1, len(tail) + 1, view.encoding))
        return [_edit(view, f"Add a recovery process for '{fail_point}'", diagnostic,
                      [types.TextEdit(types.Range(at, at), prefix + body)])]
    if not isinstance(recovery, list) or not recovery:
        return []
    first = view.parsed.span(("recovery", 0))
    whole = view.parsed.span(("recovery",))
    if first is None or whole is None or view.lines[first[0]][:first[1]].strip() != "-":
        return []  # a flow list: no block item to add beside
    dash = view.lines[first[0]].index("-")
    pad = " " * dash
    body = f"{pad}- " + f"\n{pad}  ".join(fields) + "\n"
    end_line = whole[2] if whole[3] == 0 else whole[2] + 1
    at = types.Position(end_line, 0)
    if end_line >= len(view.lines):
        body = "\n" + body if view.lines[-1] else body
        at = types.Position(*to_client(view.lines, len(view.lines),
                                       len(view.lines[-1]) + 1, view.encoding))
    return [_edit(view, f"Add a recovery process for '{fail_point}'", diagnostic,
                  [types.TextEdit(types.Range(at, at), body)])]


def register(server: SpecServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(definition)
    server.feature(types.TEXT_DOCUMENT_REFERENCES)(references)
    server.feature(types.TEXT_DOCUMENT_RENAME)(rename)
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(symbols)
    server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(
        trigger_characters=[":", " ", "[", ","]))(completion)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix]))(code_actions)
