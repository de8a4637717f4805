"""Who may take a legal review act (pass_review, return_review, review_after_hearing): a person on the staff whose
status allows it, holding the legal professional qualification unless reviewing since before 2021-07-15
(行政处罚法 第五十八条第二款), never the case's handler, an officer who stepped aside from it (第四十三条) or its
hearing's chair (第六十四条第四项)."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.cases import services
from zhifa.cases.tests.desk import APPROVED_REVIEW, Desk, make_reviewer
from zhifa.cases.tests.test_hearing_report import HEARD, REPORT
from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.personnel.models import Officer
from zhifa.personnel.rules import QUALIFICATION_REQUIRED_FROM, may_review
from zhifa.personnel.services import officer_leave, officer_set_legal_review
from zhifa.testing.factories import give_certificate, make_officer, make_user

pytestmark = pytest.mark.django_db

# The hearing story of test_hearing_report: a fine large enough for a hearing, so the decision is reviewed after it.
REVIEW_ON = date(2026, 10, 29)
RULE = "行政处罚法 第五十八条第二款"


@pytest.fixture
def heard(world, evidence):
    """A case whose hearing, chaired by 戊主持 of the bureau, has been held: it waits for the legal review."""
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    desk("report", date(2026, 10, 14), **REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("request_hearing", date(2026, 10, 19))
    notice = {"hearing_time": "14:30", "place": "分局听证室", "chair": desk.chair}
    desk("notify_hearing", date(2026, 10, 19), hearing_on=date(2026, 10, 28), **notice)
    desk("hold_hearing", date(2026, 10, 28), **HEARD, evidence=[desk.video])
    return desk


def test_a_reviewer_who_began_after_the_revised_law_without_the_qualification_is_refused(heard, world):
    heard.reviewer = make_reviewer(
        world, "new-reviewer", "庚审核", qualified=False, legal_review_since=date(2022, 3, 1)
    )
    refusal = heard.refused("review_after_hearing", REVIEW_ON, opinion="同意")
    assert refusal.rule == RULE
    assert "庚审核 未取得法律职业资格，于 2022-03-01 开始从事法制审核" in refusal.message
    # The case page says so before he tries.
    reasons = {a.action.name: a.reasons for a in services.availability(heard.reviewer, heard.case, REVIEW_ON)}
    assert any("未取得法律职业资格" in reason for reason in reasons["review_after_hearing"])
    # Without a start date nobody knows he began before the law: refused too, and told to record it.
    officer = Officer.objects.get(user=heard.reviewer)
    officer_set_legal_review(actor=world.admin, officer=officer, legal_qualification=False)
    heard.reviewer = User.objects.get(pk=heard.reviewer.pk)
    assert "未登记法制审核起始日期" in heard.refused("review_after_hearing", REVIEW_ON, opinion="同意").message
    # Once qualified, he reviews.
    officer_set_legal_review(
        actor=world.admin, officer=officer, legal_qualification=True, qualification_number="A20221100000001"
    )
    heard.reviewer = User.objects.get(pk=heard.reviewer.pk)
    heard("review_after_hearing", REVIEW_ON, opinion="同意")


def test_a_reviewer_reviewing_since_before_the_revised_law_keeps_reviewing_without_the_qualification(heard, world):
    heard.reviewer = make_reviewer(
        world, "old-reviewer", "辛审核", qualified=False, legal_review_since=date(2015, 6, 1)
    )
    heard("review_after_hearing", REVIEW_ON, opinion="同意")
    assert heard.case.records.filter(action="review_after_hearing").exists()


def test_the_rule_binds_those_who_began_on_the_day_the_revised_law_took_effect():
    def began(day: date, *, qualified: bool = False) -> bool:
        return bool(may_review(Officer(name="某", legal_qualification=qualified, legal_review_since=day)))

    assert date(2021, 7, 15) == QUALIFICATION_REQUIRED_FROM
    assert began(date(2021, 7, 14))
    assert not began(date(2021, 7, 15))
    assert began(date(2021, 7, 15), qualified=True)


def test_a_login_without_an_officer_record_does_not_review(heard, world):
    heard.reviewer = make_user("reviewer-login", world.branch, Role.LEGAL_REVIEWER)
    refusal = heard.refused("review_after_hearing", REVIEW_ON, opinion="同意")
    assert "未关联在册的执法人员信息" in refusal.message
    assert refusal.rule == RULE


def test_a_reviewer_who_has_left_does_not_review(heard, world):
    # The standing guard (actor_status_allows) covers the reviewer's status: he left before the act's day.
    officer = Officer.objects.get(user=heard.reviewer)
    officer_leave(actor=world.admin, officer=officer, left_on=date(2026, 10, 20), reason="调离")
    heard.reviewer = User.objects.get(pk=heard.reviewer.pk)
    assert "已于 2026-10-20 离开执法岗位" in heard.refused("review_after_hearing", REVIEW_ON, opinion="同意").message


def test_the_hearings_chair_does_not_review_the_decision_after_it(heard, world):
    chair_login = make_user("chair-reviewer", world.bureau, Role.LEGAL_REVIEWER)
    chair = heard.chair
    chair.user = chair_login
    chair.save(update_fields=["user"])
    officer_set_legal_review(actor=world.admin, officer=chair, legal_qualification=True)
    heard.reviewer = User.objects.get(pk=chair_login.pk)
    refusal = heard.refused("review_after_hearing", REVIEW_ON, opinion="同意")
    assert "戊主持 是本案的听证主持人，不得审核本案" in refusal.message
    assert refusal.rule == "行政处罚法 第六十四条第四项"


def test_neither_the_handler_nor_an_officer_who_stepped_aside_reviews(world, evidence):
    # 己执法 is on the team and a legal reviewer; he steps aside, and is still kept from the review.
    login = make_user("handler-reviewer", world.branch, Role.OFFICER, Role.LEGAL_REVIEWER)
    handler = make_officer(world.admin, world.branch, "己执法", user=login)
    give_certificate(world.admin, handler, valid_from=date(2025, 12, 1))
    officer_set_legal_review(actor=world.admin, officer=handler, legal_qualification=True)
    login = User.objects.get(pk=login.pk)
    desk = Desk(world, evidence)
    desk.team = [world.officer, world.colleague, handler]
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk.investigate(date(2026, 11, 3))
    report = {**REPORT, "major": True}
    desk.reviewer = login
    desk("request_recusal", date(2026, 11, 4), applicant="officer", named=[handler], reason="系当事人亲属")
    desk("decide_recusal", date(2026, 11, 4), granted="yes", reason="属实")
    desk("report", date(2026, 11, 5), **report)
    desk("submit_review", date(2026, 11, 5))
    refusal = desk.refused("pass_review", date(2026, 11, 6), **APPROVED_REVIEW)
    assert refusal.message == "己执法 已在本案回避，不得审核本案"
    assert refusal.rule == "行政处罚法 第四十三条"
    # One still on the team is kept out as the handler (reviewer_not_handler).
    colleague_login = make_user("colleague-reviewer", world.branch, Role.OFFICER, Role.LEGAL_REVIEWER)
    world.colleague.user = colleague_login
    world.colleague.save(update_fields=["user"])
    desk.reviewer = User.objects.get(pk=colleague_login.pk)
    assert "承办人员不得审核" in desk.refused("pass_review", date(2026, 11, 6), **APPROVED_REVIEW).message
    desk.reviewer = make_reviewer(world, "reviewer-2", "庚审核")
    desk("pass_review", date(2026, 11, 6), **APPROVED_REVIEW)
