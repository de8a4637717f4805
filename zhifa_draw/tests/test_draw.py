"""The draw: the same inputs and seed give the same draw; any change of the inputs changes it; eligibility, caps,
avoidance, team sizes and the counts per grade hold in every draw (checked here independently of the code)."""

from __future__ import annotations

import gc
import math
import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa_draw import DrawProblem, canonical, draw
from zhifa_draw.canon import sha256_hex
from zhifa_draw.tests.builder import CHECKPOINT_ROOT, changed, ecology_plan, market_plan, standard, target

# Nothing here reads the date: the suite runs these once, not again under a moved clock.
pytestmark = pytest.mark.dateless

GRADE_AT = {"credit": 2, "risk": 3}


def expected_counts(inputs: dict[str, Any]) -> dict[tuple[str, str], int]:
    """How many each plan must draw per grade, from the rules in docs/inspections-draw.md §3."""
    wanted: dict[tuple[str, str], int] = {}
    for plan in inputs["plans"]:
        eligible = Counter(row[GRADE_AT[plan["stratify_by"]]] for row in inputs["targets"] if ok(plan, row))
        for grade in set(plan["quota"]) | set(eligible):
            ((rule, number),) = plan["quota"].get(grade, {"count": 0}).items()
            size = eligible.get(grade, 0)
            wanted[(plan["id"], grade)] = (
                math.ceil(number * size / 10_000) if rule == "basis_points" else min(number, size)
            )
    return wanted


def ok(plan: dict[str, Any], row: list[Any]) -> bool:
    """Eligible: active, in the plan's domains and areas, under the body's yearly cap."""
    return (
        row[7]
        and bool(set(plan["domains"]) & set(row[4]))
        and ("areas" not in plan or row[5] in plan["areas"])
        and row[6].get(plan["agency"], 0) < plan["cap"]
    )


def check_rules(inputs: dict[str, Any], data: dict[str, Any]) -> None:
    plans = {plan["id"]: plan for plan in inputs["plans"]}
    rows = {row[0]: row for row in inputs["targets"]}
    staff = {row[0]: row for row in inputs["inspectors"]}
    avoided = {(row[0], row[1]) for row in inputs["avoid"]}
    drawn: Counter[tuple[str, str]] = Counter()
    assert len({entry["target"] for entry in data["targets"]}) == len(data["targets"]), "a target appears once"
    for entry in data["targets"]:
        row = rows[entry["target"]]
        agencies: dict[str, tuple[int, set[str]]] = {}
        for plan_id in entry["plans"]:
            plan = plans[plan_id]
            assert ok(plan, row), (plan_id, row)
            drawn[(plan_id, row[GRADE_AT[plan["stratify_by"]]])] += 1
            needed, domains = agencies.get(plan["agency"], (0, set()))
            agencies[plan["agency"]] = (
                max(needed, plan["inspectors_per_target"]),
                domains | (set(plan["domains"]) & set(row[4])),
            )
        assert entry["items"] == sorted({item for plan_id in entry["plans"] for item in plans[plan_id]["items"]})
        staffed = {team["agency"]: team["inspectors"] for team in entry["teams"]}
        short = {item["agency"]: item for item in entry["shortfalls"]}
        assert set(staffed) | set(short) == set(agencies)
        assert not set(staffed) & set(short)
        for agency, (needed, domains) in agencies.items():
            able = [
                person
                for person in staff.values()
                if person[1] == agency and set(person[2]) & domains and (person[0], row[0]) not in avoided
            ]
            if agency in short:
                assert short[agency] == {"agency": agency, "needed": needed, "available": len(able)}
                assert len(able) < needed
                continue
            team = staffed[agency]
            assert len(team) == len(set(team)) == needed >= 2
            for person in team:
                assert staff[person][1] == agency
                assert set(staff[person][2]) & domains
                assert (person, row[0]) not in avoided, "avoidance"
    wanted = expected_counts(inputs)
    assert dict(drawn.items()) == {key: count for key, count in wanted.items() if count}
    assert {(s["plan"], s["grade"]): s["drawn"] for s in data["strata"]} == wanted
    assert data["unstaffed"] == sum(bool(entry["shortfalls"]) for entry in data["targets"])


