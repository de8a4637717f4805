"""Resumable evidence uploads (tus 1.0.0): a dropped connection costs only the piece in flight."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from zhifa.core.models import User
from zhifa.ledger import blobs, resumable
from zhifa.ledger.models import Blob, Upload

pytestmark = pytest.mark.django_db

TUS = {"Tus-Resumable": "1.0.0"}


def signed_in(username: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(User.objects.get(username=username))
    return client


def metadata(**values: str) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


def create(client: Client, data: bytes, *, sha256: str | None = None, name: str = "现场照片.jpg"):
    digest = sha256 or hashlib.sha256(data).hexdigest()
    return client.post(
        "/evidence/resumable/",
        headers={
            **TUS,
            "Upload-Length": str(len(data)),
            "Upload-Metadata": metadata(filename=name, filetype="image/jpeg", sha256=digest),
        },
    )


def patch(client: Client, url: str, piece: bytes, offset: int, csrf: dict[str, str] | None = None):
    return client.generic(
        "PATCH",
        url,
        piece,
        content_type="application/offset+octet-stream",
        headers={**TUS, "Upload-Offset": str(offset), **(csrf or {})},
    )


def test_an_upload_dropped_after_a_piece_resumes_from_the_offset_the_server_gives(world, evidence):
    data = os.urandom(700_000)
    digest = hashlib.sha256(data).hexdigest()
    officer = signed_in("officer", enforce_csrf_checks=True)
    officer.get("/")  # the CSRF cookie, as a page would have it
    token = {"X-CSRFToken": officer.cookies["csrftoken"].value}

    created = officer.post(
        "/evidence/resumable/",
        headers={
            **TUS,
            **token,
            "Upload-Length": str(len(data)),
            "Upload-Metadata": metadata(filename="现场照片.jpg", filetype="image/jpeg", sha256=digest),
        },
    )
    assert created.status_code == 201, created.content.decode()
    url = created["Location"]
    first = patch(officer, url, data[:250_000], 0, token)
    assert first.status_code == 204
    assert first["Upload-Offset"] == "250000"
    # The connection drops here. The phone comes back and asks where to go on.
    asked = officer.head(url, headers=TUS)
    assert asked.status_code == 200
    assert (asked["Upload-Offset"], asked["Upload-Length"]) == ("250000", str(len(data)))
    assert not Blob.objects.exists()

    rest = patch(officer, url, data[250_000:], 250_000, token)
    assert rest.status_code == 204
    assert rest[resumable.RESULT_HEADER] == digest
    assert (evidence / blobs.name_of(digest)).read_bytes() == data
    assert Blob.objects.get(sha256=digest).content_type == "image/jpeg"
    officer_user = User.objects.get(username="officer")
    assert Upload.objects.get(sha256=digest).agency == officer_user.agency  # the agency's own, as any upload
    # A browser whose last response was lost asks again and is told the file is kept.
    again = officer.head(url, headers=TUS)
    assert again["Upload-Offset"] == str(len(data))
    assert again[resumable.RESULT_HEADER] == digest


def test_a_piece_at_the_wrong_offset_is_refused_and_a_piece_without_a_csrf_token_too(world, evidence):
    data = os.urandom(10_000)
    officer = signed_in("officer")
    url = create(officer, data)["Location"]
    assert patch(officer, url, data[:4000], 0).status_code == 204
    wrong = patch(officer, url, data[6000:], 6000)
    assert wrong.status_code == 409
    assert "服务器已收到 4000 字节" in wrong.content.decode()
    assert officer.head(url, headers=TUS)["Upload-Offset"] == "4000"

    strict = signed_in("officer", enforce_csrf_checks=True)
    assert patch(strict, url, data[4000:], 4000).status_code == 403
    assert officer.head(url, headers=TUS)["Upload-Offset"] == "4000"


def test_a_file_over_the_size_limit_is_refused_in_chinese_before_any_byte(world, evidence, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = signed_in("officer").post(
        "/evidence/resumable/",
        headers={**TUS, "Upload-Length": str(1024 * 1024 + 1), "Upload-Metadata": metadata(sha256="a" * 64)},
    )
    assert response.status_code == 413
    assert "证据文件过大：单个文件不得超过 1 MB" in response.content.decode()
    assert not list(resumable.folder().iterdir())


def test_bytes_that_differ_from_the_browsers_hash_are_discarded(world, evidence):
    data = b"a photo damaged on the way"
    officer = signed_in("officer")
    url = create(officer, data, sha256=hashlib.sha256(b"the photo as taken").hexdigest())["Location"]
    response = patch(officer, url, data, 0)
    assert response.status_code == 400
    assert "不一致" in response.content.decode()
    assert not Blob.objects.exists()
    assert not Upload.objects.exists()
    assert officer.head(url, headers=TUS).status_code == 404


def test_another_user_cannot_see_or_continue_an_upload(world, evidence):
    data = os.urandom(5000)
    url = create(signed_in("officer"), data)["Location"]
    other = signed_in("supervisor")
    assert other.head(url, headers=TUS).status_code == 404
    assert patch(other, url, data, 0).status_code == 404
    assert Client().head(url, headers=TUS).status_code == 401


def test_the_cleanup_removes_partial_uploads_older_than_a_day(world, evidence, time_machine, capsys):
    now = timezone.now()
    time_machine.move_to(now - timedelta(days=2))
    old = create(signed_in("officer"), os.urandom(3000))["Location"]
    time_machine.move_to(now - timedelta(hours=20))
    fresh = create(signed_in("officer"), os.urandom(3000))["Location"]
    time_machine.move_to(now)
    officer = signed_in("officer")
    call_command("evidence", "cleanup")
    assert "清除 1 个超过一天未完成的续传" in capsys.readouterr().out
    assert officer.head(old, headers=TUS).status_code == 404
    assert officer.head(fresh, headers=TUS).status_code == 200
