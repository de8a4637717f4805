"""Whole cases through the services: the ordinary procedure from lead to archive, the court path, the
summary procedure, no penalty — every action recorded, every refusal naming its rule, nothing half done."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.forms import ModelMultipleChoiceField

from zhifa.cases import agency_settings, services
from zhifa.cases.models import Case, CaseDeadline
from zhifa.cases.tests.desk import APPROVED_REVIEW, ON_THE_SPOT, SMALL_FINE_REPORT, Desk, make_reviewer, returned_review
from zhifa.cases.workflow import ACTIONS, State
from zhifa.core.choices import Role
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.ledger.services import record
from zhifa.ledger.state import subject_key
from zhifa.ledger.verify import verify_ledger
from zhifa.personnel.services import certificate_revoke
from zhifa.testing.factories import give_certificate, make_officer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world, evidence):
    return Desk(world, evidence)


def deadlines(case: Case) -> dict[str, tuple[date, date | None]]:
    return {d.period: (d.due_on, d.stopped_on) for d in CaseDeadline.objects.filter(case=case)}


def recorded(case: Case) -> list[str]:
    return list(Entry.objects.filter(subject=subject_key(case)).order_by("index").values_list("action", flat=True))


def replay(case: Case) -> dict[str, Any]:
    """Rebuild the case's state, penalty and payments from its ledger entries alone."""
    state: State | None = None
    rebuilt: dict[str, Any] = {}
    for entry in Entry.objects.filter(subject=subject_key(case), action__startswith="case.").order_by("index"):
        action = ACTIONS[entry.action.removeprefix("case.")]
        facts = json.loads(entry.facts.facts)
        state = action.target or state
        for name in ("fine", "paid", "penalty_kinds"):
            if name in facts and facts[name] is not None:
                rebuilt[name] = facts[name]
        if action.name == "decide":
            rebuilt["decided_on"] = facts["on_date"]
    rebuilt["state"] = state
    return rebuilt