def test_same_inputs_and_seed_same_draw() -> None:
    inputs = standard()
    first, again = draw(inputs, CHECKPOINT_ROOT), draw(changed(inputs), CHECKPOINT_ROOT)
    assert gc.isenabled()  # paused during the draw only
    assert first.canonical == again.canonical
    assert first.sha256 == again.sha256 == sha256_hex(first.canonical)
    assert first.inputs_sha256 == sha256_hex(canonical(inputs))
    check_rules(inputs, first.data)
    # The seed value may be entered as the checkpoint note's base64: the same bytes, the same draw.
    assert draw(inputs, "XUFAKrxLKna5cZ2REBfFkl1BQCq8Syp2uXGdkRAXxZI=").sha256 == first.sha256
    # T0000 (joint: food and water) is never staffed by those it must avoid; T0007 is at its cap; T0008 inactive.
    assert {entry["target"] for entry in first.data["targets"]}.isdisjoint({"T0007", "T0008"})
    assert first.data["over_cap"] == [{"plan": "e-water", "targets": 0}, {"plan": "m-food", "targets": 1}]


@pytest.mark.parametrize(
    "change",
    [
        lambda inputs: inputs["targets"][3].__setitem__(2, "A"),  # one target's grade
        lambda inputs: inputs["avoid"].append(["I005", "T0003", "relation"]),  # one relation
        lambda inputs: inputs["inspectors"].pop(),  # one inspector fewer
        lambda inputs: inputs["plans"][0]["quota"]["B"].__setitem__("basis_points", 501),  # one ratio
        lambda inputs: inputs["seed"].__setitem__("tree_size", 1001),  # the announcement
    ],
)
def test_any_change_of_the_inputs_changes_the_hash_the_seed_and_the_draw(change: Any) -> None:
    inputs = standard()
    before = draw(inputs, CHECKPOINT_ROOT)
    edited = changed(inputs)
    change(edited)
    after = draw(edited, CHECKPOINT_ROOT)
    assert after.inputs_sha256 != before.inputs_sha256
    assert after.seed_sha256 != before.seed_sha256
    assert after.sha256 != before.sha256
    assert [e["lottery"] for e in after.data["targets"]] != [e["lottery"] for e in before.data["targets"]]
    check_rules(edited, after.data)


def test_another_seed_value_another_draw() -> None:
    inputs = standard()
    one, two = draw(inputs, CHECKPOINT_ROOT), draw(inputs, "00" * 32)
    assert one.inputs_sha256 == two.inputs_sha256
    assert one.sha256 != two.sha256
    assert [e["target"] for e in one.data["targets"]] != [e["target"] for e in two.data["targets"]]


def test_joint_draw_one_visit_with_every_agencys_items_and_teams() -> None:
    """Coordinated lottery numbers: a target both plans draw is visited once, by both agencies' inspectors."""
    inputs = standard()
    inputs["plans"] = [market_plan(quota={g: {"basis_points": 10_000} for g in "ABCD"}), ecology_plan()]
    data = draw(inputs, CHECKPOINT_ROOT).data
    check_rules(inputs, data)
    joint = [entry for entry in data["targets"] if len(entry["plans"]) == 2]
    assert len(joint) == 4  # every water target is drawn by ecology (3 high + 1 low): market takes all
    for entry in joint:
        assert entry["items"] == ["E-01", "M-01", "M-02"]
        assert [team["agency"] for team in entry["teams"]] == ["e", "m"]


def test_a_target_that_cannot_be_staffed_is_reported() -> None:
    inputs = standard()
    inputs["inspectors"] = [row for row in inputs["inspectors"] if row[0] not in ("E001", "E002", "E003", "E004")]
    data = draw(inputs, CHECKPOINT_ROOT).data
    check_rules(inputs, data)
    short = [entry for entry in data["targets"] if entry["shortfalls"]]
    assert short
    assert data["unstaffed"] == len(short)
    for entry in short:
        available = 1 if entry["target"] == "T0005" else 2  # E000 must avoid T0005
        assert entry["shortfalls"] == ([] if available == 2 else [{"agency": "e", "needed": 2, "available": 1}])


def test_load_is_balanced_without_avoidance() -> None:
    inputs = standard()
    inputs["avoid"] = []
    inputs["plans"] = [market_plan()]
    data = draw(inputs, CHECKPOINT_ROOT).data
    load = Counter(person for entry in data["targets"] for team in entry["teams"] for person in team["inspectors"])
    assert len(load) == 12
    assert max(load.values()) - min(load.values()) <= 1


