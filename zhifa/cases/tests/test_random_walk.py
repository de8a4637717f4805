"""Random sequences of actions, with random dates and inputs: whatever an officer tries, a case never
reaches a state the procedure forbids, every change has its ledger entry, and a refusal changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from zhifa.cases.models import Case
from zhifa.cases.tests.desk import APPROVED_REVIEW, Desk, returned_review
from zhifa.cases.workflow import ACTIONS, State
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.ledger.state import subject_key
from zhifa.testing.factories import TODAY, make_user

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)
ENDINGS = {
    "decline",
    "terminate",
    "decide_no_penalty",
    "return_review",
    "transfer_jurisdiction",
    "transfer_to_judiciary",
    "resume_after_refusal",
    "return_from_judiciary",
}


def inputs(desk: Desk, name: str, draw: Any) -> dict[str, Any]:
    """Plausible fields for `name`, sometimes wrong in the ways officers get them wrong."""
    world = desk.world
    # Mostly right, sometimes wrong: a walk must get far enough to meet the late rules.
    pair = [world.officer, world.colleague]
    people = draw(st.sampled_from([pair, pair, pair, [world.officer, world.auxiliary], [world.officer]]))
    fine = draw(st.sampled_from([Decimal(50), Decimal(200), Decimal(1000), Decimal(20000), None]))
    kinds = ["fine"] if fine else ["warning"]
    files = draw(st.sampled_from([[], [desk.photo], [desk.video], [desk.video]]))
    day = draw(st.integers(0, 12))
    return {
        "register_lead": {
            "domain": "forestry",
            "source": "inspection",
            "title": "滥伐林木",
            "summary": "巡护发现",
            "received_on": START,
            "act_ended_on": START - timedelta(days=draw(st.sampled_from([3, 3, 800]))),
        },
        "decide_on_the_spot": {
            "officers": people,
            "decided_at": "10:00",
            "place": "林班",
            "domain": "forestry",
            "title": "违规用火",
            "act_ended_on": START - timedelta(days=draw(st.sampled_from([0, 0, 800]))),
            "party_kind": "citizen",
            "party_name": "王某",
            "facts_found": "野外用火",
            "legal_basis": "森林防火条例",
            "penalty_basis": "森林防火条例",
            "penalty_kinds": kinds,
            "fine": fine,
            "certificates_shown": draw(st.booleans()),
            "told": draw(st.booleans()),
            "no_statement": True,
            "party_receipt": draw(st.sampled_from(["signed", "refused", ""])),
            "collected": draw(st.booleans()),
        },
        "assign": {"lead": people[0], "others": people[1:], "declared": people},
        "add_evidence": {"officers": people, "kind": "object", "summary": "照片", "evidence": files},
        "record_interview": {"officers": people, "interviewee": "张某", "summary": "询问", "evidence": files},
        "record_inspection": {"officers": people, "place": "林班", "summary": "检查", "evidence": files},
        "preserve_evidence": {"officers": people, "items": "木材", "approved_by": desk.approver, "evidence": files},
        "seize": {"officers": people, "items": "油锯", "approved_by": desk.approver, "evidence": files},
        "report": {
            "facts_found": "滥伐",
            "legal_basis": "森林法",
            "penalty_basis": "森林法",
            "penalty_kinds": kinds,
            "fine": fine,
            "penalty_text": "处罚",
            "discretion_reasons": draw(st.sampled_from(["按基准", *["按裁量基准一般情节处罚，无从轻情节"] * 3])),
            "major": draw(st.booleans()),
            "collective": draw(st.booleans()),
        },
        "decide": {
            "penalty_kinds": kinds,
            "fine": fine,
            "penalty_text": "处罚",
            "discretion_reasons": "按裁量基准一般情节处罚",
            "defence_answer": draw(st.sampled_from(["", "adopted", "not_adopted"])),
            "defence_reasons": "经复核",
            "hearing_report_read": draw(st.booleans()),
        },
        "notify": {"rights_stated": draw(st.sampled_from([True, True, True, False]))},
        "record_statement": {
            "waived_statement": draw(st.booleans()),
            "waived_hearing": draw(st.booleans()),
            "content": "申辩",
            "evidence": files,  # sometimes none: a waiver without the party's signed statement is refused
        },
        "notify_hearing": {
            "hearing_on": desk.today + timedelta(days=day),
            "hearing_time": draw(st.sampled_from(["09:00", "14:30", ""])),
            "place": "会议室",
            "chair": draw(st.sampled_from([desk.chair, world.colleague])),
        },
        "hold_hearing": {"outcome": draw(st.sampled_from(["held", "absent"])), "evidence": files},
        "report_hearing": {"findings": "无异议", "opinion": "建议维持", "evidence": files},
        "decide_chair_challenge": {
            "granted": draw(st.sampled_from(["yes", "no"])),
            "chair": draw(st.sampled_from([desk.chair, world.colleague, None])),
            "reason": "经核实",
        },
        "serve": {"method": draw(st.sampled_from(["direct", "electronic"])), "evidence": files},
        "defer_payment": {"applied": True, "new_due": desk.today + timedelta(days=day + 1), "reason": "困难"},
        "record_payment": {"amount": fine or Decimal(1), "receipt": "R1"},
        "apply_to_court": {"court": "法院", "demand_served_on": desk.today - timedelta(days=day)},
        "decide_no_penalty": {
            "ground": "first_offence",
            "reason": draw(st.sampled_from(["", "首违不罚"])),
            "education": draw(st.sampled_from(["", "宣讲法规"])),
        },
        "request_recusal": {"applicant": "party", "named": [world.colleague], "reason": "亲属关系"},
        "decide_recusal": {"granted": draw(st.sampled_from(["yes", "no"])), "reason": "经核实"},
        "pass_review": {**APPROVED_REVIEW, "checked": draw(st.sampled_from([APPROVED_REVIEW["checked"], []]))},
        "return_review": returned_review("证据不足"),
        "record_collective": {
            "participants": [desk.approver, desk.deputy],
            "conclusion": draw(st.sampled_from(["agree", "no_penalty"])),
            "minutes": "讨论",
            "evidence": files,
        },
        "transfer_jurisdiction": {"receiver": draw(st.sampled_from(["", "某县林业局"])), "reason": "不属本机关管辖"},
        "propose_transfer": {
            "suspected_crime": "滥伐林木罪",
            "report": "蓄积量达到追诉标准",
            "items": draw(st.sampled_from(["", "无", "油锯一台"])),
            "evidence": files,
        },
        "transfer_to_judiciary": {
            "receiver": "森林公安",
            "procuratorate": draw(st.sampled_from(["", "人民检察院"])),
            "hand_over_seized": draw(st.booleans()),
            "party_told": draw(st.booleans()),
        },
        "judiciary_refuses": {"reason": "情节显著轻微"},
        "contest_refusal": {"channel": draw(st.sampled_from(["reconsideration", "supervision"])), "reason": "已达标准"},
        "judiciary_accepts": {"evidence": files},
        "return_from_judiciary": {"reason": "免予刑事处罚", "evidence": files},
        "record_criminal_outcome": {
            "outcome": draw(st.sampled_from(["convicted", "exempted"])),
            "criminal_fine": draw(st.sampled_from([None, Decimal(5000)])),
            "credited": draw(st.sampled_from([None, Decimal(1000)])),
            "evidence": files,
        },
    }.get(name, {"reason": draw(st.sampled_from(["", "理由"]))})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_actions_never_break_the_procedure(world, evidence, data):
    with transaction.atomic():
        desk = Desk(world, evidence)
        desk.today = START
        # Besides the case's own people, some tries come from people not entitled to the act: an officer of the
        # branch off the team, and auxiliary staff whose login was given the approver's role.
        stranger = make_user("stranger", world.branch, Role.OFFICER)
        helper = make_user("aux-approver", world.branch, Role.AUXILIARY, Role.APPROVER, Role.LEGAL_REVIEWER)
        own = (desk.officer, desk.approver, desk.reviewer)
        entries_before = Entry.objects.count()
        seen: list[State] = []
        for _ in range(data.draw(st.integers(10, 60), label="steps")):
            state = State(desk.case.state) if desk.case is not None else None
            names = [a.name for a in ACTIONS.values() if state in a.sources]
            if not names:
                break
            # Three times in four try an action that moves the case on, so that walks reach the late states.
            movers = [n for n in names if ACTIONS[n].target is not None]
            pool = movers if movers and data.draw(st.integers(0, 3), label="move") else names
            # ... and seldom one that ends or sends it back, so that walks get to the end of the procedure.
            onward = [n for n in pool if n not in ENDINGS]
            pool = onward if onward and data.draw(st.integers(0, 4), label="onward") else pool
            name = data.draw(st.sampled_from(pool), label="action")
            desk.today = min(TODAY, desk.today + timedelta(days=data.draw(st.integers(0, 12), label="days")))
            fields = inputs(desk, name, data.draw)
            before = Case.objects.get(pk=desk.case.pk).state if desk.case is not None else None
            who = data.draw(st.sampled_from(["own"] * 8 + ["stranger", "auxiliary"]), label="who")
            desk.officer, desk.approver, desk.reviewer = (
                own if who == "own" else (stranger, stranger, stranger) if who == "stranger" else (helper,) * 3
            )
            try:
                case = desk(name, desk.today, **fields)
            except Refusal:
                desk.officer, desk.approver, desk.reviewer = own
                after = Case.objects.get(pk=desk.case.pk).state if desk.case is not None else None
                assert after == before
                assert Entry.objects.count() == entries_before + len(desk.done) + len(desk.side)
                continue
            desk.officer, desk.approver, desk.reviewer = own
            # No act by auxiliary staff, none of the team's acts by someone off the team (第四十二条; 118号文).
            assert who != "auxiliary" or Role.AUXILIARY.value in ACTIONS[name].roles, name  # a lead, at most
            assert who != "stranger" or name in ("register_lead", "request_recusal"), name
            target = ACTIONS[name].target
            assert case.state == (target or before)
            seen.append(State(case.state))
            # One entry per act, and one per document the desk made for it (the notice before notify…).
            assert Entry.objects.count() == entries_before + len(desk.done) + len(desk.side)
            actions = [a.removeprefix("case.") for a in _recorded(case)]
            # The procedure's order holds whatever was tried.
            if case.state == State.DECIDED:
                assert "notify" in actions
                assert "report" in actions
                assert "approve" in actions
                assert case.decided_on is not None
            if "decide" in actions and "request_hearing" in actions:
                assert "hold_hearing" in actions
                # A hearing held is reported by its chair before the decision (第六十五条).
                if case.records.filter(action="hold_hearing", data__outcome="held").exists():
                    assert actions.index("report_hearing") < actions.index("decide")
            if case.major and "approve" in actions:
                assert "pass_review" in actions
            if case.collective and "approve" in actions:
                assert "refer_collective" in actions
            if {"add_evidence", "record_interview", "record_inspection", "seize"} & set(actions):
                assert "assign" in actions
            # Sent to the judiciary only on the team's report approved by the head (310号令 第五条); the criminal
            # outcome only of a case the police opened.
            if "transfer_to_judiciary" in actions:
                assert "propose_transfer" in actions[: actions.index("transfer_to_judiciary")]
            if "record_criminal_outcome" in actions:
                assert "judiciary_accepts" in actions
            # No investigation report, approval or decision while a recusal request waits (第四十三条).
            for at, act in enumerate(actions):
                if act in ("report", "approve", "decide"):
                    assert actions[:at].count("request_recusal") == actions[:at].count("decide_recusal")
        event(f"furthest state: {seen[-1] if seen else None}")
        event(f"ordinary decision taken: {'case.decide' in desk.done}")
        if desk.case is not None:
            assert [a.removeprefix("case.") for a in _recorded(desk.case)] == [
                d.removeprefix("case.") for d in desk.done
            ]
        transaction.set_rollback(True)


def _recorded(case: Case) -> list[str]:
    return list(Entry.objects.filter(subject=subject_key(case)).order_by("index").values_list("action", flat=True))
