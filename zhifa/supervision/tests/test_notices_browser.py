"""A supervisor's 意见书 on a case, the agency's correction report and its acceptance, in a real browser."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from zhifa.core.choices import Role
from zhifa.testing.factories import PASSWORD, at, make_user

from .test_notices import decided_case

pytestmark = [pytest.mark.browser, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _on_a_monday(time_machine):
    time_machine.move_to(at(date(2026, 11, 23)))


def log_in(page: Page, base: str, username: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={then}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_opinion_from_the_supervisor_to_the_accepted_correction(page: Page, live_server, world, evidence):
    case = decided_case(world, title="滥伐林木罚款畸重")
    make_user("approver", world.branch, Role.APPROVER)

    # From the overview (the 执法监督 item of the navigation) through its own navigation to the instruments.
    log_in(page, live_server.url, "supervisor", "/")
    page.locator(".mainnav").get_by_role("link", name="执法监督").click()
    page.locator(".subnav").get_by_role("link", name="监督文书").click()
    page.get_by_role("link", name="制作监督文书").click()
    page.get_by_label("文书种类").select_option(label="意见书")
    page.get_by_label("被监督机关").select_option(label="测试管理局甲分局")
    page.get_by_label("案件序号").fill(str(case.pk))
    page.get_by_label("发现的问题").fill("罚款数额明显高于裁量基准，且未说明理由")
    page.get_by_label("整改要求（当场纠正的，写纠正情况）").fill("重新审查裁量，依法纠正并报告")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#notice-state")).to_contain_text("草拟")
    page.get_by_label("整改报送期限").fill("2026-12-23")
    page.get_by_role("button", name="制作并发出").click()
    expect(page.locator("#notice-state")).to_contain_text("已发出，待整改")
    expect(page.get_by_role("heading", name="行政执法监督意见书")).to_contain_text("测试管监意字〔2026〕第1号")

    # The branch's approver finds it waiting on him and reports the correction.
    log_in(page, live_server.url, "approver", "/supervision/notices/?waiting=1")
    page.get_by_role("link", name="测试管监意字〔2026〕第1号").click()
    page.locator("#action-report summary").click()
    page.get_by_label("整改情况").fill("已撤销原决定，按裁量基准重新作出处罚决定")
    page.get_by_role("button", name="报送整改情况").click()
    expect(page.locator("#notice-state")).to_contain_text("已报送整改情况")

    # The supervisor accepts it.
    log_in(page, live_server.url, "supervisor", "/supervision/notices/?waiting=1")
    page.get_by_role("link", name="测试管监意字〔2026〕第1号").click()
    expect(page.locator("#notice-steps")).to_contain_text("已撤销原决定")
    page.get_by_label("审查结果").select_option(label="认可")
    page.get_by_role("button", name="审查整改情况").click()
    expect(page.locator("#notice-state")).to_contain_text("整改已认可")
