"""Under the Content-Security-Policy the pages still work in a real browser: no violation is reported, the
language menu (static/zhifa/app.js) still switches on change, and the API's docs page still draws."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from zhifa.ledger.tests.test_upload_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_work_under_the_csp(page: Page, live_server, world, evidence):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    base = live_server.url
    log_in(page, base, "admin", "/")
    certificate = world.officer.certificates.get()
    for path in ["/", "/cases/", "/officers/", f"/certificates/{certificate.pk}/suspend/"]:
        page.goto(f"{base}{path}")
    expect(page.locator(".evidence-upload")).to_be_visible()
    page.locator("select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{base}/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=15_000)
    assert violations == []
