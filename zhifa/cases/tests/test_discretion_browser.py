"""The discretion assistant through the report page, in a real browser: the officer ticks a circumstance, asks for
裁量试算, reads the proposal and the drafted reasoning, and reports within the tier."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from zhifa.cases.models import Case
from zhifa.cases.tests.desk import Desk
from zhifa.cases.tests.test_case_browser import Officer
from zhifa.laws.loader import load
from zhifa.laws.models import Violation
from zhifa.ledger.tests.test_upload_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.dateless  # it sets its own clock
def test_the_officer_reports_within_the_tier_the_assistant_proposes(
    page: Page, live_server, world, evidence, time_machine, settings
):
    time_machine.move_to(datetime(2026, 11, 5, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
    settings.SESSION_COOKIE_AGE = settings.SESSION_MAX_HOURS = 30 * 24 * 3600
    load()
    logging = Violation.objects.get(code="forestry-indiscriminate-logging")
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk("file", date(2026, 11, 3), violation=logging)
    desk("assign", date(2026, 11, 3), lead=desk.team[0], others=desk.team[1:], declared=desk.team)
    assert desk.case is not None
    case = desk.case.pk
    base = live_server.url
    officer = Officer(page, base, time_machine)
    log_in(page, base, "officer", "/cases/")

    page.goto(f"{base}/cases/{case}/")
    page.locator("#case-actions").get_by_role("link", name="调查终结报告", exact=True).click()
    proposal = page.locator("#discretion-proposal")
    expect(proposal).to_contain_text("滥伐林木")
    expect(proposal).to_contain_text("森林法 第七十六条第二款")
    page.locator("#id_on_date").fill("2026-11-05")
    page.locator("#id_circumstances").get_by_label("【从轻】滥伐立木蓄积2立方米以下").check()
    page.get_by_label("倍数罚的基数（元）").fill("2000")
    page.get_by_role("button", name="裁量试算").click()
    expect(proposal).to_contain_text("从轻")
    expect(proposal).to_contain_text("6,000至7,400元")
    # The draft the decision will print, and the basis in force on the act's day.
    expect(page.locator("#id_discretion_reasons")).to_have_value(re.compile("适用“从轻”档"))
    expect(page.locator("#id_penalty_basis")).to_have_value("森林法 第七十六条第二款")

    page.locator("#id_facts_found").fill("张某在二号林班滥伐杨树12株，林木价值2000元")
    page.get_by_label("罚款金额（元）").fill("7000")
    page.get_by_label("拟处罚内容").fill("罚款七千元，责令补种")
    officer.submit("调查终结报告")
    expect(page.locator("main")).to_contain_text("裁量档次：从轻")
    reported = Case.objects.get(pk=case)
    assert reported.tier == "lighter"
    assert reported.violation_rule is not None
