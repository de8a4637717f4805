"""One legal review through the pages, in a real browser: returned with a problem noted, reported again and
passed — the officer submits, the reviewer works from his queue, the handler reads the opinion on the case page."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from zhifa.cases import major
from zhifa.cases.models import Case
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.cases.tests.test_case_browser import Officer
from zhifa.cases.workflow import State
from zhifa.ledger.tests.test_upload_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATALOG = {
    "effective_from": "2026-01-01",
    "source": "测试管理局重大执法决定法制审核目录",
    "fine_citizen": "10000",
    "fine_organisation": "100000",
    "inclusive": "on",
    "after_hearing": "on",
}


@pytest.mark.dateless  # it moves its own clock along its days
def test_a_review_returned_reported_again_and_passed_through_the_pages(
    page: Page, browser: Browser, live_server, world, evidence, time_machine, settings
):
    time_machine.move_to(datetime(2026, 10, 14, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True)
    settings.SESSION_COOKIE_AGE = settings.SESSION_MAX_HOURS = 30 * 24 * 3600
    desk = Desk(world, evidence)  # the case up to the report, taken by the services: a fine the catalog makes major
    major.add_version(world.admin, world.bureau, CATALOG)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    fine = {"fine": Decimal(10000), "penalty_text": "罚款一万元"}
    case = desk("report", date(2026, 10, 14), **{**SMALL_FINE_REPORT, **fine}).pk
    base = live_server.url
    officer = Officer(page, base, time_machine)
    reviewer_page = browser.new_page()
    reviewer = Officer(reviewer_page, base, time_machine)
    log_in(page, base, "officer", "/cases/")
    log_in(reviewer_page, base, desk.reviewer.username, "/cases/")

    officer.act(case, "提交法制审核", "2026-10-14")

    # The reviewer works from his queue: the case, its round, its clause and the review's last day.
    reviewer.on("2026-10-15")
    reviewer_page.get_by_role("link", name="法制审核", exact=True).click()
    row = reviewer_page.locator("#review-queue tbody tr", has_text="滥伐林木")
    expect(row).to_contain_text("第1轮 · 2026-10-14 提交")
    expect(row).to_contain_text("对公民处10,000元以上罚款")
    expect(row).to_contain_text("2026-10-21")
    row.get_by_role("link", name="退回").click()
    reviewer_page.locator("#id_on_date").fill("2026-10-15")
    reviewer_page.get_by_label("审核结论").select_option("return")
    for key, label in major.CHECKLIST:
        if key != "evidence":
            reviewer_page.locator("#id_checked").get_by_label(label).check()
    reviewer_page.locator("#id_problems").fill("缺少林木蓄积的鉴定意见")
    reviewer_page.locator("#id_opinion").fill("退回补充调查：请补充鉴定意见")
    reviewer.submit("法制审核退回")

    # The handler reads the opinion on the case page, reports again with the appraisal and resubmits.
    officer.on("2026-10-16")
    page.goto(f"{base}/cases/{case}/")
    expect(page.locator("#case-review")).to_contain_text("缺少林木蓄积的鉴定意见")
    expect(page.locator("#case-review")).to_contain_text("证据确凿、充分")
    page.locator("#case-actions").get_by_role("link", name="调查终结报告", exact=True).click()
    page.locator("#id_on_date").fill("2026-10-16")
    # The report after a return starts empty (ReportForm is prefilled only for a revised proposal): typed again.
    page.locator("#id_facts_found").fill("张某滥伐林木2株，经鉴定蓄积3立方米")
    page.get_by_label("违反的法律规定").fill("森林法 第七十六条")
    page.get_by_label("处罚依据").fill("森林法 第七十六条")
    page.locator("#id_penalty_kinds").get_by_label("罚款", exact=True).check()
    page.get_by_label("罚款金额（元）").fill("10000")
    page.get_by_label("拟处罚内容").fill("罚款一万元")
    page.locator("#id_discretion_reasons").fill("情节轻微，按裁量基准下限处罚")
    officer.submit("调查终结报告")
    officer.act(case, "提交法制审核", "2026-10-16")

    # The second round shows what changed; the reviewer passes it.
    reviewer.on("2026-10-19")
    reviewer_page.goto(f"{base}/cases/reviews/")
    row = reviewer_page.locator("#review-queue tbody tr", has_text="滥伐林木")
    expect(row).to_contain_text("第2轮 · 2026-10-16 提交")
    row.get_by_role("link", name="审核通过").click()
    expect(reviewer_page.locator("#review-rounds mark")).to_have_text("违法事实")
    expect(reviewer_page.locator("#review-rounds")).to_contain_text("经鉴定蓄积3立方米")
    reviewer_page.locator("#id_on_date").fill("2026-10-19")
    reviewer_page.get_by_label("审核结论").select_option("approve")
    for _key, label in major.CHECKLIST:
        reviewer_page.locator("#id_checked").get_by_label(label).check()
    reviewer_page.locator("#id_opinion").fill("补充的鉴定意见证明了违法事实，同意")
    reviewer.submit("法制审核通过")
    reviewer_page.goto(f"{base}/cases/reviews/")
    expect(reviewer_page.locator("#review-queue")).to_contain_text("没有待审核的案件")
    expect(reviewer_page.locator("#review-recent tbody tr")).to_have_count(2)

    assert Case.objects.get(pk=case).state == State.APPROVING
    reviewer_page.close()  # before the live server stops, so that no request thread outlives the test
