"""A person logs in with a real browser (Debian's chromium) and opens the officer list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhifa.testing.factories import PASSWORD, TODAY, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _on_the_test_day(time_machine):
    """The world's certificates were issued 100 days before TODAY and fall due for review a year on."""
    time_machine.move_to(at(TODAY))


def test_log_in_and_open_the_officer_list(page: Page, live_server, world):
    page.goto(f"{live_server.url}/officers/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/officers/")
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="执法人员")).to_be_visible()
    table = page.locator("#officer-table")
    expect(table).to_contain_text("甲执法")
    expect(table).to_contain_text("丙执法")
    expect(table).not_to_contain_text("外地")
    page.get_by_role("link", name="甲执法").click()
    expect(page.locator("#eligibility")).to_contain_text("可以执法")


def test_the_officer_list_reads_on_a_phone(page: Page, live_server, world):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#my-eligibility")).to_contain_text("今天可以执法")
    # On a phone the navigation folds behind the menu button.
    expect(page.locator(".mainnav")).to_be_hidden()
    page.locator(".nav-toggle-label").click()
    page.locator(".mainnav").get_by_role("link", name="执法人员").click()
    expect(page.locator("#officer-table")).to_contain_text("乙执法")
