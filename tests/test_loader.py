"""The loader: exact positions, YAML 1.2 semantics, and bad input that never breaks it."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicespec.api import discover, lint_file
from servicespec.config import Config
from servicespec.loader import Limits, load_bytes, load_text

from .conftest import examples, lint_text


def codes_at(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in lint_text(text).diagnostics]


def only(text: str, code: str) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in lint_text(text).diagnostics if d.code == code]


HEAD = "apiVersion: servicespec/v1\nkind: Service\nmetadata: {id: s, name: S}\n"


def test_yaml_12_scalars_stay_strings() -> None:
    loaded = load_text("a: no\nb: on\nc: 2024-01-01\nd: 0o17\ne: .inf\nf: '1'\ng: ~\nh: 1_000\n",
                       "f.yaml")
    assert loaded.data == {"a": "no", "b": "on", "c": "2024-01-01", "d": 15,
                           "e": float("inf"), "f": "1", "g": None, "h": "1_000"}


def test_positions_of_keys_and_values() -> None:
    loaded = load_text("a:\n  - id: x\n    name: y\n", "f.yaml")
    span = loaded.source.key_span(("a", 0, "name"))
    assert (span.line, span.column) == (3, 5)
    span = loaded.source.value_span(("a", 0, "name"))
    assert (span.line, span.column, span.end_column) == (3, 11, 12)


def test_syntax_error_at_parser_position() -> None:
    assert codes_at("a: [1, 2\nb: 3\n") == [("SS001", 2, 2)]
    # a colon at the error that is a key, not inside a text: no hint to quote
    [diag] = lint_text("a: [1, 2\nb: 3\n").diagnostics
    assert "check that the bracket opened on line 1 is closed" in diag.message
    assert "colon followed by a space inside a text" not in diag.message
    assert codes_at("a: 'unclosed\n") == [("SS001", 2, 1)]


def test_the_unclosed_bracket_is_named_on_its_own_line() -> None:
    """libyaml marks where the node it was reading starts, the line after the one whose `{`
    a trailing comma left open: the hint names the bracket's line, past quoted `{` and `#`."""
    text = ("channels:\n"
            "  - {id: a, name: 'A {x}', hours: 24/7}  # {not this one\n"
            "  - {id: b, name: B, hours: \"{\", kind: chatbot,\n"
            "  - {id: c, name: C}\n")
    [diag] = lint_text(text).diagnostics
    assert (diag.code, diag.line) == ("SS001", 4)
    assert "check that the bracket opened on line 3 is closed" in diag.message


def test_tab_indentation_is_explained() -> None:
    [diag] = lint_text("a:\n\t- b\n").diagnostics
    assert (diag.code, diag.line, diag.column) == ("SS001", 2, 1)
    assert "tabs" in diag.message


def test_duplicate_key_reported_at_the_repeat() -> None:
    text = HEAD + "product:\n  name: A\n  need: x\n  name: B\n"
    [diag] = [d for d in lint_text(text).diagnostics if d.code == "SS004"]
    assert (diag.line, diag.column) == (7, 3)
    assert "first at line 5" in diag.message


def test_unknown_key_with_did_you_mean() -> None:
    text = HEAD + "product:\n  name: A\n  outcome: [x]\n"
    [diag] = lint_text(text).diagnostics
    assert (diag.code, diag.line, diag.column) == ("SS003", 6, 3)
    assert "did you mean 'outcomes'" in diag.message


def test_merge_keys_merge_as_in_other_yaml_tools() -> None:
    text = ("a: &a {k: 1, j: 1, m: 1}\nb: &b {k: 2, j: 2, n: 2}\n"
            "c:\n  j: 3\n  <<: [*a, *b]\n  i: 3\n"  # explicit keys win, the earlier merge wins
            "d:\n  <<: {k: 4}\n"  # a mapping written in place
            "e: {'<<': 5}\n")  # quoted, `<<` is an ordinary name
    loaded = load_text(text, "f.yaml")
    assert loaded.diagnostics == []
    assert loaded.data["c"] == {"j": 3, "i": 3, "k": 1, "m": 1, "n": 2}
    assert loaded.data["d"] == {"k": 4} and loaded.data["e"] == {"<<": 5}
    # a merged value is found at its merge key
    span = loaded.source.value_span(("c", "n"))
    assert (span.line, span.column) == (5, 7)


