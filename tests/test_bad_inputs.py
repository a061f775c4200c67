"""The bad-input corpus: one file per attack or accident, each with its exact diagnostic.

Each case runs the real CLI in a child process with a memory cap and a generous timeout, so
a hang or a blow-up fails the test instead of stalling CI.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from servicespec.commands import starter_text

CORPUS = Path(__file__).resolve().parent / "corpus"
TIMEOUT_S = 30
MEMORY_CAP = 1024 * 1024 * 1024  # 1 GiB of address space


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def servicespec(*args: str, cwd: Path | None = None, codes: tuple[int, ...] = (0, 1),
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI under the caps; it must end with one of `codes` and no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "servicespec", *args], capture_output=True, text=True,
        errors="surrogateescape", timeout=TIMEOUT_S, preexec_fn=_cap_memory, cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})})
    assert proc.returncode in codes, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    return proc


def lint(*args: str, cwd: Path | None = None) -> tuple[int, list[dict]]:
    proc = servicespec("lint", "--format", "json", *args, cwd=cwd)
    return proc.returncode, json.loads(proc.stdout)["findings"]


def found(findings: list[dict]) -> list[tuple[str, int, int]]:
    return [(f["code"], f["line"], f["column"]) for f in findings]


CASES = [
    # file, expected (code, line, column) list, words in the first message
    ("billion-laughs.yaml", [("SS009", 6, 10)], "alias bomb"),
    ("python-object-apply.yaml", [("SS002", 5, 9), ("SS002", 5, 9)],
     "'!!python/object/apply:os.system' is not supported"),
    ("other-tags.yaml", [("SS002", 13, 10), ("SS002", 15, 9)], "'!Product' is not supported"),
    # a merged value that is wrong is found at the merge key's value, `*base`
    ("merge-keys-wrong-kind.yaml", [("SS002", 7, 9)], "`kind` is 'fax'"),
    ("nan-target.yaml", [("SS002", 6, 52)], "needs an operator"),
    ("infinite-target.yaml", [("SS002", 6, 52)], "is not a target"),
    # the loader's word on the number, then the model's on the target
    ("huge-integer.yaml", [("SS002", 6, 52), ("SS002", 6, 52)],
     "is not a target"),
    ("invalid-utf8.yaml", [("SS001", 4, 20)], "invalid UTF-8 (byte 0xe9)"),
    ("nul-byte.yaml", [("SS001", 4, 18)], "U+0000"),
    ("tabs.yaml", [("SS001", 5, 1)], "indent with spaces"),
    ("multi-document.yaml", [("SS001", 163, 1)], "several YAML documents"),
    ("top-level-list.yaml", [("SS002", 1, 1)], "the file is a list"),
    ("empty.yaml", [("SS002", 1, 1)], "the file is empty"),
    ("unicode-lookalike-id.yaml", [("SS305", 74, 5), ("SS006", 96, 7)], ""),
    # texts cut short by YAML: each finding says how and quotes the text as it was meant
    ("cut-comma-flow.yaml", [("SS003", 6, 55), ("SS003", 7, 36), ("SS003", 7, 47)],
     "the comma after 'crew' ended the text of `name`; quote it, "
     '`name: "Cancels the flight (crew, weather)"`'),
    ("cut-colon-list.yaml", [("SS002", 8, 9), ("SS002", 9, 33)],
     "the colon after 'Note' made a key; quote the text, `\"Note: see the agent at the gate\"`"),
    ("cut-colon-block.yaml", [("SS001", 8, 30)],
     'a colon followed by a space inside a text starts a key; quote the text, '
     '`customer: "Reads the SMS: flight cancelled"`'),
    ("cut-colon-flow.yaml", [("SS001", 6, 24)], '`name: "SMS: text alerts"`'),
    ("cut-quote-block.yaml", [("SS001", 8, 26)],
     "a text that starts with a quote ends at the closing quote; quote the whole text, "
     "`customer: '\"Rebook\" button in the app'`"),
    ("cut-quote-flow.yaml", [("SS001", 6, 35)], "`'\"Rebook\" button'`"),
    ("cut-hash-flow.yaml", [("SS001", 7, 3)],
     '` #` on line 6 starts a comment, so the rest of that line is not read; quote the text, '
     '`name: "Gate #3 desk"`'),
    ("utf16-bom.yaml", [], ""),
    ("date-as-text.yaml", [], ""),
]


@pytest.mark.parametrize("name,expected,words", CASES, ids=[c[0] for c in CASES])
def test_corpus_file(name: str, expected: list, words: str) -> None:
    code, findings = lint(str(CORPUS / name))
    assert found(findings) == expected
    assert code == (1 if any(f["severity"] == "error" for f in findings) else 0)
    if words:
        assert words in findings[0]["message"]


def test_a_second_cut_names_the_comma_before_it() -> None:
    _, findings = lint(str(CORPUS / "cut-comma-flow.yaml"))
    assert "the comma after 'SMS' ended the text of `name`" in findings[2]["message"]
    assert "the colon after 'Gate'" in lint(str(CORPUS / "cut-colon-list.yaml"))[1][1]["message"]


@pytest.mark.parametrize("name", ["merge-keys.yaml", "merge-keys-wrong-kind.yaml"])
def test_merge_keys_same_verdict_as_the_json_schema(name: str) -> None:
    """Editors check specs with the JSON Schema on data whose merge keys are merged; the
    linter's file-level verdict (SS001-SS004) must be theirs."""
    import jsonschema

    from servicespec.loader import read_file
    from servicespec.schema import SCHEMA_FILE

    schema = json.loads((CORPUS.parent.parent / SCHEMA_FILE).read_text())
    data = read_file(CORPUS / name).data
    schema_errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    _, findings = lint(str(CORPUS / name))
    linter_errors = [f for f in findings if f["code"] in ("SS001", "SS002", "SS003", "SS004")]
    assert bool(schema_errors) == bool(linter_errors)
    assert data["channels"][0]["hours"] == "24/7"  # merged from the anchor


