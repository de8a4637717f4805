"""The supervisors' page of inspections (/inspections/oversight/) and its API: coverage equal to a hand count, the
overdue lists picking exactly the overdue rows, the scope, and the draws' API.

The inspections are made by `services.inspection_create`; their visit fields (state, result, dues, told,
published) are then set with `Inspection.objects.filter(...).update(...)` in these tests only, because the visit's
services (visit.py) are being written at the same time. Once they exist, these tests should use them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.inspections import services
from zhifa.inspections.choices import Cause, InspectionState, ObjectionKind, Outcome, PlanKind, Source, ToldHow
from zhifa.inspections.models import Inspection, InspectionObjection, InspectionTarget
from zhifa.inspections.oversight import oversight_for
from zhifa.inspections.tests.test_draw_wiring import _frozen
from zhifa.ledger.services import checkpoint_issue
from zhifa.testing.factories import TODAY, at, credit_code, give_certificate, make_officer, make_user

MOMENT = datetime(2026, 11, 23, 15, tzinfo=ZoneInfo("Asia/Shanghai"))


def _business(ground: Any, name: str, grade: str, agency: Any = None) -> InspectionTarget:
    values = {"name": name, "credit_code": credit_code(), "address": "某路9号", "domain": "forestry"}
    return services.target_create(
        actor=ground.world.officer_user if agency is None else ground.head,
        agency=agency or ground.world.branch,
        values=values | {"risk_grade": grade, "credit_grade": grade},
    )


def _for_cause(ground: Any, target: InspectionTarget, *, off_site: bool = False, sibling: Any = None) -> Inspection:
    """A complaint's inspection by the branch today; by the sibling branch when `sibling` is (its user, officers)."""
    world = ground.world
    actor, officers = sibling or (world.officer_user, [world.officer, world.colleague])
    return services.inspection_create(
        actor=actor,
        agency=world.sibling if sibling else world.branch,
        target=target,
        source=Source.FOR_CAUSE,
        cause=Cause.COMPLAINT,
        reason="群众举报收购来源不明的木材",
        item_codes=["JCX-001"],
        officers=officers,
        planned_on=TODAY,
        off_site=off_site,
    )


def _set(inspection: Inspection, state: str, **fields: Any) -> None:
    """The visit's fields set directly (see the module's docstring)."""
    if state in (InspectionState.RESULT_RECORDED, InspectionState.TOLD, InspectionState.PUBLISHED):
        fields = {"outcome": Outcome.NO_PROBLEM, "result_on": TODAY, "tell_due": TODAY, "publish_due": TODAY} | fields
    if state in (InspectionState.TOLD, InspectionState.PUBLISHED):
        fields = {"told_at": MOMENT, "told_how": ToldHow.SERVED} | fields
    if state == InspectionState.PUBLISHED:
        fields = {"published_at": MOMENT} | fields
    Inspection.objects.filter(pk=inspection.pk).update(state=state, **fields)


@pytest.fixture
def small_world(ground: Any) -> Any:
    """The branch: 甲 and 乙 (B), 丙 (A, cap once a year), 丁 (C, its inspection cancelled), 戊 (D, out of the
    directory); the sibling branch: 己 (D), inspected once."""
    world = ground.world
    plan = services.plan_create(
        actor=world.officer_user,
        agency=world.branch,
        kind=PlanKind.ROUTINE,
        title="2026年度日常检查计划",
        year=TODAY.year,
        domains=["forestry"],
        item_codes=["JCX-001"],
        frequency="每年1次",
        starts_on=TODAY + timedelta(days=1),
        ends_on=date(TODAY.year, 12, 31),
    )
    services.plan_approve(actor=ground.head, plan=plan)
    plan = services.plan_publish(actor=world.officer_user, plan=plan)
    a_grade, c_grade = _business(ground, "丙木业", "A"), _business(ground, "丁苗圃", "C")
    out = _business(ground, "戊林场", "D")
    services.target_set_active(actor=world.officer_user, target=out, active=False, reason="已注销")
    routine = services.inspection_create(
        actor=world.officer_user,
        agency=world.branch,
        target=a_grade,
        source=Source.ROUTINE,
        plan=plan,
        reason="年度日常检查",
        item_codes=["JCX-001"],
        officers=[world.officer, world.colleague],
        planned_on=TODAY + timedelta(days=2),
    )
    over = _for_cause(ground, a_grade)  # 丙: once a year (A类), now twice: flagged
    assert over.over_cap
    told = _for_cause(ground, ground.target)
    _set(told, InspectionState.PUBLISHED)
    _set(_for_cause(ground, ground.target), InspectionState.RESULT_RECORDED)  # 甲 twice: one business
    _set(_for_cause(ground, ground.other, off_site=True), InspectionState.OFF_SITE_REVIEWED)
    _set(_for_cause(ground, c_grade), InspectionState.CANCELLED, cancel_reason="重复登记")
    # The sibling branch: another body, its own directory and inspection.
    second = make_officer(world.admin, world.sibling, "庚执法")
    give_certificate(world.admin, second)
    sibling = (ground.head, [world.sibling_officer, second])
    _for_cause(ground, _business(ground, "己木业", "D", world.sibling), sibling=sibling)
    ground.routine, ground.over = routine, over
    return ground


