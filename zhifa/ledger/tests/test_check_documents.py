"""The public check page names the document a hash is (kind, number, agency, date), never the party, and says
in plain words when a file matches no document (docs/verification.md)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.urls import reverse

from zhifa.cases import issuing
from zhifa.cases.models import CaseDocument
from zhifa.cases.tests.desk import Desk
from zhifa.ledger import blobs, documents, services
from zhifa.ledger.models import Entry
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db

NOT_FOUND = "未找到：该文件与系统记录的任何文书都不一致——可能被改动过，或不是本系统出具的文书。"


def issue_filing_approval(world, evidence) -> CaseDocument:
    """A case filed and its 立案审批表 issued, on the test day; then a checkpoint signed over it."""
    desk = Desk(world, evidence)
    world.branch.short_name = "测甲"
    world.branch.save()
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    assert desk.case is not None
    document = issuing.issue_document(desk.approver, desk.case, "filing_approval")
    services.checkpoint_issue()
    return document


def pdf_of(document: CaseDocument) -> bytes:
    return b"".join(blobs.open_verified(document.sha256))


@pytest.fixture
def document(world, evidence, time_machine) -> CaseDocument:
    time_machine.move_to(at(TODAY))
    return issue_filing_approval(world, evidence)


def check(client, digest: str) -> str:
    return str(client.get(reverse("ledger_check"), {"sha256": digest}).content.decode())


def test_the_pdfs_hash_names_the_document_and_says_it_is_unchanged(client, world, document):
    page = check(client, document.sha256)
    day = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"
    expected = f"这是 {world.branch.name} {day} 制作的《立案审批表》（编号 {document.number}），自记录以来未被改动。"
    assert expected in page
    assert "张某" not in page  # the party is not the public's business here
    assert "包含证明已核对" in page
    assert 'data-step="signature"' in page  # the browser's steps, folded details below
    assert "<summary>技术细节</summary>" in page


def test_the_qr_codes_hash_names_the_documents_made_from_that_act(client, world, document):
    act = Entry.objects.get(index=document.documents_entry)
    page = check(client, bytes(act.leaf_hash).hex())
    assert f"《立案审批表》（编号 {document.number}） 上印的记录校验值" in page
    assert "张某" not in page


def test_a_changed_file_is_found_to_match_nothing(client, world, document):
    changed = bytearray(pdf_of(document))
    changed[len(changed) // 2] ^= 0x01
    page = check(client, hashlib.sha256(changed).hexdigest())
    assert NOT_FOUND in page
    assert "verify-entry" not in page


def test_another_source_of_documents_is_one_function_in_the_list(world, document):
    def published_copies(digest: str) -> list[documents.Described]:
        if digest != "ab" * 32:
            return []
        statement = (
            f"这是 {documents.made_by('甲局', TODAY, '行政处罚决定书', '甲罚决字〔2026〕第1号')}的公开版（已脱敏）。"
        )
        return [
            documents.Described(
                "行政处罚决定书", "甲罚决字〔2026〕第1号", "甲局", TODAY, "公开版（已脱敏）", statement, 0
            )
        ]

    listed = [*documents.DESCRIBERS, published_copies]
    assert documents.describe("AB" * 32, listed)[0].what == "公开版（已脱敏）"
    assert [d.number for d in documents.describe(document.sha256, listed)] == [document.number]
    assert documents.describe("not a hash", listed) == []