def test_lookalike_reference_gets_did_you_mean() -> None:
    _, findings = lint(str(CORPUS / "unicode-lookalike-id.yaml"))
    assert "did you mean 'check-in-desk'" in findings[1]["message"]


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    spec = tmp_path / "evil.yaml"
    spec.write_text((CORPUS / "python-object-apply.yaml").read_text().replace(
        "/tmp/pwned", str(marker)))
    lint(str(spec))
    assert not marker.exists()


def test_fifty_megabyte_spec(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with open(big, "w", encoding="utf-8") as fh:
        fh.write(starter_text())
        line = "# " + "x" * 1000 + "\n"
        for _ in range(50 * 1024):
            fh.write(line)
    assert found(lint(str(big))[1]) == [("SS009", 1, 1)]


def test_endless_standard_input_is_refused_not_read(tmp_path: Path) -> None:
    # /dev/zero never ends: reading it whole would hang until the memory cap
    with open("/dev/zero", "rb") as endless:
        proc = subprocess.run(
            [sys.executable, "-m", "servicespec", "lint", "--format", "json", "-"],
            stdin=endless, capture_output=True, text=True, timeout=TIMEOUT_S,
            preexec_fn=_cap_memory, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 1, proc.stderr
    [finding] = json.loads(proc.stdout)["findings"]
    assert finding["code"] == "SS009" and finding["file"] == "<stdin>"


def test_one_megabyte_single_line(tmp_path: Path) -> None:
    spec = tmp_path / "long-line.yaml"
    spec.write_text(starter_text().replace(
        "  description: An overnight stay", "  description: " + "word " * 200_000 + "An", 1))
    assert lint(str(spec))[1] == []


def test_ten_thousand_deep_nesting(tmp_path: Path) -> None:
    spec = tmp_path / "deep.yaml"
    spec.write_text(starter_text() + "x-deep: " + "[" * 10_000 + "]" * 10_000 + "\n")
    [(code, line, _)] = found(lint(str(spec))[1])
    assert (code, line) == ("SS009", starter_text().count("\n") + 1)


def test_quadratic_blowup_through_aliases(tmp_path: Path) -> None:
    # one long string aliased many times: shared, never copied, and capped all the same
    spec = tmp_path / "quadratic.yaml"
    spec.write_text(starter_text() + "x-a: &a " + "y" * 100_000 + "\nx-b: ["
                    + ", ".join(["*a"] * 20_000) + "]\n")
    assert [f["code"] for f in lint(str(spec))[1]] == ["SS009"]


def test_aliases_used_as_keys_count_and_messages_quote_little(tmp_path: Path) -> None:
    # a megabyte key aliased as a key 300 times: 300 duplicate keys, each message short
    spec = tmp_path / "alias-keys.yaml"
    keys = ", ".join(f"*a : {n}" for n in range(300))
    spec.write_text(starter_text() + "x-a: &a " + "y" * 1_000_000 + "\nx-m: {" + keys + "}\n")
    proc = servicespec("lint", "--format", "text", str(spec))
    assert len(proc.stdout) < 300 * 2_000, len(proc.stdout)
    findings = lint(str(spec))[1]
    assert [f["code"] for f in findings] == ["SS004"] * 299
    assert all(len(f["message"]) < 200 for f in findings)
    # 30,000 such keys run past the alias budget: SS009, not MemoryError
    keys = ", ".join(f"*a : {n}" for n in range(30_000))
    spec.write_text(starter_text() + "x-a: &a " + "y" * 1_000 + "\nx-m: {" + keys + "}\n")
    assert "SS009" in {f["code"] for f in lint(str(spec))[1]}


@pytest.mark.parametrize("text,code,words", [
    ("kind: 0x" + "f" * 3_600, "SS002", "3,602 characters"),
    ("x-n: " + "1" * 100_000, "SS002", "100,000 characters"),
])
def test_huge_integers_are_a_short_ss002(tmp_path: Path, text: str, code: str,
                                         words: str) -> None:
    spec = tmp_path / "huge.yaml"
    spec.write_text(starter_text().replace("kind: Service", "kind: Service\n" + text, 1)
                    if text.startswith("x-") else starter_text().replace("kind: Service", text))
    findings = lint(str(spec))[1]
    assert any(f["code"] == code and words in f["message"] for f in findings), findings
    assert all(len(f["message"]) < 300 for f in findings)


def test_directory_with_symlink_loop_dangling_link_and_fifo(tmp_path: Path) -> None:
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "hotel.yaml").write_text(starter_text().replace("  owner:", "  ownr:", 1))
    os.symlink(folder, folder / "loop")
    os.symlink(folder / "dangling.yaml", folder / "dangling.yaml")
    os.mkfifo(folder / "pipe.yaml")
    # a walk takes the spec and passes over the rest; named, each is an SS010 finding
    _, findings = lint(str(folder))
    assert {Path(f["file"]).name for f in findings} == {"hotel.yaml"}
    _, findings = lint(str(folder / "dangling.yaml"), str(folder / "pipe.yaml"))
    assert [(Path(f["file"]).name, f["code"]) for f in findings] == [
        ("dangling.yaml", "SS010"), ("pipe.yaml", "SS010")]


def test_fifos_and_devices_are_never_read(tmp_path: Path) -> None:
    """The text reporter and the site show the text that was linted: a FIFO, named or behind
    a link, is an SS010 finding and nothing opens it again (it would block)."""
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "hotel.yaml").write_text(starter_text())
    os.mkfifo(tmp_path / "p.yaml")
    os.symlink(tmp_path / "p.yaml", specs / "link-to-fifo.yaml")
    os.symlink("/dev/stdin", specs / "stdin.yaml")
    os.symlink("/dev/zero", specs / "zero.yaml")
    named = ["p.yaml", "specs/link-to-fifo.yaml", "specs/stdin.yaml", "specs/zero.yaml"]
    # standard input a pipe that stays open: reading it would block until the timeout
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "servicespec", "lint", *named], stdin=read_end,
            capture_output=True, text=True, timeout=TIMEOUT_S, preexec_fn=_cap_memory,
            cwd=tmp_path)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.count("SS010 error") == 4 and " | " not in proc.stdout
    site = servicespec("site", "-o", "out", "specs", *named, cwd=tmp_path)
    assert "5 service page(s)" in site.stdout


