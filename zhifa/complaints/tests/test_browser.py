"""A complaint from the public form to the answer the complainant reads, in a real browser."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from zhifa.testing.factories import PASSWORD, at

from .conftest import solve

pytestmark = [pytest.mark.browser, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _on_a_monday(time_machine):
    time_machine.move_to(at(date(2026, 11, 23)))


def test_a_complaint_from_filing_to_answer(page: Page, live_server, places):
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone
    page.goto(f"{live_server.url}/public/complaints/")
    page.get_by_role("radio", name="举报", exact=True).check()
    page.get_by_label("执法领域").select_option(label="林业和草原")
    page.get_by_label("发生地（区县或地名）").fill("新城区")
    page.get_by_label("被投诉举报的单位或个人").fill("某木材加工厂")
    page.get_by_label("事实和理由").fill("夜间有人在林区砍树，运到木材加工厂。")
    page.get_by_label("您的姓名").fill("王举报")
    page.get_by_label("您的手机号码").fill("13912345678")
    page.get_by_label("验证问题").fill(solve(page.locator("#challenge-question").inner_text()))
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="已提交")).to_be_visible()
    number = page.locator("#filed-number").inner_text()
    code = page.locator("#filed-code").inner_text()
    expect(page.locator("main")).to_contain_text("已转交 测试管理局甲分局")

    # The branch's officer accepts and answers.
    page.goto(f"{live_server.url}/accounts/login/?next=/complaints/")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#complaint-list")).to_contain_text("受理期限 2026-12-02")
    page.get_by_role("link", name=number).click()
    expect(page.locator("#complainant")).to_contain_text("13912345678")
    page.get_by_role("button", name="受理").click()
    expect(page.locator("#complaint-state")).to_contain_text("已受理")
    page.get_by_label("答复内容").fill("经现场核查，已责令该厂停止收购来源不明的木材，并立案调查。")
    page.get_by_role("button", name="答复办理结果").click()
    expect(page.locator("#complaint-state")).to_contain_text("已答复")
    page.context.clear_cookies()

    # The complainant reads the answer.
    page.goto(f"{live_server.url}/public/complaints/track/")
    page.get_by_label("投诉举报编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#track-state")).to_contain_text("已答复")
    expect(page.locator("#track-answer-text")).to_contain_text("已责令该厂停止收购来源不明的木材")
    expect(page.locator("#track-answer")).not_to_contain_text("王举报")
