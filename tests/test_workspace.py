"""The catalogue: libraries, `uses`, SS801-SS804 and the cache's dependencies, through the CLI,
on a small council catalogue (two services and a shared contact centre)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from servicespec import cache as cache_module
from servicespec.cli import cli
from servicespec.workspace import Workspace

from .conftest import FIXTURES

COUNCIL = FIXTURES / "catalogue" / "council"


@pytest.fixture
def council(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "council"
    shutil.copytree(COUNCIL, folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SERVICESPEC_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def lint(*args: str) -> Result:
    return CliRunner().invoke(cli, ["lint", "--no-cache", *args], catch_exceptions=False)


def findings(*args: str) -> list[tuple[str, str, int]]:
    result = lint("--format", "json", *args)
    return sorted((Path(d["file"]).name, d["code"], d["line"])
                  for d in json.loads(result.stdout)["findings"])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_council_lints_clean_as_a_folder_and_one_file_at_a_time(council: Path) -> None:
    assert lint("council").exit_code == 0
    # one file alone still resolves its `uses` (from its own folder)
    assert lint("council/waste-collection.yaml").exit_code == 0
    assert lint("council/contact-centre.yaml").exit_code == 0


def test_a_file_without_uses_is_linted_without_walking_its_folder(
        council: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # linting one spec in a big tree (a home folder, /tmp) must not read the whole tree
    from servicespec import api

    walked: list[list[str]] = []
    discover = api.discover
    monkeypatch.setattr(api, "discover", lambda paths, *a, **k: (
        walked.append([str(p) for p in paths]), discover(paths, *a, **k))[1])
    alone = council / "pothole.yaml"
    CliRunner().invoke(cli, ["init", str(alone)], catch_exceptions=False)
    assert lint(str(alone)).exit_code == 0
    assert [w for w in walked if str(council) in w] == []
    lint("council/waste-collection.yaml")  # with `uses`, its folder is the catalogue
    assert ["council"] in walked


def test_without_its_library_a_service_reports_the_library_once(council: Path) -> None:
    (council / "contact-centre.yaml").unlink()
    found = findings("council/waste-collection.yaml")
    # not one SS006 per reference to the missing library's channels and roles
    assert found == [("waste-collection.yaml", "SS802", 13)]


def test_ss802_offers_the_closest_library(council: Path) -> None:
    edit(council / "parking-permits.yaml", "- contact-centre", "- contact-center")
    result = lint("council")
    assert result.exit_code == 1
    assert "SS802" in result.stdout and "did you mean 'contact-centre'?" in result.stdout


def test_ss801_two_files_with_one_id(council: Path) -> None:
    text = (council / "waste-collection.yaml").read_text()
    (council / "zz-copy.yaml").write_text(text)
    assert findings("council") == [("zz-copy.yaml", "SS801", line_of(council / "zz-copy.yaml",
                                                                      "id: waste-collection"))]


def test_catalogue_rules_follow_select_and_ignore(council: Path) -> None:
    (council / "zz-copy.yaml").write_text((council / "waste-collection.yaml").read_text())
    assert "SS801" not in {c for _, c, _ in findings("--ignore", "SS801", "council")}
    assert "SS801" not in {c for _, c, _ in findings("--select", "SS2", "council")}
    assert "SS801" in {c for _, c, _ in findings("--select", "SS8", "council")}


def test_ss801_is_not_reported_in_a_folder_that_shares_nothing(council: Path) -> None:
    """A folder of v1 specs lints as it always did until it has a library."""
    (council / "contact-centre.yaml").unlink()
    for name in ("waste-collection.yaml", "parking-permits.yaml"):
        edit(council / name, "metadata:", "metadata:\n  version: '1'")
    edit(council / "parking-permits.yaml", "id: parking-permits", "id: waste-collection")
    assert "SS801" not in {code for _, code, _ in findings("council")}


def test_ss803_a_local_id_that_the_library_shares(council: Path) -> None:
    service = council / "waste-collection.yaml"
    edit(service, "\nroles:\n", "\nroles:\n- {id: contact-advisor, stage: backstage}\n")
    found = findings("council")
    assert ("waste-collection.yaml", "SS803", line_of(service, "{id: contact-advisor")) in found
    assert "SS005" not in {code for _, code, _ in found}


def test_ss803_two_used_libraries_share_an_id(council: Path) -> None:
    (council / "other.yaml").write_text(
        "apiVersion: servicespec/v1\nkind: Library\nmetadata: {id: other, name: Other}\n"
        "channels:\n- {id: contact-phone, kind: phone}\n")
    edit(council / "waste-collection.yaml", "- contact-centre", "- contact-centre\n- other")
    found = findings("council")
    assert ("waste-collection.yaml", "SS803", 14) in found  # the second library's entry


def test_ss804_only_when_the_whole_catalogue_is_linted(council: Path) -> None:
    library = council / "contact-centre.yaml"
    edit(library, "\nroles:\n", "\npersonas:\n- {id: resident, name: Resident}\nroles:\n")
    assert findings("council") == [("contact-centre.yaml", "SS804",
                                    line_of(library, "id: resident"))]
    assert findings("council/waste-collection.yaml") == []


def test_catalogue_findings_follow_inline_suppressions(council: Path) -> None:
    library = council / "contact-centre.yaml"
    edit(library, "\nroles:\n", "\npersonas:\n"
         "# servicespec: ignore[SS804] kept for the tenancy services that come next\n"
         "- {id: resident, name: Resident}\n"
         "- {id: visitor, name: Visitor}  # servicespec: ignore[SS804]\nroles:\n")
    (council / "zz-copy.yaml").write_text((council / "waste-collection.yaml").read_text().replace(
        "  id: waste-collection", "  # servicespec: ignore[SS801] a draft of the same service\n"
        "  id: waste-collection", 1))
    result = lint("--format", "json", "council")
    report = json.loads(result.stdout)
    found = sorted((Path(d["file"]).name, d["code"], d["line"]) for d in report["findings"])
    # the comment with a reason hides its finding; the one without hides nothing and says so
    assert found == [("contact-centre.yaml", "SS008", line_of(library, "id: visitor")),
                     ("contact-centre.yaml", "SS804", line_of(library, "id: visitor"))]
    hidden = sorted((Path(d["file"]).name, d["code"]) for d in report["suppressed"])
    assert hidden == [("contact-centre.yaml", "SS804"), ("zz-copy.yaml", "SS801")]
    # a file alone cannot tell whether its catalogue comment hides anything: no SS008
    assert findings("council/zz-copy.yaml") == []


def test_library_structural_rules(council: Path) -> None:
    library = council / "contact-centre.yaml"
    edit(library, "\nroles:\n", "\nroles:\n- {id: contact-phone, stage: frontstage}\n")
    edit(library, "escalates_to: contact-phone", "escalates_to: contact-fone")
    found = {(code, line) for _, code, line in findings("council/contact-centre.yaml")}
    assert ("SS005", line_of(library, "{id: contact-phone, stage")) in found
    assert ("SS006", line_of(library, "escalates_to: contact-fone")) in found


def test_a_finding_about_a_shared_element_names_the_library_line(council: Path) -> None:
    library = council / "contact-centre.yaml"
    edit(library, "channels:\n", "channels:\n- {id: council-bot, kind: chatbot}\n")
    edit(council / "waste-collection.yaml", "channel: council-web", "channel: council-bot")
    result = lint("--format", "sarif", "council")
    runs = json.loads(result.stdout)["runs"][0]["results"]
    about_bot = [r for r in runs if r["ruleId"] == "SS202"]
    # reported in the one service that uses the bot, at its `uses` entry
    assert len(about_bot) == 1
    location = about_bot[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("waste-collection.yaml")
    assert location["region"]["startLine"] == 13
    related = about_bot[0]["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"].endswith("contact-centre.yaml")
    assert related["region"]["startLine"] == line_of(library, "council-bot")
    # the terminal says it too, under the finding
    text = lint("council").stdout
    note = "= note: 'council-bot' is shared by library 'contact-centre': "
    where = f"contact-centre.yaml:{line_of(library, 'council-bot')}:3"
    assert any(line.strip().startswith(note) and line.rstrip().endswith(where)
               for line in text.splitlines())


def test_only_the_shared_elements_a_finding_names_are_noted(tmp_path: Path) -> None:
    """A step that passes the customer to a shared role names the role's line in the
    library; a finding about the whole journey does not list every shared role of its steps
    (each of them was noted under "no step in phase 'after'" and "the backstage lane is
    empty")."""
    (tmp_path / "contact.yaml").write_text(
        "apiVersion: servicespec/v1\nkind: Library\nmetadata: {id: contact, name: Contact}\n"
        "channels:\n- {id: desk, name: Desk, kind: in-person, hours: 24/7, response_time: 5m}\n"
        "roles:\n- {id: nurse, name: Nurse, stage: frontstage}\n"
        "- {id: receptionist, name: Receptionist, stage: frontstage}\n", "utf-8")
    (tmp_path / "meds.yaml").write_text(
        "apiVersion: servicespec/v1\nkind: Service\nmetadata: {id: meds, name: Meds}\n"
        "uses: [contact]\nproduct: {id: meds-p, name: Medicines}\n"
        "touchpoints:\n- {id: counter, name: Counter, channel: desk, phase: during}\n"
        "blueprint:\n  steps:\n"
        "  - {id: order, name: Order, phase: before, customer: Orders,\n"
        "     frontstage: [{role: nurse, action: Checks the order}]}\n"
        "  - {id: collect, name: Collect, phase: during, touchpoint: counter, customer: Collects,"
        "\n     frontstage: [{role: receptionist, action: Hands it over}]}\n", "utf-8")
    report = json.loads(lint("--format", "json", "--no-cache", str(tmp_path)).stdout)
    noted = {(d["code"], d["message"]): [r["message"] for r in d.get("related", [])]
             for d in report["findings"]}
    handoff = next(v for (code, message), v in noted.items()
                   if code == "SS501" and "'receptionist'" in message)
    assert handoff == ["'receptionist' is shared by library 'contact'"]
    journey = [v for (code, _), v in noted.items() if code in ("SS301", "SS308")]
    assert journey and all(v == [] for v in journey)


def test_a_library_that_does_not_load_holds_its_users_rules_back(council: Path,
                                                                  tmp_path: Path) -> None:
    """A library with a syntax error: its users are told which file to fix, not to add a
    library that is there, and no rule blames them for what it holds (the complaints desk,
    the phone line: SS207, SS201, SS006 each came up before). Fixed, their findings return,
    also through the cache, which keys on the broken file too."""
    library = council / "contact-centre.yaml"
    good = library.read_text()
    # a service whose only place to complain is the library's desk
    (council / "kiosk.yaml").write_text(
        "apiVersion: servicespec/v1\nkind: Service\nmetadata: {id: kiosk, name: Kiosk}\n"
        "uses: [contact-centre]\nproduct: {id: kiosk-p, name: Kiosk}\n"
        "touchpoints:\n- {id: desk, name: Desk, channel: customer-desk, phase: during}\n"
        "blueprint:\n  steps:\n  - {id: ask, name: Ask, phase: during, touchpoint: desk}\n")
    assert "SS207" not in {code for name, code, _ in findings("council") if name == "kiosk.yaml"}
    edit(library, "  complaints: true\n", "  complaints: [true\n")
    found = findings("council")
    assert {code for name, code, _ in found if name != library.name} == {"SS802"}
    report = json.loads(lint("--format", "json", "council").stdout)["findings"]
    said = next(d["message"] for d in report if d["code"] == "SS802")
    assert "which does not load (council/contact-centre.yaml has errors): fix them" in said
    assert "add a file" not in said and "the design rules wait until it resolves" in said
    # a typo in `uses` is the same wait, with the library's likely id
    library.write_text(good)
    edit(council / "waste-collection.yaml", "- contact-centre", "- contact-centr")
    waste = {code for name, code, _ in findings("council") if name == "waste-collection.yaml"}
    assert waste == {"SS802"}
    edit(council / "waste-collection.yaml", "- contact-centr", "- contact-centre")
    # through the cache: broken, then fixed, the users are linted again
    cached = ["lint", "--format", "json", "council"]
    edit(library, "  complaints: true\n", "  complaints: [true\n")
    runner = CliRunner()
    broken = json.loads(runner.invoke(cli, cached).stdout)["findings"]
    assert "SS802" in {d["code"] for d in broken}
    library.write_text(good.replace("  hours: 24/7\n  response_time: 1m\n", ""))
    fixed = json.loads(runner.invoke(cli, cached).stdout)["findings"]
    assert "SS802" not in {d["code"] for d in fixed}
    assert "SS204" in {d["code"] for d in fixed}  # the phone line's gap, in its users


def test_rules_see_a_shared_channels_mode(council: Path) -> None:
    """SS201 (no human option) knows the shared phone line is live, and that a shared
    chatbot is not."""
    service = council / "waste-collection.yaml"
    assert "SS201" not in {c for _, c, _ in findings("council")}
    edit(council / "contact-centre.yaml", "kind: phone", "kind: ivr")
    found = findings("council")
    assert "SS201" in {c for f, c, _ in found if f == service.name}


def test_catalogue_in_the_configuration(council: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "drafts"
    elsewhere.mkdir()
    shutil.move(council / "parking-permits.yaml", elsewhere / "parking-permits.yaml")
    assert findings("drafts") == [("parking-permits.yaml", "SS802", 13)]
    (tmp_path / "servicespec.toml").write_text('catalogue = "council/"\n')
    assert lint("drafts").exit_code == 0


def test_editing_a_library_relints_its_users_and_nothing_else(
        council: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = council / "street-lighting.yaml"
    other.write_text((council / "waste-collection.yaml").read_text().replace(
        "id: waste-collection", "id: street-lighting").replace("uses:\n- contact-centre\n",
                                                               ""))
    seen: list[str] = []
    real = cache_module._lint_keyed

    def spy(item, config, overrides, catalogue=None):  # type: ignore[no-untyped-def]
        seen.append(Path(item[0]).name)
        return real(item, config, overrides, catalogue)

    monkeypatch.setattr(cache_module, "_lint_keyed", spy)

    def cached() -> Result:
        return CliRunner().invoke(cli, ["lint", "council"], catch_exceptions=False)

    first = cached().stdout
    assert len(seen) == 4
    seen.clear()
    assert cached().stdout == first and seen == []
    edit(council / "contact-centre.yaml", 'hours: 24/7', 'hours: Mon-Fri 08:00-18:00')
    cached()
    assert sorted(seen) == ["contact-centre.yaml", "parking-permits.yaml",
                            "waste-collection.yaml"]


def test_workspace_update_says_what_to_lint_again(council: Path) -> None:
    files = sorted(str(p) for p in council.glob("*.yaml"))
    workspace = Workspace(files)
    workspace.lint()
    library = str(council / "contact-centre.yaml")
    users = [str(council / "parking-permits.yaml"), str(council / "waste-collection.yaml")]
    assert workspace.dependents(library) == users
    assert workspace.update(library) == sorted([library, *users])
    service = users[0]
    assert workspace.update(service) == [service]
    # an editor's text wins over the disk: the library renamed, its users still need linting
    text = Path(library).read_text().replace("id: contact-centre", "id: call-centre")
    assert workspace.update(library, text) == sorted([library, *users])
    assert workspace.dependents(library) == []
    results = workspace.lint(users)
    assert {d.code for r in results.values() for d in r.diagnostics} == {"SS802"}


def test_render_and_load_resolve_uses(council: Path, tmp_path: Path) -> None:
    from servicespec.api import load

    spec = load(council / "waste-collection.yaml")
    assert "contact-phone" in {c.id for c in spec.channels}
    out = tmp_path / "waste.svg"
    result = CliRunner().invoke(cli, ["render", "council/waste-collection.yaml", "-o",
                                      str(out)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Contact centre advisor" in out.read_text()  # the shared role, drawn by name


def test_a_shared_regulation_is_used_by_the_services_it_governs(council: Path) -> None:
    """Its `applies_to` names elements of every service that uses it: each service's own
    make it used (no SS804), the others' are no unresolved reference there (no SS006)."""
    library = council / "contact-centre.yaml"
    edit(library, "\nroles:\n", "\nregulations:\n- {id: complaints-code, deadline: 10d,\n"
         "   applies_to: [guest-help, permit-appeal]}\nroles:\n")
    assert findings("council") == []
    edit(library, "applies_to: [guest-help, permit-appeal]", "applies_to: [permit-appeal]")
    assert findings("council") == [("contact-centre.yaml", "SS804",
                                    line_of(library, "id: complaints-code"))]


def test_ss804_waits_for_a_service(council: Path) -> None:
    """A library on its own (just written by `init --library`) has no users to miss yet."""
    for service in ("waste-collection.yaml", "parking-permits.yaml"):
        (council / service).unlink()
    assert findings("council") == []


def test_render_marks_shared_channels_and_roles_with_their_library(
        council: Path, tmp_path: Path) -> None:
    out = tmp_path / "offering.svg"
    result = CliRunner().invoke(cli, ["render", "council/waste-collection.yaml", "--view",
                                      "offering", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0
    # each of the four shared channels is marked (the line wraps before "centre")
    assert out.read_text().count("shared · Council contact") == 4
    blueprint = tmp_path / "blueprint.svg"
    CliRunner().invoke(cli, ["render", "council/waste-collection.yaml", "-o", str(blueprint)],
                       catch_exceptions=False)
    assert "shared · Council contact" in blueprint.read_text()


def test_render_skips_a_library_with_a_word(council: Path, tmp_path: Path) -> None:
    alone = CliRunner().invoke(cli, ["render", "council/contact-centre.yaml", "-o",
                                     str(tmp_path / "lib.svg")], catch_exceptions=False)
    assert alone.exit_code == 2 and "is a library" in alone.stderr
    assert not (tmp_path / "lib.svg").exists()
    folder = CliRunner().invoke(cli, ["render", "council", "-o", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert folder.exit_code == 0 and "contact-centre.yaml is a library" in folder.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "parking-permits.svg", "waste-collection.svg"]


def test_a_schema_error_in_a_service_does_not_make_its_shared_references_unresolved(
        council: Path) -> None:
    """When a schema error stops the model, the reference rules run on what remains:
    resolved against the libraries, so only the schema error is reported."""
    service = council / "waste-collection.yaml"
    edit(service, "  type: information\n", "  type: informaton\n")
    assert findings("council/waste-collection.yaml") == [
        ("waste-collection.yaml", "SS002", line_of(service, "type: informaton"))]


def test_load_of_a_library_says_it_is_one(council: Path) -> None:
    from servicespec.api import InvalidSpecError, load

    with pytest.raises(InvalidSpecError, match=r"contact-centre\.yaml is a library"):
        load(council / "contact-centre.yaml")
