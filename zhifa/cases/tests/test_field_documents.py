"""The records made in the field — transcripts, inspection records, the hearing notice and record — printed
from what was typed in, one per act, signed copies kept beside them; and the documents served first."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.cases import issuing
from zhifa.cases.forms import parse_statements
from zhifa.cases.models import CaseDocument
from zhifa.cases.tests.desk import Desk
from zhifa.cases.tests.test_issuing import text_of
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db

QA = "问：你是否申请回避？\n答：不申请。\n问：树是谁砍的？\n答：是我砍的，\n一共十二棵。"


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    return desk


def interview(desk: Desk, who: str, **extra: object) -> None:
    fields = {
        "officers": desk.team,
        "interviewee": who,
        "summary": "承认滥伐",
        "evidence": [desk.video],
        "place": "分局询问室",
        "started_at": "09:30",
        "ended_at": "10:05",
        "transcript": QA,
        **extra,
    }
    desk("record_interview", date(2026, 10, 14), **fields)


def test_typed_turns_become_speakers_and_text():
    assert parse_statements("问：姓名？\n答：张某\n住在村里\n\n主持人: 开始") == [
        ["问", "姓名？"],
        ["答", "张某\n住在村里"],
        ["主持人", "开始"],
    ]


def test_a_transcript_is_printed_for_each_interview_that_has_its_questions_and_answers(desk):
    interview(desk, "张某")
    interview(desk, "李某", interviewee_role="证人", interviewee_id="110101199003077777")
    interview(desk, "王某", transcript="", started_at="", ended_at="")  # a paper transcript, scanned
    pending = [p for p in issuing.issuable(desk.case) if p.kind == "interview_transcript"]
    assert [p.label for p in pending] == ["询问笔录（张某，2026-10-14）", "询问笔录（李某，2026-10-14）"]

    first = issuing.issue_document(desk.officer, desk.case, "interview_transcript", entry=pending[0].entry.index)
    second = issuing.issue_document(desk.officer, desk.case, "interview_transcript", entry=pending[1].entry.index)
    assert (first.serial, second.serial) == (1, 2)
    text = text_of(first)
    # The questions and answers as typed, the place and times, the interview entry's hash.
    assert "树是谁砍的" in text
    assert "一共十二棵" in text
    assert "分局询问室" in text
    assert bytes(Entry.objects.get(index=first.documents_entry).leaf_hash).hex() in text
    assert Entry.objects.get(index=first.documents_entry).action == "case.record_interview"
    assert "李某" in text_of(second)

    with pytest.raises(Refusal, match="已制作"):
        issuing.issue_document(desk.officer, desk.case, "interview_transcript", entry=first.documents_entry)
    paper = desk.case.records.get(data__interviewee="王某")
    with pytest.raises(Refusal, match="未录入问答内容"):
        issuing.issue_document(desk.officer, desk.case, "interview_transcript", entry=paper.entry_index)
    # Without `entry`: the latest interview not yet documented that can be printed — not 王某's paper one.
    interview(desk, "赵某")
    latest = issuing.issue_document(desk.officer, desk.case, "interview_transcript")
    assert "赵某" in text_of(latest)
    not_an_interview = desk.case.records.get(action="add_evidence")
    with pytest.raises(Refusal, match="不是本案的制作询问笔录记录") as refused:
        issuing.issue_document(desk.officer, desk.case, "interview_transcript", entry=not_an_interview.entry_index)
    assert refused.value.field == "entry"
    assert verify_ledger().ok


def test_the_form_asks_for_what_a_printed_transcript_needs(desk):
    refused = desk.refused(
        "record_interview",
        date(2026, 10, 14),
        officers=desk.team,
        interviewee="张某",
        summary="承认",
        evidence=[desk.video],
        transcript="我承认砍了树",
    )
    assert refused.field == "transcript"
    assert "说话人和冒号" in refused.message
    refused = desk.refused(
        "record_interview",
        date(2026, 10, 14),
        officers=desk.team,
        interviewee="张某",
        summary="承认",
        evidence=[desk.video],
        transcript=QA,
        place="询问室",
        started_at="10:00",
        ended_at="09:00",
    )
    assert refused.field == "ended_at"
    assert "结束时间应晚于开始时间" in refused.message


def test_an_inspection_record_is_printed_with_the_person_present(desk):
    desk(
        "record_inspection",
        date(2026, 10, 14),
        officers=desk.team,
        place="实验区二号林班",
        summary="发现新伐桩12个",
        present_person="张某（当事人）",
        extracted="现场照片12张\n胸径测量记录1份",
        started_at="14:00",
        ended_at="15:10",
        evidence=[desk.photo],
    )
    record = issuing.issue_document(desk.officer, desk.case, "inspection_record")
    text = text_of(record)
    assert "发现新伐桩12个" in text
    assert "胸径测量记录1份" in text
    assert "张某（当事人）" in text


def test_a_signed_copy_is_kept_beside_the_document_once(desk, world):
    interview(desk, "张某")
    transcript = issuing.issue_document(desk.officer, desk.case, "interview_transcript")
    scan = blobs.store(io.BytesIO(b"signed transcript scan"), content_type="image/jpeg").sha256
    with pytest.raises(Refusal, match="请上传签字后的扫描件"):
        issuing.attach_signed(desk.officer, transcript, [])
    signed = issuing.attach_signed(desk.officer, transcript, [scan])
    assert signed.signed_files == [scan]
    assert signed.signed_entry is not None
    entry = Entry.objects.get(index=signed.signed_entry)
    assert (entry.action, entry.files) == ("document.sign", [scan])
    with pytest.raises(Refusal, match="已上传签字件"):
        issuing.attach_signed(desk.officer, transcript, [scan])
    stranger = make_user("stranger", world.branch, Role.OFFICER)
    second = issuing.issue_document(desk.officer, desk.case, "filing_approval")
    with pytest.raises(Refusal, match="只有本案的承办人员或审批人"):
        issuing.attach_signed(stranger, second, [scan])

    client = Client()
    client.force_login(world.officer_user)
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert "签字件" in page
    assert scan[:12] in page
    assert verify_ledger().ok


def test_the_signed_copy_page_and_api(desk, world, client):
    interview(desk, "张某")
    interview(desk, "李某")
    client.force_login(world.officer_user)
    first = next(p for p in issuing.issuable(desk.case) if p.kind == "interview_transcript")
    response = client.post(
        f"/cases/{desk.case.pk}/documents/interview_transcript/", {"entry": first.entry.index}, follow=True
    )
    assert "已制作询问笔录" in response.content.decode()
    odd = client.post(f"/cases/{desk.case.pk}/documents/interview_transcript/", {"entry": "²"})
    assert odd.status_code == 302  # taken as no entry, not a server error
    CaseDocument.objects.filter(case=desk.case).exclude(documents_entry=first.entry.index).delete()
    document = CaseDocument.objects.get(case=desk.case)
    assert document.documents_entry == first.entry.index
    scan = blobs.store(io.BytesIO(b"page scan"), content_type="image/png").sha256
    page = client.get(f"/cases/{desk.case.pk}/documents/{document.pk}/signed/")
    assert "上传签字件" in page.content.decode()
    client.post(f"/cases/{desk.case.pk}/documents/{document.pk}/signed/", {"evidence": [scan]})
    document.refresh_from_db()
    assert document.signed_files == [scan]

    _, secret = ApiToken.issue(world.officer_user, "test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    base = f"/api/v1/cases/{desk.case.pk}/documents"
    made = api.post(f"{base}/interview_transcript")  # the next interview not yet documented
    assert made.status_code == 201
    assert made.json()["documents_entry"] != first.entry.index
    pdf = api.get(f"{base}/interview_transcript/pdf", {"entry": first.entry.index})
    assert pdf.status_code == 200
    second = made.json()["documents_entry"]
    unnamed = api.post(f"{base}/interview_transcript/signed", {"evidence": [scan]}, content_type="application/json")
    assert unnamed.status_code == 422
    assert unnamed.json()["field"] == "entry"
    listed = api.post(
        f"/api/v1/cases/{desk.case.pk}/actions/record_interview",
        {
            "on_date": "2026-10-14",
            "officers": [o.pk for o in desk.team],
            "interviewee": "钱某",
            "summary": "询问",
            "evidence": [desk.video],
            "transcript": ["问：a"],
        },
        content_type="application/json",
    )
    assert listed.status_code == 422
    assert listed.json()["field"] == "transcript"
    signed = api.post(
        f"{base}/interview_transcript/signed?entry={second}", {"evidence": [scan]}, content_type="application/json"
    )
    assert signed.status_code == 200
    assert signed.json()["signed_files"] == [scan]
    again = api.post(
        f"{base}/interview_transcript/signed?entry={second}", {"evidence": [scan]}, content_type="application/json"
    )
    assert again.status_code == 422


def test_notice_and_decision_must_be_made_before_they_are_served(desk):
    desk.make_documents = False
    desk(
        "report",
        date(2026, 10, 14),
        facts_found="滥伐林木12株",
        legal_basis="森林法 第七十六条",
        penalty_basis="森林法 第七十六条",
        penalty_kinds=["fine"],
        fine=Decimal(1500),
        penalty_text="罚款一千五百元",
        discretion_reasons="一般情节，按裁量基准中间档处罚",
    )
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    refused = desk.refused("notify", date(2026, 10, 16), rights_stated=True)
    assert "请先制作行政处罚事先告知书" in refused.message
    assert refused.rule == "行政处罚法 第四十四条"
    issuing.issue_document(desk.officer, desk.case, "advance_notice")
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    desk(
        "decide",
        date(2026, 10, 20),
        penalty_kinds=["fine"],
        fine=Decimal(1500),
        penalty_text="罚款一千五百元",
        discretion_reasons="一般情节",
    )
    assert "请先制作行政处罚决定书" in desk.refused("serve", date(2026, 10, 21), method="direct").message
    issuing.issue_document(desk.approver, desk.case, "penalty_decision")
    desk("serve", date(2026, 10, 21), method="direct", evidence=[desk.scan])


def test_a_hearing_notice_and_record_are_printed_from_the_hearing(desk):
    desk(
        "report",
        date(2026, 10, 14),
        facts_found="滥伐林木12株",
        legal_basis="森林法 第七十六条",
        penalty_basis="森林法 第七十六条",
        penalty_kinds=["fine"],
        fine=Decimal(20000),
        penalty_text="罚款二万元",
        discretion_reasons="一般情节，按裁量基准中间档处罚",
    )
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("request_hearing", date(2026, 10, 19))
    refused = desk.refused(
        "notify_hearing", date(2026, 10, 19), hearing_on=date(2026, 10, 28), place="会议室", chair=desk.chair
    )
    assert refused.field == "hearing_time"
    desk(
        "notify_hearing",
        date(2026, 10, 19),
        hearing_on=date(2026, 10, 28),
        hearing_time="14:30",
        place="分局听证室",
        chair=desk.chair,
        hearing_officers="甲某、乙某",
        clerk="陈某",
        closed_reason="privacy",
    )
    # The hearing is held only after the party was given the numbered notice of it (第六十四条第二项).
    desk.make_documents = False
    refused = desk.refused("hold_hearing", date(2026, 10, 28), outcome="absent")
    assert "请先制作并送达本次听证的听证通知书" in refused.message
    assert refused.rule == "行政处罚法 第六十四条第二项"
    desk.make_documents = True
    notice = issuing.issue_document(desk.officer, desk.case, "hearing_notice")
    text = text_of(notice)
    assert "分局听证室" in text
    assert "14:30" in text or "14时30分" in text
    assert "戊主持" in text
    refused = desk.refused(
        "hold_hearing",
        date(2026, 10, 28),
        outcome="absent",
        statements="主持人：开始",
        started_at="14:30",
        ended_at="14:40",
        evidence=[desk.video],
    )
    assert refused.field == "statements"
    desk(
        "hold_hearing",
        date(2026, 10, 28),
        outcome="held",
        started_at="14:30",
        ended_at="16:00",
        attendees="张某、律师刘某",
        statements="主持人：现在开始听证。\n调查人员：张某滥伐林木12株。\n张某：家庭困难，请求从轻。",
        evidence=[desk.video],
    )
    record = issuing.issue_document(desk.officer, desk.case, "hearing_record")
    text = text_of(record)
    assert "请求从轻" in text
    assert "律师刘某" in text
    assert "陈某" in text
