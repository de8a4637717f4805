"""The interference form's person picker: a bounded search (at most 20 active people; name, agency and post only)
for the staff, and the form that takes the person picked or an exact username, never the recorder himself."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from zhifa.cases.tests.desk import Desk
from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.supervision.models.modes import InterferenceRecord
from zhifa.testing.factories import at, make_user

DAY = date(2026, 12, 7)
PEOPLE = "/supervision/interference/people/"


@pytest.fixture
def case(world: Any, evidence: Any) -> Any:
    with time_machine.travel(at(DAY - timedelta(days=3)), tick=False):
        return Desk(world, evidence).lead(DAY - timedelta(days=3))


@pytest.mark.django_db
def test_the_search_is_bounded_and_tells_only_name_agency_and_post(world: Any, client: Client) -> None:
    for n in range(25):
        make_user(f"wang{n:02d}", world.bureau, Role.APPROVER)
        User.objects.filter(username=f"wang{n:02d}").update(full_name=f"王局长{n:02d}")
    User.objects.filter(username="wang00").update(is_active=False)
    world.colleague.position = "副大队长"
    world.colleague.user = make_user("yi", world.branch, Role.OFFICER)
    world.colleague.save(update_fields=["position", "user"])

    assert client.get(PEOPLE, {"q": "王局"}).status_code == 302  # login first
    client.force_login(world.admin)  # a system administrator reads no case: no picker
    assert client.get(PEOPLE, {"q": "王局"}).status_code == 404
    client.force_login(world.officer_user)
    assert client.get(PEOPLE, {"q": "w"}).status_code == 400  # one letter would match everyone
    results = client.get(PEOPLE, {"q": "王局"}).json()["results"]
    assert len(results) == 20
    assert {key for row in results for key in row} == {"id", "name", "agency", "post"}
    assert "王局长00" not in {row["name"] for row in results}  # inactive
    assert results[0] == {
        "id": User.objects.get(username="wang01").pk,
        "name": "王局长01",
        "agency": "测试管理局",
        "post": "",
    }
    assert client.get(PEOPLE, {"q": "王"}).status_code == 200  # one Chinese character is a surname
    assert client.get(PEOPLE, {"q": "yi"}).json()["results"] == [
        {"id": world.colleague.user.pk, "name": "yi", "agency": "测试管理局甲分局", "post": "副大队长"}
    ]
    assert client.get(PEOPLE, {"q": "officer"}).json()["results"] == []  # not the recorder himself


def test_the_form_takes_the_person_picked_or_an_exact_username(world: Any, case: Any, client: Client) -> None:
    leader = make_user("leader", world.bureau, Role.APPROVER)
    User.objects.filter(pk=leader.pk).update(full_name="李局长")
    url = f"/supervision/interference/new/{case.pk}/"
    form = {
        "person_name": "",
        "person_post": "测试管理局副局长",
        "occurred_at": "2026-12-06T10:00",
        "manner": "phone",
        "request": "打电话要求从轻处理",
    }
    with time_machine.travel(at(DAY), tick=False):
        client.force_login(world.officer_user)
        page = client.get(url).content.decode()
        assert 'data-picker-url="/supervision/interference/people/"' in page
        assert "李局长" not in page  # no list of every account
        refused = client.post(url, form | {"person_user": "lead"}).content.decode()
        assert "没有用户名为“lead”的在用账号" in refused
        refused = client.post(url, form | {"person_user": "officer"}).content.decode()
        assert "干预人：不能记录本人" in refused
        assert not InterferenceRecord.objects.exists()
        # Without the script: the exact username. With it: the id of the person picked, the name in the field.
        assert client.post(url, form | {"person_user": "leader"}).status_code == 302
        picked = form | {"person_user": "李局长", "person_user_id": str(leader.pk), "request": "当面打招呼"}
        assert client.post(url, picked).status_code == 302
    assert list(InterferenceRecord.objects.values_list("person_user", flat=True)) == [leader.pk, leader.pk]
