"""The officer's field visit on a phone (390 x 844): a photo by the camera button, two records, the team ticked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from zhifa.cases.models import CaseRecord
from zhifa.cases.tests.desk import Desk
from zhifa.ledger.tests.test_upload_browser import log_in
from zhifa.testing.factories import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.dateless  # it sets its own clock to the day of the visit
def test_an_officer_records_a_visit_on_his_phone(
    page: Page, live_server, world, evidence, tmp_path: Path, time_machine
):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    assert desk.case is not None
    case = desk.case.pk
    time_machine.move_to(at(date(2026, 10, 14), 9))
    photo = tmp_path / "现场照片.jpg"
    Image.new("RGB", (120, 90), (40, 120, 60)).save(photo, "JPEG", quality=80)
    size_kb = -(-photo.stat().st_size // 1024)

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "officer", f"/cases/{case}/actions/record_inspection/")
    # The case team is ticked already.
    officers = page.locator("#id_officers")
    expect(officers.get_by_label("甲执法")).to_be_checked()
    expect(officers.get_by_label("乙执法")).to_be_checked()
    page.locator("#id_place").fill("实验区二号林班")
    page.locator("#id_summary").fill("发现新伐桩12个")
    expect(page.locator(".evidence-upload[data-ready]")).to_have_count(1)
    camera = page.get_by_label("拍照", exact=True)
    assert camera.get_attribute("capture") == "environment"
    button = page.locator("label.picker-button").first
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a thumb's target
    camera.set_input_files(str(photo))
    item = page.locator(".evidence-upload .upload")
    expect(item).to_have_class("upload done", timeout=30_000)
    expect(item).to_contain_text(f"现场照片.jpg · {size_kb} KB")
    expect(item.locator("progress").last).to_have_attribute("value", "100")
    page.get_by_label("已音像记录，稍后上传").check()  # the body camera's video goes up from the office
    page.get_by_role("button", name="提交并记录").click()
    expect(page.locator(".messages")).to_contain_text("已")

    # The next record of the visit: the same officers, the photo offered and ticked.
    page.goto(f"{live_server.url}/cases/{case}/actions/record_interview/")
    expect(officers.get_by_label("甲执法")).to_be_checked()
    kept = page.locator(".evidence-upload .upload.kept")
    expect(kept).to_contain_text("现场照片.jpg")
    expect(kept.get_by_role("checkbox")).to_be_checked()
    page.locator("#id_interviewee").fill("张某")
    page.locator("#id_summary").fill("承认滥伐")
    page.get_by_label("未音像记录的理由").fill("询问笔录经被询问人核对签名")
    page.get_by_role("button", name="提交并记录").click()
    expect(page.locator(".messages")).to_contain_text("已")
    records = CaseRecord.objects.filter(case_id=case, on_date=date(2026, 10, 14)).order_by("entry_index")
    assert [record.action for record in records] == ["record_inspection", "record_interview"]
    assert records[0].files == records[1].files
    assert records[1].data["file_names"] == {records[0].files[0]: "现场照片.jpg"}

    # The case page shows the photo as a thumbnail with its name, not its hash.
    page.goto(f"{live_server.url}/cases/{case}/")
    thumbnail = page.locator("#case-records img[alt='现场照片.jpg']").first
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_be_visible()
    assert thumbnail.get_attribute("loading") == "lazy"
    # The thumbnail's address serves the photo itself, inline (fetched once here: the test server's in-memory
    # SQLite refuses the concurrent session writes of several lazy images at once).
    src = thumbnail.get_attribute("src")
    assert src is not None
    served = page.request.get(f"{live_server.url}{src}")
    assert served.status == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.body() == photo.read_bytes()
    expect(page.locator("#case-records")).to_contain_text("现场照片.jpg")
