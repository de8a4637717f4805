"""回避 (行政处罚法 第四十三条): the party asks that an officer step aside; the head decides; the
investigation goes on meanwhile, but is not concluded and no decision is made until the head has decided."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhifa.cases.guards import team
from zhifa.cases.models import Case
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import give_certificate, make_officer

pytestmark = pytest.mark.django_db

REPORT = SMALL_FINE_REPORT


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    return desk


@pytest.fixture
def third(world):
    """A third officer of the branch, who may take a recused officer's place."""
    officer = make_officer(world.admin, world.branch, "己执法")
    give_certificate(world.admin, officer, valid_from=date(2025, 12, 1))
    return officer


def names(case: Case) -> list[str]:
    return sorted(officer.name for officer in team(case))


def last_facts(action: str) -> dict[str, Any]:
    facts: dict[str, Any] = json.loads(Entry.objects.filter(action=action).latest("index").facts.facts)
    return facts


def test_a_refused_request_lets_the_investigation_go_on_and_end(desk, world):
    colleague = world.colleague
    on = date(2026, 10, 14)
    desk("request_recusal", on, applicant="party", named=[colleague], reason="乙执法系当事人的表兄")
    # The investigation does not stop while the head decides…
    desk("add_evidence", on, officers=desk.team, kind="object", summary="现场照片", evidence=[desk.photo])
    # …but it is not concluded, and a second request waits for the first.
    assert "回避申请尚未决定" in str(desk.refused("report", on, **REPORT))
    assert "尚未决定" in str(desk.refused("request_recusal", on, applicant="party", named=[colleague], reason="再次"))
    desk("decide_recusal", on, granted="no", reason="经核实，二人并非亲属关系")
    assert names(desk.case) == ["乙执法", "甲执法"]
    assert last_facts("case.decide_recusal")["granted"] is False
    assert "没有待决定的回避申请" in str(desk.refused("decide_recusal", on, granted="no", reason="重复"))
    desk("report", on, **REPORT)
    assert verify_ledger().ok


def test_a_granted_recusal_needs_a_team_that_can_still_investigate(desk, world, third, client):
    colleague = world.colleague
    on = date(2026, 10, 14)
    desk("request_recusal", on, applicant="officer", named=[colleague], reason="与当事人有利害关系")
    # One officer is left: another must join, and declare first that no ground for recusal applies.
    assert "两名" in str(desk.refused("decide_recusal", on, granted="yes", reason="属实"))
    refusal = desk.refused("decide_recusal", on, granted="yes", others=[third], reason="属实")
    assert "己执法 尚未声明" in str(refusal)
    assert "已回避" in str(desk.refused("decide_recusal", on, granted="yes", others=[colleague], reason="属实"))
    case = desk("decide_recusal", on, granted="yes", others=[third], declared=[third], reason="属实，准予回避")
    assert names(case) == ["己执法", "甲执法"]
    facts = last_facts("case.decide_recusal")
    assert facts["granted"] is True
    assert [officer["name"] for officer in facts["named"]] == ["乙执法"]
    assert [officer["name"] for officer in facts["added"]] == ["己执法"]
    # The ledger's state of the case names who stepped aside and when; the row stays in the case file.
    assert facts["state"]["recused"] == [[colleague.pk, "2026-10-14"]]
    # Who stepped aside takes no further part in the investigation.
    refusal = desk.refused("add_evidence", on, officers=[world.officer, colleague], kind="object", summary="照片")
    assert "乙执法 已回避" in str(refusal)
    desk("add_evidence", on, officers=[world.officer, third], kind="object", summary="照片", evidence=[desk.photo])
    assert verify_ledger().ok
    # The case page still lists who stepped aside, struck out, and the decision in the case's records.
    client.force_login(world.officer_user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "乙执法</a></del>" in page
    assert "2026-10-14 已回避" in page
    assert "决定乙执法回避，主办人甲执法，增派己执法：属实，准予回避" in page


def test_when_the_lead_steps_aside_the_head_names_the_new_lead(desk, world, third):
    on = date(2026, 10, 14)
    refusal = desk.refused("request_recusal", on, applicant="party", named=[third], reason="不是本案人员")
    assert str(refusal) == "申请回避的执法人员：所选人员不是本案现有的承办人员"
    desk("request_recusal", on, applicant="party", named=[world.officer], reason="甲执法曾与当事人有纠纷")
    refusal = desk.refused("decide_recusal", on, granted="yes", others=[third], declared=[third], reason="属实")
    assert "请指定新的主办人" in str(refusal)
    case = desk("decide_recusal", on, granted="yes", lead=third, declared=[third], reason="属实")
    lead = case.assignments.get(is_lead=True)
    assert (lead.officer.name, lead.recused_on) == ("己执法", None)
    assert names(case) == ["乙执法", "己执法"]
    assert verify_ledger().ok


def test_an_officer_who_stepped_aside_never_chairs_the_hearing(desk, world, third):
    colleague = world.colleague
    on = date(2026, 10, 14)
    desk("request_recusal", on, applicant="party", named=[colleague], reason="与当事人有亲属关系")
    desk("decide_recusal", on, granted="yes", others=[third], declared=[third], reason="属实，准予回避")
    large = {**REPORT, "fine": Decimal(10000), "penalty_text": "罚款一万元"}
    desk("report", date(2026, 10, 15), **large)
    desk("submit_approval", date(2026, 10, 15))
    desk("approve", date(2026, 10, 16))
    desk("notify", date(2026, 10, 19), rights_stated=True)
    desk("request_hearing", date(2026, 10, 20))
    hearing = {"hearing_on": date(2026, 10, 30), "hearing_time": "09:00", "place": "会议室"}
    refusal = desk.refused("notify_hearing", date(2026, 10, 21), **hearing, chair=colleague)
    assert refusal.field == "chair"
    assert "乙执法 已在本案回避，不能主持听证" in refusal.message
    assert "第四十三条" in refusal.rule
    desk("notify_hearing", date(2026, 10, 21), **hearing, chair=desk.chair)
