"""Evidence upload and download through the pages: the server checks the browser's hash and the reader's scope."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import tracemalloc
import urllib.parse
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.ledger import blobs
from zhifa.ledger.models import Blob, Entry, Upload
from zhifa.personnel.models import Certificate
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db


def signed_in(username: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(User.objects.get(username=username))
    return client


def post_file(client: Client, data: bytes, sha256: str | None, name: str = "photo.jpg"):
    payload: dict[str, object] = {"file": SimpleUploadedFile(name, data, content_type="image/jpeg")}
    if sha256 is not None:
        payload["sha256"] = sha256
    return client.post("/evidence/upload", payload)


def test_an_upload_with_the_right_hash_is_stored(world, evidence):
    data = os.urandom(300_000)
    digest = hashlib.sha256(data).hexdigest()
    response = post_file(signed_in("officer"), data, digest.upper())
    assert response.status_code == 200, response.content
    assert response.json() == {"sha256": digest, "size": len(data), "content_type": "image/jpeg", "name": "photo.jpg"}
    assert (evidence / blobs.name_of(digest)).read_bytes() == data


def test_an_upload_whose_bytes_differ_from_the_browsers_hash_is_refused(world, evidence):
    data = b"a photo damaged on the way"
    response = post_file(signed_in("officer"), data, hashlib.sha256(b"the photo as taken").hexdigest())
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "file"
    assert "SHA-256" in body["error"]
    assert "不一致" in body["error"]
    assert not Blob.objects.exists()
    assert not Upload.objects.exists()
    assert not any(path.is_file() for path in evidence.rglob("*")) if evidence.exists() else True


@pytest.mark.parametrize(
    ("sha256", "field", "words"),
    [(None, "sha256", "浏览器未提交"), ("1234", "sha256", "64位十六进制")],
)
def test_an_upload_without_a_usable_hash_is_refused_by_field(world, evidence, sha256, field, words):
    response = post_file(signed_in("officer"), b"bytes", sha256)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert words in response.json()["error"]
    assert not Blob.objects.exists()


def test_an_upload_needs_a_file(world, evidence):
    response = signed_in("officer").post("/evidence/upload", {"sha256": "0" * 64})
    assert response.status_code == 400
    assert response.json()["field"] == "file"


def test_who_may_upload(world, evidence):
    data = b"x"
    digest = hashlib.sha256(data).hexdigest()
    assert Client().post("/evidence/upload", {"sha256": digest}).status_code == 302  # to the login page
    make_user("reader", world.bureau, Role.AUDITOR)
    assert post_file(signed_in("reader"), data, digest).status_code == 403
    # The form's CSRF token is required like on every other form.
    refused = post_file(signed_in("officer", enforce_csrf_checks=True), data, digest)
    assert refused.status_code == 403
    assert not Blob.objects.exists()


def test_a_download_is_checked_and_scoped(world, evidence):
    data = b"%PDF-1.4 decision to suspend"
    blob = blobs.store([data], content_type="application/pdf")
    certificate = world.officer.certificates.get()
    from zhifa.personnel import services
    from zhifa.testing.factories import TODAY

    services.certificate_suspend(
        actor=world.admin, certificate=certificate, on_date=TODAY, reason="调查", files=[blob.sha256]
    )
    response = signed_in("admin").get(f"/evidence/{blob.sha256}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    # An administrator of another agency does not see the branch's evidence.
    assert signed_in("outsider").get(f"/evidence/{blob.sha256}").status_code == 403
    assert signed_in("admin").get(f"/evidence/{'0' * 64}").status_code == 404

    (evidence / blobs.name_of(blob.sha256)).write_bytes(b"%PDF-1.4 decision to reinstate")
    damaged = signed_in("admin").get(f"/evidence/{blob.sha256}")
    assert damaged.status_code == 409
    assert "已损坏" in damaged.content.decode()


def test_a_stored_html_file_is_never_served_as_a_page(world, evidence):
    blob = blobs.store([b"<script>alert(1)</script>"], content_type="text/html")
    response = signed_in("admin").get(f"/evidence/{blob.sha256}")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_certificate_form_records_the_uploaded_files(world, evidence):
    blob = blobs.store([b"\x89PNG notice of suspension"], content_type="image/png")
    certificate = world.officer.certificates.get()
    client = signed_in("admin")
    page = client.get(f"/certificates/{certificate.pk}/suspend/")
    assert b"upload.js" in page.content
    assert b"evidence-upload" in page.content
    response = client.post(
        f"/certificates/{certificate.pk}/suspend/",
        {"on_date": "2026-11-20", "reason": "调查期间暂扣", "evidence": [blob.sha256.upper()]},
    )
    assert response.status_code == 302, response.content.decode()
    entry = Entry.objects.filter(action="certificate.suspended").get()
    assert entry.files == [blob.sha256]
    detail = client.get(response["Location"]).content.decode()
    assert f"/evidence/{blob.sha256}" in detail


def test_the_certificate_form_refuses_a_file_not_yet_uploaded(world, evidence):
    certificate = world.officer.certificates.get()
    before = Entry.objects.count()
    response = signed_in("admin").post(
        f"/certificates/{certificate.pk}/suspend/",
        {"on_date": "2026-11-20", "reason": "调查期间暂扣", "evidence": ["ab" * 32]},
    )
    assert response.status_code == 200
    assert "尚未上传完成" in response.content.decode()
    assert Entry.objects.count() == before
    assert Certificate.objects.get(pk=certificate.pk).status == certificate.status


@pytest.mark.django_db(transaction=True)
def test_a_large_upload_streams_through_the_server_in_bounded_memory(world, evidence, live_server):
    """96 MiB posted to the running server: hashed as it arrives, spooled to disk, never held in memory."""
    client = signed_in("officer")
    session = client.cookies["sessionid"].value
    csrf = Client().get("/accounts/login/").cookies["csrftoken"].value
    chunk = os.urandom(1024 * 1024)
    count = 96
    expected = hashlib.sha256()
    for _ in range(count):
        expected.update(chunk)
    boundary = "zhifa-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="sha256"\r\n\r\n{expected.hexdigest()}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="video.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(count):
            yield chunk
        yield tail

    url = urllib.parse.urlsplit(live_server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    tracemalloc.start()
    try:
        connection.request(
            "POST",
            "/evidence/upload",
            body=body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(len(head) + count * len(chunk) + len(tail)),
                "Cookie": f"sessionid={session}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Referer": live_server.url,
            },
        )
        response = connection.getresponse()
        answer = json.loads(response.read())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        connection.close()
    assert response.status == 200, answer
    assert answer["sha256"] == expected.hexdigest()
    assert answer["size"] == count * len(chunk)
    assert blobs.verify(answer["sha256"]) is None
    assert peak < 24 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB for a {count} MiB upload"
    assert re.fullmatch(r"[0-9a-f]{64}", answer["sha256"])
