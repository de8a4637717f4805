"""What goes into the permanent record is bounded: free text at 5,000 characters (transcripts 50,000, short
fields 200), dates from 2000-01-01 to today plus a day (planned dates five years ahead), refused with a
Chinese message naming the field, through the page form and the API alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.cases.models import Case
from zhifa.core.bounds import LONG_TEXT
from zhifa.ledger.models import Entry

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

LEAD = {
    "on_date": "2026-11-12",
    "domain": "forestry",
    "source": "complaint",
    "title": "非法占用林地",
    "summary": "群众举报",
    "received_on": "2026-11-12",
    "act_ended_on": "2026-11-10",
    "party_kind": "citizen",
    "party_name": "李某",
}


@pytest.fixture(autouse=True)
def _on_a_fixed_day() -> Any:
    with time_machine.travel(NOW, tick=True):
        yield


def page(world: Any) -> Client:
    client = Client()
    client.force_login(world.officer_user)
    return client


def api(world: Any) -> Client:
    _, secret = ApiToken.issue(world.officer_user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def open_through_api(world: Any, **fields: str) -> Any:
    return api(world).post(
        "/api/v1/cases",
        {"action": "register_lead", "fields": {**LEAD, **fields}},
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"summary": "举" * (LONG_TEXT + 1)}, "summary", "案源情况："),
        ({"title": "案" * 201}, "title", "案由："),
        ({"received_on": "0001-01-01", "on_date": "0001-01-01"}, "on_date", "日期：不能早于 2000-01-01"),
        ({"act_ended_on": "1999-12-31"}, "act_ended_on", "违法行为终了日期：不能早于 2000-01-01"),
        ({"act_ended_on": "2026-11-22"}, "act_ended_on", "违法行为终了日期：不能晚于 2026-11-21"),
        ({"on_date": "9999-12-31"}, "on_date", "日期：不能晚于 2026-11-21"),
    ],
)
def test_the_api_refuses_unbounded_text_and_dates(world, evidence, fields, field, words):
    response = open_through_api(world, **fields)
    assert response.status_code == 422, response.content.decode()
    assert response.json()["field"] == field
    assert words in response.json()["message"]
    assert not Case.objects.exists()
    assert not Entry.objects.filter(action="case.register_lead").exists()


def test_text_at_the_bound_and_the_earliest_date_are_accepted(world, evidence):
    response = open_through_api(world, summary="举" * LONG_TEXT, act_ended_on="2000-01-01")
    assert response.status_code == 201, response.content.decode()
    assert Case.objects.get().act_ended_on.isoformat() == "2000-01-01"


def test_the_page_form_refuses_them_on_the_field_and_says_the_bound(world, evidence):
    client = page(world)
    form = client.get("/cases/open/register_lead/").content.decode()
    assert f'maxlength="{LONG_TEXT}"' in form
    assert 'min="2000-01-01"' in form
    assert 'max="2026-11-21"' in form
    long = client.post("/cases/open/register_lead/", {**LEAD, "summary": "举" * (LONG_TEXT + 1)})
    assert long.status_code == 200
    assert "5000" in long.content.decode()
    early = client.post("/cases/open/register_lead/", {**LEAD, "received_on": "1949-10-01"})
    assert "不能早于 2000-01-01" in early.content.decode()
    assert not Case.objects.exists()
    assert client.post("/cases/open/register_lead/", LEAD).status_code == 302
