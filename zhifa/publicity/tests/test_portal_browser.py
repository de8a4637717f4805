"""A visitor searches the published decisions in a real browser, reads one masked, and checks an officer's
certificate by its number, on a phone-sized screen."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from zhifa.personnel.public import certificate_answer
from zhifa.publicity import services
from zhifa.publicity.tests.conftest import decision_entry
from zhifa.testing.axe import serious_violations
from zhifa.testing.factories import TODAY, at

pytestmark = [pytest.mark.browser, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]


def test_a_visitor_searches_reads_a_masked_decision_and_checks_a_certificate(
    page: Page, live_server, decided, world, time_machine
):
    time_machine.move_to(at(date(2026, 9, 28)))
    publication = services.publication_publish(
        actor=decided.officer, case=decided.case, decision_entry=decision_entry(decided), confirmed=[]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/decisions/")
    page.get_by_label("关键词").fill("滥伐 林木")
    page.get_by_role("button", name="检索").click()
    expect(page.locator("#result-count")).to_contain_text("共 1 条")
    page.locator("#decisions").get_by_role("link").first.click()
    decision = page.locator("#decision")
    expect(decision).to_contain_text("张**")
    expect(decision).not_to_contain_text("张三丰")
    expect(decision).to_contain_text(publication.number)
    expect(page.get_by_role("link", name="决定书（公开版，已作脱敏处理，PDF）")).to_be_visible()
    assert serious_violations(page) == []  # WCAG 2.1 AA, as the portal's other pages
    # During enforcement: the officer's certificate, typed as it is printed.
    time_machine.move_to(at(TODAY))  # the world's certificates are valid around the test day
    number = next(c.number for c in world.officer.certificates.all() if certificate_answer(c.number, TODAY).valid)
    page.goto(f"{live_server.url}/public/certificates/")
    page.get_by_label("证件编号").fill(number)
    page.get_by_role("button", name="查验").click()
    expect(page.locator("#certificate-answer")).to_contain_text("证件有效")
