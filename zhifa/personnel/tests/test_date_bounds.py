"""A certificate action's date is bounded like a case action's (zhifa/core/bounds.py): not year 1."""

from __future__ import annotations

from datetime import datetime
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
