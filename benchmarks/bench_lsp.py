"""How fast the language server shows findings after a keystroke.

    python benchmarks/bench_lsp.py [--steps 100] [--changes 40] [--debounce 0.015]
                                   [--services 0]

Generates one service of `--steps` steps (benchmarks/generate.py, with planted gaps so that
rules fire and positions are needed) that uses a library of the same folder (its channels
and roles: the catalogue the server reads once and keeps warm), starts `servicespec lsp` as
an editor does (a subprocess over standard input and output), opens the spec, then sends
`--changes` edits one after another, each waiting for its findings: the time from sending
`didChange` to receiving `publishDiagnostics` for that version, median and worst. The
baseline, measured in the same run: linting the same text in this process
(`engine.lint_text`, what the server runs per change, resolved against the same library),
median. Each change here comes after a pause (its findings are awaited first), so the server
lints it at once; its wait for more keystrokes (`--debounce`, default 0.015 s) applies to
changes that follow one another that closely. Target: a median of at most 50 ms.

With `--services N`, the folder holds N more services (24 steps each) that use the library:
the server lints them in the background once the spec is open (the catalogue's own
findings need them), in slices between the changes; the time from `didOpen` to the spec's
first findings shows that this does not hold them back, the worst change what one slice
costs a change that comes during it.

Run it from a folder without a `servicespec` package in it (`python -m` puts the current
folder first on the path), e.g. to compare with another tree:
`cd /tmp && PYTHONPATH=/path/to/other/tree python /path/to/bench_lsp.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).parent))
from generate import library_text, spec_text

TARGET_MS = 50.0


def edited(text: str, k: int) -> str:
    """The spec with one description retyped: a change a designer makes."""
    return text.replace("  name: Service 0\n", f"  name: Service 0 (draft {k})\n", 1)


async def server_latencies(path: Path, text: str, changes: int, debounce: float
                           ) -> tuple[float, list[float]]:
    """(didOpen -> first findings, didChange -> its findings for each change)."""
    client = LanguageClient("bench", "1")
    got: dict[int, float] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None and params.diagnostics:
            got[params.version] = time.perf_counter()
            arrived.set()

    await client.start_io(sys.executable, "-m", "servicespec", "lsp")
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), initialization_options={"debounce": debounce}))
    client.initialized(types.InitializedParams())
    uri = path.as_uri()

    async def wait_for(version: int) -> float:
        while version not in got:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 60)
        return got[version]

    opened = time.perf_counter()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="yaml", version=1, text=text)))
    first = await wait_for(1) - opened
    out = []
    for k in range(2, changes + 2):
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=k),
            [types.TextDocumentContentChangeWholeDocument(text=edited(text, k))]))
        out.append(await wait_for(k) - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, out


def in_process(path: Path, text: str, changes: int) -> list[float]:
    from servicespec.api import open_workspace
    from servicespec.config import find_config
    from servicespec.engine import lint_text

    config = find_config(path.parent).config
    catalogue = open_workspace([str(path)], [str(path)]).catalogue
    assert catalogue.libraries, "the service's library was not found"
    lint_text(text, str(path), config, catalogue)  # warm: imports and the rules' set-up
    out = []
    for k in range(2, changes + 2):
        start = time.perf_counter()
        result = lint_text(edited(text, k), str(path), config, catalogue)
        out.append(time.perf_counter() - start)
        assert result.diagnostics
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--debounce", type=float, default=0.015)
    parser.add_argument("--services", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "service.yaml"
        text = spec_text(0, args.steps, random.Random(1), True, "library-00")
        path.write_text(text, encoding="utf-8")
        (Path(tmp) / "library-00.yaml").write_text(library_text(0), encoding="utf-8")
        rng = random.Random(2)
        for n in range(1, args.services + 1):
            (Path(tmp) / f"service-{n:05d}.yaml").write_text(
                spec_text(n, 24, rng, n % 3 == 0, "library-00"), encoding="utf-8")
        baseline = in_process(path, text, args.changes)
        first, server = asyncio.run(server_latencies(path, text, args.changes, args.debounce))
    base_ms = statistics.median(baseline) * 1000
    median_ms = statistics.median(server) * 1000
    print(f"spec: {args.steps} steps, {len(text.splitlines())} lines, using one library; "
          f"{args.changes} changes; debounce {args.debounce * 1000:.0f} ms; "
          f"{args.services} other services in the catalogue")
    print(f"didOpen -> first publishDiagnostics: {first * 1000:.1f} ms")
    print(f"in-process lint of the same text (baseline): median {base_ms:.1f} ms")
    print(f"didChange -> publishDiagnostics: median {median_ms:.1f} ms, worst "
          f"{max(server) * 1000:.1f} ms, ratio to baseline {median_ms / base_ms:.2f}x")
    print(f"target: median <= {TARGET_MS:.0f} ms: {'met' if median_ms <= TARGET_MS else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