def test_merged_values_count_against_the_alias_budget() -> None:
    text = "a: &a {" + ", ".join(f"k{i}: {i}" for i in range(20)) + "}\n"
    text += "".join(f"b{i}:\n  <<: *a\n" for i in range(10))
    # the anchor is 41 nodes (the mapping, 20 keys, 20 values), merged 10 times
    assert load_text(text, "f.yaml", Limits(max_alias_nodes=410)).diagnostics == []
    [diag] = load_text(text, "f.yaml", Limits(max_alias_nodes=409)).diagnostics
    assert diag.code == "SS009" and "aliases expand" in diag.message


def test_unknown_key_without_a_value_is_reported() -> None:
    # nulls of known keys mean "not given"; an unknown key is one whatever its value
    text = HEAD + "product: {name: A, need: null}\nroles:\n  - id: r\n    weather:\n"
    assert codes_at(text) == [("SS003", 7, 5)]


def test_enum_violation_lists_allowed_values() -> None:
    text = HEAD + "product: {name: A}\nchannels:\n  - id: c\n    kind: telefone\n"
    [diag] = lint_text(text).diagnostics
    assert (diag.code, diag.line, diag.column) == ("SS002", 7, 11)
    assert "phone" in diag.message and "in-person" in diag.message


def test_missing_required_key() -> None:
    text = HEAD + "product:\n  need: x\n"
    [diag] = lint_text(text).diagnostics
    assert (diag.code, diag.line) == ("SS002", 4)
    assert "missing required key 'name'" in diag.message


def test_all_errors_of_a_file_at_once() -> None:
    text = HEAD + "product:\n  nam: A\nchannels:\n  - {id: c, kind: fax}\n  - {id: B, kind: web}\n"
    got = codes_at(text)
    assert [c for c, _, _ in got].count("SS002") >= 2 and ("SS003", 5, 3) in got


def test_unsupported_version_stops_checking() -> None:
    text = "apiVersion: servicespec/v9\nkind: Service\nmetadata: 3\n"
    assert codes_at(text) == [("SS007", 1, 13)]
    assert codes_at("apiVersion: servicespec/v1\nkind: Product\n") == [("SS007", 2, 7)]


def test_malformed_duration_and_target_are_errors() -> None:
    text = HEAD + ("product: {name: A}\nchannels:\n  - {id: c, kind: phone, response_time: 5}\n"
                   "metrics:\n  - {id: m, measures: product, type: csat, target: 'about 4'}\n")
    got = lint_text(text).diagnostics
    assert [(d.code, d.line) for d in got] == [("SS002", 6), ("SS002", 8)]
    assert "no unit" in got[0].message and "OP NUMBER" in got[1].message


def test_a_shorthand_value_is_named_as_written() -> None:
    # `wait: 5` stands for `wait: {expected: 5}`; the user wrote `wait`, so that is the name
    text = HEAD + ("product: {name: A}\nblueprint:\n  steps:\n"
                   "    - {id: a, customer: Arrive, wait: 5}\n")
    [got] = lint_text(text).diagnostics
    assert (got.code, got.line, got.column) == ("SS002", 7, 39)
    assert got.message.startswith("`wait`: duration 5 has no unit")
    assert "expected" not in got.message


@pytest.mark.parametrize("text,message", [
    ("", "empty"),
    ("# only a comment\n", "empty"),
    ("- a\n- b\n", "list"),
    ("just text\n", "string"),
    ("a: 1\n---\nb: 2\n", "several YAML documents"),
    ("a: !!python/object/apply:os.system ['echo hi']\n", "tag"),
    ("a: !custom x\n", "tag"),
    ("<<: [{a: 1}, 2]\n", "a merge key (<<) takes a mapping or a list of mappings, not a list "
                           "holding a number"),
])
def test_bad_documents_get_a_diagnostic(text: str, message: str) -> None:
    diags = lint_text(text).diagnostics
    assert diags and any(message in d.message for d in diags), diags
    assert all(d.severity.value == "error" for d in diags if d.code != "SS008")


def test_python_tags_are_never_constructed(tmp_path) -> None:
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    lint_text(text)
    assert not marker.exists()


