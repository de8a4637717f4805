"""The legal review's figures for supervisors and heads, per agency of their tree over a period: reviews done, the
return rate and its reasons, the time taken in working days, the reviews overdue now, major decisions made without a
review passed (zero, unless a catalog version is set back before a decision), the reviewer staffing — the page and
/api/v1/reviews/figures giving the same numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhifa.api.tests.test_api import Caller
from zhifa.cases import major
from zhifa.cases.review_figures import as_data, figures_for
from zhifa.cases.tests.desk import APPROVED_REVIEW, SMALL_FINE_REPORT, Desk, returned_review
from zhifa.core.choices import Role
from zhifa.personnel.selectors import reviewer_staffing
from zhifa.testing.factories import TODAY, at, make_user

pytestmark = pytest.mark.django_db

CATALOG = {
    "effective_from": "2026-01-01",
    "source": "测试管理局重大执法决定法制审核目录（测管发〔2025〕9号）",
    "fine_citizen": "10000",
    "fine_organisation": "100000",
    "inclusive": "on",
    "after_hearing": "on",
}
DECISION = {k: v for k, v in SMALL_FINE_REPORT.items() if k not in ("facts_found", "legal_basis")}
YEAR = (date(2026, 1, 1), TODAY)


def big(fine: int, **extra: object) -> dict[str, object]:
    return {**SMALL_FINE_REPORT, "fine": Decimal(fine), "penalty_text": f"罚款{fine}元", **extra}


def decided(desk: Desk, fine: int, day: date) -> None:
    desk("notify", day, rights_stated=True)
    desk("record_statement", date(2026, 11, 16), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    desk("decide", date(2026, 11, 17), **{**DECISION, "fine": Decimal(fine), "penalty_text": f"罚款{fine}元"})


class ReviewDesk(Desk):
    """The desk, remembering the cases it took."""

    occupied: Any  # a Case, once taken
    felled: Any  # a Case, once taken
    waiting: Any  # a Case, once taken


@pytest.fixture
def desk(world, evidence, time_machine):
    """In the branch on 23 November: 占用林地 returned once (1 working day) and passed (4), then decided; 滥伐林木
    below the catalog, decided without review; 采挖 in review since 9 November, overdue."""
    time_machine.move_to(at(TODAY))
    desk = ReviewDesk(world, evidence)
    major.add_version(world.admin, world.bureau, CATALOG)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1), title="非法占用林地")
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 4), **big(10000))
    desk("submit_review", date(2026, 11, 4))  # Wednesday
    desk("return_review", date(2026, 11, 5), **returned_review("缺少林地面积的测量报告"))
    desk("report", date(2026, 11, 6), **big(10000, facts_found="张某占用林地300平方米，经测量确认"))
    desk("submit_review", date(2026, 11, 6))  # Friday
    desk("pass_review", date(2026, 11, 12), **APPROVED_REVIEW)  # Thursday: 9, 10, 11, 12 November
    desk("approve", date(2026, 11, 12))
    decided(desk, 10000, date(2026, 11, 13))
    desk.occupied = desk.case
    desk.case = None
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 4), **big(8000))
    desk("submit_approval", date(2026, 11, 4))
    desk("approve", date(2026, 11, 5))
    decided(desk, 8000, date(2026, 11, 6))
    desk.felled = desk.case
    desk.case = None
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1), title="非法采挖野生植物")
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 9), **big(15000))
    desk("submit_review", date(2026, 11, 9))  # due 16 November
    desk.waiting = desk.case
    return desk


def test_the_figures_count_reviews_returns_their_reasons_and_the_time_taken(desk, world):
    figures = figures_for(world.supervisor, *YEAR, TODAY)
    assert [row.agency for row in figures.rows] == [world.bureau, world.branch, world.sibling]
    bureau, branch, sibling = figures.rows
    for row in (bureau, branch):  # the bureau's row holds its branches' cases
        assert (row.done, row.passed, row.returned, row.return_rate) == (2, 1, 1, Decimal("50.0"))
        assert row.reasons == [("evidence", major.CHECKLIST[4][1], 1)]
        assert (row.average_days, row.longest_days) == (Decimal("2.5"), 4)
        assert (row.waiting_now, row.overdue_now) == (1, 1)
        assert row.unreviewed == []  # the normal flow: the decision refuses a major case unreviewed
    assert (sibling.done, sibling.return_rate, sibling.average_days, sibling.overdue_now) == (0, None, None, 0)
    staffing = reviewer_staffing(world.bureau)
    assert (bureau.staffing.reviewers, bureau.staffing.officers) == (staffing.reviewers, staffing.officers) == (1, 5)
    [(returned, title)] = figures.returns
    assert (title, returned.problems, returned.working_days) == ("非法占用林地", "缺少林地面积的测量报告", 1)
    # A period from 10 November counts the opinion given on the 12th only.
    later = figures_for(world.supervisor, date(2026, 11, 10), TODAY, TODAY).rows[0]
    assert (later.done, later.returned, later.longest_days) == (1, 0, 4)


def test_a_decision_made_major_by_a_catalog_version_set_back_before_it_counts_in_red(client, desk, world):
    # The branch's legal office publishes on 23 November a catalog from 1 June at 5,000 yuan: the 8,000-yuan decision
    # of 17 November was major by the catalog in force on its day, and no review was passed on it.
    major.add_version(world.admin, world.branch, {**CATALOG, "effective_from": "2026-06-01", "fine_citizen": "5000"})
    top = figures_for(world.supervisor, *YEAR, TODAY).rows[0]
    [unreviewed] = top.unreviewed
    assert (unreviewed.case_id, unreviewed.decided_on) == (desk.felled.pk, date(2026, 11, 17))
    assert "对公民处5,000元以上罚款" in unreviewed.clauses
    assert unreviewed.catalog_published_later
    client.force_login(world.supervisor)
    page = client.get("/cases/reviews/figures/").content.decode()
    assert '<dd id="figures-unreviewed"><span class="bad">1</span></dd>' in page
    assert "目录版本发布于决定之后" in page
    assert f'href="/cases/{desk.felled.pk}/"' in page.split('id="figures-unreviewed-cases"')[1]


def test_the_page_shows_the_figures_to_supervisors_and_heads_only(client, desk, world):
    client.force_login(world.supervisor)
    page = client.get("/cases/reviews/figures/").content.decode()
    assert '<dd id="figures-unreviewed"><span class="ok">0</span></dd>' in page
    assert "50.0%" in page
    assert "2.5 个工作日" in page
    assert "缺少林地面积的测量报告" in page
    assert 'href="/cases/reviews/figures/"' in page  # in the navigation
    page = client.get("/cases/reviews/figures/?start=2026-11-10&end=2026-11-23").content.decode()
    assert "统计期间 2026-11-10 至 2026-11-23" in page
    assert "缺少林地面积的测量报告" not in page
    client.force_login(desk.approver)  # the branch's head
    assert client.get("/cases/reviews/figures/").status_code == 200
    for user in (world.officer_user, desk.reviewer):
        client.force_login(user)
        assert client.get("/cases/reviews/figures/").status_code == 404
        assert 'href="/cases/reviews/figures/"' not in client.get("/cases/").content.decode()
    # An officer who heads his agency sees its figures.
    world.branch.head = world.officer
    world.branch.save(update_fields=["head"])
    client.force_login(world.officer_user)
    assert client.get("/cases/reviews/figures/").status_code == 200


def test_the_api_returns_the_same_figures(desk, world):
    answer = Caller(world.supervisor).get("/reviews/figures")
    assert answer.status_code == 200
    body = answer.json()
    expected = as_data(figures_for(world.supervisor, *YEAR, TODAY))
    assert body["unit"] == "working_days"
    assert body["start"] == "2026-01-01"
    assert [row["agency_id"] for row in body["agencies"]] == [world.bureau.pk, world.branch.pk, world.sibling.pk]
    assert body["agencies"] == expected["agencies"]
    top = body["agencies"][0]
    assert (top["reviews"], top["returned"], top["return_rate"]) == (2, 1, "50.0")
    assert (top["average_days"], top["longest_days"], top["overdue_now"]) == ("2.5", 4, 1)
    assert top["reasons"] == [{"item": "evidence", "label": major.CHECKLIST[4][1], "count": 1}]
    assert top["decided_major_unreviewed"] == 0
    period = Caller(world.supervisor).get("/reviews/figures?start=2026-11-10&end=2026-11-23").json()
    assert period["agencies"][0]["reviews"] == 1
    assert Caller(world.supervisor).get("/reviews/figures?start=2026-11-23&end=2026-11-10").status_code == 422
    assert Caller(world.officer_user).get("/reviews/figures").status_code == 403
    # Another bureau's supervisor sees his own agency only, with nothing in it.
    outside = Caller(world.outsider).get("/reviews/figures").json()
    assert [row["agency_id"] for row in outside["agencies"]] == [world.elsewhere.pk]
    assert outside["agencies"][0]["reviews"] == 0


def test_a_head_of_a_branch_sees_his_branch_only(desk, world):
    head = make_user("sibling-head", world.sibling, Role.APPROVER)
    rows = figures_for(head, *YEAR, TODAY).rows
    assert [row.agency for row in rows] == [world.sibling]
    assert rows[0].done == 0