def test_an_ordinary_case_from_lead_to_archive(desk, world):
    jia, yi = world.officer, world.colleague
    desk.lead(date(2026, 7, 1))
    desk("file", date(2026, 7, 2))
    assert deadlines(desk.case)["decision"] == (date(2026, 9, 30), None)
    desk("assign", date(2026, 7, 2), lead=jia, others=[yi], declared=[jia, yi])

    # Investigation: two officers able to enforce at every act; an auxiliary is no second officer.
    refusal = desk.refused(
        "add_evidence", date(2026, 7, 3), officers=[jia, world.auxiliary], kind="object", summary="伐桩"
    )
    assert refusal.field == "officers"
    assert "第四十二条" in str(refusal)
    desk("add_evidence", date(2026, 7, 3), officers=[jia, yi], kind="object", summary="伐桩照片", evidence=[desk.photo])
    desk(
        "record_interview",
        date(2026, 7, 6),
        officers=[jia, yi],
        interviewee="张某",
        summary="承认采伐",
        evidence=[desk.scan],
    )
    desk(
        "record_inspection",
        date(2026, 7, 6),
        officers=[jia, yi],
        place="二号林班",
        summary="伐桩12个",
        evidence=[desk.scan],
    )

    # Impounding: the head's approval first, and a full audio-video recording.
    seize = {"officers": [jia, yi], "items": "油锯一台", "approved_by": desk.approver}
    refusal = desk.refused("seize", date(2026, 7, 7), **seize, evidence=[desk.photo])
    assert refusal.field == "evidence"
    assert "音像" in refusal.message
    desk("seize", date(2026, 7, 7), **seize, evidence=[desk.video])
    assert deadlines(desk.case)["seizure"] == (date(2026, 8, 6), None)
    assert "应当解除" in str(desk.refused("extend_seizure", date(2026, 8, 7), reason="鉴定未完成"))
    desk("extend_seizure", date(2026, 8, 5), reason="林木材积鉴定未完成")
    assert deadlines(desk.case)["seizure_extension"] == (date(2026, 9, 5), None)  # a Saturday: a ceiling, not moved
    assert "只能延长一次" in str(desk.refused("extend_seizure", date(2026, 8, 20), reason="再次延长"))
    desk("release_seizure", date(2026, 8, 20), reason="鉴定完成，予以退还")
    assert deadlines(desk.case)["seizure_extension"][1] == date(2026, 8, 20)

    report = {
        "facts_found": "张某未经许可采伐林木12株，蓄积5立方米",
        "legal_basis": "森林法 第五十六条、第七十六条",
        "penalty_basis": "森林法 第五十六条、第七十六条",
        "penalty_kinds": ["fine"],
        "fine": Decimal(20000),
        "penalty_text": "罚款二万元",
        "discretion_reasons": "滥伐蓄积5立方米，属一般情节，按裁量基准处3倍罚款",
        "collective": True,
    }
    assert desk.refused("report", date(2026, 8, 21), **{**report, "discretion_reasons": "按基准"}).field == (
        "discretion_reasons"
    )
    desk("report", date(2026, 8, 21), **report)
    assert "不属于重大执法决定" in str(desk.refused("submit_review", date(2026, 8, 24)))
    desk("submit_approval", date(2026, 8, 24))
    assert "集体讨论" in str(desk.refused("approve", date(2026, 8, 25)))
    desk("refer_collective", date(2026, 8, 25))
    # Approved on the heads' recorded discussion: who sat (two heads at least), the conclusion, the minutes.
    assert "记录负责人集体讨论" in str(desk.refused("approve", date(2026, 8, 26)))
    heads = [desk.approver, desk.deputy]
    minutes = {"conclusion": "agree", "minutes": "一致同意拟处罚意见", "evidence": [desk.scan]}
    assert desk.refused("record_collective", date(2026, 8, 26), participants=heads[:1], **minutes).field == (
        "participants"
    )
    desk("record_collective", date(2026, 8, 26), participants=heads, **minutes)
    desk("approve", date(2026, 8, 26), opinion="集体讨论同意")

    # Advance notice: 20,000 yuan for a citizen opens the right to a hearing (≥ 5,000 by default).
    assert desk.refused("notify", date(2026, 8, 27)).field == "rights_stated"
    case = desk("notify", date(2026, 8, 27), rights_stated=True)
    assert case.hearing_right
    assert case.proposed_fine == Decimal(20000)
    assert deadlines(case)["hearing_request"] == (date(2026, 9, 3), None)
    assert "陈述、申辩期" in str(desk.refused("decide", date(2026, 9, 2), **report))
    desk("request_hearing", date(2026, 9, 1))
    hearing = {"place": "分局会议室", "chair": desk.chair, "hearing_time": "09:30"}
    refusal = desk.refused("notify_hearing", date(2026, 9, 2), hearing_on=date(2026, 9, 10), **hearing)
    assert refusal.field == "hearing_on"
    assert "2026-09-11" in refusal.message
    refusal = desk.refused("notify_hearing", date(2026, 9, 2), hearing_on=date(2026, 9, 11), **{**hearing, "chair": yi})
    assert refusal.field == "chair"
    assert "第六十四条第四项" in str(refusal)
    case = desk("notify_hearing", date(2026, 9, 2), hearing_on=date(2026, 9, 11), **hearing)
    assert deadlines(case)["hearing"] == (date(2026, 9, 11), None)  # the day set, on the lists until held
    assert desk.refused("hold_hearing", date(2026, 9, 11), outcome="held").field == "evidence"
    case = desk("hold_hearing", date(2026, 9, 11), outcome="held", summary="当事人申辩家庭困难", evidence=[desk.scan])
    assert deadlines(case)["hearing"] == (date(2026, 9, 11), date(2026, 9, 11))
    decision = {**report, "fine": Decimal(15000), "penalty_text": "罚款一万五千元"}
    assert "经过听证的案件，作出决定前应当进行法制审核" in str(desk.refused("decide", date(2026, 9, 25), **decision))
    desk("review_after_hearing", date(2026, 9, 25), opinion="事实清楚，同意从轻处罚")
    # The chair's report is in the file, and read, before the decision (第六十五条).
    assert "听证报告" in str(desk.refused("decide", date(2026, 9, 25), **decision))
    report_of_hearing = {
        "findings": "当事人对事实无异议，申辩家庭困难",
        "opinion": "建议从轻处罚",
        "evidence": [desk.scan],
    }
    desk("report_hearing", date(2026, 9, 25), **report_of_hearing)
    assert desk.refused("decide", date(2026, 9, 25), **decision).field == "hearing_report_read"
    decision["hearing_report_read"] = True

    # The ninety days ran out on 30 September: no decision without an approved extension.
    assert "须经批准延长" in str(desk.refused("decide", date(2026, 10, 9), **decision))
    # No rule of this agency provides an extension yet: none is possible (art. 60); then its rule is entered.
    refusal = desk.refused("extend_decision", date(2026, 9, 28), reason="补充调查")
    assert "没有规定可以延长办案期限" in str(refusal)
    extension = {"decision_extension_days": 30, "periods_source": "测试省林业行政处罚程序规定 第三十条"}
    agency_settings.update(world.admin, world.bureau, extension)
    assert "应在届满前批准延长" in str(desk.refused("extend_decision", date(2026, 10, 9), reason="补充调查"))
    desk("extend_decision", date(2026, 9, 28), reason="案情复杂，听证后需补充调查")
    assert deadlines(desk.case)["decision_extension"] == (date(2026, 10, 30), None)
    refusal = desk.refused("decide", date(2026, 10, 9), **{**decision, "fine": Decimal(25000)})
    assert refusal.field == "fine"
    assert "第四十五条" in str(refusal)
    # The heads discussed a 20,000-yuan proposal; 15,000 after the hearing is theirs to discuss again (第五十七条).
    assert "重新集体讨论" in str(desk.refused("decide", date(2026, 10, 9), **decision))
    amended = {
        "conclusion": "amend",
        "minutes": "听证后考虑当事人家庭困难，改为罚款一万五千元",
        "penalty_kinds": ["fine"],
        "fine": Decimal(15000),
        "penalty_text": "罚款一万五千元",
        "evidence": [desk.scan],
    }
    desk("record_collective", date(2026, 10, 9), participants=[desk.approver, desk.deputy], **amended)
    case = desk("decide", date(2026, 10, 9), **decision)
    assert case.decided_on == date(2026, 10, 9)
    assert case.fine == Decimal(15000)
    assert deadlines(case)["decision_extension"][1] == date(2026, 10, 9)

    refusal = desk.refused("serve", date(2026, 10, 10), method="electronic", evidence=[desk.scan])
    assert refusal.field == "consent"
    desk("serve", date(2026, 10, 10), method="direct", evidence=[desk.scan])
    assert deadlines(desk.case)["payment"] == (date(2026, 10, 26), None)  # 10-25 is a Sunday
    desk("defer_payment", date(2026, 10, 20), applied=True, new_due=date(2026, 11, 20), reason="分两期缴纳")
    desk("record_payment", date(2026, 10, 21), amount=Decimal(5000), receipt="NS20261021001")
    assert "尚有 10000.00 元未缴纳" in str(desk.refused("close", date(2026, 10, 22)))
    desk("record_payment", date(2026, 11, 10), amount=Decimal(10000), receipt="NS20261110001")
    assert not CaseDeadline.objects.filter(case=desk.case, period="payment", stopped_on=None).exists()
    desk("close", date(2026, 11, 11), summary="罚款已全部缴纳")
    case = desk("archive", date(2026, 11, 12))
    assert case.state == State.ARCHIVED
    assert "已归档" in str(desk.refused("record_payment", date(2026, 11, 12), amount=Decimal(1), receipt="x"))

    # One entry per action taken, none for a refusal; the ledger alone rebuilds the case.
    assert recorded(case) == desk.done
    assert replay(case) == {
        "state": State.ARCHIVED,
        "fine": "15000.00",
        "paid": "15000.00",
        "penalty_kinds": ["fine"],
        "decided_on": "2026-10-09",
    }
    assert verify_ledger().ok


