"""The language server end to end: pytest-lsp starts `servicespec lsp` and talks to it over
standard input and output, as an editor does."""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from servicespec.lsp.positions import UTF8, UTF16, UTF32, from_client, split_lines, to_client

REGISTERED: list[types.Registration] = []
DATA = Path(__file__).parent / "data" / "lsp"
REPAIR = (DATA / "repair.yaml").read_text(encoding="utf-8")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=[sys.executable, "-m", "servicespec", "lsp"]))
async def client(lsp_client: LanguageClient):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def registered(params: types.RegistrationParams) -> None:
        REGISTERED.extend(params.registrations)

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                    dynamic_registration=True))),
        initialization_options={"debounce": 0.01}))
    yield
    await lsp_client.shutdown_session()


async def published(client: LanguageClient, uri: str, check=lambda ds: True,
                    timeout: float = 15) -> list[types.Diagnostic]:
    """The diagnostics of `uri` once the server has published some that pass `check`."""
    async def wait() -> list[types.Diagnostic]:
        while True:
            found = client.diagnostics.get(uri)
            if found is not None and check(found):
                return list(found)
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return await asyncio.wait_for(wait(), timeout)


def open_doc(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="yaml", version=1,
        text=path.read_text(encoding="utf-8") if text is None else text)))
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.asyncio(loop_scope="module")
async def test_findings_on_open_carry_code_link_and_data(client: LanguageClient,
                                                         tmp_path: Path) -> None:
    uri = open_doc(client, write(tmp_path, "repair.yaml", REPAIR))
    found = await published(client, uri)
    assert "SS006" in codes(found) and "SS402" in codes(found)
    ref = next(d for d in found if d.code == "SS006")
    assert ref.source == "servicespec"
    assert ref.severity == types.DiagnosticSeverity.Error
    assert ref.code_description is not None
    assert ref.code_description.href.endswith("docs/rules.md#ss006")
    assert ref.data["rule"] == "SS006" and ref.data["fingerprint"]
    assert ref.data["element"].startswith("blueprint.steps[pick-up]")
    # `role: mechanik` on line 36: the range covers the key, as `lint` shows it
    line = REPAIR.splitlines()[ref.range.start.line]
    assert line[ref.range.start.character:ref.range.end.character] == "role"
    assert ref.range.start.line == 35
    # the server asked to hear of spec and configuration files changing on disk
    globs = [w["globPattern"] for r in REGISTERED for w in r.register_options["watchers"]]
    assert "**/servicespec.toml" in globs and "**/*.yaml" in globs


@pytest.mark.asyncio(loop_scope="module")
async def test_a_change_is_linted_as_typed_not_as_saved(client: LanguageClient,
                                                        tmp_path: Path) -> None:
    path = write(tmp_path, "repair.yaml", REPAIR)
    uri = open_doc(client, path)
    await published(client, uri, lambda ds: "SS006" in codes(ds))
    change(client, uri, 2, REPAIR.replace("role: mechanik", "role: mechanic"))
    fixed = await published(client, uri, lambda ds: "SS006" not in codes(ds))
    assert "SS402" in codes(fixed)
    assert "mechanik" in path.read_text(encoding="utf-8")  # the disk was never read for it


@pytest.mark.asyncio(loop_scope="module")
async def test_suppressed_findings_are_not_shown(client: LanguageClient, tmp_path: Path
                                                 ) -> None:
    text = REPAIR.replace(
        "        - {id: wrong-part,",
        "        # servicespec: ignore[SS402,SS403] the workshop keeps every part\n"
        "        - {id: wrong-part,")
    uri = open_doc(client, write(tmp_path, "repair.yaml", text))
    found = await published(client, uri)
    assert "SS006" in codes(found)
    assert "SS402" not in codes(found) and "SS403" not in codes(found)
    assert "SS008" not in codes(found)


@pytest.mark.asyncio(loop_scope="module")
async def test_utf16_columns_after_emoji_and_non_latin_text(client: LanguageClient,
                                                            tmp_path: Path) -> None:
    # the unknown key sits after emoji (two UTF-16 units, one code point) and German
    old = "  - id: workshop-counter\n    name: Werkstatt-Theke 🛠️\n"
    assert old in REPAIR
    text = REPAIR.replace(old, "  - {id: workshop-counter, name: Grüße 🛠️🚲, naem: x,\n"
                               "     kind: in-person, mode: live}\n").replace(
        "    kind: in-person\n    mode: live\n", "")
    uri = open_doc(client, write(tmp_path, "emoji.yaml", text))
    found = await published(client, uri)
    unknown = next(d for d in found if d.code == "SS003")
    line = text.splitlines()[unknown.range.start.line]
    units = line.encode("utf-16-le")
    start, end = unknown.range.start.character, unknown.range.end.character
    assert units[2 * start:2 * end].decode("utf-16-le") == "naem"
    assert line.index("naem") != start  # code points and UTF-16 units differ on this line


