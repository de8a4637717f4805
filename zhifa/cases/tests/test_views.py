"""The case pages: scoped to the actor's agencies, deadlines coloured, closed actions explained, a refused
form shows the rule on its field and saves nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone, translation

from zhifa.cases.models import Case
from zhifa.cases.tests.desk import Desk
from zhifa.core.choices import Role
from zhifa.ledger.models import Entry
from zhifa.testing.factories import TODAY, at, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_test_day(time_machine):
    """What these pages show depends on the day (deadlines left, the year in document numbers): set it."""
    time_machine.move_to(at(TODAY))


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk("file", date(2026, 11, 3))
    return desk


def test_the_case_list_and_page_are_scoped_to_the_actors_agencies(client, desk, world):
    outsider = make_user("officer-elsewhere", world.elsewhere, Role.OFFICER)
    client.force_login(outsider)
    assert "滥伐林木" not in client.get("/cases/").content.decode()
    assert client.get(f"/cases/{desk.case.pk}/").status_code == 404
    assert client.get(f"/cases/{desk.case.pk}/actions/assign/").status_code == 404
    client.force_login(world.supervisor)  # the bureau above sees its branches' cases
    assert "滥伐林木" in client.get("/cases/").content.decode()


def test_the_case_page_shows_the_deadline_and_why_actions_are_closed(client, desk, world):
    client.force_login(world.officer_user)
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert "立案后作出处罚决定" in page
    assert "2027-02-01（暂定：该年节假日安排尚未载入）" in page
    assert "due-later" in page
    assert "只有案件审批人可以指派承办人员" in page
    listing = client.get("/cases/?q=张某").content.decode()
    assert "滥伐林木" in listing
    assert f"剩 {(date(2027, 2, 1) - timezone.localdate()).days} 天" in listing
    assert "滥伐林木" not in client.get("/cases/?state=archived").content.decode()


def test_a_refused_action_shows_its_rule_on_the_field_and_saves_nothing(client, desk, world):
    client.force_login(desk.approver)
    before = Entry.objects.count()
    data = {"on_date": "2026-11-04", "lead": world.officer.pk, "others": [world.auxiliary.pk]}
    page = client.post(f"/cases/{desk.case.pk}/actions/assign/", data).content.decode()
    assert "调查、检查须由两名以上持有效执法证件的执法人员进行" in page
    assert "第四十二条" in page
    assert Entry.objects.count() == before
    data = {**data, "others": [world.colleague.pk], "declared": [world.officer.pk, world.colleague.pk]}
    response = client.post(f"/cases/{desk.case.pk}/actions/assign/", data)
    assert response.status_code == 302
    assert Case.objects.get(pk=desk.case.pk).state == "investigating"
    assert Entry.objects.count() == before + 1


def test_an_english_user_reads_english_labels_while_the_record_stays_chinese(client, desk, world):
    world.officer_user.language = "en"
    world.officer_user.save(update_fields=["language"])
    client.force_login(world.officer_user)
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert "Filed" in page
    assert "Decision after filing" in page
    assert "Approve filing" in page  # the timeline's action label
    # What the services write and refuse stays Chinese, the language of the case file.
    with translation.override("en"):
        refusal = desk.refused("file", date(2026, 11, 4))
    assert refusal.message == "案件处于“已立案”状态，不能批准立案"
