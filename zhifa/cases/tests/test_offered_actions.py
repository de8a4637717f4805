"""A page offers an action, a link or a form only to a user who may use it (the services decide, the pages ask)."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.cases.models import Case
from zhifa.cases.tests.desk import Desk
from zhifa.core.choices import Role
from zhifa.testing.factories import TODAY, at, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_test_day(time_machine):
    time_machine.move_to(at(TODAY))


def test_only_those_who_may_open_a_case_are_offered_to(client, world):
    client.force_login(world.officer_user)
    listing = client.get("/cases/").content.decode()
    assert 'href="/cases/open/register_lead/"' in listing
    assert 'href="/cases/open/decide_on_the_spot/"' in listing

    client.force_login(make_user("aux", world.branch, Role.AUXILIARY))
    listing = client.get("/cases/").content.decode()
    assert 'href="/cases/open/register_lead/"' in listing  # auxiliary staff may record a lead
    assert 'href="/cases/open/decide_on_the_spot/"' not in listing  # but never decide a penalty

    client.force_login(world.supervisor)
    listing = client.get("/cases/").content.decode()
    assert "/cases/open/" not in listing


def test_a_form_closed_to_the_user_shows_why_and_nothing_to_fill(client, world):
    client.force_login(world.supervisor)
    page = client.get("/cases/open/register_lead/").content.decode()
    assert "当前不能办理" in page
    assert "只有执法人员、执法辅助人员可以登记案源" in page
    assert 'id="action-form"' not in page
    assert 'name="title"' not in page
    # Posting anyway takes nothing: the form is not even read.
    posted = client.post("/cases/open/register_lead/", {"on_date": "2026-11-20", "title": "滥伐林木"})
    assert posted.status_code == 200
    assert "当前不能办理" in posted.content.decode()
    assert not Case.objects.exists()


def test_the_case_page_offers_a_user_only_his_own_actions(client, world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk("file", date(2026, 11, 3))

    client.force_login(world.supervisor)  # reads the case, takes no act in it
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert "button disabled" not in page
    assert f"/cases/{desk.case.pk}/actions/" not in page
    assert 'id="waiting-on-others"' in page
    assert "本案当前没有由您办理的事项" in page
    assert "只有案件审批人可以指派承办人员" in page  # what the case waits for, and on whom

    client.force_login(desk.approver)
    page = client.get(f"/cases/{desk.case.pk}/").content.decode()
    assert f'href="/cases/{desk.case.pk}/actions/assign/"' in page


def test_agency_pages_link_only_to_agencies_the_user_may_open(client, world):
    client.force_login(world.officer_user)  # sees his branch only
    page = client.get(f"/agencies/{world.branch.pk}/").content.decode()
    assert world.bureau.name in page
    assert f'href="/agencies/{world.bureau.pk}/"' not in page
    assert client.get(f"/agencies/{world.bureau.pk}/").status_code == 403

    client.force_login(world.supervisor)  # the bureau and everything below it
    page = client.get(f"/agencies/{world.bureau.pk}/").content.decode()
    assert f'href="/agencies/{world.branch.pk}/"' in page
    assert f'href="/agencies/{world.sibling.pk}/"' in page


def test_the_navigation_offers_cases_only_to_those_who_read_them(client, world):
    client.force_login(world.admin)  # the system administrator reads no case file (三员分立)
    assert 'href="/cases/"' not in client.get("/").content.decode()
    client.force_login(world.officer_user)
    assert 'href="/cases/"' in client.get("/").content.decode()
