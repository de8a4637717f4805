"""重新告知: after the advance notice, changed facts or a heavier penalty go back through the report and approval
to a new notice with new periods (行政处罚法 第四十四条、第四十五条); a lighter penalty is decided on the notice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhifa.cases import issuing
from zhifa.cases.tests.desk import APPROVED_REVIEW, SMALL_FINE_REPORT, Desk
from zhifa.cases.tests.test_issuing import text_of
from zhifa.cases.workflow import State
from zhifa.core.choices import Role
from zhifa.documents.choices import DocumentKind
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import give_certificate, make_officer, make_user

pytestmark = pytest.mark.django_db

HEAVIER = {
    **SMALL_FINE_REPORT,
    "facts_found": "张某滥伐林木2株，补充调查查明另滥伐3株，共5株",
    "fine": Decimal(2500),
    "penalty_text": "罚款二千五百元",
    "reason": "补充调查认定了新的违法事实",
}


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    desk("report", date(2026, 10, 14), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    return desk


def test_a_heavier_penalty_after_the_notice_is_noticed_again_with_new_periods(desk, world):
    decision = {k: v for k, v in HEAVIER.items() if k not in ("facts_found", "legal_basis", "reason")}
    assert desk.refused("decide", date(2026, 10, 26), **decision).field == "fine"  # art. 45: not on this notice
    case = desk("revise_proposal", date(2026, 10, 19), **HEAVIER)
    assert case.state == State.REPORTED
    assert case.facts_found == HEAVIER["facts_found"]
    # The first notice's periods stopped with the change; the new proposal is approved and noticed again.
    assert not case.deadlines.filter(period="statement", stopped_on=None).exists()
    desk("submit_approval", date(2026, 10, 19))
    desk("approve", date(2026, 10, 20))
    desk.make_documents = False
    refused = desk.refused("notify", date(2026, 10, 21), rights_stated=True)
    assert "请制作新的行政处罚事先告知书" in refused.message
    assert refused.rule == "行政处罚法 第四十四条"
    second = issuing.issue_document(desk.officer, desk.case, "advance_notice")
    desk.make_documents = True
    notices = list(desk.case.documents.filter(kind=DocumentKind.ADVANCE_NOTICE).order_by("entry_index"))
    assert len(notices) == 2
    assert notices[1].number == second.number
    assert notices[0].number != second.number
    assert "另滥伐3株" in text_of(second)
    case = desk("notify", date(2026, 10, 21), rights_stated=True)
    assert case.proposed_fine == Decimal(2500)
    # A new statement period runs from the new notice: no decision before it ends.
    refused = desk.refused("decide", date(2026, 10, 26), **decision)
    assert "陈述、申辩期限" in refused.message
    case = desk("decide", date(2026, 10, 29), **decision)
    assert case.fine == Decimal(2500)
    assert verify_ledger().ok


def test_a_waiver_under_the_first_notice_does_not_lift_the_second(desk):
    desk("record_statement", date(2026, 10, 17), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    desk("revise_proposal", date(2026, 10, 19), **HEAVIER)
    desk("submit_approval", date(2026, 10, 19))
    desk("approve", date(2026, 10, 20))
    desk("notify", date(2026, 10, 21), rights_stated=True)
    decision = {k: v for k, v in HEAVIER.items() if k not in ("facts_found", "legal_basis", "reason")}
    assert desk.refused("decide", date(2026, 10, 22), **decision).field == "on_date"


def test_a_lighter_penalty_is_decided_on_the_notice_served(desk):
    # A fine may become a warning after the defence without a new notice (art. 45 forbids only heavier).
    lighter = {**SMALL_FINE_REPORT, "penalty_kinds": ["warning"], "fine": None, "penalty_text": "警告"}
    lighter = {k: v for k, v in lighter.items() if k not in ("facts_found", "legal_basis")}
    case = desk("decide", date(2026, 10, 26), **lighter)
    assert case.penalty_kinds == ["warning"]


def test_only_the_team_revises_with_a_reason(desk, world):
    assert desk.refused("revise_proposal", date(2026, 10, 19), **{**HEAVIER, "reason": ""}).field == "reason"
    stranger = make_user("geng", world.branch, Role.OFFICER)
    give_certificate(world.admin, make_officer(world.admin, world.branch, "庚执法", user=stranger))
    own, desk.officer = desk.officer, stranger
    assert "只有本案的承办人员" in desk.refused("revise_proposal", date(2026, 10, 19), **HEAVIER).message
    desk.officer = own


def test_after_a_hearing_the_new_notice_gives_the_hearing_again_with_its_own_notice(desk, world):
    # A large fine: the party asks for a hearing, is heard, and the hearing brings a heavier proposal.
    big = {**HEAVIER, "fine": Decimal(20000), "penalty_text": "罚款二万元"}
    desk("revise_proposal", date(2026, 10, 19), **{**big, "fine": Decimal(10000), "penalty_text": "罚款一万元"})
    desk("submit_approval", date(2026, 10, 19))
    desk("approve", date(2026, 10, 20))
    desk("notify", date(2026, 10, 20), rights_stated=True)
    desk("request_hearing", date(2026, 10, 21))
    notice = {"hearing_time": "09:00", "place": "听证室", "chair": desk.chair}
    desk("notify_hearing", date(2026, 10, 21), hearing_on=date(2026, 10, 30), **notice)
    heard = {"outcome": "held", "started_at": "09:00", "ended_at": "10:00", "statements": "张某：请求从轻。"}
    desk("hold_hearing", date(2026, 10, 30), **heard, evidence=[desk.video])
    # The proposal the hearing changed rests on the chair's report: it is filed first (第六十五条).
    assert "听证报告" in desk.refused("revise_proposal", date(2026, 11, 2), **big).message
    desk("report_hearing", date(2026, 11, 2), findings="查明另有违法事实", opinion="建议重新告知", evidence=[desk.scan])
    desk("revise_proposal", date(2026, 11, 2), **big)
    # A case that went through a hearing is major (第五十八条第一款第二项): the new proposal is reviewed first.
    assert "须先经法制审核" in desk.refused("submit_approval", date(2026, 11, 2)).message
    desk("submit_review", date(2026, 11, 2))
    desk("pass_review", date(2026, 11, 2), **APPROVED_REVIEW)
    desk("approve", date(2026, 11, 3))
    desk("notify", date(2026, 11, 3), rights_stated=True)
    # The new notice's five working days, not the first's: the request is in time.
    desk("request_hearing", date(2026, 11, 6))
    desk("notify_hearing", date(2026, 11, 6), hearing_on=date(2026, 11, 17), **notice)
    # The second hearing is held on its own notice, never on the first one's.
    desk.make_documents = False
    refused = desk.refused("hold_hearing", date(2026, 11, 17), **heard, evidence=[desk.video])
    assert "本次听证的听证通知书" in refused.message
    desk.make_documents = True
    case = desk("hold_hearing", date(2026, 11, 17), **heard, evidence=[desk.video])
    assert case.documents.filter(kind=DocumentKind.HEARING_NOTICE).count() == 2


def test_a_new_notice_after_a_hearing_is_decided_after_the_review_of_the_hearing(desk):
    desk("revise_proposal", date(2026, 10, 19), **{**HEAVIER, "fine": Decimal(10000), "penalty_text": "罚款一万元"})
    desk("submit_approval", date(2026, 10, 19))
    desk("approve", date(2026, 10, 20))
    desk("notify", date(2026, 10, 20), rights_stated=True)
    desk("request_hearing", date(2026, 10, 21))
    notice = {"hearing_time": "09:00", "place": "听证室", "chair": desk.chair}
    desk("notify_hearing", date(2026, 10, 21), hearing_on=date(2026, 10, 30), **notice)
    heard = {"outcome": "held", "started_at": "09:00", "ended_at": "10:00", "statements": "张某：无异议。"}
    desk("hold_hearing", date(2026, 10, 30), **heard, evidence=[desk.video])
    desk("report_hearing", date(2026, 11, 2), findings="无异议", opinion="建议按原意见", evidence=[desk.scan])
    lighter = {**HEAVIER, "fine": Decimal(6000), "penalty_text": "罚款六千元"}
    desk("revise_proposal", date(2026, 11, 2), **lighter)
    # The decision still rests on the hearing held: the new proposal is reviewed before the head approves it.
    desk("submit_review", date(2026, 11, 2))
    desk("pass_review", date(2026, 11, 2), **APPROVED_REVIEW)
    desk("approve", date(2026, 11, 3))
    desk("notify", date(2026, 11, 3), rights_stated=True)
    desk("record_statement", date(2026, 11, 4), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    decision = {k: v for k, v in lighter.items() if k not in ("facts_found", "legal_basis", "reason")}
    assert desk.refused("decide", date(2026, 11, 5), **decision).field == "hearing_report_read"
    assert desk("decide", date(2026, 11, 5), **decision, hearing_report_read=True).state == State.DECIDED
