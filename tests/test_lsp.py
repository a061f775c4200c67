"""The language server end to end: pytest-lsp starts `servicespec lsp` and talks to it over
standard input and output, as an editor does."""

from __future__ import annotations

import asyncio
import shutil
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
    for name, text, code in (("bad.yaml", "product: [unclosed\n  id: x\n", "SS001"),
                             ("junk.yaml", "\x00\x01\x02\udcff\ufffe" * 50, None),
                             ("empty.yaml", "", None)):
        uri = open_doc(client, tmp_path / name, text)
        found = await published(client, uri)
        assert found, name
        if code:
            assert code in codes(found)
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
    text = library.read_text("utf-8").replace("    mode: live\n",
                                              "    mode: live\n    hours: Mo-Sa 8-18\n    response_time: 5m\n")
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
    # a configuration that ignores SS802 takes effect without a restart
    config = write(tmp_path, "servicespec.toml", 'ignore = ["SS802"]\n')
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(config.as_uri(), types.FileChangeType.Created)]))
    await published(client, uri, lambda ds: "SS802" not in codes(ds) and bool(ds))