def test_each_eligible_target_equally_likely() -> None:
    """2 of 10 drawn (20 %): over 400 seeds each target is drawn about 80 times (sd 8); bounds at ±4.4 sd."""
    inputs = standard()
    inputs["targets"] = [target(n, grade="D") for n in range(10)]
    inputs["plans"] = [market_plan()]
    seen: Counter[str] = Counter()
    for n in range(400):
        seen.update(entry["target"] for entry in draw(inputs, f"{n:064x}").data["targets"])
    assert sum(seen.values()) == 800
    assert len(seen) == 10
    assert all(45 <= count <= 115 for count in seen.values()), seen


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda i: i["plans"][0].__setitem__("inspectors_per_target", 1), "plans[0].inspectors_per_target"),
        (lambda i: i["plans"][0]["quota"].__setitem__("A", {"basis_points": 10_001}), "quota.A.basis_points"),
        (lambda i: i["plans"][0].__setitem__("qouta", {}), "unknown qouta"),
        (lambda i: i["targets"].append(list(i["targets"][0])), "each id once"),
        (lambda i: i["targets"][0].__setitem__(2, ""), "targets[0].credit"),
        (lambda i: i["avoid"].append(["I000", "T0001", "friend"]), "avoid: rows"),
        (lambda i: i["seed"].__setitem__("source", "dice"), "seed.source"),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(change: Any, message: str) -> None:
    inputs = standard()
    change(inputs)
    with pytest.raises(DrawProblem, match=re.escape(message)):
        draw(inputs, CHECKPOINT_ROOT)


def test_floats_and_bad_seed_values_are_refused() -> None:
    inputs = standard()
    inputs["plans"][0]["cap"] = 2.0
    with pytest.raises(DrawProblem, match="cap"):
        draw(inputs, CHECKPOINT_ROOT)
    with pytest.raises(DrawProblem, match="seed value"):
        draw(standard(), "not a hash")


GRADES = st.sampled_from("ABCD")


@st.composite
def documents(draw_from: st.DrawFn) -> dict[str, Any]:
    size = draw_from(st.integers(0, 40))
    targets = [
        target(
            n,
            grade=draw_from(GRADES),
            risk=draw_from(st.sampled_from(("high", "low"))),
            domains=tuple(draw_from(st.sets(st.sampled_from(("food", "water")), min_size=1))),
            area=draw_from(st.sampled_from(("a1", "a2"))),
            counted=draw_from(st.dictionaries(st.sampled_from("me"), st.integers(0, 2), max_size=2)),
            active=draw_from(st.booleans()),
        )
        for n in range(size)
    ]
    people = draw_from(st.integers(0, 8))
    inspectors = [
        [
            f"P{n}",
            draw_from(st.sampled_from("me")),
            sorted(draw_from(st.sets(st.sampled_from(("food", "water")), min_size=1))),
        ]
        for n in range(people)
    ]
    avoid = []
    if targets and inspectors:
        pairs = draw_from(st.lists(st.tuples(st.sampled_from(inspectors), st.sampled_from(targets)), max_size=20))
        avoid = sorted({(p[0], t[0], "relation") for p, t in pairs})
    quota = {
        grade: {"basis_points": draw_from(st.integers(0, 10_000))}
        if draw_from(st.booleans())
        else {"count": draw_from(st.integers(0, 12))}
        for grade in draw_from(st.sets(GRADES, min_size=1))
    }
    plans = [
        market_plan(quota=quota, cap=draw_from(st.integers(1, 2)), inspectors_per_target=draw_from(st.integers(2, 3)))
    ]
    if draw_from(st.booleans()):
        plans.append(ecology_plan(areas=["a1"]))
    if draw_from(st.booleans()):
        plans.append(market_plan(id="m-water", domains=["water"], stratify_by="risk", quota={"high": {"count": 2}}))
    return {
        "format": "zhifa-draw/1",
        "draw": {"id": "h", "year": 2026},
        "plans": plans,
        "targets": targets,
        "inspectors": inspectors,
        "avoid": [list(row) for row in avoid],
        "seed": {"source": "witnesses", "witnesses": ["甲", "乙"]},
    }


@settings(max_examples=40, deadline=None)
@given(inputs=documents(), dice=st.lists(st.integers(1, 6), min_size=1, max_size=5))
def test_every_draw_keeps_the_rules(inputs: dict[str, Any], dice: list[int]) -> None:
    key = "".join(f"{d}./" for d in dice)
    result = draw(inputs, key)
    check_rules(inputs, result.data)
    assert draw(changed(inputs), key).sha256 == result.sha256


def test_a_list_where_a_grade_belongs_is_refused() -> None:
    inputs = standard()
    inputs["targets"][5][2] = ["A"]
    with pytest.raises(DrawProblem, match="grades and area strings"):
        draw(inputs, CHECKPOINT_ROOT)