def test_invalid_utf8_points_at_the_byte() -> None:
    loaded = load_bytes(b"a: 1\nb: caf\xe9\n", "f.yaml")
    [diag] = loaded.diagnostics
    assert (diag.code, diag.line, diag.column) == ("SS001", 2, 7)
    assert "UTF-8" in diag.message


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_byte_order_marks_are_honoured(encoding: str) -> None:
    loaded = load_bytes("a: é\n".encode(encoding), "f.yaml")
    assert loaded.diagnostics == [] and loaded.data == {"a": "é"}


def test_nul_byte_is_a_syntax_error() -> None:
    [diag] = load_bytes(b"a: x\x00y\n", "f.yaml").diagnostics
    assert diag.code == "SS001" and "U+0000" in diag.message


def _timed(func, *args):
    start = time.perf_counter()
    out = func(*args)
    assert time.perf_counter() - start < 2.0, "took too long"
    return out


def test_billion_laughs_is_stopped() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    loaded = _timed(load_text, "\n".join(lines) + "\n", "bomb.yaml")
    assert [d.code for d in loaded.diagnostics] == ["SS009"]
    assert "alias" in loaded.diagnostics[0].message


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_stopped(opener: str, closer: str) -> None:
    text = "a: " + opener * 10_000 + "1" + closer * 10_000 + "\n"
    loaded = _timed(load_text, text, "deep.yaml")
    assert [d.code for d in loaded.diagnostics] == ["SS009"]
    assert "nesting deeper than 64 levels" in loaded.diagnostics[0].message


@pytest.mark.parametrize("depth", [100, 900])
def test_nesting_under_libyamls_own_limit_is_ours(depth: int) -> None:
    # libyaml before 0.2.6 has no limit of its own; below 1,000 levels the newer one does not
    # stop either, so this depth exercises the builder's limit whatever libyaml is installed
    loaded = _timed(load_text, "a: " + "[" * depth + "]" * depth + "\n", "deep.yaml")
    assert [(d.code, d.line) for d in loaded.diagnostics] == [("SS009", 1)]
    assert "nesting deeper than 64 levels" in loaded.diagnostics[0].message


def test_libyamls_own_nesting_error_is_ss009(monkeypatch: pytest.MonkeyPatch) -> None:
    # libyaml 0.2.6 and newer raise this before the builder sees the depth; older ones never do
    import yaml

    def stopped(*_args: object, **_kwargs: object) -> None:
        mark = yaml.Mark("<unicode string>", 1003, 0, 1003, None, None)
        raise yaml.scanner.ScannerError("while increasing flow level", mark,
                                        "exceeded maximum nesting depth", mark)

    monkeypatch.setattr(yaml, "parse", stopped)
    loaded = load_text("a: [[[]]]\n", "deep.yaml", Limits(max_depth=5000))
    [diagnostic] = loaded.diagnostics
    assert (diagnostic.code, diagnostic.name, diagnostic.line) == ("SS009", "limit-exceeded", 1)
    assert "nesting deeper than 1,000 levels" in diagnostic.message


def test_block_nesting_is_stopped() -> None:
    text = "".join(f"{' ' * i}k:\n" for i in range(200)) + " " * 200 + "v\n"
    loaded = _timed(load_text, text, "deep.yaml")
    assert [d.code for d in loaded.diagnostics] == ["SS009"]


