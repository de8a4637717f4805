"""A visit in the browser, from the code scanned at the door to the published result: the business confirms on
its own phone, the officer records the visit with a photo, the result, tells and publishes it; the portal lists
it; the business then objects from its code and the head answers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from zhifa.core.choices import Role
from zhifa.inspections import services
from zhifa.inspections.choices import Cause, InspectionState, Outcome, Source
from zhifa.inspections.models import Inspection
from zhifa.ledger.tests.test_upload_browser import log_in
from zhifa.testing.factories import TODAY, at, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.dateless  # it sets its own clock to the day of the visit
def test_a_visit_from_the_scan_at_the_door_to_the_published_result(
    page: Page, browser: Browser, live_server: Any, ground: Any, evidence: Path, tmp_path: Path, time_machine: Any
) -> None:
    world = ground.world
    inspection = services.inspection_create(
        actor=world.officer_user,
        agency=world.branch,
        target=ground.target,
        source=Source.FOR_CAUSE,
        cause=Cause.MONITORING,
        reason="在线监测显示夜间加工",
        item_codes=["JCX-001"],
        officers=[world.officer, world.colleague],
        planned_on=TODAY,
    )
    token = services.inspection_issue_code(actor=world.officer_user, inspection=inspection).code_token
    make_user("branch_head", world.branch, Role.APPROVER)
    time_machine.move_to(at(TODAY, 9))

    # The business, on its own phone, confirms the officers at the door.
    business = browser.new_page(viewport={"width": 390, "height": 844})
    business.goto(f"{live_server.url}/public/inspections/code/{token}/")
    business.get_by_role("button", name="确认检查人员已到场").click()
    expect(business.locator("[role=status]")).to_contain_text("已确认")

    # The officer records the visit with a photo, then the result, tells it on the spot and publishes it.
    time_machine.move_to(at(TODAY, 12))
    photo = tmp_path / "车间.jpg"
    Image.new("RGB", (80, 60), (90, 60, 30)).save(photo, "JPEG")
    log_in(page, live_server.url, "officer", f"/inspections/{inspection.pk}/")
    form = page.locator("#action-visit")
    form.get_by_label("现场检查开始时间").fill("09:10")
    form.get_by_label("现场检查结束时间").fill("10:40")
    form.get_by_label("企业在场人员").fill("赵某（厂长）")
    form.get_by_label("现场检查情况").fill("木材进出库台账齐全，与在线监测记录一致")
    expect(form.locator(".evidence-upload[data-ready]")).to_have_count(1)
    form.locator("input[type=file]").first.set_input_files(str(photo))
    expect(form.locator(".evidence-upload .upload")).to_have_class("upload done", timeout=30_000)
    form.get_by_role("button", name="记录现场检查笔录").click()
    expect(page.locator("#inspection-record")).to_contain_text("赵某（厂长）")
    expect(page.locator("#inspection-record a", has_text="车间.jpg")).to_have_count(1)

    result = page.locator("#action-result")
    result.get_by_label(str(Outcome.NO_PROBLEM.label)).check()
    result.get_by_role("button", name="记录检查结果").click()
    expect(page.locator("#inspection-result")).to_contain_text("应于")
    page.locator("#action-tell").get_by_label("告知方式").select_option("on_the_spot")
    page.locator("#action-tell").get_by_role("button").click()
    page.locator("#action-publish").get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("已公开")
    assert Inspection.objects.get(pk=inspection.pk).state == InspectionState.PUBLISHED

    # The portal lists the result, without the reason.
    business.goto(f"{live_server.url}/public/inspections/results/?q={ground.target.credit_code}")
    row = business.locator("#results tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(Outcome.NO_PROBLEM.label))
    expect(business.locator("body")).not_to_contain_text("夜间加工")

    # The business objects from its code; the branch's head sees it on the inspection's page and answers.
    business.goto(f"{live_server.url}/public/inspections/code/{token}/")
    business.locator("#objection summary").click()
    business.get_by_label("对检查结果有异议").check()
    business.get_by_label("事实和理由").fill("检查时间超过两小时，影响生产")
    business.get_by_role("button", name="提交").click()
    expect(business.locator("#objection-filed")).to_contain_text(str(TODAY + timedelta(days=1))[:4])
    page.context.clear_cookies()
    log_in(page, live_server.url, "branch_head", f"/inspections/{inspection.pk}/")
    objections = page.locator("#inspection-objections")
    objections.get_by_label("答复内容").fill("检查时长符合规定，已向企业说明")
    objections.get_by_role("button", name="答复").click()
    expect(page.locator("#inspection-objections")).to_contain_text("已向企业说明")