def test_an_unpaid_fine_goes_to_court_after_the_remedy_periods(desk):
    desk.lead(date(2026, 1, 5), act_ended_on=date(2026, 1, 1))
    desk.investigate(date(2026, 1, 6))
    report = SMALL_FINE_REPORT
    desk("report", date(2026, 1, 8), **report)
    desk("submit_approval", date(2026, 1, 8))
    desk("approve", date(2026, 1, 9))
    case = desk("notify", date(2026, 1, 12), rights_stated=True)
    assert not case.hearing_right
    assert "hearing_request" not in deadlines(case)
    assert "不属于应当告知听证" in str(desk.refused("request_hearing", date(2026, 1, 13)))
    desk("decide", date(2026, 1, 20), **report)
    case = desk("serve", date(2026, 1, 21), method="post", evidence=[desk.scan])
    assert deadlines(case)["litigation"] == (date(2026, 7, 21), None)
    assert deadlines(case)["court_application"] == (date(2026, 10, 21), None)
    court = {"court": "测试县人民法院", "demand_served_on": date(2026, 7, 22)}
    assert "期满不履行方可申请" in str(desk.refused("apply_to_court", date(2026, 7, 21), **court))
    # Ten working days after the demand (served 22 July) end on 5 August; the court may be asked after that.
    refusal = desk.refused("apply_to_court", date(2026, 8, 5), **court)
    assert refusal.field == "demand_served_on"
    assert "第五十四条" in str(refusal)
    assert "最早 2026-08-06" in refusal.message
    assert "已于 2026-10-21 届满" in str(desk.refused("apply_to_court", date(2026, 10, 22), **court))
    desk("apply_to_court", date(2026, 8, 10), **court)
    desk("close", date(2026, 8, 11))
    case = desk("archive", date(2026, 8, 12))
    assert recorded(case) == desk.done
    assert replay(case)["state"] == State.ARCHIVED


