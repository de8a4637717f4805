"""Documents issued from a case: numbered per agency, rendered with the act's entry hash, stored, recorded."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from zhifa.api.models import ApiToken
from zhifa.cases import issuing
from zhifa.cases.models import CaseDocument
from zhifa.cases.tests.desk import Desk
from zhifa.core.errors import Refusal
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_test_day(time_machine):
    """What these pages show depends on the day (deadlines left, the year in document numbers): set it."""
    time_machine.move_to(at(TODAY))


REPORT = {
    "facts_found": "张某未经许可采伐林木12株",
    "legal_basis": "森林法 第五十六条",
    "penalty_basis": "森林法 第七十六条",
    "penalty_kinds": ["fine"],
    "fine": Decimal(1500),
    "penalty_text": "罚款人民币1500元",
    "discretion_reasons": "滥伐数量较少，属一般情节，按裁量基准处罚",
}


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    world.branch.short_name = "测甲"
    world.branch.save()
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    desk("report", date(2026, 10, 14), **REPORT)
    desk("submit_approval", date(2026, 10, 14))
    return desk


def text_of(document: CaseDocument) -> str:
    data = b"".join(blobs.open_verified(document.sha256))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return "".join(text.split())  # lines break anywhere in Chinese text


def test_documents_are_issued_after_their_acts_with_the_acts_hashes(desk):
    officer = desk.officer
    filing = issuing.issue_document(desk.approver, desk.case, "filing_approval")
    assert filing.number == "测甲立审字〔2026〕第1号"
    assert "滥伐林木" in text_of(filing)
    report = issuing.issue_document(officer, desk.case, "investigation_report")
    assert "按裁量基准处罚" in text_of(report)
    with pytest.raises(Refusal, match="本案尚未作出行政处罚决定，不能制作行政处罚决定书"):
        issuing.issue_document(officer, desk.case, "penalty_decision")
    desk("approve", date(2026, 10, 15))
    notice = issuing.issue_document(officer, desk.case, "advance_notice")
    assert notice.number == "测甲罚告字〔2026〕第1号"
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    case = desk("decide", date(2026, 10, 20), **REPORT)
    decision = issuing.issue_document(desk.approver, case, "penalty_decision")
    assert decision.number == "测甲罚决字〔2026〕第1号"
    with pytest.raises(Refusal, match="已制作"):
        issuing.issue_document(officer, case, "penalty_decision")

    # The PDF carries the decision entry's hash, the party and the amount in capitals; its own hash is in
    # the ledger entry that issued it.
    decided = Entry.objects.get(index=decision.documents_entry)
    assert decided.action == "case.decide"
    text = text_of(decision)
    assert decision.number in text
    # The provision violated and the provision of the penalty, each in its place (行政处罚法 第五十九条).
    assert "违反了森林法第五十六条。依据森林法第七十六条" in "".join(text.split())
    assert "张某" in text
    assert "壹仟伍佰元整" in text
    assert bytes(decided.leaf_hash).hex() in text
    issued = Entry.objects.get(index=decision.entry_index)
    assert issued.action == "document.issue"
    assert issued.files == [decision.sha256]
    assert json.loads(issued.facts.facts)["number"] == decision.number
    assert hashlib.sha256(b"".join(blobs.open_verified(decision.sha256))).hexdigest() == decision.sha256

    desk("serve", date(2026, 10, 21), method="direct", evidence=[desk.scan])
    proof = issuing.issue_document(officer, desk.case, "service_proof")
    assert decision.number in text_of(proof)
    desk("record_payment", date(2026, 10, 22), amount=Decimal(1500), receipt="NS20261022001")
    desk("close", date(2026, 10, 23))
    closure = issuing.issue_document(desk.approver, desk.case, "closure_report")
    assert decision.number in text_of(closure)
    assert "罚款已全部缴纳" in text_of(closure)
    assert issuing.issuable(desk.case) == []
    with pytest.raises(Refusal, match="本案尚未举行听证，不能制作听证笔录"):
        issuing.issue_document(officer, desk.case, "hearing_record")
    with pytest.raises(Refusal, match="暂不能制作"):
        issuing.issue_document(officer, desk.case, "summons")
    assert verify_ledger().ok


def test_the_api_lists_issues_and_serves_documents(desk, world):
    desk("approve", date(2026, 10, 15))
    _, secret = ApiToken.issue(world.officer_user, "test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    base = f"/api/v1/cases/{desk.case.pk}/documents"
    assert api.post(f"{base}/penalty_decision").status_code == 422
    made = api.post(f"{base}/advance_notice")
    assert made.status_code == 201
    assert made.json()["number"].endswith("罚告字〔2026〕第1号")
    assert [d["kind"] for d in api.get(base).json()] == ["advance_notice"]
    pdf = api.get(f"{base}/advance_notice/pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == made.json()["sha256"]


def test_the_case_page_offers_the_documents_that_can_be_made(client, desk, world):
    desk("approve", date(2026, 10, 15))
    client.force_login(world.officer_user)
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert ">制作行政处罚事先告知书</button>" in page
    response = client.post(f"/cases/{desk.case.pk}/documents/advance_notice/")
    assert response.status_code == 302
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert "罚告字〔2026〕第1号" in page
    assert ">制作行政处罚事先告知书</button>" not in page
