"""The case file's page and API: 200 for the case's officer, 404 for an outsider; downloads recorded."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.ledger.models import Entry
from zhifa.testing.factories import make_user

# Each test sets its own day (conftest._on_the_test_day): a moved clock would run the same test again.
pytestmark = [pytest.mark.django_db, pytest.mark.dateless]


def test_the_binder_page_for_the_officer_and_404_for_an_outsider(archived, desk, world, client):
    client.force_login(desk.officer)
    page = client.get(f"/cases/{archived.pk}/binder/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "卷内目录" in text
    assert "定期30年" in text
    assert "download-binder-pdf" in text
    assert f"/cases/{archived.pk}/binder/" in client.get(f"/cases/{archived.pk}/").content.decode()
    outsider = make_user("officer-elsewhere", world.elsewhere, "officer")
    client.force_login(outsider)
    assert client.get(f"/cases/{archived.pk}/binder/").status_code == 404
    assert client.post(f"/cases/{archived.pk}/binder/pdf/").status_code == 404
    assert not Entry.objects.filter(action="archives.export").exists()


def test_downloads_from_the_page_are_recorded_and_listed(archived, desk, client):
    client.force_login(desk.officer)
    answer = client.post(f"/cases/{archived.pk}/binder/pdf/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    answer = client.post(f"/cases/{archived.pk}/binder/folder/")
    assert answer["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content))).testzip() is None
    assert Entry.objects.filter(action="archives.export").count() == 2
    page = client.get(f"/cases/{archived.pk}/binder/").content.decode()
    assert "PDF 案卷" in page
    assert "归档文件夹" in page


def test_a_case_not_yet_archived_shows_its_catalogue_and_exports_nothing(desk, client):
    case = desk.lead(desk.today)
    client.force_login(desk.officer)
    page = client.get(f"/cases/{case.pk}/binder/").content.decode()
    assert "binder-not-archived" in page
    answer = client.post(f"/cases/{case.pk}/binder/pdf/")
    assert answer.status_code == 302
    assert not Entry.objects.filter(action="archives.export").exists()


def test_the_api_gives_the_catalogue_and_the_downloads(archived, desk, world):
    _, secret = ApiToken.issue(desk.officer, "测试")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    catalogue = api.get(f"/api/v1/cases/{archived.pk}/binder").json()
    assert catalogue["retention"]["period"] == "定期30年"
    assert [item["number"] for item in catalogue["items"]] == list(range(1, len(catalogue["items"]) + 1))
    answer = api.post(f"/api/v1/cases/{archived.pk}/binder/pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    answer = api.post(f"/api/v1/cases/{archived.pk}/binder/folder")
    assert answer["Content-Type"] == "application/zip"
    assert Entry.objects.filter(action="archives.export").count() == 2
    _, other = ApiToken.issue(make_user("officer-elsewhere", world.elsewhere, "officer"), "外")
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert outsider.get(f"/api/v1/cases/{archived.pk}/binder").status_code == 404
    assert outsider.post(f"/api/v1/cases/{archived.pk}/binder/pdf").status_code == 404
