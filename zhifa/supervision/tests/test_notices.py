"""The instruments of supervision (监督条例 arts. 26–33), challenges and their warning rules."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
import time_machine

from zhifa.cases.models import Case
from zhifa.core.choices import Domain, Role
from zhifa.core.errors import Refusal
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.personnel.choices import CertificateStatus
from zhifa.supervision import challenges, notices
from zhifa.supervision.models import challenges as challenge_models
from zhifa.supervision.models.notices import Measure, NoticeKind, NoticeState
from zhifa.supervision.rules_notices import (
    head_absent_from_court,
    overdue_corrections,
    unanswered_reconsideration_opinions,
)
from zhifa.supervision.warning_rules import RULES
from zhifa.testing.factories import at, make_user

Outcome = challenge_models.Outcome


def decided_case(
    world: Any, agency: Any = None, *, title: str = "滥伐林木", decided_on: date = date(2026, 9, 1)
) -> Case:
    return Case.objects.create(
        agency=agency or world.branch,
        domain=Domain.FORESTRY,
        state="decided",
        title=title,
        lead_source="inspection",
        lead_summary="巡护发现新伐桩",
        received_on=date(2026, 8, 1),
        decided_on=decided_on,
        created_by=world.admin,
    )


@pytest.fixture
def approver(world: Any) -> Any:
    return make_user("approver", world.branch, Role.APPROVER)


def test_an_opinion_is_issued_objected_to_answered_reported_returned_and_accepted(world, approver, evidence, client):
    case = decided_case(world)
    with time_machine.travel(at(date(2026, 10, 12))):
        notice = notices.notice_create(
            actor=world.supervisor,
            kind=NoticeKind.OPINION,
            agency=world.branch,
            case=case,
            facts="罚款数额明显高于裁量基准且未说明理由",
            request="重新审查裁量并报告",
        )
        assert notice.state == NoticeState.DRAFT
        assert notices.notices_for(approver).count() == 0  # a draft is the supervisor's own
        notices.notice_issue(actor=world.supervisor, notice=notice, due_on=date(2026, 11, 10))
        notice.refresh_from_db()
        assert notice.number == "测试管监意字〔2026〕第1号"
        assert notice.objection_due_on == date(2026, 10, 22)  # ten days (the local rule, data)
        assert blobs.exists(notice.sha256)
        assert Entry.objects.filter(
            action="document.issue", subject=f"supervision.supervisionnotice:{notice.pk}"
        ).exists()
        assert list(notices.notices_waiting_for(approver)) == [notice]
        # It waits on the approver's desk (工作台), counted in its 待办 and one click from its page.
        client.force_login(approver)
        desk = client.get("/").content.decode()
        assert 'id="desk-notices"' in desk
        assert f'href="/supervision/notices/{notice.pk}/"' in desk
        assert "测试管监意字〔2026〕第1号" in desk
        # Only the agency's head or approver answers for it: not the supervisor, not another agency's approver.
        stranger = make_user("stranger", world.sibling, Role.APPROVER)
        with pytest.raises(Refusal, match="负责人或案件审批人"):
            notices.notice_report(actor=stranger, notice=notice, report="已改", files=[])
        notices.notice_object(actor=approver, notice=notice, reasons="裁量已在集体讨论记录中说明")
    with time_machine.travel(at(date(2026, 10, 14))):
        assert list(notices.notices_waiting_for(world.supervisor)) == [notice]
        notices.notice_answer(
            actor=world.supervisor,
            notice=notice,
            outcome="upheld",
            answer="集体讨论记录未载明理由",
            due_on=date(2026, 11, 20),
        )
        notice.refresh_from_db()
        assert (notice.state, notice.due_on) == (NoticeState.ISSUED, date(2026, 11, 20))
        with pytest.raises(Refusal, match="不能再次提出"):
            notices.notice_object(actor=approver, notice=notice, reasons="再议")
    with time_machine.travel(at(date(2026, 11, 2))):
        notices.notice_report(actor=approver, notice=notice, report="已补充裁量说理", files=[])
        with pytest.raises(Refusal, match="新的报送期限"):
            notices.notice_review(actor=world.supervisor, notice=notice, verdict="returned", remarks="未附证明")
        notices.notice_review(
            actor=world.supervisor, notice=notice, verdict="returned", remarks="未附证明", due_on=date(2026, 11, 30)
        )
        scan = blobs.store(io.BytesIO(b"collective discussion record"), content_type="application/pdf").sha256
        notices.notice_report(actor=approver, notice=notice, report="附集体讨论记录", files=[scan])
        notices.notice_review(actor=world.supervisor, notice=notice, verdict="accepted", remarks="")
    notice.refresh_from_db()
    assert (notice.state, notice.closed_on) == (NoticeState.ACCEPTED, date(2026, 11, 2))
    assert [r.verdict for r in notice.rectifications.all()] == ["returned", "accepted"]
    assert notice.rectifications.last().files == [scan]
    actions = list(Entry.objects.filter(action__startswith="supervision.").values_list("action", flat=True))
    assert actions == [
        "supervision.notice_draft",
        "supervision.notice_issue",
        "supervision.notice_object",
        "supervision.notice_answer",
        "supervision.notice_report",
        "supervision.notice_review",
        "supervision.notice_report",
        "supervision.notice_review",
    ]


def test_an_urging_letter_not_followed_warns_and_escalates_to_a_decision_after_the_governments_approval(
    world, approver, evidence
):
    rule = RULES["notices.correction_overdue"]
    with time_machine.travel(at(date(2026, 10, 12))):
        urging = notices.notice_create(
            actor=world.supervisor,
            kind=NoticeKind.URGING,
            agency=world.branch,
            facts="案源三个月未立案",
            request="依法处理",
        )
        notices.notice_issue(actor=world.supervisor, notice=urging, due_on=date(2026, 11, 10))
        with pytest.raises(Refusal, match="尚未届满"):
            notices.notice_escalate(
                actor=world.supervisor, notice=urging, facts="x", request="y", government="测试市人民政府"
            )
    assert list(rule.find(date(2026, 11, 10))) == []  # the last day is still in time
    (found,) = rule.find(date(2026, 11, 12))
    assert found.agency_id == world.branch.pk
    assert "已逾期2日" in found.detail
    with time_machine.travel(at(date(2026, 11, 12))):
        decision = notices.notice_escalate(
            actor=world.supervisor,
            notice=urging,
            facts="督办函逾期未落实",
            request="限期立案查处",
            government="测试市人民政府",
        )
        assert decision.escalated_from == urging
        assert decision.state == NoticeState.PROPOSED
        with pytest.raises(Refusal, match="须先经人民政府批准"):
            notices.notice_issue(actor=world.supervisor, notice=decision)
        notices.notice_approve(
            actor=world.supervisor, notice=decision, approval_number="测政函〔2026〕8号", approved_on=date(2026, 11, 12)
        )
        notices.notice_issue(actor=world.supervisor, notice=decision)
    urging.refresh_from_db()
    decision.refresh_from_db()
    assert urging.state == NoticeState.ESCALATED
    assert urging.escalation == decision
    assert decision.state == NoticeState.ISSUED
    assert decision.number == "测试管监决字〔2026〕第1号"
    assert decision.due_on == date(2026, 12, 14)  # thirty days, the 12th of December a Saturday
    assert list(overdue_corrections(date(2026, 12, 14))) == []  # the escalated letter no longer warns


def test_a_dispute_in_reconsideration_or_litigation_is_not_supervised_again(world):
    case = decided_case(world)
    with time_machine.travel(at(date(2026, 10, 12))):
        withdrawn = challenges.reconsideration_record(
            actor=world.supervisor, case=case, body="测试市人民政府", applied_on=date(2026, 9, 10)
        )
        challenges.reconsideration_decide(
            actor=world.supervisor, row=withdrawn, outcome="withdrawn", decided_on=date(2026, 9, 20)
        )
        # A withdrawn application leaves the dispute open to supervision.
        notices.notice_create(
            actor=world.supervisor, kind=NoticeKind.OPINION, agency=world.branch, case=case, facts="a", request="b"
        )
        challenges.litigation_record(
            actor=world.supervisor, case=case, court="测试区人民法院", filed_on=date(2026, 10, 9)
        )
        with pytest.raises(Refusal) as refused:
            notices.notice_create(
                actor=world.supervisor, kind=NoticeKind.OPINION, agency=world.branch, case=case, facts="a", request="b"
            )
    assert "行政诉讼" in refused.value.message
    assert "测试区人民法院" in refused.value.message
    assert refused.value.rule == "行政执法监督条例 第三十三条第三款"
    assert refused.value.field == "case"


def test_the_correction_rate_is_counted_per_agency_and_year(world):
    branch_case, sibling_case = decided_case(world), decided_case(world, world.sibling)
    outcomes = [
        (branch_case, "revoked", date(2026, 3, 1)),
        (branch_case, "upheld", date(2026, 4, 1)),
        (branch_case, "changed", date(2026, 5, 1)),
        (branch_case, "withdrawn", date(2026, 6, 1)),
        (branch_case, "revoked", date(2025, 12, 1)),  # another year
        (sibling_case, "upheld", date(2026, 7, 1)),
    ]
    with time_machine.travel(at(date(2026, 10, 12))):
        for case, outcome, day in outcomes:
            row = challenge_models.Reconsideration.objects.create(
                case=case,
                agency=case.agency,
                body="测试市人民政府",
                applied_on=date(2025, 11, 1),
                created_by=world.admin,
            )
            challenges.reconsideration_decide(actor=world.supervisor, row=row, outcome=outcome, decided_on=day)
        suit = challenges.litigation_record(
            actor=world.supervisor, case=branch_case, court="测试区人民法院", filed_on=date(2026, 9, 2)
        )
        challenges.litigation_decide(
            actor=world.supervisor, row=suit, outcome="confirmed_unlawful", decided_on=date(2026, 10, 1)
        )
        challenges.litigation_record(
            actor=world.supervisor, case=sibling_case, court="测试区人民法院", filed_on=date(2026, 9, 2)
        )
    rates = {row.agency: row for row in challenges.correction_rates(world.supervisor, 2026)}
    # 甲分局: reconsiderations revoked, upheld, changed, withdrawn (4 concluded, 2 corrected) + a suit confirmed
    # unlawful (1, 1): 3 of 5.
    branch = rates[world.branch]
    assert (branch.decided, branch.corrected, str(branch.rate)) == (5, 3, "60.0")
    assert (rates[world.sibling].decided, str(rates[world.sibling].rate)) == (1, "0.0")
    assert challenges.correction_rates(world.outsider, 2026) == []  # another bureau's supervisor sees none of it


def test_a_reconsideration_opinion_warns_after_sixty_days_unless_answered(world):
    case = decided_case(world)
    with time_machine.travel(at(date(2026, 10, 12))):
        quiet, answered = (
            challenges.reconsideration_record(
                actor=world.supervisor, case=case, body="测试市人民政府", applied_on=date(2026, 9, 2)
            )
            for _ in range(2)
        )
        for row in (quiet, answered):
            challenges.reconsideration_opinion(
                actor=world.supervisor, row=row, received_on=date(2026, 9, 4), text="补正说理"
            )
        challenges.reconsideration_opinion_answer(actor=world.supervisor, row=answered, answered_on=date(2026, 10, 10))
    # Received 4 September: sixty days end on 3 November (a Tuesday); warned from the 4th.
    assert list(unanswered_reconsideration_opinions(date(2026, 11, 3))) == []
    (found,) = unanswered_reconsideration_opinions(date(2026, 11, 4))
    assert found.key == f"reconsideration_opinion:{quiet.pk}"
    assert "2026-11-03" in found.detail


def test_a_head_who_had_to_appear_in_court_and_did_not_is_warned(world):
    case = decided_case(world)
    with time_machine.travel(at(date(2026, 10, 12))):
        suits = [
            challenges.litigation_record(
                actor=world.supervisor,
                case=case,
                court="测试区人民法院",
                filed_on=date(2026, 9, 2),
                head_required=required,
                head_required_reason="法院通知负责人出庭" if required else "",
            )
            for required in (True, True, False)
        ]
        challenges.litigation_hearing(
            actor=world.supervisor, row=suits[0], hearing_on=date(2026, 10, 9), head_appeared=False
        )
        challenges.litigation_hearing(
            actor=world.supervisor, row=suits[1], hearing_on=date(2026, 10, 9), head_appeared=True
        )
        challenges.litigation_hearing(
            actor=world.supervisor, row=suits[2], hearing_on=date(2026, 10, 9), head_appeared=False
        )
    (found,) = head_absent_from_court(date(2026, 10, 12))
    assert found.key == f"litigation_head:{suits[0].pk}"
    assert found.case_id == case.pk


def test_on_the_spot_correction_is_recorded_and_a_disqualification_is_carried_out_by_the_personnel_step(
    world, approver
):
    with time_machine.travel(at(date(2026, 10, 12))):
        spot = notices.notice_create(
            actor=world.supervisor,
            kind=NoticeKind.ON_THE_SPOT,
            agency=world.branch,
            facts="未出示证件",
            request="当场出示",
        )
        assert (spot.state, spot.due_on, spot.number) == (NoticeState.RECORDED, None, "")
        proposal = notices.proposal_make(
            actor=world.supervisor,
            notice=spot,
            officer=world.officer,
            measure=Measure.DISQUALIFY,
            reasons="多次无证执法",
        )
        # The proposal alone changes nothing; the agency's approver cannot revoke a certificate.
        assert world.officer.certificates.filter(status=CertificateStatus.VALID).exists()
        with pytest.raises(Refusal):
            notices.proposal_carry_out(actor=approver, proposal=proposal)
        notices.proposal_carry_out(actor=world.admin, proposal=proposal)
    assert not world.officer.certificates.exclude(status=CertificateStatus.REVOKED).exists()
    assert Entry.objects.filter(action="certificate.revoked").count() == 1


def test_the_pages_show_each_side_its_notices_and_the_public_its_bulletins(world, approver, client):
    case = decided_case(world)
    with time_machine.travel(at(date(2026, 10, 12))):
        notice = notices.notice_create(
            actor=world.supervisor,
            kind=NoticeKind.ON_THE_SPOT,
            agency=world.branch,
            facts="未出示证件",
            request="当场出示",
        )
        notices.bulletin_publish(
            actor=world.supervisor, notice=notice, title="关于未出示执法证件问题的通报", text="已当场纠正。"
        )
        challenges.litigation_record(
            actor=world.supervisor, case=case, court="测试区人民法院", filed_on=date(2026, 10, 9)
        )
        client.force_login(world.supervisor)
        page = client.post(
            "/supervision/notices/new/",
            {"kind": "opinion", "agency": world.branch.pk, "case": case.pk, "facts": "罚款畸重", "request": "纠正"},
        )
        assert "不再进行执法监督" in page.content.decode()  # the form says why, on the case field
        assert client.get(f"/supervision/notices/{notice.pk}/").status_code == 200
        client.force_login(approver)
        assert "当场纠正记录" in client.get(f"/supervision/notices/{notice.pk}/").content.decode()
        client.force_login(make_user("stranger", world.sibling, Role.APPROVER))
        assert client.get(f"/supervision/notices/{notice.pk}/").status_code == 404
        client.logout()
        assert "关于未出示执法证件问题的通报" in client.get("/public/supervision/bulletins/").content.decode()
