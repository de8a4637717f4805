"""The modes of supervision (行政执法监督条例 第十四条至第二十二条) and the interference records (干预留痕)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from zhifa.cases.tests.desk import Desk
from zhifa.core.choices import AgencyKind, Role
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.supervision import interference, modes
from zhifa.supervision.models.modes import ActKind, InterferenceRecord, SupervisionAct, SupervisionMode
from zhifa.testing.factories import at, make_agency, make_user

DAY = date(2026, 12, 7)


@pytest.fixture
def case(world: Any, evidence: Any) -> Any:
    with time_machine.travel(at(DAY - timedelta(days=3)), tick=False):
        return Desk(world, evidence).lead(DAY - timedelta(days=3))


def _act(actor: Any, agency: Any, **extra: Any) -> SupervisionAct:
    fields = {
        "kind": ActKind.UNANNOUNCED,
        "mode": SupervisionMode.SPECIAL,
        "agency": agency,
        "done_on": DAY,
        "participants": "省厅监督员",
        "summary": "暗访检查站",
    }
    return modes.act_record(actor=actor, **{**fields, **extra})


@time_machine.travel(at(DAY), tick=False)
def test_special_supervision_only_at_provincial_level_and_on_an_approved_plan(world: Any) -> None:
    with pytest.raises(Refusal, match="不是省级以上机关"):
        modes.plan_draft(actor=world.supervisor, title="专项", scope="全局", text="方案", starts_on=DAY, ends_on=DAY)
    with pytest.raises(Refusal, match="不是省级以上机关"):
        _act(world.supervisor, world.branch)

    province = make_agency("某省林业和草原局", kind=AgencyKind.DEPARTMENT)
    county = make_agency("某县林业和草原局", province)
    inspector = make_user("province", province, Role.SUPERVISOR)
    plan = modes.plan_draft(
        actor=inspector,
        title="涉企行政执法专项监督",
        scope="全省林草系统涉企行政检查",
        text="一、目的……",
        starts_on=DAY - timedelta(days=5),
        ends_on=DAY + timedelta(days=30),
    )
    with pytest.raises(Refusal, match="尚未经政府批准"):
        _act(inspector, county, plan=plan)
    with pytest.raises(Refusal, match="须依据经政府批准的书面方案"):
        _act(inspector, county)
    plan = modes.plan_approve(
        actor=inspector, plan=plan, approved_by="某省人民政府", approval_number="某政函〔2026〕12号", approved_on=DAY
    )
    with pytest.raises(Refusal, match="不在方案期间"):
        _act(inspector, county, plan=plan, done_on=DAY - timedelta(days=6))
    act = _act(inspector, county, plan=plan)
    assert act.plan == plan
    assert SupervisionAct.objects.count() == 1


def test_listed_supervision_with_its_deadline_shows_on_the_case_page(world: Any, case: Any, client: Client) -> None:
    with time_machine.travel(at(DAY), tick=False):
        modes.focus_list(
            actor=world.supervisor,
            case=case,
            reason="群众反映强烈，久拖未决",
            deadline=date(2026, 12, 31),
            lead_source="hotline_12345",
            lead_reference="12345-20261201-0088",
        )
        with pytest.raises(Refusal, match="已在挂牌督办中"):
            modes.focus_list(
                actor=world.supervisor, case=case, reason="再次", deadline=date(2027, 1, 5), lead_source="other"
            )
        client.force_login(world.officer_user)  # the handling agency sees it is supervised, and until when
        page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "挂牌督办" in page
    assert "2026-12-31" in page
    assert "群众反映强烈" in page


def test_escalated_supervision_only_from_above_the_ordinary_level(world: Any, evidence: Any) -> None:
    station = make_agency("测试保护站", world.branch, kind=AgencyKind.STATION)
    with time_machine.travel(at(DAY), tick=False):
        desk = Desk(world, evidence)
        branch_case = desk.lead(DAY)
        with pytest.raises(Refusal, match="上级监督机关"):  # the bureau already supervises its branch
            modes.focus_escalate(actor=world.supervisor, case=branch_case, reason="提级", lead_source="other")
        branch_case.agency = station  # a case of the station: the branch supervises it, the bureau may take over
        branch_case.save(update_fields=["agency"])
        matter = modes.focus_escalate(actor=world.supervisor, case=branch_case, reason="涉企诉求", lead_source="other")
    assert matter.from_agency == world.branch
    assert matter.supervisor_agency == world.bureau


def _record(world: Any, case: Any, named: Any = None) -> InterferenceRecord:
    with time_machine.travel(at(DAY), tick=False):
        return interference.interference_record(
            actor=world.officer_user,
            case=case,
            person_user=named,
            person_name="" if named else "王某",
            person_post="某局副局长",
            occurred_at=at(DAY - timedelta(days=1)),
            manner="phone",
            request="打电话要求对当事人从轻处理",
        )


def test_an_interference_record_cannot_be_changed_or_removed(world: Any, case: Any) -> None:
    row = _record(world, case)
    row.request = "没有干预"
    with pytest.raises(Refusal):
        row.save()
    with pytest.raises(Refusal):
        row.delete()
    with pytest.raises(Refusal):
        InterferenceRecord.objects.filter(pk=row.pk).update(request="没有干预")
    with pytest.raises(Refusal):
        InterferenceRecord.objects.filter(pk=row.pk).delete()
    stored = InterferenceRecord.objects.get(pk=row.pk)
    assert stored.request == "打电话要求对当事人从轻处理"
    assert stored.entry_index is not None
    entry = Entry.objects.get(index=stored.entry_index)
    assert entry.action == "supervision.interference_record"
    assert json.loads(entry.facts.facts)["content_sha256"] == interference.content_digest(stored)


def test_an_interference_record_is_hidden_from_the_person_named(world: Any, case: Any, client: Client) -> None:
    leader = make_user("leader", world.bureau, Role.SUPERVISOR, Role.APPROVER)  # a supervisor himself
    row = _record(world, case, named=leader)
    assert row.person_name == "leader"
    assert list(interference.interference_for(world.supervisor)) == [row]
    assert list(interference.interference_for(world.officer_user)) == [row]  # the recorder
    assert not interference.interference_for(leader).exists()
    assert not interference.interference_for(world.outsider).exists()  # a supervisor of another tree
    with time_machine.travel(at(DAY), tick=False):
        client.force_login(leader)
        assert client.get(f"/supervision/interference/{row.pk}/").status_code == 404
        assert "打电话" not in client.get("/supervision/interference/").content.decode()
        assert f"/supervision/interference/{row.pk}/" not in client.get(f"/cases/{case.pk}/").content.decode()


@time_machine.travel(at(DAY), tick=False)
def test_an_evaluations_standards_and_results_are_public(world: Any) -> None:
    evaluation = modes.evaluation_publish(
        actor=world.supervisor,
        title="2026年度行政执法质效评议",
        period="2026年度",
        standards="案卷质量 40 分；群众满意度 30 分；制度落实 30 分",
        process="案卷评查、问卷调查、实地走访",
        results=[
            modes.ResultLine(world.branch, Decimal("92.5"), "优秀"),
            modes.ResultLine(world.sibling, Decimal("78"), "合格"),
        ],
    )
    with pytest.raises(Refusal, match="不是本机关监督的下级机关"):
        modes.evaluation_publish(
            actor=world.supervisor,
            title="外地",
            period="2026年度",
            standards="标准",
            process="过程",
            results=[modes.ResultLine(world.elsewhere, Decimal(90), "优秀")],
        )
    page = Client().get(f"/public/supervision/evaluations/{evaluation.pk}/").content.decode()
    assert "群众满意度 30 分" in page
    assert "测试管理局甲分局" in page
    assert "92.5" in page
    assert "78.0" in page
    assert "2026年度行政执法质效评议" in Client().get("/public/supervision/evaluations/").content.decode()


def test_each_act_of_supervision_is_in_the_ledger(world: Any, case: Any, client: Client) -> None:
    with time_machine.travel(at(DAY), tick=False):
        client.force_login(world.supervisor)
        assert client.post(f"/supervision/modes/call-up/{case.pk}/").status_code == 302
        modes.act_record(
            actor=world.supervisor,
            kind=ActKind.INTERVIEW,
            mode=SupervisionMode.ROUTINE,
            agency=world.branch,
            done_on=DAY,
            participants="监督科 张某、李某",
            counterpart="甲分局局长",
            summary="约谈案件久拖不决问题",
        )
        page = client.get(f"/cases/{case.pk}/").content.decode()
    call_up, interview = SupervisionAct.objects.order_by("pk")
    for act in (call_up, interview):
        assert act.entry_index is not None
        entry = Entry.objects.get(index=act.entry_index)
        assert entry.action == f"supervision.act_{act.kind}"
        assert entry.actor_id == world.supervisor.pk
    assert call_up.case == case
    assert call_up.kind == ActKind.CALL_UP
    assert "调阅记录" in page  # who read the file, and when, on the case page


def test_a_listed_matter_past_its_deadline_raises_the_warning_until_it_is_closed(world: Any, case: Any) -> None:
    from zhifa.supervision.rules_modes import overdue_listed_matters

    with time_machine.travel(at(DAY), tick=False):
        matter = modes.focus_list(
            actor=world.supervisor, case=case, reason="久拖未决", deadline=date(2026, 12, 31), lead_source="other"
        )
    assert list(overdue_listed_matters(date(2026, 12, 31))) == []  # on its last day: not yet late
    found = list(overdue_listed_matters(date(2027, 1, 4)))
    assert [(f.agency_id, f.case_id) for f in found] == [(case.agency_id, case.pk)]
    assert "已逾期4日" in found[0].detail
    with time_machine.travel(at(date(2027, 1, 5)), tick=False):
        modes.focus_close(actor=world.supervisor, matter=matter, result="已作出处罚决定")
    assert list(overdue_listed_matters(date(2027, 1, 6))) == []