def test_an_on_the_spot_fine_within_the_limits(desk, world):
    jia, yi = world.officer, world.colleague
    spot = {**ON_THE_SPOT, "officers": [jia, yi], "fine": Decimal(300)}
    refusal = desk.refused("decide_on_the_spot", date(2026, 11, 20), **spot)
    assert refusal.field == "fine"
    assert "200" in refusal.message
    assert (
        desk.refused(
            "decide_on_the_spot", date(2026, 11, 20), **{**spot, "fine": Decimal(200), "certificates_shown": False}
        ).field
        == "certificates_shown"
    )
    refusal = desk.refused(
        "decide_on_the_spot", date(2026, 11, 20), **{**spot, "fine": Decimal(150), "collected": True}
    )
    assert refusal.field == "collected"
    assert "第六十八条" in str(refusal)
    case = desk("decide_on_the_spot", date(2026, 11, 20), **{**spot, "fine": Decimal(50), "collected": True})
    assert (case.state, case.procedure, case.paid) == (State.SUMMARY_DECIDED, "summary", Decimal(50))
    # Paid on the spot, so no payment period; the cash goes to the agency within 2 working days (art. 71). No
    # period to sue: an on-the-spot penalty goes to reconsideration first (行政复议法 第二十三条).
    assert set(deadlines(case)) == {"summary_report", "cash_handover", "reconsideration"}
    assert deadlines(case)["cash_handover"] == (date(2026, 11, 24), None)
    desk("report_summary", date(2026, 11, 20))
    desk("hand_over_cash", date(2026, 11, 20), receipt="JK20261120001")
    assert deadlines(desk.case)["cash_handover"][1] == date(2026, 11, 20)
    assert "没有待上缴" in str(desk.refused("hand_over_cash", date(2026, 11, 20), receipt="JK2"))
    desk("close", date(2026, 11, 23))
    assert recorded(desk.case) == desk.done

    # An organisation may be fined up to 3,000 yuan on the spot.
    desk.case, desk.done = None, []
    org = {**spot, "party_kind": "organisation", "party_name": "某林场", "fine": Decimal(3000)}
    case = desk("decide_on_the_spot", date(2026, 11, 20), **org)
    assert deadlines(case)["payment"][0] == date(2026, 12, 7)  # 15 days, 12-05 is a Saturday