def test_lint_does_not_import_the_language_server() -> None:
    """`servicespec lint` starts without pygls: the CLI imports the server only for `lsp`."""
    import subprocess

    code = ("import sys; from servicespec import cli; "
            "assert not [m for m in sys.modules if m.startswith(('pygls', 'lsprotocol', "
            "'servicespec.lsp'))], 'imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_positions_convert_both_ways_in_each_encoding() -> None:
    lines = split_lines("a: 🚲x\r\nb: Grüße 名前 z\rc")
    assert len(lines) == 3
    # 'x' is code point 4 (0-based): UTF-16 unit 5, UTF-8 byte 7
    assert to_client(lines, 1, 5, UTF16) == (0, 5)
    assert to_client(lines, 1, 5, UTF8) == (0, 7)
    assert to_client(lines, 1, 5, UTF32) == (0, 4)
    for encoding in (UTF8, UTF16, UTF32):
        for column in range(1, len(lines[1]) + 2):
            row, char = to_client(lines, 2, column, encoding)
            assert from_client(lines, row, char, encoding) == (1, column - 1)
    # inside the emoji's surrogate pair: its code point
    assert from_client(lines, 0, 4, UTF16) == (0, 3)
    assert to_client(lines, 9, 1, UTF16) == (2, 1)  # past the end: clamped


@pytest.mark.asyncio(loop_scope="module")
async def test_malformed_documents_get_findings_not_a_dead_server(client: LanguageClient,
                                                                  tmp_path: Path) -> None:
    head = "apiVersion: servicespec/v1\nkind: Service\n"
    for name, text, code in (
            ("bad.yaml", head + "product: [unclosed\n  id: x\n", "SS001"),
            ("junk.yaml", head + "\x00\x01\x02\udcff\ufffe" * 50, "SS001"),
            ("empty.yaml", head, "SS002"),
            ("cut.yaml", REPAIR[:len(REPAIR) // 2], "SS310")):
        uri = open_doc(client, tmp_path / name, text)
        assert code in codes(await published(client, uri)), name
    # an editor's text over the configured size is refused as a file on disk is
    big = tmp_path / "big"
    big.mkdir()
    write(big, "servicespec.toml", "[limits]\nmax_file_bytes = 2000\n")
    uri = open_doc(client, big / "repair.yaml", REPAIR + "# 🚲" * 2000)
    assert codes(await published(client, uri)) == ["SS009"]
    # YAML that is no spec (a compose file, an empty buffer, junk) is left alone
    for name, text in (("compose.yaml", "services:\n  web: {image: nginx}\n"),
                       ("blank.yaml", ""), ("noise.yaml", "\x00\udcff" * 100)):
        uri = open_doc(client, tmp_path / name, text)
        assert await published(client, uri) == [], name
    uri = open_doc(client, write(tmp_path, "repair.yaml", REPAIR))
    assert "SS006" in codes(await published(client, uri))


@pytest.mark.asyncio(loop_scope="module")
async def test_a_flood_of_changes_ends_with_the_last_version(client: LanguageClient,
                                                             tmp_path: Path) -> None:
    uri = open_doc(client, write(tmp_path, "flood.yaml", REPAIR))
    await published(client, uri)
    for version in range(2, 202):
        broken = REPAIR.replace("role: mechanik", f"role: mechanic-{version}")
        change(client, uri, version, broken)
    change(client, uri, 202, REPAIR.replace("role: mechanik", "role: mechanic"))
    last = await published(client, uri, lambda ds: "SS006" not in codes(ds))
    assert "SS402" in codes(last)
    await asyncio.sleep(0.5)  # no older version's findings come after the newest's
    assert codes(list(client.diagnostics[uri])) == codes(last)
    # still answering
    change(client, uri, 203, REPAIR)
    assert "SS006" in codes(await published(client, uri, lambda ds: "SS006" in codes(ds)))


@pytest.mark.asyncio(loop_scope="module")
async def test_a_spec_deleted_while_open_keeps_its_findings(client: LanguageClient,
                                                            tmp_path: Path) -> None:
    path = write(tmp_path, "gone.yaml", REPAIR)
    uri = open_doc(client, path)
    await published(client, uri)
    path.unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(uri, types.FileChangeType.Deleted)]))
    change(client, uri, 2, REPAIR.replace("role: mechanik", "role: mechanic"))
    assert "SS402" in codes(await published(client, uri, lambda ds: "SS006" not in codes(ds)))
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        types.TextDocumentIdentifier(uri)))
    assert await published(client, uri, lambda ds: not ds) == []


