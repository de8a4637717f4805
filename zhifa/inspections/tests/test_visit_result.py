"""The visit's second half: the on-site record with its files, the result and its dues, telling and publishing
(late ones recorded as late), the off-site review, cancelling, the business's objections and complaints."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from zhifa.cases.choices import LeadSource
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.inspections import services, visit
from zhifa.inspections.choices import (
    ActKind,
    Cause,
    InspectionState,
    ObjectionKind,
    Outcome,
    ReviewMethod,
    Source,
    ToldHow,
)
from zhifa.inspections.desk import waiting_for
from zhifa.inspections.models import Inspection, InspectionDocument
from zhifa.ledger.models import Entry
from zhifa.ledger.state import live_snapshot, snapshot
from zhifa.ledger.uploads import evidence_receive
from zhifa.testing.factories import TODAY, at, make_user

PRIVATE = "举报人王某某，电话13912345678"


def _inspection(ground: Any, *, off_site: bool = False) -> Inspection:
    world = ground.world
    return services.inspection_create(
        actor=world.officer_user,
        agency=world.branch,
        target=ground.target,
        source=Source.FOR_CAUSE,
        cause=Cause.COMPLAINT,
        reason=f"{PRIVATE}反映该厂收购来源不明的木材",
        item_codes=["JCX-001"],
        officers=[world.officer, world.colleague],
        planned_on=TODAY,
        off_site=off_site,
    )


def _on_site(ground: Any) -> Inspection:
    inspection = services.inspection_issue_code(actor=ground.world.officer_user, inspection=_inspection(ground))
    return services.inspection_record_scan(token=inspection.code_token, network="", agent="微信").inspection


def _facts(subject: str, action: str) -> dict[str, Any]:
    entry = Entry.objects.select_related("facts").get(subject=subject, action=action)
    return dict(json.loads(entry.facts.facts))


def test_an_on_site_visit_from_record_to_published_result_with_its_files_and_dues(
    ground: Any, time_machine: Any
) -> None:
    world = ground.world
    photo = evidence_receive(
        actor=world.officer_user,
        upload=SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff photo bytes", content_type="image/jpeg"),
        expected_sha256="",
    )
    inspection = _on_site(ground)  # scanned at 10:00
    time_machine.move_to(at(TODAY, 12), tick=False)
    with pytest.raises(Refusal, match="请先记录现场检查笔录"):
        visit.inspection_record_result(
            actor=world.officer_user, inspection=inspection, outcome=Outcome.NO_PROBLEM, findings=""
        )
    outsider = make_user("someone", world.branch, Role.OFFICER)
    with pytest.raises(Refusal, match="只有本次检查的执法人员"):
        visit.inspection_record_act(
            actor=outsider, inspection=inspection, kind=ActKind.INQUIRY, person="张三", text="问答"
        )
    record = {
        "actor": world.officer_user,
        "inspection": inspection,
        "started_at": at(TODAY, 10),
        "ended_at": at(TODAY, 11),
        "present": "张三（厂长）",
        "findings": "木材台账齐全",
        "files": [photo.sha256],
        "names": {photo.sha256: "现场.jpg"},
    }
    with pytest.raises(Refusal, match="结束时间应晚于开始时间"):
        visit.inspection_record_visit(**{**record, "ended_at": at(TODAY, 9)})
    with pytest.raises(Refusal, match="不能晚于现在"):
        visit.inspection_record_visit(**{**record, "ended_at": at(TODAY, 13)})
    visit.inspection_record_visit(**record)
    with pytest.raises(Refusal, match="不能修改"):
        visit.inspection_record_visit(**record)
    act = visit.inspection_record_act(
        actor=world.officer_user, inspection=inspection, kind=ActKind.INQUIRY, person="张三", text="问：木材来源？"
    )
    key = f"inspections.inspection:{inspection.pk}"
    recorded = _facts(key, "inspection.visit_recorded")
    assert recorded["file_names"] == {photo.sha256: "现场.jpg"}
    entry = Entry.objects.get(subject=key, action="inspection.visit_recorded")
    assert entry.files == [photo.sha256]
    assert _facts(key, "inspection.act_recorded")["act"] == act.pk

    result = visit.inspection_record_result(
        actor=world.officer_user,
        inspection=inspection,
        outcome=Outcome.CASE_OPENED,
        findings="账外木材3立方米",
        case_title="收购来源不明木材案",
    )
    assert result.state == InspectionState.RESULT_RECORDED
    assert result.case is not None
    assert result.case.lead_source == LeadSource.INSPECTION
    assert result.case.parties.get().name == ground.target.name
    # 5 and 20 working days: TODAY's week has no holiday in the test calendar beyond the weekends counted here.
    assert result.tell_due == visit.due(TODAY, "tell")
    assert result.tell_due > TODAY + timedelta(days=5)
    assert result.publish_due == visit.due(TODAY, "publish")
    assert result.publish_due > TODAY + timedelta(days=26)

    with pytest.raises(Refusal, match="请先制作行政检查结果告知书"):
        visit.inspection_tell(actor=world.officer_user, inspection=result, how=ToldHow.SERVED)
    told = visit.inspection_tell(actor=world.officer_user, inspection=result, how=ToldHow.ON_THE_SPOT)
    assert told.state == InspectionState.TOLD
    assert _facts(key, "inspection.told")["late"] is False
    published = visit.inspection_publish(actor=world.officer_user, inspection=told)
    facts = _facts(key, "inspection.published")
    assert published.state == InspectionState.PUBLISHED
    assert facts["outcome"] == Outcome.CASE_OPENED
    assert PRIVATE not in json.dumps(facts, ensure_ascii=False)
    assert facts["late"] is False
    # The ledger's snapshot is the live row's: verify would see a row changed behind the services.
    assert facts["state"] == snapshot(published) == live_snapshot(key)
    Inspection.objects.filter(pk=published.pk).update(outcome=Outcome.NO_PROBLEM)
    assert live_snapshot(key) != facts["state"]


def test_off_site_review_late_telling_and_the_database_order(ground: Any, time_machine: Any) -> None:
    world = ground.world
    on_site = _inspection(ground)
    with pytest.raises(Refusal, match="扫码入企"):
        visit.inspection_review_off_site(
            actor=world.officer_user, inspection=on_site, method=ReviewMethod.WRITTEN, note="核查台账"
        )
    inspection = visit.inspection_review_off_site(
        actor=world.officer_user,
        inspection=_inspection(ground, off_site=True),
        method=ReviewMethod.SHARED_DATA,
        note="比对木材运输证数据，无异常",
    )
    assert inspection.state == InspectionState.OFF_SITE_REVIEWED
    with pytest.raises(Refusal, match="检查发现：请填写"):
        visit.inspection_record_result(
            actor=world.officer_user, inspection=inspection, outcome=Outcome.CORRECTED, findings=" "
        )
    result = visit.inspection_record_result(
        actor=world.officer_user, inspection=inspection, outcome=Outcome.CORRECTED, findings="台账不全，责令补齐"
    )
    InspectionDocument.objects.create(
        inspection=result,
        kind="inspection_result",
        number="测试号1",
        sha256="0" * 64,
        issued_at=at(TODAY),
        issued_by_name="测试",
        entry_index=0,
    )
    assert result.tell_due is not None
    time_machine.move_to(at(result.tell_due + timedelta(days=1)), tick=False)
    with pytest.raises(Refusal, match="当场告知仅限现场检查当日"):
        visit.inspection_tell(actor=world.officer_user, inspection=result, how=ToldHow.ON_THE_SPOT)
    visit.inspection_tell(actor=world.officer_user, inspection=result, how=ToldHow.SERVED)
    assert _facts(f"inspections.inspection:{result.pk}", "inspection.told")["late"] is True
    # The database keeps the order whoever writes: no publication before the business was told.
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=on_site.pk).update(published_at=at(TODAY))


def test_cancel_by_the_head_only_and_objections_answered_by_the_right_body(ground: Any) -> None:
    world = ground.world
    planned = _inspection(ground)
    with pytest.raises(Refusal, match="只有"):
        visit.inspection_cancel(actor=world.officer_user, inspection=planned, reason="企业已注销")
    branch_head = make_user("branch_head", world.branch, Role.APPROVER)
    cancelled = visit.inspection_cancel(actor=branch_head, inspection=planned, reason="企业已注销")
    assert cancelled.state == InspectionState.CANCELLED

    inspection = _on_site(ground)
    token = inspection.code_token
    with pytest.raises(Refusal, match="检查结果告知后方可提出异议"):
        visit.objection_file(token=token, kind=ObjectionKind.OBJECTION, text="不服")
    with pytest.raises(Refusal, match="检查码无效"):
        visit.objection_file(token="x" * 43, kind=ObjectionKind.COMPLAINT, text="检查人员未出示证件")
    complaint = visit.objection_file(
        token=token, kind=ObjectionKind.COMPLAINT, text="检查人员未出示证件", contact="李四 13800000000"
    )
    assert complaint.answer_due == visit.due(TODAY, "objection_answer")
    facts = _facts(f"inspections.inspectionobjection:{complaint.pk}", "inspection.objection_filed")
    assert "13800000000" not in json.dumps(facts, ensure_ascii=False)
    with pytest.raises(Refusal, match="上级执法监督机关"):
        visit.objection_answer(actor=world.officer_user, objection=complaint, answer="已核实")
    supervisor = make_user("sup", world.bureau, Role.SUPERVISOR)
    # Each is told what waits for him: the officer his visit to record, the supervisor the complaint to answer.
    assert [row.what for row in waiting_for(world.officer_user, TODAY)] == ["记录现场检查笔录和检查结果"]
    assert [row.what for row in waiting_for(supervisor, TODAY)] == ["答复对检查行为投诉"]
    answered = visit.objection_answer(actor=supervisor, objection=complaint, answer="经核实，已责令改正")
    assert answered.answered_by_name
    assert answered.answered_at is not None
    with pytest.raises(Refusal, match="已答复"):
        visit.objection_answer(actor=supervisor, objection=complaint, answer="再答")
