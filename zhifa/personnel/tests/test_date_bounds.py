"""A certificate action's date is bounded like a case action's (zhifa/core/bounds.py): not year 1."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from zhifa.ledger.models import Entry

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
def test_a_certificate_action_refuses_a_date_out_of_bounds(world, evidence):
    client = Client()
    client.force_login(world.admin)
    certificate = world.officer.certificates.get()
    for day, words in (("0001-01-01", "不能早于 2000-01-01"), ("2030-01-01", "不能晚于 2026-11-21")):
        page = client.post(f"/certificates/{certificate.pk}/suspend/", {"on_date": day, "reason": "调查"})
        assert page.status_code == 200
        assert words in page.content.decode()
    assert not Entry.objects.filter(action="certificate.suspended").exists()


@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
def test_a_certificates_validity_is_bounded_on_the_page_and_in_the_service(world):
    from zhifa.core.errors import Refusal
    from zhifa.personnel.services import certificate_issue
    from zhifa.testing.factories import make_officer

    person = make_officer(world.admin, world.branch, "新证人员")
    client = Client()
    client.force_login(world.admin)
    page = client.post(
        f"/officers/{person.pk}/certificates/new/",
        {
            "number": "B-1",
            "issuing_body": "省政府",
            "valid_from": "0001-01-01",
            "valid_until": "9999-12-31",
            "domains": ["forestry"],
        },
    ).content.decode()
    assert "不能早于 2000-01-01" in page
    assert "不能晚于" in page
    with pytest.raises(Refusal, match="有效期起不能早于 2000-01-01"):
        certificate_issue(
            actor=world.admin,
            officer=person,
            number="B-2",
            issuing_body="省政府",
            valid_from=date(1, 1, 1),
            valid_until=date(5, 1, 1),
            domains=["forestry"],
        )
    assert not person.certificates.exists()
