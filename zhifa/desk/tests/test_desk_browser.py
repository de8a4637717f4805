"""Every role logs in with a real browser, reads its queue with the right counts, and takes the first item to done."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from zhifa.cases import major
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.core import workdays
from zhifa.personnel.models import Certificate
from zhifa.testing.axe import serious_violations
from zhifa.testing.factories import PASSWORD, TODAY, at

pytestmark = [pytest.mark.browser, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]

CATALOG = {
    "effective_from": "2026-01-01",
    "source": "测试管理局重大执法决定法制审核目录（测管发〔2025〕9号）",
    "fine_citizen": "10000",
    "fine_organisation": "100000",
    "inclusive": "on",
    "after_hearing": "on",
}


def log_in(page: Page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_each_role_reads_its_queue_and_takes_the_first_item_to_done(
    page: Page, live_server: Any, world: Any, evidence: Any, time_machine: Any
) -> None:
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    major.add_version(world.admin, world.bureau, CATALOG)
    desk.lead(date(2026, 11, 20), title="非法采集野生植物", act_ended_on=date(2026, 11, 20))
    desk.case = None
    desk.lead(date(2026, 11, 5), title="非法占用林地", act_ended_on=date(2026, 11, 5))
    desk.investigate(date(2026, 11, 6))
    desk("report", date(2026, 11, 10), **{**SMALL_FINE_REPORT, "fine": 20000, "major": True})
    desk("submit_review", date(2026, 11, 10))
    desk.case = None
    desk.lead(date(2026, 11, 2), title="非法开垦林地", act_ended_on=date(2026, 11, 2))
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 4), **SMALL_FINE_REPORT)

    # (login, the 待办 count, the first item's act, what the form page is titled)
    roles = [
        ("approver", "1", "立案审批"),
        ("reviewer", "1", "法制审核"),
        ("officer", "1", "提交负责人审批"),
    ]
    for username, todo, first in roles:
        log_in(page, live_server.url, username)
        expect(page.locator("#nav-todo")).to_contain_text(todo)
        expect(page.locator("#tab-todo .count")).to_have_text(todo)
        if first is not None:
            expect(page.locator(".task-act").first).to_have_text(first)
        assert serious_violations(page) == []

    # The approver takes the filing to done through its form; his count drops and the act is among 已办.
    log_in(page, live_server.url, "approver")
    page.locator(".task .button").first.click()
    expect(page.get_by_role("heading", name="批准立案")).to_be_visible()
    page.get_by_role("button", name="提交并记录").click()
    expect(page.locator(".messages")).to_contain_text("已批准立案")
    page.goto(f"{live_server.url}/")
    expect(page.locator(".task-act").first).to_have_text("指派承办人员")
    page.locator("#tab-done").click()
    expect(page.locator("#done-list")).to_contain_text("批准立案")

    # The officer takes his: the report goes to the approver, whose queue now holds the proposed penalty.
    log_in(page, live_server.url, "officer")
    page.locator(".task .button").first.click()
    expect(page.get_by_role("heading", name="提交负责人审批")).to_be_visible()
    page.get_by_role("button", name="提交并记录").click()
    expect(page.locator(".messages")).to_contain_text("已提交负责人审批")
    page.goto(f"{live_server.url}/?tab=done")
    expect(page.locator("#done-list")).to_contain_text("提交负责人审批")
    log_in(page, live_server.url, "approver")
    expect(page.locator(".task-list")).to_contain_text("拟处罚审批")

    # The system administrator's desk: the certificate near its end (and the holiday years to load, if any); his
    # first item opens the officers whose certificates run out. His session is handed over past the second factor.
    certificate = world.colleague.certificates.get(status="valid")
    certificate.valid_until = TODAY + timedelta(days=20)
    certificate.save(update_fields=["valid_until"])
    client = Client()
    client.force_login(world.admin)  # conftest: also past the second factor
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page.goto(f"{live_server.url}/")
    # Counted by hand: valid certificates ending within 60 days or due for review within 30 (the desk's windows).
    due = sum(
        1
        for c in Certificate.objects.filter(status="valid", officer__status="active")
        if c.valid_until <= TODAY + timedelta(days=60) or c.review_due <= TODAY + timedelta(days=30)
    )
    assert due >= 1
    admin_todo = due + (1 if workdays.years_needing_data(TODAY) else 0)
    expect(page.locator("#tab-todo .count")).to_have_text(str(admin_todo))
    expect(page.locator(".task-act").first).to_contain_text(f"{due} 张执法证件临近有效期或年审")
    page.locator(".task .button").first.click()
    expect(page.locator("#officer-table")).to_contain_text("乙执法")
    expect(page.locator("#officer-table")).not_to_contain_text("甲执法")

    # The supervisor reads the overview of what is late below him; nothing waits on him to do.
    time_machine.move_to(at(date(2027, 2, 10)))
    log_in(page, live_server.url, "supervisor")
    expect(page.locator("#nav-overdue")).to_be_visible()
    expect(page.locator("#supervision-overview")).to_contain_text("测试管理局甲分局")
    page.locator("#supervision-overview a.bad").first.click()
    expect(page.locator("#case-list")).to_contain_text("已逾期")
