"""/api/v1/devices/readings: an exceedance opens one lead per episode; a replay answers the same; scopes, agencies."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from zhifa.api.tokens import token_issue
from zhifa.cases.choices import LeadSource
from zhifa.cases.models import Case
from zhifa.devices.models import Reading
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/devices/readings"


def _client(user: Any, scope: str = "devices.readings") -> Client:
    _, secret = token_issue(actor=user, name="监测平台", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _reading(reading_id: str, value: str, **more: Any) -> dict[str, Any]:
    measured = timezone.localtime() - timedelta(hours=1)
    return {
        "device": "WS-001",
        "reading_id": reading_id,
        "parameter": "COD",
        "value": value,
        "unit": "mg/L",
        "measured_at": measured.isoformat(),
        **more,
    }


def _post(client: Client, *readings: dict[str, Any]) -> Any:
    return client.post(URL, {"readings": list(readings)}, content_type="application/json")


def test_a_reading_over_the_limit_opens_a_lead(world, devices):
    response = _post(_client(world.officer_user), _reading("r-1", "62.5"))
    assert response.status_code == 200, response.content
    (answer,) = response.json()
    assert answer["over"]
    assert answer["opened_lead"]
    assert answer["limit"] == "50"
    case = Case.objects.get(pk=answer["case_id"])
    assert case.lead_source == LeadSource.MONITORING
    assert case.agency == world.branch
    assert "COD 62.5 mg/L，超过限值 50 mg/L" in case.lead_summary
    assert [party.name for party in case.parties.all()] == ["甲化工有限公司"]
    assert verify_ledger().ok


def test_a_reading_within_the_limit_is_kept_and_opens_nothing(world, devices):
    (answer,) = _post(_client(world.officer_user), _reading("r-2", "50")).json()  # 50 is not over 50
    assert not answer["over"]
    assert answer["case_id"] is None
    assert Reading.objects.get(reading_id="r-2").entry_index >= 0
    assert not Case.objects.exists()


def test_a_replay_answers_the_same_and_opens_no_second_lead(world, devices):
    client = _client(world.officer_user)
    first = _post(client, _reading("r-3", "80")).json()[0]
    again = _post(client, _reading("r-3", "80")).json()[0]
    assert again == {**first, "replay": True}
    assert Case.objects.count() == 1
    assert Reading.objects.count() == 1


def test_a_second_exceedance_joins_the_open_lead_of_its_episode(world, devices):
    client = _client(world.officer_user)
    first = _post(client, _reading("r-4", "80")).json()[0]
    second = _post(client, _reading("r-5", "90")).json()[0]
    assert not second["opened_lead"]
    assert second["case_id"] == first["case_id"]
    # Another parameter is another episode.
    other = _post(client, _reading("r-6", "30", parameter="氨氮", limit="8", limit_source="GB 8978-1996")).json()[0]
    assert other["opened_lead"]
    assert other["case_id"] != first["case_id"]
    # Once the lead is no longer being checked or investigated, a new exceedance opens a new lead.
    Case.objects.filter(pk=first["case_id"]).update(state="not_filed")
    third = _post(client, _reading("r-7", "70")).json()[0]
    assert third["opened_lead"]
    assert third["case_id"] not in (first["case_id"], other["case_id"])


def test_a_token_without_the_readings_scope_is_refused(world, devices):
    response = _post(_client(world.officer_user, scope=""), _reading("r-8", "80"))
    assert response.status_code == 403
    assert "没有上报监测数据的权限" in response.json()["detail"]
    assert not Reading.objects.exists()


def test_a_readings_token_reaches_nothing_else(world, devices):
    assert _client(world.officer_user).get("/api/v1/cases").status_code == 401


def test_a_token_of_another_agency_is_refused(world, devices):
    stranger = make_user("platform-elsewhere", world.elsewhere, "officer")
    response = _post(_client(stranger), _reading("r-9", "80"))
    assert response.status_code == 422
    assert response.json()["field"] == "device"
    assert "不是本单位登记的设备" in response.json()["message"]
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"value": "很高"}, "value", "监测值（value）"),
        ({"measured_at": "2026-11-20 08:00"}, "measured_at", "须带时区"),
        ({"measured_at": "yesterday"}, "measured_at", "不是 ISO 8601 时间"),
        ({"parameter": "总磷"}, "limit", "设备未配置总磷的限值"),
        ({"unit": "g/L"}, "unit", "单位不一致"),
        ({"reading_id": ""}, "reading_id", "读数编号（reading_id）：必须填写"),
    ],
)
def test_bad_input_gets_a_chinese_message_naming_the_field(world, devices, change, field, words):
    response = _post(_client(world.officer_user), _reading("r-10", "80") | change)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert words.replace("单位不一致", "不一致") in body["message"]
    assert body["message"].startswith("第 1 条读数的")


def test_too_many_readings_are_refused(world, devices):
    client = _client(world.officer_user)
    response = _post(client, *[_reading(f"n-{n}", "1") for n in range(101)])
    assert response.status_code == 422
    assert "至多上报 100 条" in response.json()["message"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_exceedance_at_once_open_one_lead_on_postgresql(world, devices):
    """PostgreSQL runs the two posts truly at once (SQLite takes one writer at a time): the device's row lock and the
    reading's unique row leave one reading and one lead, and both posts answer the same case."""
    assert connection.vendor == "postgresql"
    secret_client = _client(world.officer_user)
    answers: list[Any] = []

    def post() -> None:
        answers.append(_post(secret_client, _reading("same", "99")).json())
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Reading.objects.count() == 1
    assert Case.objects.count() == 1
    assert {answer[0]["case_id"] for answer in answers} == {Case.objects.get().pk}
