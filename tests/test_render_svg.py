"""The SVG a stakeholder sees, checked structurally: every lane, line, step, marker and badge
is there, in the canonical order, with the right text, and nothing overlaps."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from servicespec.api import load
from servicespec.diagnostics import Diagnostic, Severity
from servicespec.render import render_bytes, render_spec
from servicespec.render.blueprint import render_blueprint
from servicespec.render.flow import alternatives
from servicespec.render.journey import render_journey
from servicespec.render.offering import render_offering

from .conftest import ROOT
from .test_render_support import (
    FINDINGS,
    bbox,
    golden_spec,
    graphviz_complaints,
    groups,
    overlapping,
    svg_root,
    text_overflows,
    texts,
)

LANES = ["evidence", "customer", "frontstage", "backstage", "support"]
LANE_TITLES = ["Physical evidence", "Customer actions", "Frontstage", "Backstage",
               "Support processes"]
LINES = [("interaction", "LINE OF INTERACTION", "customer", "frontstage"),
         ("visibility", "LINE OF VISIBILITY", "frontstage", "backstage"),
         ("internal", "LINE OF INTERNAL INTERACTION", "backstage", "support")]


@pytest.fixture(scope="module")
def blueprint() -> dict:
    return groups(svg_root(render_bytes(render_spec(golden_spec()), "svg")))


def test_five_lanes_in_canonical_order_with_their_labels(blueprint: dict) -> None:
    boxes = [bbox(blueprint[f"lane-{lane}"]) for lane in LANES]
    tops = [b[1] for b in boxes]
    assert tops == sorted(tops)
    for upper, lower in itertools.pairwise(boxes):
        assert abs(upper[3] - lower[1]) < 0.5  # lanes touch: no gap, no overlap
    labels = [blueprint[f"lane-{lane}-label"] for lane in LANES]
    assert [texts(blueprint[f"lane-{lane}-title"])[0] for lane in LANES] == LANE_TITLES
    for label, box in zip(labels, boxes, strict=False):  # each label at the left of its own lane
        lb = bbox(label)
        assert lb[2] <= box[0] + 0.5 and box[1] - 0.5 <= (lb[1] + lb[3]) / 2 <= box[3] + 0.5


def test_three_lines_across_the_full_width_between_the_right_lanes(blueprint: dict) -> None:
    left = min(bbox(blueprint[f"lane-{lane}-label"])[0] for lane in LANES)
    right = max(bbox(blueprint[f"lane-{lane}"])[2] for lane in LANES)
    for key, title, above, below in LINES:
        x0, y0, x1, y1 = bbox(blueprint[f"line-{key}"])
        assert y1 - y0 < 0.5, "a line is horizontal"
        assert x0 <= left + 0.5 and x1 >= right - 0.5, "a line spans the full width"
        assert abs(bbox(blueprint[f"lane-{above}"])[3] - y0) < 0.5
        assert abs(bbox(blueprint[f"lane-{below}"])[1] - y0) < 0.5
        assert " ".join(texts(blueprint[f"line-{key}-label"])) == title
        # the name stays in the lane-label column
        assert bbox(blueprint[f"line-{key}-label"])[2] <= bbox(
            blueprint["lane-customer-label"])[2] + 0.5
    assert "stroke-dasharray" in str(blueprint["line-interaction"].find(".//*[@d]").attrib)


def test_steps_are_columns_in_journey_order(blueprint: dict) -> None:
    spec = golden_spec()
    headers = [blueprint[f"step-{s.id}"] for s in spec.steps]
    xs = [bbox(h)[0] for h in headers]
    assert xs == sorted(xs)
    for step, header in zip(spec.steps, headers, strict=False):
        assert texts(header)[0] == step.name
        assert step.id not in " ".join(texts(header))  # the name, not the id
    assert texts(blueprint["step-book"])[1] == "◆ decision"


def test_cells_sit_in_their_step_column_and_lane(blueprint: dict) -> None:
    spec = golden_spec()
    for step in spec.steps:
        x0, _, x1, _ = bbox(blueprint[f"step-{step.id}"])
        if step.customer:
            box = bbox(blueprint[f"customer-{step.id}"])
            lane = bbox(blueprint["lane-customer"])
            assert x0 - 0.5 <= box[0] and box[2] <= x1 + 0.5
            assert lane[1] <= box[1] and box[3] <= lane[3]
            assert " ".join(texts(blueprint[f"customer-{step.id}"])) == step.customer
        for lane in ("frontstage", "backstage", "support"):
            for n, _ in enumerate(getattr(step, lane)):
                box = bbox(blueprint[f"{lane}-{step.id}-{n}"])
                band = bbox(blueprint[f"lane-{lane}"])
                assert x0 - 0.5 <= box[0] and box[2] <= x1 + 0.5
                assert band[1] <= box[1] and box[3] <= band[3]
    # empty cells stay empty: no support box for a step without support
    assert not any(key.startswith("support-drop-off") for key in blueprint)


def test_roles_are_named_on_their_actions(blueprint: dict) -> None:
    role, *action = texts(blueprint["frontstage-drop-off-0"])
    assert role == "Store clerk" and " ".join(action) == "Checks the damage and takes payment"
    assert texts(blueprint["frontstage-book-0"])[0] == "Booking system · system"
    assert texts(blueprint["backstage-fix-screen-1"]) == ["Tests the touch panel"]


def test_fail_points_and_waits_are_marked_as_the_field_marks_them(blueprint: dict) -> None:
    spec = golden_spec()
    for step in spec.steps:
        x0, _, x1, _ = bbox(blueprint[f"step-{step.id}"])
        for fp in step.fail_points:
            marker = blueprint[f"fail-point-{step.id}-{fp.id}"]
            assert texts(marker) == ["F"]
            assert marker.find(".//*[@fill='#c62828']") is not None  # a red circle
            words = " ".join(texts(blueprint[f"fail-point-{step.id}-{fp.id}-label"]))
            assert words.startswith(fp.description or fp.id)
            assert x0 <= bbox(marker)[0] and bbox(marker)[2] <= x1
        if step.wait is not None:
            assert texts(blueprint[f"wait-{step.id}"]) == ["W"]
    assert texts(blueprint["wait-drop-off-label"])[:2] == ["5m expected · max 15m",
                                                           "Queue ticket"]
    assert texts(blueprint["fail-point-drop-off-no-part-label"]) == [
        "The screen part is out of", "stock", "high severity"]


def test_journey_arrows_branches_and_decisions(blueprint: dict) -> None:
    assert {"flow-book-drop-off", "flow-book-post-in", "flow-drop-off-fix-screen",
            "flow-post-in-fix-screen", "flow-fix-screen-fix-screen",
            "flow-fix-screen-collect"} <= set(blueprint)
    assert "flow-drop-off-post-in" not in blueprint  # `next` replaces the default
    assert "flow-collect" not in " ".join(blueprint)  # `next: []` ends the journey
    diamond = blueprint["decision-book"]
    assert len(diamond.find(".//*[@points]").get("points").split()) == 5  # 4 corners, closed
    assert "link-drop-off-customer-frontstage" in blueprint
    assert "link-drop-off-frontstage-backstage" in blueprint


def test_touchpoint_and_channel_where_the_step_crosses_the_line(blueprint: dict) -> None:
    pill = blueprint["touchpoint-book"]
    assert texts(pill) == ["Online booking", "via Website · self-service"]
    y = bbox(blueprint["line-interaction"])[1]
    top, bottom = bbox(pill)[1], bbox(pill)[3]
    assert top < y < bottom
    assert "stroke-dasharray" in str(pill.find(".//*[@d]").attrib)  # self-service: dashed
    assert "touchpoint-post-in" not in blueprint  # no touchpoint: no pill


def test_title_and_legend(blueprint: dict) -> None:
    assert texts(blueprint["title"])[0] == "Phone screen repair — service blueprint"
    assert "Core product: Screen repair" in texts(blueprint["title"])[1]
    assert "legend" in blueprint


def test_findings_are_badges_on_their_elements() -> None:
    svg = render_bytes(render_spec(golden_spec(), "blueprint", FINDINGS), "svg")
    g = groups(svg_root(svg))
    callouts = {k: texts(v)[0].split() for k, v in g.items()
                if "finding" in (v.get("class") or "").split()
                and not k.startswith(("findings-", "legend-"))}
    badges = {k: code for k, (_, code) in callouts.items()}
    # numbered 1, 2, 3… in reading order, each number once
    numbers = sorted(int(n) for n, _ in callouts.values())
    assert numbers == list(range(1, len(numbers) + 1))
    assert badges["fp-drop-off-no-part-badge-0"] == "SS402"
    assert "severity-error" in g["fp-drop-off-no-part-badge-0"].get("class")
    assert badges["wait-post-in-badge-0"] == "SS407"
    assert badges["step-drop-off-badge-0"] == "SS501"
    assert badges["backstage-post-in-0-badge-0"] == "SS702"
    assert "SS303" in {badges[k] for k in badges if k.startswith("step-fix-screen")}
    general = " ".join(" ".join(texts(v)) for k, v in g.items() if k.startswith("finding-")
                       and "not on the picture" in " ".join(texts(v)))
    assert "a finding about nothing in particular" in general
    assert any(texts(v)[0].endswith(" SS999") for k, v in g.items()
               if k.startswith("findings-") and "badge" in k)
    listed = {k for k in g if k.startswith("finding-") and k.endswith("-text")}
    assert len(listed) == len(FINDINGS)  # every finding numbered in the list


@pytest.mark.parametrize("build", [render_blueprint, render_journey, render_offering])
@pytest.mark.parametrize("with_findings", [False, True])
def test_nothing_overlaps(build, with_findings: bool) -> None:
    board = build(golden_spec(), FINDINGS if with_findings else [])
    assert overlapping(board) == []


@pytest.mark.parametrize("view", ["blueprint", "journey", "offering"])
def test_text_stays_inside_its_boxes_and_graphviz_does_not_complain(view: str, capfd) -> None:
    dot = render_spec(golden_spec(), view, FINDINGS)
    assert text_overflows(dot) == []
    render_bytes(dot, "svg")
    assert graphviz_complaints(capfd.readouterr().err) == []


def test_journey_view_shows_touchpoints_channels_and_metrics() -> None:
    g = groups(svg_root(render_bytes(render_spec(golden_spec(), "journey"), "svg")))
    assert "lane-customer" in g and "lane-frontstage" not in g
    assert texts(g["touchpoint-book-0-0"])[0] == "Online booking"
    assert texts(g["channel-book-0-0"])[:2] == ["Website", "web · self-service"]
    assert texts(g["metrics-drop-off-0-0"])[0] == "Time at the desk"
    assert "on fail point: The screen part is out of stock" in " ".join(
        texts(g["metrics-drop-off-1-0"]))
    assert {"fail-point-drop-off-no-part", "wait-drop-off", "decision-book"} <= set(g)


def test_offering_view_is_a_flower_with_channels() -> None:
    g = groups(svg_root(render_bytes(render_spec(golden_spec(), "offering"), "svg")))
    core = bbox(g["product"])
    centre = ((core[0] + core[2]) / 2, (core[1] + core[3]) / 2)
    petals = ["information", "consultation", "order-taking", "hospitality", "safekeeping",
              "exceptions", "billing", "payment"]
    import math
    angles = []
    for petal in petals:
        box = bbox(g[f"petal-{petal}"])
        angle = math.atan2((box[0] + box[2]) / 2 - centre[0], centre[1] - (box[1] + box[3]) / 2)
        angles.append(round(angle, 6) % round(2 * math.pi, 6))
    assert angles == sorted(angles)  # clockwise from the top, in Lovelock's order
    assert "facilitating-booking" in g and "via" not in " ".join(texts(g["facilitating-booking"]))
    assert "escalates-web-phone" in g and "escalates-bot-phone" in g
    assert "stroke-dasharray" in str(g["escalates-bot-phone"].find(".//*[@d]").attrib)  # cold
    assert "stroke-dasharray" in str(g["channel-bot"].find(".//*[@d]").attrib)  # automated


def test_a_service_shows_its_channels_as_chips_inside_its_box_drawn_as_their_mode() -> None:
    g = groups(svg_root(render_bytes(render_spec(golden_spec(), "offering"), "svg")))
    service = bbox(g["facilitating-booking"])
    chips = [g[f"facilitating-booking-chip-{n}"] for n in range(2)]
    assert [texts(c) for c in chips] == [["Website"], ["Repair line"]]
    boxes = [bbox(c) for c in chips]
    for box in boxes:
        assert service[0] < box[0] < box[2] < service[2] and service[1] < box[1] < box[3] < \
            service[3]
    assert boxes[0][2] < boxes[1][0]  # side by side, apart
    frames = [next(e for e in c.iter() if e.tag.endswith(("polygon", "path"))) for c in chips]
    assert "stroke-dasharray" in frames[0].attrib  # self-service
    assert "stroke-dasharray" not in frames[1].attrib and frames[1].tag.endswith("path")  # live
    assert "facilitating-booking-chip-2" not in g


FERRY = Path(__file__).resolve().parent / "data" / "ferry-crossing.yaml"


@pytest.mark.parametrize("view", ["blueprint", "journey"])
def test_alternatives_sit_below_the_straight_main_path(view: str) -> None:
    """The main path is one straight line; the step only the full sailing leads to sits in a
    row of its own, and each exit of the decision says when and how many."""
    drawn = groups(svg_root(render_bytes(render_spec(load(str(FERRY)), view), "svg")))
    top = {k: bbox(drawn[f"customer-{k}"])[1] for k in ("buy", "arrive", "board", "land")}
    assert len(set(top.values())) == 1
    assert bbox(drawn["customer-wait-next"])[1] > top["arrive"] + 20
    assert texts(drawn["flow-arrive-board-when"]) == ["space on this sailing · 80 %"]
    assert texts(drawn["flow-arrive-wait-next-when"]) == ["the sailing is full · 20 %"]
    # the main exit runs straight past the alternative, at the height of the main path
    main = drawn["flow-arrive-board"].find(".//*[@d]").get("d")
    ys = {round(float(y)) for y in re.findall(r"[ ,]([-0-9.]+)(?=[ A-Za-z]|$)", main)}
    assert len(ys) == 1


def test_a_detour_that_rejoins_is_the_alternative_without_shares() -> None:
    """The hotel lists the exception first; the stay as planned is still the main path."""
    hotel = load(str(ROOT / "specs" / "hotel-stay.yaml"))
    assert alternatives(hotel.steps) == {"report-issue"}
    loan = load(str(ROOT / "specs" / "personal-loan.yaml"))
    assert alternatives(loan.steps) == {"take-advice", "underwriter-referral",
                                        "get-payment-help"}
    drawn = groups(svg_root(render_bytes(render_spec(hotel), "svg")))
    assert " ".join(texts(drawn["flow-have-breakfast-on-when"])) == (
        "the stay goes as planned · on to Check out")
    assert bbox(drawn["customer-report-issue"])[1] > bbox(drawn["customer-have-breakfast"])[1]


@pytest.mark.parametrize("view", ["blueprint", "journey"])
def test_the_experience_layer_is_drawn_when_the_spec_has_one(view: str) -> None:
    svg = render_bytes(render_spec(load(str(FERRY)), view), "svg")
    drawn = groups(svg_root(svg))
    assert "lane-experience" in drawn
    # higher is a better feeling: landing (+2) above boarding (+1) above the wait (-2)
    y = {k: bbox(drawn[f"emotion-{k}"])[1] for k in ("land", "board", "arrive", "wait-next")}
    assert y["land"] < y["board"] < y["arrive"] < y["wait-next"]
    assert texts(drawn["m-arrive-moment-of-truth-label"]) == ["moment of truth"]
    assert " ".join(texts(drawn["p-wait-next-pain-0-label"])).startswith("Nobody says how")
    assert " ".join(texts(drawn["o-wait-next-opportunity-0-label"])).startswith("Say the wait")
    assert "For: Island commuter" in " ".join(texts(drawn["title"]))
    assert {"legend-M", "legend-P", "legend-O"} <= set(drawn)
    assert b"emotion curve: higher is a better" in svg


@pytest.mark.parametrize("view", ["blueprint", "journey"])
def test_no_experience_layer_without_one(view: str) -> None:
    svg = render_bytes(render_spec(golden_spec(), view), "svg")
    drawn = groups(svg_root(svg))
    assert not [k for k in drawn if k.startswith(("lane-experience", "emotion", "m-", "p-",
                                                  "o-", "legend-M"))]
    assert b"emotion curve" not in svg
    assert "For:" not in " ".join(texts(drawn["title"]))


def test_an_empty_lane_says_so() -> None:
    drawn = groups(svg_root(render_bytes(render_spec(load(str(FERRY))), "svg")))
    assert texts(drawn["lane-support-empty"]) == ["No support processes in these steps"]
    assert "lane-backstage-empty" not in drawn  # the deckhand chains the cars


def test_a_callout_on_a_fail_point_says_what_fails_and_where_by_name() -> None:
    drawn = groups(svg_root(render_bytes(render_spec(golden_spec(), "blueprint", FINDINGS),
                                         "svg")))
    panel = {k: " ".join(texts(g)) for k, g in drawn.items()
             if re.fullmatch(r"finding-\d+-text", k)}
    on_fp = [t for t in panel.values() if t.startswith("SS402")]
    assert len(on_fp) == 1
    assert "Fail point: The screen part is out of stock · no prevention yet" in on_fp[0]
    assert on_fp[0].endswith("on step “Drop the phone off” · fail point")
    # the badge's tooltip carries the same
    xlink = "{http://www.w3.org/1999/xlink}title"
    assert any("SS402" in title and "Fail point: The screen part" in title
               for a in svg_root(render_bytes(render_spec(golden_spec(), "blueprint",
                                                          FINDINGS), "svg")).iter()
               if (title := a.get(xlink) or ""))


@pytest.mark.parametrize("path", sorted((ROOT / "specs").glob("*.yaml")), ids=lambda p: p.stem)
def test_branch_labels_stay_off_the_boxes(path: Path) -> None:
    """Every decision exit is named, and its words sit on no customer box."""
    spec = load(str(path))
    drawn = groups(svg_root(render_bytes(render_spec(spec), "svg")))
    labels = {k: bbox(g) for k, g in drawn.items() if k.endswith("-when")}
    named = sum(1 for s in spec.steps if s.decision for n in s.next or [] if n.when)
    assert len(labels) == named
    boxes = [bbox(g) for k, g in drawn.items() if re.fullmatch(r"customer-[^~]+", k)
             and "badge" not in k]
    for key, a in labels.items():
        for b in boxes:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], key


def test_a_loop_and_a_jump_carry_their_branch_words_clear_of_the_boxes() -> None:
    from servicespec.model.spec import Spec

    spec = Spec.model_validate({
        "apiVersion": "servicespec/v1", "kind": "Service",
        "metadata": {"id": "retry", "name": "Retry"}, "product": {"name": "Upload"},
        "blueprint": {"steps": [
            {"id": "a", "customer": "Uploads the form", "decision": True,
             "next": [{"step": "b", "when": "it is readable"},
                      {"step": "a", "when": "the scan is blurred · again"}]},
            {"id": "b", "customer": "Gets a receipt", "next": []}]}})
    drawn = groups(svg_root(render_bytes(render_spec(spec), "svg")))
    label, box = bbox(drawn["flow-a-a-when"]), bbox(drawn["customer-a"])
    assert " ".join(texts(drawn["flow-a-a-when"])) == "the scan is blurred · again"
    assert label[3] <= box[1]  # over the box it loops back to
    assert texts(drawn["flow-a-b-when"]) == ["it is readable"]


def test_findings_off_the_picture_are_named_as_the_reader_knows_them() -> None:
    """`not on the picture: facilitating service “Paying the bill”`, not the model path
    `facilitating[payment]`; a scenario's step by its scenario and name."""
    from servicespec.render.findings import element_title

    spec = load(ROOT / "specs" / "outpatient-visit.yaml")
    assert element_title(spec, ("facilitating", 4)) == \
        "facilitating service “Paying charges and claiming travel costs”"
    assert element_title(spec, ("channels", 4, "response_time")) == \
        "channel “PALS email and letter” · response time"
    assert element_title(spec, ("facilitating",)) == "the facilitating services"
    assert element_title(spec, ("product", "components", 0)) == \
        "core product “Consultant-led outpatient appointment” · components"
    assert element_title(spec, ("blueprint", "scenarios", 1, "steps", 0, "handoff")) == \
        "scenario “Clinic cancelled at short notice” · step “Hear the clinic is cancelled”" \
        " · handoff"
    assert element_title(spec, ("blueprint", "steps")) == "the journey's steps"
    assert element_title(spec, ("channels", 99)) == ""  # no such element: the path is shown
    svg = render_bytes(render_spec(spec, "blueprint", [Diagnostic(
        "SS603", "no-experience-metric", Severity.WARNING, "no experience metric", "x.yaml",
        1, 1, 1, 1, "facilitating[charges-and-travel-payment]", path=("facilitating", 4))]),
        "svg")
    said = " ".join(t for v in groups(svg_root(svg)).values() for t in texts(v))
    assert "not on the picture: facilitating service “Paying charges and" in said
    assert "facilitating[charges-and-travel-payment]" not in said
