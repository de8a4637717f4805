"""Evidence upload limits: a maximum size per file and a quota per agency of unattached uploads, refused
while the body streams in (HTTP 413, a Chinese message naming the limit), through the page and the API."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from zhifa.api.models import ApiToken
from zhifa.core.models import User
from zhifa.ledger import blobs
from zhifa.ledger.models import Blob, Upload
from zhifa.ledger.uploads import MIB, UploadRefused
from zhifa.personnel import services
from zhifa.testing.factories import TODAY

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def post_file(client: Client, data: bytes, url: str = "/evidence/upload"):
    payload = {
        "file": SimpleUploadedFile("video.mp4", data, content_type="video/mp4"),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return client.post(url, payload)


def test_a_file_over_the_size_limit_is_refused_as_it_streams(world, evidence, settings):
    settings.EVIDENCE_MAX_BYTES = 1 * MIB
    # Just over the limit: the declared length passes the first check, the count of arriving bytes stops it.
    response = post_file(signed_in("officer"), os.urandom(MIB + 10_000))
    assert response.status_code == 413
    assert response.json()["field"] == "file"
    assert "单个文件不得超过 1 MB" in response.json()["error"]
    assert not Blob.objects.exists()
    assert not Upload.objects.exists()
    assert not any(path.is_file() for path in (evidence.parent / "spool").rglob("*"))
    assert post_file(signed_in("officer"), os.urandom(MIB - 10_000)).status_code == 200


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(world, settings):
    settings.EVIDENCE_MAX_BYTES = 1 * MIB
    request = RequestFactory().post("/evidence/upload")
    handler = blobs.HashingUploadHandler(request)

    class Unread:
        def read(self, *args: object) -> bytes:
            raise AssertionError("the body was read")

    with pytest.raises(UploadRefused, match="1 MB"):
        handler.handle_raw_input(Unread(), {}, 3 * MIB, b"boundary")


def test_an_agency_over_its_quota_of_unattached_uploads_is_refused(world, evidence, settings):
    settings.EVIDENCE_QUOTA_BYTES = 1 * MIB
    officer = signed_in("officer")
    first = os.urandom(600_000)
    assert post_file(officer, first).status_code == 200
    refused = post_file(officer, os.urandom(600_000))
    assert refused.status_code == 413
    assert "超过限额 1 MB" in refused.json()["error"]
    assert Upload.objects.count() == 1
    # Another agency has its own quota.
    assert post_file(signed_in("outsider"), os.urandom(600_000)).status_code == 200
    # Once the first file is recorded by the officer's agency it no longer counts.
    certificate = world.officer.certificates.get()
    services.certificate_suspend(
        actor=world.supervisor,
        certificate=certificate,
        on_date=TODAY,
        reason="调查",
        files=[hashlib.sha256(first).hexdigest()],
    )
    assert post_file(officer, os.urandom(600_000)).status_code == 200


def test_the_api_refuses_an_oversized_file_with_413(world, evidence, settings):
    settings.EVIDENCE_MAX_BYTES = 1 * MIB
    _, secret = ApiToken.issue(world.officer.user, "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    data = os.urandom(MIB + 10_000)
    response = client.post(
        f"/api/v1/evidence?sha256={hashlib.sha256(data).hexdigest()}",
        {"file": SimpleUploadedFile("v.mp4", data, content_type="video/mp4")},
    )
    assert response.status_code == 413, response.content
    assert "单个文件不得超过 1 MB" in response.json()["message"]
    settings.EVIDENCE_QUOTA_BYTES = 1 * MIB
    small = os.urandom(700_000)
    assert (
        client.post(
            f"/api/v1/evidence?sha256={hashlib.sha256(small).hexdigest()}",
            {"file": SimpleUploadedFile("a.jpg", small, content_type="image/jpeg")},
        ).status_code
        == 201
    )
    again = os.urandom(700_000)
    over = client.post(
        f"/api/v1/evidence?sha256={hashlib.sha256(again).hexdigest()}",
        {"file": SimpleUploadedFile("b.jpg", again, content_type="image/jpeg")},
    )
    assert over.status_code == 413
    assert "限额 1 MB" in over.json()["message"]


def test_the_upload_widget_states_the_limit(world, evidence, settings):
    settings.EVIDENCE_MAX_BYTES = 5 * MIB
    certificate = world.officer.certificates.get()
    page = signed_in("admin").get(f"/certificates/{certificate.pk}/suspend/").content.decode()
    assert f'data-max-bytes="{5 * MIB}"' in page
    assert "单个文件不超过 5 MB" in page


def test_the_size_limit_is_a_413_where_the_csrf_check_reads_the_body_first(world, evidence, settings):
    # A browser's upload carries its CSRF token: the check reads the body before the view, and the refusal
    # must still be the 413 with its message, not a server error.
    settings.EVIDENCE_MAX_BYTES = 1 * MIB
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="officer"))
    token = client.get("/cases/").cookies["csrftoken"].value
    data = os.urandom(MIB + 10_000)
    payload = {
        "file": SimpleUploadedFile("video.mp4", data, content_type="video/mp4"),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    response = client.post("/evidence/upload", payload, headers={"X-CSRFToken": token})
    assert response.status_code == 413
    assert "单个文件不得超过 1 MB" in response.json()["error"]
    assert not Blob.objects.exists()