def test_coverage_equals_a_hand_count_and_the_scope_holds(small_world: Any) -> None:
    world = small_world.world
    branch_head = make_user("branchhead", world.branch, Role.APPROVER)
    seen = oversight_for(branch_head, TODAY.year, TODAY)
    [branch] = seen.coverage  # the sibling branch is not below the branch's head
    # Directory: 甲 乙 丙 丁 (戊 is out); inspected: 甲 乙 丙 (丁's only inspection was cancelled).
    assert (branch.directory, branch.covered, branch.share, branch.inspected) == (4, 3, 75.0, 3)
    assert branch.by_source == {Source.ROUTINE: 1, Source.SPECIAL: 0, Source.FOR_CAUSE: 3}
    # 5 inspections not cancelled, one of them off-site; 丙's for-cause one over the cap.
    assert (branch.inspections, branch.off_site, branch.off_site_share, branch.over_cap) == (5, 1, 20.0, 1)
    assert [(g.grade, g.directory, g.covered) for g in seen.grades] == [
        ("A", 1, 1),
        ("B", 2, 2),
        ("C", 1, 0),
        ("D", 0, 0),
    ]
    assert [i.pk for i in seen.over_cap] == [small_world.over.pk]
    # 丙 (cap 1: one routine, one for-cause) is full and over; 甲 (cap 2: two for-cause) neither.
    assert [(row.business, row.state.count, row.state.for_cause, row.state.over) for row in seen.caps] == [
        ("丙木业", 1, 1, True)
    ]

    whole = oversight_for(world.supervisor, TODAY.year, TODAY)
    assert {row.agency: row.directory for row in whole.coverage} == {world.branch.name: 4, world.sibling.name: 1}
    assert (whole.totals.directory, whole.totals.covered, whole.totals.inspections) == (5, 4, 6)
    assert oversight_for(world.outsider, TODAY.year, TODAY).coverage == []