def catalogue(folder: Path) -> tuple[Path, Path]:
    """A library and a service that uses it, in one folder."""
    library = write(folder, "workshop.yaml", (DATA / "workshop.yaml").read_text("utf-8"))
    service = write(folder, "service.yaml", (DATA / "service.yaml").read_text("utf-8"))
    return library, service


@pytest.mark.asyncio(loop_scope="module")
async def test_a_library_edit_relints_the_open_services_that_use_it(
        client: LanguageClient, tmp_path: Path) -> None:
    library, service = catalogue(tmp_path)
    service_uri = open_doc(client, service)
    found = await published(client, service_uri)
    assert "SS204" in codes(found)  # the shared counter has no hours
    library_uri = open_doc(client, library)
    await published(client, library_uri)
    text = library.read_text("utf-8").replace(
        "    mode: live\n", "    mode: live\n    hours: Mo-Sa 8-18\n    response_time: 5m\n")
    change(client, library_uri, 2, text)  # unsaved: the editor's text is what counts
    assert "SS204" not in codes(await published(
        client, service_uri, lambda ds: "SS204" not in codes(ds)))


@pytest.mark.asyncio(loop_scope="module")
async def test_a_catalogue_file_and_the_configuration_changing_on_disk(
        client: LanguageClient, tmp_path: Path) -> None:
    library, service = catalogue(tmp_path)
    uri = open_doc(client, service)
    await published(client, uri, lambda ds: "SS006" in codes(ds))
    # the library gains the misspelt role on disk: the reference resolves
    library.write_text(library.read_text("utf-8") + "  - id: mechanik\n    name: Mechanik\n",
                       encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(library.as_uri(), types.FileChangeType.Changed)]))
    await published(client, uri, lambda ds: "SS006" not in codes(ds))
    # the library deleted: `uses` names no library any more
    library.unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(library.as_uri(), types.FileChangeType.Deleted)]))
    await published(client, uri, lambda ds: "SS802" in codes(ds))
    # a new file in the catalogue's folder brings the library back
    shared = write(tmp_path, "shared.yaml", (DATA / "workshop.yaml").read_text("utf-8"))
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(shared.as_uri(), types.FileChangeType.Created)]))
    await published(client, uri, lambda ds: "SS802" not in codes(ds) and "SS006" in codes(ds))
    shared.unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(shared.as_uri(), types.FileChangeType.Deleted)]))
    await published(client, uri, lambda ds: "SS802" in codes(ds))
    # a configuration that ignores SS802 takes effect without a restart
    config = write(tmp_path, "servicespec.toml", 'ignore = ["SS802"]\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(config.as_uri(), types.FileChangeType.Created)]))
    await published(client, uri, lambda ds: "SS802" not in codes(ds) and bool(ds))


def front_desk(folder: Path) -> dict[str, Path]:
    """A catalogue of four files: a library, two services that use some of it, and a copy
    of one of them with the same id, a misspelt library and an id of the library's."""
    return {p.name: write(folder, p.name, p.read_text("utf-8"))
            for p in sorted((DATA / "front-desk").glob("*.yaml"))}


def unused(diagnostics: list[types.Diagnostic]) -> list[str]:
    """The ids SS804 says no service uses."""
    return sorted(d.message.split("'")[1] for d in diagnostics if d.code == "SS804")


@pytest.mark.asyncio(loop_scope="module")
async def test_an_unused_library_element_shows_until_an_open_service_uses_it(
        client: LanguageClient, tmp_path: Path) -> None:
    files = front_desk(tmp_path)
    library_uri = open_doc(client, files["desk.yaml"])
    # the other files are linted in the background, then the catalogue's findings show
    found = await published(client, library_uri, lambda ds: "SS804" in codes(ds))
    assert unused(found) == ["desk-chat", "registrar"]
    chat = next(d for d in found if d.code == "SS804" and "desk-chat" in d.message)
    assert chat.range.start == where(files["desk.yaml"].read_text("utf-8"), "id: desk-chat")
    assert chat.severity == types.DiagnosticSeverity.Information
    # a suppression comment hides it, as in lint
    assert "Suppress SS804 on this line (say why)" in await fixes(client, library_uri, chat)
    # a service starts using the chat, unsaved: only the registrar is left
    service = files["passport.yaml"]
    text = service.read_text("utf-8")
    service_uri = open_doc(client, service)
    await published(client, service_uri)
    chatting = text.replace("touchpoints:\n", "touchpoints:\n  - id: chat-ask\n"
                            "    channel: desk-chat\n    serves: new-passport\n", 1)
    change(client, service_uri, 2, chatting)
    await published(client, library_uri, lambda ds: unused(ds) == ["registrar"])
    assert "SS804" not in codes(await published(client, service_uri))
    # closed unsaved: the disk's text counts again
    client.text_document_did_close(types.DidCloseTextDocumentParams(doc(service_uri)))
    await published(client, library_uri, lambda ds: unused(ds) == ["desk-chat", "registrar"])
    # saved by another program: the file is linted again in the background
    service.write_text(chatting, encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(service_uri, types.FileChangeType.Changed)]))
    await published(client, library_uri, lambda ds: unused(ds) == ["registrar"])
    # deleted: what only it used is unused again
    service.unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(service_uri, types.FileChangeType.Deleted)]))
    await published(client, library_uri,
                    lambda ds: unused(ds) == ["desk-chat", "desk-counter", "registrar"])
    # the configuration ignores the rule: lint does not report it, nor does the editor
    config = write(tmp_path, "servicespec.toml", 'ignore = ["SS804"]\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(config.as_uri(), types.FileChangeType.Created)]))
    await published(client, library_uri, lambda ds: "SS804" not in codes(ds))
    client.text_document_did_close(types.DidCloseTextDocumentParams(doc(library_uri)))


def test_the_opened_document_is_linted_before_the_rest_of_its_catalogue(tmp_path: Path
                                                                        ) -> None:
    from servicespec.lsp.state import State

    files = front_desk(tmp_path)
    library = str(files["desk.yaml"])
    text = files["desk.yaml"].read_text("utf-8")
    state = State()
    results, key, found = state.lint_with_catalogue(library, text, {library: text})
    # its own findings at once; the catalogue's wait for the three services
    assert list(results) == [library] and key == str(tmp_path) and found is None
    assert state.warm(key, {library: text}, 0) is True  # one file a slice, at the least
    while state.warm(key, {library: text}, 0):
        pass
    found = state.catalogue_findings(key, {library: text})
    assert found is not None
    assert sorted(d.code for d in found[library]) == ["SS804", "SS804"]
    assert [d.code for d in found[str(files["parking.yaml"])]] == ["SS801"]
    # the library gains the role a service not open refers to: that service is linted
    # again before the catalogue's findings are told
    cashier = text + "  - id: cashier\n    name: Cashier\n"
    results, key, found = state.lint_with_catalogue(library, cashier, {library: cashier})
    assert list(results) == [library] and found is None
    while state.warm(key, {library: cashier}, 0):
        pass
    found = state.catalogue_findings(key, {library: cashier})
    assert found is not None and "cashier" not in str([d.message for d in found[library]])
    assert len(found[library]) == 2
    # retyped with the same ids: nothing to lint again, the findings at once
    renamed = cashier.replace("name: Cashier", "name: Till")
    assert state.lint_with_catalogue(library, renamed, {library: renamed})[2] == found


def test_a_catalogue_that_shares_nothing_is_not_linted_in_the_background(tmp_path: Path
                                                                         ) -> None:
    from servicespec.lsp.state import State

    files = front_desk(tmp_path)
    files.pop("desk.yaml").unlink()
    write(tmp_path, "servicespec.toml", 'catalogue = "."\n')
    path = str(files["parking-copy.yaml"])
    text = files["parking-copy.yaml"].read_text("utf-8").replace(
        "uses: [front-desk, front-dsk]\n", "")
    state = State()
    _, key, found = state.lint_with_catalogue(path, text, {path: text})
    # as `lint <folder>`: no SS801 until the catalogue has a library, so nothing to wait for
    assert key == str(tmp_path) and found == {} and state.stale[key]
    assert state.warm(key, {path: text}, 1) is False and state.stale[key]


@pytest.mark.asyncio(loop_scope="module")
async def test_the_editor_shows_the_catalogue_findings_lint_reports(
        client: LanguageClient, tmp_path: Path) -> None:
    files = front_desk(tmp_path)
    run = subprocess.run([sys.executable, "-m", "servicespec", "lint", str(tmp_path),
                          "--format", "json"], capture_output=True, text=True, check=False)
    expected = {(Path(f["file"]).name, f["code"], f["line"])
                for f in json.loads(run.stdout)["findings"] if f["code"].startswith("SS80")}
    assert {code for _, code, _ in expected} == {"SS801", "SS802", "SS803", "SS804"}
    uris = {name: open_doc(client, path) for name, path in files.items()}
    shown = set()
    def catalogue_findings(name: str, ds: list[types.Diagnostic]) -> set[tuple[str, str, int]]:
        return {(name, str(d.code), d.range.start.line + 1) for d in ds
                if str(d.code).startswith("SS80")}

    for name, uri in uris.items():
        # a file's own findings come first, the catalogue's once the rest is linted in the
        # background: wait for the publication that has them (slow under load)
        mine = {f for f in expected if f[0] == name}
        ds = await published(client, uri, lambda ds, name=name, mine=mine:
                             catalogue_findings(name, ds) >= mine, timeout=60)
        shown |= catalogue_findings(name, ds)
    assert shown == expected
    for uri in uris.values():
        client.text_document_did_close(types.DidCloseTextDocumentParams(doc(uri)))


# features -----------------------------------------------------------------------------


def where(text: str, needle: str, nth: int = 0, offset: int = 0) -> types.Position:
    """The UTF-16 position of the nth occurrence of `needle` (plus `offset` code points)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return types.Position(line, len(text[start:at].encode("utf-16-le")) // 2)


def filled_in(text: str, response_time: str) -> str:
    """A recovery skeleton's blanks filled in as its comments ask."""
    return text.replace("owner:  #", "owner: mechanic  #").replace(
        "channel:  #", "channel: workshop-counter  #").replace(
        "response_time:  #", f"response_time: {response_time}  #")


def applied(text: str, edits: list[types.TextEdit]) -> str:
    """The text with the edits made (UTF-16 positions, as the protocol's default)."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[:pos.line])
        line = lines[pos.line] if pos.line < len(lines) else ""
        units = line.encode("utf-16-le")[:2 * pos.character].decode("utf-16-le")
        return before + len(units)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character),
                       reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri)


async def open_service(client: LanguageClient, folder: Path) -> tuple[Path, Path, str, str]:
    """The catalogue's library and service, the service open and linted: (library,
    service, its uri, its text)."""
    library, service = catalogue(folder)
    uri = open_doc(client, service)
    await published(client, uri)
    return library, service, uri, service.read_text("utf-8")


@pytest.mark.asyncio(loop_scope="module")
async def test_hover_on_a_key_a_reference_and_a_finding(client: LanguageClient,
                                                        tmp_path: Path) -> None:
    library, _service, uri, text = await open_service(client, tmp_path)
    key = await client.text_document_hover_async(types.HoverParams(
        doc(uri), where(text, "touchpoint: counter-desk", 0, 3)))
    assert key is not None and "crosses the line of interaction" in key.contents.value
    shared = await client.text_document_hover_async(types.HoverParams(
        doc(uri), where(text, "role: mechanic", 0, 8)))
    assert shared is not None
    assert "role `mechanic`" in shared.contents.value
    assert f"{library}:13" in shared.contents.value and "library `workshop`" in \
        shared.contents.value
    finding = await client.text_document_hover_async(types.HoverParams(
        doc(uri), where(text, "role: mechanik", 0, 1)))
    assert finding is not None and "SS006 unresolved-reference" in finding.contents.value
    assert "Bad:" in finding.contents.value


@pytest.mark.asyncio(loop_scope="module")
async def test_completion_of_ids_enums_and_keys(client: LanguageClient,
                                                tmp_path: Path) -> None:
    _, service = catalogue(tmp_path)
    base = service.read_text("utf-8")
    uri = open_doc(client, service)
    await published(client, uri)

    async def labels(text: str, needle: str) -> list[str]:
        change(client, uri, 2, text)
        found = await client.text_document_completion_async(types.CompletionParams(
            doc(uri), where(text, needle, 0, len(needle))))
        assert found is not None
        items = found.items if isinstance(found, types.CompletionList) else found
        return [i.label for i in items]

    head = base + "recovery:\n  - id: wrong-part-recovery\n"
    covers = await labels(head + "    covers: [wr\n", "covers: [wr")
    assert {"wrong-part", "drop-off", "pick-up"} <= set(covers)
    assert "mechanic" not in covers and "workshop-counter" not in covers
    owners = await labels(head + "    owner: \n", "owner: ")
    assert owners == ["mechanic"]  # the library's role, the only one
    channels = await labels(head + "    channel: \n", "channel: ")
    assert channels == ["workshop-counter"]
    uses = await labels(base.replace("uses: [workshop]", "uses: [w"), "uses: [w")
    assert uses == ["workshop"]
    keys = await labels(head + "    covers: [wrong-part]\n    re\n", "    re")
    assert "response_time" in keys and "resolve_time" in keys and "covers" not in keys
    modes = await labels(base.replace("      phase: during\n", "      phase: \n"), "phase: ")
    assert modes == ["before", "during", "after"]
    top = await labels(base + "reco\n", "reco")
    assert "recovery" in top and "metrics" in top and "blueprint" not in top
    item = await labels(base.replace("touchpoints:\n", "touchpoints:\n  - \n"),
                        "touchpoints:\n  - ")
    assert {"id", "channel", "serves"} <= set(item)
    nexts = await labels(base.replace("      phase: during\n",
                                      "      phase: during\n      next: [\n"), "next: [")
    assert set(nexts) == {"drop-off", "pick-up"}
    # in a flow mapping the cursor's own key counts, not the line's first
    flow = base + ("recovery:\n  - {id: wrong-part-recovery, owner: mechanic, "
                   "covers: [wrong-part, ]}\n")
    assert set(await labels(flow, "covers: [wrong-part, ")) == set(covers)
    assert await labels(flow, "owner: mech") == ["mechanic"]
    assert await labels(flow, "covers: [") == covers  # on an item already written
    flow_keys = await labels(base + "recovery:\n  - {id: wrong-part-recovery, re}\n", ", re")
    assert {"response_time", "resolve_time"} <= set(flow_keys) and "id" not in flow_keys


@pytest.mark.asyncio(loop_scope="module")
async def test_definition_references_and_outline(client: LanguageClient,
                                                 tmp_path: Path) -> None:
    library, _service, uri, text = await open_service(client, tmp_path)
    lib_text = library.read_text("utf-8")
    found = await client.text_document_definition_async(types.DefinitionParams(
        doc(uri), where(text, "role: mechanic", 0, 7)))
    assert isinstance(found, types.Location) and found.uri == library.as_uri()
    assert found.range.start == where(lib_text, "mechanic")
    used = await client.text_document_definition_async(types.DefinitionParams(
        doc(uri), where(text, "uses: [workshop]", 0, 9)))
    assert isinstance(used, types.Location) and used.uri == library.as_uri()
    assert used.range.start == where(lib_text, "workshop")
    local = await client.text_document_definition_async(types.DefinitionParams(
        doc(uri), where(text, "touchpoint: counter-desk", 0, 14)))
    assert isinstance(local, types.Location) and local.uri == uri
    assert local.range.start == where(text, "counter-desk")

    lib_uri = open_doc(client, library)
    await published(client, lib_uri)
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc(lib_uri), position=where(lib_text, "id: mechanic", 0, 5),
        context=types.ReferenceContext(include_declaration=True)))
    assert refs is not None
    assert sorted((r.uri, r.range.start.line) for r in refs) == sorted([
        (lib_uri, where(lib_text, "mechanic").line),
        (uri, where(text, "role: mechanic").line)])  # not the misspelt `mechanik`

    outline = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(doc(uri)))
    assert outline is not None
    names = [s.name for s in outline]
    assert names == ["repaired-bike", "counter-desk", "drop-off", "pick-up"]
    drop_off = outline[2]
    assert isinstance(drop_off, types.DocumentSymbol)
    assert [c.name for c in drop_off.children or []] == ["wrong-part"]


@pytest.mark.asyncio(loop_scope="module")
async def test_rename_across_the_library_and_its_service(client: LanguageClient,
                                                         tmp_path: Path) -> None:
    library, _service, uri, text = await open_service(client, tmp_path)
    lib_text = library.read_text("utf-8")
    at = where(text, "role: mechanic", 0, 7)
    for bad, words in (("Fitter", "not a valid id"), ("counter-desk", "already the id")):
        with pytest.raises(Exception, match=words):
            await client.text_document_rename_async(types.RenameParams(
                text_document=doc(uri), position=at, new_name=bad))
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=doc(uri), position=at, new_name="fitter"))
    assert edit is not None and edit.changes is not None
    assert set(edit.changes) == {uri, library.as_uri()}
    new_text = applied(text, edit.changes[uri])
    new_lib = applied(lib_text, edit.changes[library.as_uri()])
    assert "role: fitter" in new_text and "role: mechanik" in new_text
    assert "  - id: fitter\n" in new_lib
    lib_uri = open_doc(client, library, new_lib)
    await published(client, lib_uri)
    change(client, uri, 2, new_text)
    found = await published(client, uri, lambda ds: any("fitter" in d.message for d in ds)
                            or not any("mechanic'" in d.message for d in ds))
    assert not any("'fitter'" in d.message and d.code == "SS006" for d in found)
    assert "SS006" in codes(found)  # `mechanik` still names nothing


async def fixes(client: LanguageClient, uri: str, diagnostic: types.Diagnostic
                ) -> dict[str, types.CodeAction]:
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    assert actions is not None
    return {a.title: a for a in actions if isinstance(a, types.CodeAction)}


@pytest.mark.asyncio(loop_scope="module")
async def test_quick_fixes_applied_and_linted_again(client: LanguageClient,
                                                    tmp_path: Path) -> None:
    text = REPAIR.replace(
        "{id: wrong-part, description: The part ordered does not fit, severity: medium}",
        "{id: wrong-part, description: The part ordered (size, colour) does not fit, "
        "severity: medium}").replace("  revenue: fixed", "  revenu: fixed")
    uri = open_doc(client, write(tmp_path, "fixes.yaml", text))
    found = await published(client, uri)
    version = 1

    async def fix(code: str, title: str, check, about: str = "") -> list[types.Diagnostic]:
        nonlocal text, version
        diagnostic = next(d for d in found if d.code == code and about in d.message)
        actions = await fixes(client, uri, diagnostic)
        action = next(a for t, a in actions.items() if t.startswith(title))
        assert action.edit is not None and action.edit.changes is not None
        text = applied(text, action.edit.changes[uri])
        version += 1
        change(client, uri, version, text)
        return await published(client, uri, check)

    # an unknown key: did you mean 'revenue'?
    assert codes(found).count("SS003") == 2  # `revenu`, and the cut text's `colour)`
    found = await fix("SS003", "Change to 'revenue'", lambda ds: codes(ds).count("SS003") == 1,
                      "revenu")
    assert "  revenue: fixed price per repair\n" in text
    # the comma cut the description: quoted whole
    found = await fix("SS003", "Quote the text", lambda ds: "SS003" not in codes(ds))
    assert "description: 'The part ordered (size, colour) does not fit'" in text or \
        'description: "The part ordered (size, colour) does not fit"' in text
    # did you mean 'mechanic'?
    found = await fix("SS006", "Change to 'mechanic'", lambda ds: "SS006" not in codes(ds))
    assert "role: mechanic, action: Hands" in text
    # suppressed with a reason to write
    found = await fix("SS403", "Suppress SS403", lambda ds: "SS403" not in codes(ds))
    assert "SS008" not in codes(found)
    assert "# servicespec: ignore[SS403] TODO" in text
    # a recovery skeleton: filled in, it lints without errors of its own
    found = await fix("SS402", "Add a recovery process", lambda ds: "SS402" not in codes(ds))
    assert "recovery:\n  - id: wrong-part-recovery\n" in text
    text = filled_in(text, "15m")
    version += 1
    change(client, uri, version, text)
    found = await published(client, uri, lambda ds: "SS401" not in codes(ds))
    start = where(text, "recovery:").line
    inside = [d for d in found if d.range.start.line >= start]
    assert not [d for d in inside if d.severity == types.DiagnosticSeverity.Error], inside
    # a second fail point: its recovery goes under the existing `recovery:`
    text = text.replace("      customer: Collects the bike\n",
                        "      customer: Collects the bike\n      fail_points: [{id: "
                        "bike-scratched, description: The frame gets scratched}]\n")
    version += 1
    change(client, uri, version, text)
    found = await published(client, uri, lambda ds: "SS402" in codes(ds))
    found = await fix("SS402", "Add a recovery process", lambda ds: "SS402" not in codes(ds))
    assert text.count("recovery:\n") == 1
    assert "follow-up]\n  - id: bike-scratched-recovery\n    covers: [bike-scratched]\n" in text
    text = filled_in(text, "1h")
    version += 1
    change(client, uri, version, text)
    found = await published(client, uri, lambda ds: "1h" in text and not any(
        d.range.start.line > where(text, "bike-scratched-recovery").line for d in ds
        if d.severity == types.DiagnosticSeverity.Error))
    assert "SS402" not in codes(found)


@pytest.mark.parametrize("spec", ["hotel-stay.yaml", "personal-loan.yaml",
                                  "outpatient-visit.yaml", "saas-onboarding.yaml"])
def test_the_reference_fields_are_the_ones_ss006_checks(spec: str) -> None:
    """Completion and navigation read REFERENCE_FIELDS; SS006 checks the fields in its own
    code: every reference broken in a real spec must be reported at a path the table has,
    and every field of the table that SS006 checks must be reported when broken."""
    import yaml

    from servicespec.config import Config
    from servicespec.engine import lint_text
    from servicespec.lsp.document import parse
    from servicespec.source import value_at

    root = Path(__file__).parent.parent / "specs"
    parsed = parse(spec, (root / spec).read_text("utf-8"))
    # `next` is SS307's, `uses` SS802's, and a system's `owner` may be free text
    checked = [r for r in parsed.references if r.target not in ("next", "library")
               and not (r.path[0] == "systems" and r.path[-1] == "owner")]
    assert len(checked) > 10
    data = copy.deepcopy(parsed.data)  # the parse is cached: leave it as it was
    for n, ref in enumerate(checked):
        parent = value_at(data, ref.path[:-1])
        parent[ref.path[-1]] = f"zz-missing-{n}"
    result = lint_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), spec,
                       Config(select=["SS006"]))
    reported = {tuple(d.path) for d in result.diagnostics}
    assert reported, "nothing broken was reported"
    assert reported <= {r.path for r in parsed.references}
    assert {r.path for r in checked} <= reported


@pytest.mark.asyncio(loop_scope="module")
async def test_related_places_in_a_library_are_in_utf16_too(client: LanguageClient,
                                                            tmp_path: Path) -> None:
    library, service = catalogue(tmp_path)
    lib_text = library.read_text("utf-8")
    one_line = ("channels: [{id: other-desk, name: Theke 🛠️🚲 Grüße, kind: in-person, mode: "
                "self-service}, {id: workshop-counter, name: Werkstatt, kind: in-person, "
                "mode: live}]\n")
    start, end = lib_text.index("channels:\n"), lib_text.index("roles:\n")
    lib_text = lib_text[:start] + one_line + lib_text[end:]
    library.write_text(lib_text, encoding="utf-8")
    uri = open_doc(client, service)
    found = await published(client, uri)
    shared = next(d for d in found if d.code == "SS204")
    assert shared.related_information
    place = shared.related_information[0].location
    assert place.uri == library.as_uri()
    assert place.range.start == where(lib_text, "{id: workshop-counter")


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=[sys.executable, "-m", "servicespec", "lsp"]))
async def utf8_client(lsp_client: LanguageClient):
    """An editor that counts positions in UTF-8 bytes and says so."""
    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf8]))))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio(loop_scope="module")
async def test_an_editor_that_counts_utf8_gets_utf8(utf8_client: LanguageClient,
                                                    tmp_path: Path) -> None:
    old = "  - id: workshop-counter\n    name: Werkstatt-Theke 🛠️\n"
    text = REPAIR.replace(old, "  - {id: workshop-counter, name: Grüße 🛠️🚲, kind: in-person, "
                               "mode: live, naem: x}\n").replace(
        "    kind: in-person\n    mode: live\n", "")
    uri = open_doc(utf8_client, write(tmp_path, "emoji.yaml", text))
    unknown = next(d for d in await published(utf8_client, uri) if d.code == "SS003")
    line = text.splitlines()[unknown.range.start.line].encode("utf-8")
    assert line[unknown.range.start.character:unknown.range.end.character] == b"naem"
    # and reads the editor's positions as UTF-8 too: hover on the key `mode`, after emoji
    at = text.index("mode: live, naem")
    column = len(text[text.rfind("\n", 0, at) + 1:at].encode("utf-8"))
    shown = await utf8_client.text_document_hover_async(types.HoverParams(
        doc(uri), types.Position(text.count("\n", 0, at), column + 1)))
    assert shown is not None and "**mode**" in shown.contents.value


@pytest.mark.asyncio(loop_scope="module")
async def test_a_misspelt_library_is_fixed_by_its_did_you_mean(client: LanguageClient,
                                                               tmp_path: Path) -> None:
    _, service = catalogue(tmp_path)
    text = service.read_text("utf-8").replace("uses: [workshop]", "uses: [workshp]")
    uri = open_doc(client, service, text)
    found = await published(client, uri, lambda ds: "SS802" in codes(ds))
    missing = next(d for d in found if d.code == "SS802")
    action = (await fixes(client, uri, missing))["Change to 'workshop'"]
    assert action.edit is not None and action.edit.changes is not None
    text = applied(text, action.edit.changes[uri])
    assert "uses: [workshop]" in text
    change(client, uri, 2, text)
    await published(client, uri, lambda ds: "SS802" not in codes(ds) and "SS204" in codes(ds))


def test_without_the_lsp_extra_the_command_says_what_to_install() -> None:
    """pygls missing (a plain `pip install servicespec`): a word on what to install, exit 2,
    not an internal error."""
    code = ("import sys; sys.modules['pygls'] = None; sys.argv = ['servicespec', 'lsp']\n"
            "from servicespec.__main__ import main\nmain()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "internal error" not in done.stderr
    assert "pip install 'servicespec[lsp]'" in done.stderr
