"""The seven standard documents (司法部《行政检查文书基本格式文本（试行）》): each issued in a fitting state, numbered,
naming the business, the source and the officers' certificates; refused in another state or a second time; a
complaint's reason never printed on what the business reads; the PDF named in the ledger and found by the check page.

The visit's services (visit.py) are written in parallel: the states after the scan are set here with `update`.
Four renders in all (WeasyPrint takes a quarter of a second a page)."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from pypdf import PdfReader

from zhifa.core.errors import Refusal
from zhifa.documents.choices import DocumentKind
from zhifa.inspections import documents, services
from zhifa.inspections.choices import ActKind, Cause, InspectionState, Outcome, Source
from zhifa.inspections.models import Inspection, InspectionAct, InspectionDocument
from zhifa.ledger import blobs
from zhifa.ledger import documents as check
from zhifa.ledger.models import Entry
from zhifa.testing.factories import TODAY, at

PRIVATE = "举报人王某某，电话13912345678"
PHOTO = "ab" * 32


def _inspection(ground: Any) -> Inspection:
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
    )


def _text(document: InspectionDocument) -> str:
    data = b"".join(blobs.open_verified(document.sha256))
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def _on_site(ground: Any, inspection: Inspection) -> Inspection:
    services.inspection_issue_code(actor=ground.world.officer_user, inspection=inspection)
    inspection.refresh_from_db()
    services.inspection_record_scan(token=inspection.code_token, network="10.0.0.0/24", agent="微信")
    return Inspection.objects.get(pk=inspection.pk)


def _facts(entry: Entry) -> dict[str, Any]:
    return dict(json.loads(entry.facts.facts))


def test_each_document_in_its_state_is_numbered_and_names_business_source_and_certificates(ground: Any) -> None:
    world = ground.world
    inspection = _inspection(ground)
    numbers = [world.officer.certificates.get().number, world.colleague.certificates.get().number]
    client = Client()
    client.force_login(world.officer_user)

    # The notice, from the inspection's page, before the visit.
    client.post(f"/inspections/{inspection.pk}/documents/issue/", {"kind": DocumentKind.INSPECTION_NOTICE})
    notice = InspectionDocument.objects.get(inspection=inspection, kind=DocumentKind.INSPECTION_NOTICE)
    text = _text(notice)
    for shown in (notice.number, "行政检查通知书", ground.target.name, ground.target.credit_code, *numbers):
        assert shown in text
    assert "有因检查（投诉举报）" in text
    assert "依据投诉举报线索" in text
    assert "《中华人民共和国森林法》第六十六条" in text  # the item's basis
    assert "申请回避" in text
    for private in ("13912345678", "王某某", "收购来源不明"):
        assert private not in text
    # The printed hash is the `inspection.document` entry's; `document.issue` names the PDF.
    documented = Entry.objects.select_related("facts").get(index=notice.entry_index)
    assert documented.action == "inspection.document"
    assert bytes(documented.leaf_hash).hex() in text
    issued = Entry.objects.select_related("facts").get(action="document.issue", file_rows__sha256=notice.sha256)
    assert issued.files == [notice.sha256]
    assert _facts(issued)["documents"] == notice.entry_index
    assert [d.entry for d in check.describe(notice.sha256)] == [issued.index]
    assert client.get(f"/inspections/{inspection.pk}/documents/{notice.pk}.pdf").status_code == 200
    word = client.get(f"/inspections/{inspection.pk}/documents/{notice.pk}.docx")
    assert word.status_code == 200
    assert word.content.startswith(b"PK")
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(f"/inspections/{inspection.pk}/documents/{notice.pk}.pdf").status_code == 404
    with pytest.raises(Refusal, match=f"已制作行政检查通知书（{notice.number}）"):
        documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.INSPECTION_NOTICE)

    # On site: the record of the visit, then an inquiry's own record.
    inspection = _on_site(ground, inspection)
    with pytest.raises(Refusal, match="尚未记录现场检查情况"):
        documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.SITE_INSPECTION_RECORD)
    started = at(TODAY, 9)
    Inspection.objects.filter(pk=inspection.pk).update(
        visit_started_at=started,
        visit_ended_at=started + timedelta(hours=1),
        recorded_at=started + timedelta(hours=1),
        site_present="张厂长（负责人）",
        site_record="木材堆场存放原木32根，未见运输证。",
        business_statement="原木系合法收购，运输证在财务室。",
        site_files=[[PHOTO, "堆场全景.jpg"]],
    )
    record = documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.SITE_INSPECTION_RECORD)
    text = _text(record)
    for shown in (record.number, "张厂长（负责人）", "未见运输证", "运输证在财务室", "堆场全景.jpg", PHOTO, *numbers):
        assert shown in text
    assert "收购来源不明" not in text

    act = InspectionAct.objects.create(
        inspection=inspection,
        kind=ActKind.INQUIRY,
        person="张厂长",
        text="问：原木从何处收购？答：从本县林场收购。",
        at=started + timedelta(minutes=30),
        by=world.officer_user,
        by_name="甲执法",
    )
    with pytest.raises(Refusal, match="不是本次检查的抽样记录"):
        documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.INSPECTION_SAMPLING, act=act)
    assert [(a.kind, a.act) for a in documents.kinds_available(world.officer_user, inspection)] == [
        (DocumentKind.INSPECTION_INQUIRY, act)
    ]
    inquiry = documents.issue(
        actor=world.officer_user, inspection=inspection, kind=DocumentKind.INSPECTION_INQUIRY, act=act
    )
    text = _text(inquiry)
    for shown in (inquiry.number, "张厂长", "从本县林场收购", ground.target.name, *numbers):
        assert shown in text

    # The result, told to the business: the outcome, where to object, never the complaint's words.
    Inspection.objects.filter(pk=inspection.pk).update(
        state=InspectionState.RESULT_RECORDED,
        outcome=Outcome.CORRECTED,
        findings="运输证未随货同行，已责令补办。",
        result_on=TODAY,
        tell_due=TODAY + timedelta(days=7),
        publish_due=TODAY + timedelta(days=28),
    )
    result = documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.INSPECTION_RESULT)
    text = _text(result)
    for shown in (result.number, "发现问题，责令改正", "运输证未随货同行", "依据投诉举报线索", "第十七条", *numbers):
        assert shown in text
    assert f"/public/inspections/code/{inspection.code_token}/" in text
    assert "申请行政复议" in text
    for private in ("13912345678", "王某某", "收购来源不明"):
        assert private not in text
    assert len({notice.number, record.number, inquiry.number, result.number}) == 4


def test_a_kind_in_another_state_is_refused_naming_the_document_and_the_state(ground: Any) -> None:
    world = ground.world
    inspection = _inspection(ground)
    with pytest.raises(Refusal, match="检查状态为“待检查”，不能制作行政检查结果告知书"):
        documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.INSPECTION_RESULT)
    with pytest.raises(Refusal, match="检查状态为“待检查”，不能制作现场检查笔录"):
        documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.SITE_INSPECTION_RECORD)
    with pytest.raises(Refusal, match="只有"):
        documents.issue(actor=world.supervisor, inspection=inspection, kind=DocumentKind.INSPECTION_APPROVAL)
    Inspection.objects.filter(pk=inspection.pk).update(
        state=InspectionState.RESULT_RECORDED,
        outcome=Outcome.NO_PROBLEM,
        result_on=TODAY,
        tell_due=TODAY + timedelta(days=7),
        publish_due=TODAY + timedelta(days=28),
    )
    inspection.refresh_from_db()
    with pytest.raises(Refusal, match="检查状态为“已记录检查结果”，不能制作行政检查通知书"):
        documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.INSPECTION_NOTICE)
    with pytest.raises(Refusal, match="请选择要制作行政检查询问笔录的现场记录"):
        documents.issue(actor=world.officer_user, inspection=inspection, kind=DocumentKind.INSPECTION_INQUIRY)
    assert [a.kind for a in documents.kinds_available(world.officer_user, inspection)] == [
        DocumentKind.INSPECTION_RESULT
    ]
    assert documents.kinds_available(world.supervisor, inspection) == []
    panel = render_to_string("inspections/_documents.html", documents.documents_panel(world.officer_user, inspection))
    assert "制作行政检查结果告知书" in panel
    assert f'action="/inspections/{inspection.pk}/documents/issue/"' in panel
    assert not InspectionDocument.objects.exists()
    assert not Entry.objects.filter(action="inspection.document").exists()
