"""The publication pages: the officer confirms the masking on the page, the public reads and searches."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from zhifa.complaints.tests.conftest import solve
from zhifa.publicity import services
from zhifa.publicity.choices import PublicationState
from zhifa.publicity.models import CreditRepair, Publication
from zhifa.publicity.tests.conftest import ID
from zhifa.publicity.tests.conftest import decision_entry as _entry
from zhifa.testing.factories import at, id_number

# Each test sets its own clock (the fixture decides on 2026-09-25): a moved test clock changes nothing here.
pytestmark = [pytest.mark.django_db, pytest.mark.dateless]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_officer_previews_then_publishes_and_the_public_reads_it_masked(decided, world, time_machine):
    time_machine.move_to(at(date(2026, 9, 28)))
    officer = _client(decided.officer)
    url = f"/publicity/cases/{decided.case.pk}/{_entry(decided)}/"
    page = officer.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "必须遮盖" in text
    assert "应于 2026-10-" in text  # the due date, past National Day
    chosen = {"term": ["张三丰", ID], "extra": "二号林班", "credit_class": "general"}
    preview = officer.post(url, {**chosen, "preview": "1"})
    assert preview.status_code == 200
    assert "在[不予公开]滥伐" in preview.content.decode()  # 二号林班, marked by the officer, masked in the preview
    assert not Publication.objects.exists()
    done = officer.post(url, {**chosen, "publish": "1"})
    publication = Publication.objects.get()
    assert done.status_code == 302
    assert publication.state == PublicationState.PUBLISHED

    public = Client()
    listing = public.get("/public/decisions/", {"q": "滥伐"})
    assert listing.status_code == 200
    assert f"/public/decisions/{publication.pk}/" in listing.content.decode()
    detail = public.get(f"/public/decisions/{publication.pk}/").content.decode()
    assert "张**" in detail
    assert "张三丰" not in detail
    assert ID not in detail
    assert "二号林班" not in detail
    pdf = public.get(f"/public/decisions/{publication.pk}/document.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    # The check page names the public copy, with its three ways in (a file, a hash, a QR code) below the answer.
    check = public.get("/public/check/", {"sha256": publication.published_sha256}).content.decode()
    assert "公开版（已作脱敏处理）" in check
    assert check.index('id="answer"') < check.index('name="sha256"') < check.index("三、扫描二维码")
    assert 'id="id_file"' in check
    assert f"/public/decisions/{publication.pk}/" in public.get("/").content.decode()  # the home's newest
    sitemap = public.get("/sitemap.xml").content.decode()
    assert f"/public/decisions/{publication.pk}/</loc>" in sitemap
    nothing = public.get("/public/decisions/", {"q": "不存在的词语组合"}).content.decode()
    assert f"/public/decisions/{publication.pk}/" not in nothing


def test_an_outsider_cannot_open_the_confirmation_nor_publish(decided, world):
    outsider = _client(world.outsider)
    url = f"/publicity/cases/{decided.case.pk}/{_entry(decided)}/"
    assert outsider.get(url).status_code == 404
    assert outsider.post(url, {"credit_class": "general", "publish": "1"}).status_code == 404
    assert not Publication.objects.exists()


def test_withholding_and_withdrawing_on_the_pages(decided, world, time_machine):
    officer = _client(decided.officer)
    url = f"/publicity/cases/{decided.case.pk}/{_entry(decided)}/withhold/"
    refused = officer.post(url, {"withhold-reason": "security", "withhold-note": ""})
    assert refused.status_code == 400
    assert not Publication.objects.exists()
    officer.post(url, {"withhold-reason": "security", "withhold-note": "涉及正在侦办的关联刑事案件"})
    withheld = Publication.objects.get()
    desk = _client(world.supervisor).get("/publicity/").content.decode()
    assert "涉及正在侦办的关联刑事案件" in desk
    assert Client().get(f"/public/decisions/{withheld.pk}/").status_code == 404


def _challenge(page: str) -> tuple[str, str]:
    question = re.search(r'id="challenge-question">([^<]+)<', page)
    token = re.search(r'name="challenge_token" value="([^"]+)"', page)
    assert question is not None
    assert token is not None
    return token[1], solve(question[1])


def test_only_the_party_applies_for_a_repair_past_a_human_check(decided, world, time_machine):
    publication = services.publication_publish(
        actor=decided.officer, case=decided.case, decision_entry=_entry(decided), confirmed=[]
    )
    time_machine.move_to(at(date(2027, 1, 4)))
    visitor = Client()
    url = f"/public/decisions/{publication.pk}/repair/"
    application = {"applicant": "张三丰", "contact": "13800138000", "statement": "罚款已缴清", "identity": ID}
    token, answer = _challenge(visitor.get(url).content.decode())
    wrong = visitor.post(url, {**application, "challenge_token": token, "challenge_answer": str(int(answer) + 1)})
    assert wrong.status_code == 400
    token, answer = _challenge(wrong.content.decode())
    stranger = visitor.post(
        url, {**application, "identity": id_number(), "challenge_token": token, "challenge_answer": answer}
    )
    assert "与处罚决定的当事人不符" in stranger.content.decode()
    token, answer = _challenge(stranger.content.decode())
    filed = visitor.post(url, {**application, "challenge_token": token, "challenge_answer": answer})
    assert filed.status_code == 200
    assert CreditRepair.objects.get().publication == publication
    # The system administrator reads no case file, so neither the publication nor the repair (三员分立).
    admin = _client(world.admin)
    assert admin.get(f"/publicity/{publication.pk}/").status_code == 404
    assert admin.get(f"/publicity/repairs/{CreditRepair.objects.get().pk}/").status_code == 404
    assert admin.get("/publicity/").status_code == 403


def test_a_search_with_a_bad_page_or_an_unknown_agency_keeps_its_words(decided):
    services.publication_publish(actor=decided.officer, case=decided.case, decision_entry=_entry(decided), confirmed=[])
    public = Client()
    assert "共 1 条" in public.get("/public/decisions/", {"q": "滥伐", "page": "abc"}).content.decode()
    assert "共 0 条" in public.get("/public/decisions/", {"q": "滥伐", "agency": "999999"}).content.decode()
    number = Publication.objects.get().number
    assert "共 1 条" in public.get("/public/decisions/", {"q": number}).content.decode()
    assert "共 1 条" in public.get("/public/decisions/", {"q": "森林法"}).content.decode()
