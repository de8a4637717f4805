"""On a phone, the case page's first screen tells the legal reviewer which case, where it stands, its next deadline
and what he can do — his first act one tap away; the page has no serious accessibility violation."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from zhifa.cases import major
from zhifa.cases.tests.desk import Desk
from zhifa.cases.tests.test_review_queue import CATALOG, big
from zhifa.testing.axe import serious_violations
from zhifa.testing.factories import PASSWORD, TODAY, at

pytestmark = [pytest.mark.browser, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


def test_the_first_screen_on_a_phone_holds_the_case_and_the_reviewers_first_act(
    page: Page, live_server, world, evidence, time_machine
):
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    major.add_version(world.admin, world.bureau, CATALOG)
    desk.lead(date(2026, 11, 12), act_ended_on=date(2026, 11, 10))
    desk.investigate(date(2026, 11, 13))
    desk("report", date(2026, 11, 18), **big(20000))
    desk("submit_review", date(2026, 11, 18))

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/cases/{desk.case.pk}/")

    first_act = page.locator("#case-actions").get_by_role("link", name="法制审核通过")
    for shown in (page.locator("#case-number"), page.locator("h1 .state"), page.locator("#next-deadline"), first_act):
        expect(shown).to_be_in_viewport()
    expect(page.locator(".steps [aria-current=step]")).to_have_text("支线：法制审核")
    # The acts closed to him are folded, with their reasons, until he opens them.
    others = page.locator("#other-actions")
    expect(others.locator(".reasons").first).to_be_hidden()
    others.locator("summary").click()
    expect(others).to_contain_text("只有案件审批人可以")
    assert serious_violations(page) == []
    first_act.click()
    expect(page.get_by_role("heading", name="法制审核通过")).to_be_visible()