def test_no_penalty_and_termination_end_a_case_with_reasons(desk):
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk.investigate(date(2026, 11, 3))
    desk(
        "report",
        date(2026, 11, 5),
        facts_found="初次违法，及时补种",
        legal_basis="行政处罚法 第三十三条",
        penalty_basis="行政处罚法 第三十三条",
        penalty_kinds=["warning"],
        penalty_text="拟不予处罚",
        discretion_reasons="首次违法，危害后果轻微，已及时改正",
    )
    desk("submit_approval", date(2026, 11, 5))
    assert desk.refused("decide_no_penalty", date(2026, 11, 6), ground="first_offence", reason=" ").field == "reason"
    refusal = desk.refused(
        "decide_no_penalty", date(2026, 11, 6), ground="first_offence", reason="首违不罚，已补种林木"
    )
    assert (refusal.field, refusal.rule) == ("education", "行政处罚法 第三十三条第三款")
    case = desk(
        "decide_no_penalty",
        date(2026, 11, 6),
        ground="first_offence",
        reason="首违不罚，已补种林木",
        education="宣讲法规",
    )
    assert case.state == State.NO_PENALTY
    assert deadlines(case)["decision"][1] == date(2026, 11, 6)
    desk("close", date(2026, 11, 9))
    assert recorded(desk.case) == desk.done

    desk.case, desk.done = None, []
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk.investigate(desk.case.received_on)
    case = desk("terminate", date(2026, 11, 10), reason="当事人死亡")
    assert (case.state, case.outcome_reason) == (State.TERMINATED, "当事人死亡")


def test_only_the_case_team_acts_and_the_handler_never_reviews(desk, world):
    # 己执法 both handles the case and is a legal reviewer; 甲执法 (the desk's officer) is not on the team.
    handler_user = make_user("handler-reviewer", world.branch, Role.OFFICER, Role.LEGAL_REVIEWER)
    handler = make_officer(world.admin, world.branch, "己执法", user=handler_user)
    give_certificate(world.admin, handler, valid_from=date(2025, 12, 1))
    team = [world.colleague, handler]
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk("file", date(2026, 11, 3))
    desk("assign", date(2026, 11, 3), lead=world.colleague, others=[handler], declared=team)
    evidence = {"officers": team, "kind": "object", "summary": "照片", "evidence": [desk.photo]}
    refusal = desk.refused("add_evidence", date(2026, 11, 4), **evidence)
    assert "承办人员" in refusal.message
    availability = {a.action.name: a for a in services.availability(desk.officer, desk.case)}
    assert availability["add_evidence"].reasons
    assert not availability["report"].allowed
    assert "只有案件审批人" in availability["terminate"].reasons[0]

    desk.officer = handler_user
    assert services.availability(handler_user, desk.case)[0].allowed
    desk("add_evidence", date(2026, 11, 4), **evidence)
    report = {
        "facts_found": "某公司非法占用林地2亩",
        "legal_basis": "森林法 第七十三条",
        "penalty_basis": "森林法 第七十三条",
        "penalty_kinds": ["fine", "restrict_activity"],
        "fine": Decimal(80000),
        "penalty_text": "罚款八万元",
        "discretion_reasons": "占用林地2亩，按基准每平方米60元",
        "major": True,
    }
    desk("report", date(2026, 11, 5), **report)
    assert "须先经法制审核" in str(desk.refused("submit_approval", date(2026, 11, 5)))
    desk("submit_review", date(2026, 11, 5))
    desk.reviewer = handler_user
    assert "承办人员不得审核" in str(desk.refused("pass_review", date(2026, 11, 6), **APPROVED_REVIEW))
    desk.reviewer = make_reviewer(world, "reviewer-2", "庚审核")
    desk("return_review", date(2026, 11, 6), **returned_review("占用面积证据不足，补充测绘"))
    assert desk.case.state == State.INVESTIGATING
    assert recorded(desk.case) == desk.done


def test_a_future_date_and_a_bad_field_are_refused_by_name(desk):
    refusal = desk.refused(
        "register_lead",
        date(2026, 11, 2),
        domain="forestry",
        source="nowhere",
        title="x",
        summary="x",
        received_on=date(2026, 11, 2),
    )
    assert refusal.field == "source"
    assert refusal.message.startswith("案源：")
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    refusal = desk.refused("file", date(2099, 1, 1))
    assert refusal.field == "on_date"
    assert refusal.message.startswith("日期：不能晚于")  # the form's bound (core/bounds.py) before the rule


