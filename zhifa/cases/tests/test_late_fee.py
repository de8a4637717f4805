"""A fine unpaid after its period owes 3 % a day more, capped at the fine: shown on the case and the API, and
payable beside the fine, never more than is owed on the payment's date (行政处罚法 第七十二条)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from zhifa.api.tokens import token_issue
from zhifa.cases.guards import late_fee_owed
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.testing.factories import at

pytestmark = pytest.mark.django_db

REPORT = SMALL_FINE_REPORT


@pytest.fixture
def served(world, evidence, time_machine):
    time_machine.move_to(at(date(2026, 11, 23)))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    desk("report", date(2026, 10, 14), **REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, evidence=[desk.scan])
    desk("decide", date(2026, 10, 23), **REPORT)
    desk("serve", date(2026, 10, 26), method="direct", evidence=[desk.scan])  # payment due 2026-11-10
    return desk


def test_the_late_fee_runs_from_the_day_after_the_payment_period_and_is_shown(served, world, client):
    case = served.case
    assert late_fee_owed(case, date(2026, 11, 10)) == 0  # the last day of the period is free
    assert late_fee_owed(case, date(2026, 11, 20)) == Decimal("300.00")  # 10 days × 3 % × 1,000
    assert late_fee_owed(case, date(2027, 1, 30)) == Decimal("1000.00")  # never more than the fine
    client.force_login(world.officer_user)  # today is 2026-11-23: 13 days late
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "390.00 元" in page
    assert "第七十二条" in page
    _, secret = token_issue(actor=world.officer_user, name="外业终端")
    listed = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert {row["id"]: row["late_fee"] for row in listed}[case.pk] == "390.00"


def test_the_late_fee_is_paid_beside_the_fine_never_more_than_owed(served):
    too_much = served.refused(
        "record_payment", date(2026, 11, 20), amount=Decimal(1000), late_fee=Decimal(301), receipt="N1"
    )
    assert too_much.field == "late_fee"
    assert "300.00" in too_much.message
    case = served("record_payment", date(2026, 11, 20), amount=Decimal(1000), late_fee=Decimal(300), receipt="N1")
    assert (case.paid, case.late_fee_paid) == (Decimal(1000), Decimal(300))
    assert case.records.last().summary == "缴纳罚款 1000 元、加处罚款 300 元，凭证 N1"
