"""An archived case file is read and exported, never changed: every write path refuses with the rule named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.archives.services import ARCHIVED_RULE, refuse_if_archived
from zhifa.cases import issuing, services
from zhifa.cases.models import CaseDocument
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry

# Each test sets its own day (conftest._on_the_test_day): a moved clock would run the same test again.
pytestmark = [pytest.mark.django_db, pytest.mark.dateless]


def test_an_archived_case_refuses_every_action(archived, desk):
    refusal = desk.refused("record_payment", date(2026, 11, 20), amount=Decimal(1), receipt="x")
    assert "已归档" in refusal.message
    assert refusal.rule == ARCHIVED_RULE
    for name in ("close", "hand_over_cash", "add_evidence"):
        with pytest.raises(Refusal, match="本案已归档"):
            services.perform(desk.officer, name, {"on_date": date(2026, 11, 20)}, case=archived)


def test_an_archived_case_refuses_documents_and_signed_scans(archived, desk, files):
    before = Entry.objects.count()
    with pytest.raises(Refusal, match=r"本案已归档.*制作文书") as refused:
        issuing.issue_document(desk.officer, archived, "closure_report")
    assert refused.value.rule == ARCHIVED_RULE
    unsigned = CaseDocument.objects.filter(case=archived, signed_files=[]).first()
    assert unsigned is not None
    with pytest.raises(Refusal, match=r"本案已归档.*签字件"):
        issuing.attach_signed(desk.officer, unsigned, [files.scan])
    assert Entry.objects.count() == before
    assert issuing.issuable(archived) == []


def test_the_rule_reads_the_stored_state_not_the_callers_copy(archived):
    stale = type(archived).objects.get(pk=archived.pk)
    stale.state = "closed"  # a copy read before archiving
    with pytest.raises(Refusal, match="本案已归档"):
        refuse_if_archived(stale, doing="补充证据")


def test_the_api_refuses_a_change_to_an_archived_case(archived, desk):
    _, secret = ApiToken.issue(desk.officer, "测试")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = {"on_date": "2026-11-20", "amount": "1", "receipt": "x"}
    answer = api.post(f"/api/v1/cases/{archived.pk}/actions/record_payment", body, content_type="application/json")
    assert answer.status_code == 422
    assert "已归档" in answer.json()["message"]
    assert answer.json()["rule"] == ARCHIVED_RULE
    answer = api.post(f"/api/v1/cases/{archived.pk}/documents/closure_report", {}, content_type="application/json")
    assert answer.status_code == 422
    assert "已归档" in answer.json()["message"]
