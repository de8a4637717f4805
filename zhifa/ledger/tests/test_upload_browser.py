"""Evidence upload in a real browser: the page hashes the file, shows progress, and the form records it."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from zhifa.core.models import User
from zhifa.core.services import needs_two_factor
from zhifa.ledger.models import Entry
from zhifa.testing.factories import PASSWORD
from zhifa.testing.two_factor import authenticator, code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str, then: str) -> None:
    page.goto(f"{base}/accounts/login/?next={then}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    user = User.objects.get(username=username)
    device = authenticator(user) if needs_two_factor(user) else None  # enrolled before, as in real life
    page.get_by_role("button", name="登录").click()
    if device is not None:  # the system administrator: his code after the password
        page.wait_for_url(f"{base}/accounts/two-factor/**")
        page.get_by_label("动态验证码").fill(code(device))
        page.get_by_role("button", name="验证").click()
    page.wait_for_url(f"{base}{then}")


def suspend_page(world) -> str:
    return f"/certificates/{world.officer.certificates.get().pk}/suspend/"


def test_the_pages_sha256_agrees_with_python(page: Page, live_server, world, evidence):
    log_in(page, live_server.url, "admin", suspend_page(world))
    # Lengths around the 64-byte block and the padding boundary, and one across the 4 MiB reading slices.
    for length in (0, 1, 55, 56, 63, 64, 65, 1000, 4 * 1024 * 1024 + 17):
        data = bytes((i * 31 + 7) % 251 for i in range(length))
        in_page = page.evaluate(
            """async (length) => {
                const data = new Uint8Array(length);
                for (let i = 0; i < length; i++) data[i] = (i * 31 + 7) % 251;
                const hash = new window.ZhifaSha256();
                hash.update(data.subarray(0, Math.floor(length / 3)));
                hash.update(data.subarray(Math.floor(length / 3)));
                return hash.hex();
            }""",
            length,
        )
        assert in_page == hashlib.sha256(data).hexdigest(), length


def test_upload_a_file_and_record_it_with_the_suspension(page: Page, live_server, world, evidence, tmp_path: Path):
    video = tmp_path / "现场录像.mp4"
    video.write_bytes(os.urandom(6 * 1024 * 1024 + 123))
    digest = hashlib.sha256(video.read_bytes()).hexdigest()
    log_in(page, live_server.url, "admin", suspend_page(world))

    page.get_by_label("原因").fill("停职调查期间暂扣")
    expect(page.locator(".evidence-upload[data-ready]")).to_have_count(1)
    page.get_by_label("证据文件").set_input_files(str(video))
    item = page.locator(".evidence-upload .upload")
    expect(item).to_have_class("upload done", timeout=30_000)
    expect(item).to_contain_text("已上传并核对一致")
    expect(item).to_contain_text(digest)
    page.get_by_role("button", name="提交").click()

    expect(page.locator(".messages")).to_contain_text("暂扣证件已办理")
    expect(page.locator("#ledger-entries")).to_contain_text("暂扣执法证件")
    link = page.locator(f"#ledger-entries a[href='/evidence/{digest}']")
    expect(link).to_be_visible()
    assert Entry.objects.get(action="certificate.suspended").files == [digest]


def test_a_file_changed_on_the_way_is_refused_on_the_page(page: Page, live_server, world, evidence, tmp_path: Path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(os.urandom(200_000))

    def damage(route: Route) -> None:
        # A proxy on the way changes a byte of the file's pieces (sent resumably, tus PATCH), as if in transit.
        body = route.request.post_data_buffer
        if route.request.method != "PATCH" or not body:
            route.continue_()
            return
        route.continue_(post_data=bytes([body[0] ^ 0xFF]) + body[1:])

    page.route("**/evidence/resumable/**", damage)
    log_in(page, live_server.url, "admin", suspend_page(world))
    expect(page.locator(".evidence-upload[data-ready]")).to_have_count(1)
    page.get_by_label("证据文件").set_input_files(str(photo))
    item = page.locator(".evidence-upload .upload")
    expect(item).to_have_class("upload failed", timeout=30_000)
    expect(item).to_contain_text("上传失败")
    expect(item).to_contain_text("不一致")
    expect(page.locator(".evidence-upload input[type=hidden]")).to_have_count(0)


def test_a_file_picked_before_the_script_arrives_is_still_sent(page: Page, live_server, world, evidence, tmp_path):
    # On a slow link the officer may pick the file before upload.js has loaded; the widget takes it when it runs.
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(os.urandom(50_000))
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    page.route("**/upload*.js", lambda route: route.abort())
    log_in(page, live_server.url, "admin", suspend_page(world))
    page.get_by_label("证据文件").set_input_files(str(photo))
    expect(page.locator(".evidence-upload .upload")).to_have_count(0)  # nothing has run yet

    page.unroute("**/upload*.js")
    src = page.locator("script[src*='upload']").get_attribute("src")
    assert src is not None
    page.add_script_tag(url=src)
    item = page.locator(".evidence-upload .upload")
    expect(item).to_have_class("upload done", timeout=30_000)
    expect(item).to_contain_text(digest)