def test_the_page_only_for_supervisors_and_heads_in_bounded_queries(
    small_world: Any, django_assert_max_num_queries: Any
) -> None:
    world = small_world.world
    officer = Client()
    officer.force_login(world.officer_user)
    assert officer.get("/inspections/oversight/").status_code == 403
    assert "/inspections/oversight/" not in officer.get("/inspections/list/").content.decode()
    supervisor = Client()
    supervisor.force_login(world.supervisor)
    assert "/inspections/oversight/" in supervisor.get("/inspections/list/").content.decode()
    with django_assert_max_num_queries(35):
        page = supervisor.get(f"/inspections/oversight/?year={TODAY.year}&agency={world.branch.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("75.0%", "丙木业", 'data-chart="grades-chart-data"'):
        assert shown in html
    for hidden in ("己木业", "<script>"):
        assert hidden not in html
    assert supervisor.get("/inspections/oversight/?year=1999").status_code == 200  # out of bounds: this year


def test_the_overdue_lists_pick_exactly_the_overdue_rows(ground: Any, time_machine: Any) -> None:
    world = ground.world
    made = {name: _for_cause(ground, ground.target if i % 2 else ground.other) for i, name in enumerate(NAMES)}
    for name, (state, fields) in SETUP.items():
        _set(made[name], state, **fields)
    objection = {"inspection": made["untold_late"], "kind": ObjectionKind.OBJECTION, "text": "不服检查结果"}
    late = InspectionObjection.objects.create(**objection, filed_at=MOMENT, answer_due=date(2026, 11, 27))
    InspectionObjection.objects.create(**objection, filed_at=MOMENT, answer_due=date(2026, 11, 20))  # answered:
    InspectionObjection.objects.filter(answer_due=date(2026, 11, 20)).update(answer="已答复", answered_at=MOMENT)
    today = InspectionObjection.objects.create(
        **objection | {"kind": ObjectionKind.COMPLAINT}, filed_at=MOMENT, answer_due=date(2026, 11, 30)
    )
    time_machine.move_to(at(date(2026, 11, 30)), tick=False)  # a Monday: due soon = up to Wednesday 2 December
    seen = oversight_for(world.supervisor, TODAY.year, date(2026, 11, 30))
    assert seen.soon_until == date(2026, 12, 2)
    lists = {tasks.key: tasks for tasks in seen.tasks}

    def ids(key: str, window: str) -> set[int]:
        return {task.inspection_id for task in getattr(lists[key], window)}

    assert ids("untold", "overdue") == {made["untold_late"].pk}
    assert ids("untold", "soon") == {made["untold_soon"].pk}
    assert ids("unpublished", "overdue") == {made["unpublished_late"].pk}
    assert ids("not_visited", "overdue") == {made["planned_late"].pk, made["reviewed_late"].pk}
    assert ids("not_visited", "soon") == {made["planned_soon"].pk}
    assert [t.objection_id for t in lists["unanswered"].overdue] == [late.pk]
    assert [t.objection_id for t in lists["unanswered"].soon] == [today.pk]
    assert (lists["not_visited"].overdue_total, lists["untold"].soon_total) == (2, 1)


NAMES = (
    "untold_late",
    "untold_soon",
    "untold_later",
    "unpublished_late",
    "published",
    "planned_late",
    "reviewed_late",
    "planned_soon",
    "cancelled_late",
)
SETUP: dict[str, tuple[str, dict[str, Any]]] = {
    "untold_late": (InspectionState.RESULT_RECORDED, {"tell_due": date(2026, 11, 27)}),
    "untold_soon": (InspectionState.RESULT_RECORDED, {"tell_due": date(2026, 12, 1)}),
    "untold_later": (InspectionState.RESULT_RECORDED, {"tell_due": date(2026, 12, 3)}),
    "unpublished_late": (InspectionState.TOLD, {"publish_due": date(2026, 11, 29)}),
    "published": (InspectionState.PUBLISHED, {"publish_due": date(2026, 11, 20)}),
    "planned_late": (InspectionState.PLANNED, {"planned_on": date(2026, 11, 27)}),
    "reviewed_late": (InspectionState.OFF_SITE_REVIEWED, {"planned_on": date(2026, 11, 25), "off_site": True}),
    "planned_soon": (InspectionState.PLANNED, {"planned_on": date(2026, 12, 2)}),
    "cancelled_late": (InspectionState.CANCELLED, {"planned_on": date(2026, 11, 25)}),
}


def _caller(user: User) -> Client:
    _, secret = ApiToken.issue(user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_api_gives_draws_visits_and_figures_within_scope(ground: Any) -> None:
    world = ground.world
    draw = _frozen(ground)
    inspection = _for_cause(ground, ground.target)  # also the ledger entry after which the seed's checkpoint comes
    checkpoint = checkpoint_issue()
    draw = services.draw_seed(actor=world.officer_user, draw=draw, value=bytes(checkpoint.root).hex())
    draw = services.draw_run(actor=world.officer_user, draw=draw)
    officer, outsider = _caller(world.officer_user), _caller(world.outsider)

    [listed] = officer.get("/api/v1/inspections/draws").json()
    assert listed == officer.get(f"/api/v1/inspections/draws/{draw.pk}").json()
    assert (listed["id"], listed["plan_ids"], listed["state"]) == (draw.pk, [draw.plan_id], "drawn")
    assert (listed["inputs_sha256"], listed["result_sha256"]) == (draw.inputs_sha256, draw.result_sha256)
    assert listed["drawn"] == len(draw.result["targets"]) == listed["inspections_made"] == 2
    assert listed["public_url"].endswith(f"/public/inspections/draws/{draw.pk}/")
    assert outsider.get("/api/v1/inspections/draws").json() == []
    assert outsider.get(f"/api/v1/inspections/draws/{draw.pk}").status_code == 404

    _set(inspection, InspectionState.TOLD, tell_due=date(2026, 11, 30))
    found = officer.get(f"/api/v1/inspections/{inspection.pk}").json()
    assert (found["state"], found["outcome"], found["tell_due"], found["told_how"]) == (
        "told",
        "no_problem",
        "2026-11-30",
        "served",
    )
    assert found["told_at"] is not None
    assert found["published_at"] is None

    assert officer.get("/api/v1/inspections/oversight").status_code == 403
    figures = _caller(world.supervisor).get(f"/api/v1/inspections/oversight?year={TODAY.year}").json()
    [branch] = figures["coverage"]
    assert (branch["agency"], branch["inspections"], branch["by_source"]["routine"]) == (world.branch.name, 4, 3)
    assert figures["tasks"]["untold"]["overdue_total"] == 0
    assert _caller(world.supervisor).get("/api/v1/inspections/oversight?year=1999").status_code == 422