def test_symlinked_secrets_are_never_published(tmp_path: Path) -> None:
    """A spec that is a link out of the folder (`/proc/self/environ`, `/etc/passwd`) is not
    read by a walk, nor when named; and the site never embeds a file that is not a spec."""
    secret = "s3cr3t-" + os.urandom(6).hex()
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "hotel.yaml").write_text(starter_text())
    os.symlink("/proc/self/environ", specs / "env.yaml")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text(f"apiVersion: servicespec/v1\ntoken: {secret}\n")
    os.symlink(outside, specs / "key.yaml")
    (specs / "notes.yaml").write_text(f"{secret}: [\n")  # not a spec: never published
    env = {"SERVICESPEC_TEST_SECRET": secret}
    try:
        runs = [servicespec("lint", "specs", cwd=tmp_path, env=env),
                servicespec("lint", "specs/env.yaml", "specs/key.yaml", cwd=tmp_path, env=env),
                servicespec("lint", "--format", "json", "specs/env.yaml", cwd=tmp_path,
                            env=env),
                servicespec("site", "-o", "out", "specs", "specs/env.yaml", "specs/key.yaml",
                            "specs/notes.yaml", cwd=tmp_path, env=env)]
    finally:
        outside.unlink()
    assert runs[1].stdout.count("symbolic link out of the working folder") == 2
    for run in runs:
        assert secret not in run.stdout + run.stderr
    pages = list((tmp_path / "out").rglob("*.html"))
    assert len(pages) == 1 + 4  # the index, hotel, env, key and notes
    for page in pages:
        assert secret not in page.read_text(encoding="utf-8")