def test_huge_file_is_refused_without_reading(tmp_path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    result = _timed(lint_file, str(big), Config())
    assert [d.code for d in result.diagnostics] == ["SS009"]
    assert os.path.basename(result.diagnostics[0].file) == "big.yaml"


def test_limits_are_configurable() -> None:
    text = "a: [[[[1]]]]\n"
    assert load_text(text, "f.yaml", Limits(max_depth=3)).diagnostics[0].code == "SS009"
    assert load_text(text, "f.yaml").diagnostics == []


def test_unreadable_paths(tmp_path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("a: 1\n")
    for path, words in [(tmp_path / "missing.yaml", "No such file"),
                        (spec / "child.yaml", "Not a directory"),
                        (tmp_path, "not a regular file")]:
        result = lint_file(str(path), Config())
        [diag] = result.diagnostics
        assert diag.code == "SS010" and words in diag.message, diag


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = _timed(lint_file, str(fifo), Config())
    assert [d.code for d in result.diagnostics] == ["SS010"]


def test_permission_denied(tmp_path, monkeypatch) -> None:
    spec = tmp_path / "secret.yaml"
    spec.write_text("a: 1\n")
    spec.chmod(0)
    if os.access(spec, os.R_OK):  # root reads anything: make the open fail as it would
        real_open = os.open

        def denied(file, *args, **kwargs):
            if str(file) == str(spec):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(os, "open", denied)
    [diag] = lint_file(str(spec), Config()).diagnostics
    assert diag.code == "SS010" and "Permission denied" in diag.message


def test_symlink_loop_in_a_folder_ends(tmp_path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text("apiVersion: servicespec/v1\n")
    os.symlink(tmp_path / "specs", tmp_path / "specs" / "loop")
    os.symlink(tmp_path / "specs" / "self.yaml", tmp_path / "specs" / "self.yaml")
    files = _timed(discover, [str(tmp_path / "specs")])
    assert [os.path.basename(f) for f in files] == ["a.yaml"]  # links are passed over
    result = lint_file(str(tmp_path / "specs" / "self.yaml"), Config())  # named: reported
    assert [d.code for d in result.diagnostics] == ["SS010"]


def _inside(text: str, line: int, column: int) -> bool:
    lines = text.split("\n")
    return 1 <= line <= len(lines) and 1 <= column <= len(lines[line - 1]) + 1


@settings(max_examples=examples(200), deadline=None)
@given(st.text())
def test_any_text_gives_diagnostics_never_an_exception(text: str) -> None:
    result = lint_text(text)
    for diag in result.diagnostics:
        assert _inside(text, diag.line, diag.column), (diag, text)


@settings(max_examples=examples(100), deadline=None)
@given(st.binary())
def test_any_bytes_give_diagnostics_never_an_exception(raw: bytes) -> None:
    load_bytes(raw, "f.yaml")


YAMLISH = st.lists(st.sampled_from([
    "apiVersion: servicespec/v1\n", "kind: Service\n", "metadata: {id: a, name: A}\n",
    "product:\n", "  name: P\n", "  - x\n", "- y\n", ": z\n", "  id: Q\n", "channels:\n",
    "  - {id: c, kind: phone}\n", "[", "]", "{", "}", "&a ", "*a ", "'", '"', "\t", "# c\n",
    "key: value\n", "  key: value\n", "---\n", "? k\n", "!!str ", "|\n", ">\n",
]), max_size=30).map("".join)


@settings(max_examples=examples(300), deadline=None)
@given(YAMLISH)
def test_yaml_like_text_never_breaks_the_linter(text: str) -> None:
    result = lint_text(text)
    for diag in result.diagnostics:
        assert _inside(text, diag.line, diag.column), (diag, text)


# cases of the official YAML test suite (benchmarks/yaml_suite.py runs all of them)
@pytest.mark.parametrize("text,data", [
    ("&a a: &b b\n*b : *a\n", {"a": "b", "b": "a"}),  # E76Z: anchors on keys
    ('!!str &a1 "foo":\n  !!str bar\n&a2 baz : *a1\n', {"foo": "bar", "baz": "foo"}),  # HMQ5
])
def test_anchors_on_keys_are_recorded(text: str, data: dict) -> None:
    loaded = load_text(text, "suite.yaml")
    assert loaded.data == data
    assert not any(d.code == "SS001" for d in loaded.diagnostics)


@pytest.mark.parametrize("text,line", [
    ("? -\n:\t-\n", 2),  # Y79Y/007: a tab after the value indicator
    ("? key:\n:\tkey:\n", 2),  # Y79Y/009
])
def test_a_syntax_error_after_a_complex_key_is_a_syntax_error(text: str, line: int) -> None:
    # the complex key stops the builder (SS002); the rest is still read for syntax errors
    loaded = load_text(text, "suite.yaml")
    assert sorted((d.line, d.code) for d in loaded.diagnostics) == [(1, "SS002"), (line, "SS001")]


def test_a_lone_surrogate_in_text_from_python_is_ss001_not_a_crash() -> None:
    """No file holds one (UTF-8 cannot), but a str from Python can: an editor's JSON, an API
    caller. libyaml cannot take it; the loader says where it is."""
    loaded = load_text('apiVersion: servicespec/v1\nkind: Service\nname: "x\ud800"\n', "a.yaml")
    assert [(d.code, d.line, d.column) for d in loaded.diagnostics] == [("SS001", 3, 9)]
    assert "U+D800" in loaded.diagnostics[0].message