def test_an_officer_who_cannot_enforce_today_does_not_act_and_foreign_files_are_not_cited(desk, world):
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk.investigate(date(2026, 11, 3))
    # A file another agency recorded cannot be pulled into this case by quoting its hash.
    foreign = blobs.store(io.BytesIO(b"elsewhere's evidence"), content_type="image/png").sha256
    with transaction.atomic():
        record(
            actor=world.outsider,
            action="test.file",
            subject="test:1",
            facts={},
            files=[foreign],
            agency=world.elsewhere,
        )
    evidence = {"officers": desk.team, "kind": "object", "summary": "照片"}
    assert "管辖范围以外" in desk.refused("add_evidence", date(2026, 11, 4), **evidence, evidence=[foreign]).message
    for held in world.officer.certificates.exclude(status="revoked"):
        certificate_revoke(actor=world.admin, certificate=held, on_date=date(2026, 11, 4), reason="调离")
    refusal = desk.refused("add_evidence", date(2026, 11, 5), **evidence, evidence=[desk.photo])
    assert "您当前不能执法" in refusal.message


def test_the_officer_lists_offer_only_the_agencys_line(desk, world):
    from zhifa.cases.forms import AssignForm

    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    others = AssignForm(case=desk.case).fields["others"]
    assert isinstance(others, ModelMultipleChoiceField)
    names = set(others.queryset.values_list("name", flat=True))
    assert {"甲执法", "乙执法", "戊主持"} <= names  # the branch and the bureau above it
    assert "丙执法" not in names  # a sibling branch's officer


def test_an_emergency_seizure_is_reported_within_24_hours_and_approved_or_lifted(desk, world):
    jia, yi = world.officer, world.colleague
    desk.lead(date(2026, 9, 30), act_ended_on=date(2026, 9, 29))
    desk.investigate(date(2026, 9, 30))
    seize = {"officers": [jia, yi], "items": "运输车辆一辆", "evidence": [desk.video]}
    assert desk.refused("seize", date(2026, 10, 1), **seize).field == "approved_by"
    # In an emergency the officers act first; the 24 hours run through the National Day holiday.
    case = desk("seize", date(2026, 10, 1), **seize, emergency=True)
    assert deadlines(case)["emergency_approval"] == (date(2026, 10, 2), None)
    assert "待报告负责人补办批准" in case.records.get(action="seize").summary
    closed = {a.action.name: a.reasons for a in services.availability(desk.officer, case, date(2026, 10, 2))}
    assert any("案件审批人" in reason for reason in closed["approve_seizure"])
    case = desk("approve_seizure", date(2026, 10, 2), decision="approve", opinion="同意")
    assert deadlines(case)["emergency_approval"] == (date(2026, 10, 2), date(2026, 10, 2))
    assert deadlines(case)["seizure"][1] is None  # still sealed, now approved
    refusal = desk.refused("approve_seizure", date(2026, 10, 2), decision="approve")
    assert "没有待补办批准" in str(refusal)
    assert "第十九条" in str(refusal)

    # A second one the head finds unwarranted, reported late: lifted at once, the lateness on record.
    desk("release_seizure", date(2026, 10, 3), reason="鉴定完成")
    case = desk("seize", date(2026, 10, 5), **seize, emergency=True)
    case = desk("approve_seizure", date(2026, 10, 8), decision="release", opinion="不属于紧急情况")
    assert not CaseDeadline.objects.filter(case=case, period__in=["seizure", "emergency_approval"], stopped_on=None)
    record_ = case.records.filter(action="approve_seizure").last()
    assert record_ is not None
    assert record_.data["late"] is True
    assert "超过二十四小时" in record_.summary
    # Approved beforehand, nothing is left to report.
    case = desk("seize", date(2026, 10, 9), **seize, approved_by=desk.approver)
    assert not CaseDeadline.objects.filter(case=case, period="emergency_approval", stopped_on=None).exists()
    assert verify_ledger().ok
