"""The legal reviewer's queue: the cases waiting for review in the agencies he may see, newest round first, with
the clauses that make each major and the review's deadline; his recent opinions; the opinion on the case page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhifa.cases import major
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk, returned_review
from zhifa.core.choices import Role
from zhifa.core.models import RoleAssignment
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
CLAUSE = "对公民处10,000元以上罚款（测试管理局重大执法决定法制审核目录（测管发〔2025〕9号））"


def big(fine: int, **extra: object) -> dict[str, object]:
    return {**SMALL_FINE_REPORT, "fine": Decimal(fine), "penalty_text": f"罚款{fine}元", **extra}


class ReviewDesk(Desk):
    """The desk, remembering the cases it took."""

    occupied: Any  # a Case, once taken
    felled: Any  # a Case, once taken


@pytest.fixture
def desk(world, evidence, time_machine):
    """Two cases in review on 23 November: 占用林地 in its second round since 6 November (overdue), 滥伐林木 in its
    first since 18 November (due on the 25th)."""
    time_machine.move_to(at(TODAY))
    desk = ReviewDesk(world, evidence)
    major.add_version(world.admin, world.bureau, CATALOG)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1), title="非法占用林地")
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 4), **big(10000))
    desk("submit_review", date(2026, 11, 4))
    desk("return_review", date(2026, 11, 5), **returned_review("缺少林地面积的测量报告"))
    desk("report", date(2026, 11, 6), **big(12000, facts_found="张某占用林地300平方米，经测量确认"))
    desk("submit_review", date(2026, 11, 6))
    desk.occupied = desk.case
    desk.case = None
    desk.lead(date(2026, 11, 12), act_ended_on=date(2026, 11, 10))
    desk.investigate(date(2026, 11, 13))
    desk("report", date(2026, 11, 18), **big(20000))
    desk("submit_review", date(2026, 11, 18))
    desk.felled = desk.case
    return desk


def test_the_queue_lists_the_cases_in_review_newest_round_first_with_clauses_and_deadline(client, desk, world):
    client.force_login(desk.reviewer)
    page = client.get("/cases/reviews/").content.decode()
    queue = page.split('id="review-queue"')[1].split("</table>")[0]
    assert queue.index("滥伐林木") < queue.index("非法占用林地")  # the latest submission first
    assert "第1轮 · 2026-11-18 提交" in queue
    assert "第2轮 · 2026-11-06 提交" in queue
    assert queue.count(CLAUSE) == 2
    assert '<span class="due due-soon">2026-11-25 · 剩 2 天</span>' in queue
    assert '<span class="due overdue">2026-11-13 · 已逾期 10 天</span>' in queue
    assert f'href="/cases/{desk.felled.pk}/actions/pass_review/"' in queue
    assert f'href="/cases/{desk.occupied.pk}/actions/return_review/"' in queue
    # His own opinion given before, in the list of those he gave.
    recent = page.split('id="review-recent"')[1]
    assert "退回补充调查" in recent
    assert "缺少林地面积的测量报告" in recent
    # The navigation offers the queue to him.
    assert 'href="/cases/reviews/"' in page


def test_the_queue_shows_only_what_the_reviewer_may_see_and_only_to_reviewers(client, desk, world):
    # A reviewer of the sibling branch and one of another bureau see none of the branch's cases.
    for username, agency in (("reviewer-sibling", world.sibling), ("reviewer-elsewhere", world.elsewhere)):
        client.force_login(make_user(username, agency, Role.LEGAL_REVIEWER))
        page = client.get("/cases/reviews/").content.decode()
        assert "没有待审核的案件" in page
        assert "滥伐林木" not in page
    # The bureau's reviewer sees its branches' cases.
    client.force_login(make_user("reviewer-bureau", world.bureau, Role.LEGAL_REVIEWER))
    assert "滥伐林木" in client.get("/cases/reviews/").content.decode()
    # The handler has no queue, nor its link.
    client.force_login(world.officer_user)
    assert client.get("/cases/reviews/").status_code == 404
    assert 'href="/cases/reviews/"' not in client.get("/cases/").content.decode()


def test_a_reviewer_on_the_team_is_told_he_cannot_review_the_case(client, desk, world):
    # The handler 甲执法 holds the reviewer role too: the queue lists his cases, without the review's links
    # (行政处罚法 第五十八条: the handler never reviews his own case).
    RoleAssignment.objects.create(user=world.officer_user, role=Role.LEGAL_REVIEWER)
    client.force_login(world.officer_user)
    queue = client.get("/cases/reviews/").content.decode().split('id="review-queue"')[1]
    assert queue.count("您是本案承办人员，不能审核") == 2
    assert "/actions/pass_review/" not in queue


def test_the_handler_reads_the_opinion_and_the_changes_on_the_case_page(client, desk, world):
    client.force_login(world.officer_user)
    page = client.get(f"/cases/{desk.occupied.pk}/").content.decode()
    review = page.split('id="case-review"')[1].split("</section>")[0]
    assert review.index("第2轮") < review.index("第1轮")  # the latest first
    assert "第2轮，2026-11-06 提交" in review
    assert "待审核" in review
    assert "<mark>罚款金额</mark>：10000.00 → 12000.00" in review
    assert "退回补充调查" in review
    assert "丁审核 · 2026-11-05" in review
    assert "证据确凿、充分，取得合法（第四十条、第四十六条）" in review  # the item not in order
    assert "缺少林地面积的测量报告" in review
    assert "退回补充调查：缺少林地面积的测量报告" in review


def test_the_queue_takes_a_bounded_number_of_queries(client, desk, django_assert_max_num_queries):
    # A baseline: 17 for the page (one for the agencies its filter offers, two for the desk's counts in the
    # navigation), and three per case waiting for the
    # clauses of the catalog in force (a reviewer's queue holds a few cases; major.clauses reads the catalog and the
    # hearing per case).
    client.force_login(desk.reviewer)
    client.get("/cases/reviews/")
    with django_assert_max_num_queries(23):
        assert client.get("/cases/reviews/").status_code == 200