def test_file_names_that_are_not_utf8_are_shown_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.yaml")
    (tmp_path / name).write_text(starter_text().replace("  owner:", "  ownr:", 1))
    for fmt in ("text", "json", "sarif", "github", "junit"):
        for cache in (["--no-cache"], [], []):  # without the cache, filling it, from it
            out = servicespec("lint", *cache, "--format", fmt, ".", cwd=tmp_path).stdout
            assert "caf" in out and "\udce9" not in out and "\ufffd" not in out, fmt
            shown = {"sarif": "caf%5Cxe9", "json": "caf\\\\xe9"}.get(fmt, "caf\\xe9")
            assert shown + ".yaml" in out, (fmt, out)
    servicespec("lint", "--write-baseline", "known.json", ".", cwd=tmp_path)
    assert '"caf\\\\xe9.yaml"' in (tmp_path / "known.json").read_text(encoding="utf-8")
    servicespec("site", "-o", "out", ".", cwd=tmp_path)
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "caf\\xe9.yaml" in index


def test_output_never_replaces_a_special_file(tmp_path: Path) -> None:
    (tmp_path / "hotel.yaml").write_text(starter_text())
    os.symlink("/proc/self/fd/1", tmp_path / "to-stdout")
    proc = servicespec("lint", "--format", "json", "--output", "to-stdout", "hotel.yaml",
                       cwd=tmp_path)
    assert json.loads(proc.stdout)["findings"] == []  # written through, to standard output
    assert os.readlink(tmp_path / "to-stdout") == "/proc/self/fd/1"
    # a link to a file: writing through could change a file outside the output asked for
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    os.symlink(precious, tmp_path / "planted.sarif")
    proc = servicespec("lint", "--format", "sarif", "--output", "planted.sarif", "hotel.yaml",
                       cwd=tmp_path, codes=(2,))
    assert "cannot write planted.sarif: a symbolic link" in proc.stderr
    assert precious.read_text() == "keep me" and (tmp_path / "planted.sarif").is_symlink()
    # a FIFO is written to, not renamed over
    os.mkfifo(tmp_path / "pipe")
    reader = subprocess.Popen(["cat", str(tmp_path / "pipe")], stdout=subprocess.PIPE,
                              text=True)
    servicespec("lint", "--format", "json", "--output", "pipe", "hotel.yaml", cwd=tmp_path)
    assert json.loads(reader.communicate(timeout=TIMEOUT_S)[0])["findings"] == []
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
