"""Every page carries a Content-Security-Policy without inline script, signed-in responses and evidence
downloads are never cached, and the data folder and its files are private to the process's user."""

from __future__ import annotations

import re
import stat
from typing import Any

import pytest
from django.test import Client

from zhifa.core.models import User
from zhifa.ledger import blobs
from zhifa.personnel import services
from zhifa.testing.factories import TODAY

pytestmark = pytest.mark.django_db

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_has_a_csp_that_allows_no_inline_script(world, evidence):
    certificate = world.officer.certificates.get()
    pages = {
        Client(): ["/accounts/login/", "/public/check/"],
        signed_in("admin"): ["/", "/cases/", "/officers/", "/users/", f"/certificates/{certificate.pk}/suspend/"],
    }
    for client, paths in pages.items():
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            policy = directives(response["Content-Security-Policy"])
            assert policy["script-src"] == ["'self'"], path
            assert policy["default-src"] == ["'self'"]
            assert policy["frame-ancestors"] == ["'none'"]
            assert "'unsafe-inline'" not in policy["style-src"]
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (path, INLINE_SCRIPT.search(html))
            assert not INLINE_HANDLER.search(html), (path, INLINE_HANDLER.search(html))
    assert "zhifa/app.js" in signed_in("admin").get("/").content.decode()  # the language menu's behaviour


def test_signed_in_pages_and_evidence_are_not_cached(world, evidence):
    admin = signed_in("admin")
    for path in ["/", "/cases/", "/officers/"]:
        assert "no-store" in admin.get(path)["Cache-Control"], path
    blob = blobs.store([b"%PDF-1.4 notice"], content_type="application/pdf")
    services.certificate_suspend(
        actor=world.admin,
        certificate=world.officer.certificates.get(),
        on_date=TODAY,
        reason="调查",
        files=[blob.sha256],
    )
    download = admin.get(f"/evidence/{blob.sha256}")
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    # Static files stay cacheable, even for a signed-in user.
    static = admin.get("/static/zhifa/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def test_stored_evidence_is_private(world, evidence):
    data = b"\x89PNG private"
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in("officer").post(
        "/evidence/upload",
        {
            "file": SimpleUploadedFile("p.png", data, content_type="image/png"),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    assert response.status_code == 200
    stored = evidence / blobs.name_of(hashlib.sha256(data).hexdigest())
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700


@pytest.mark.dateless
@pytest.mark.django_db(transaction=False)
def test_a_new_data_folder_is_0700_and_its_files_0600(migrated_data_folder: Any):
    # `zhifa migrate` into a folder that did not exist, under umask 022, once per session (conftest.py).
    data = migrated_data_folder.template
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ["zhifa.sqlite3", "secret-key"]:
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((data / "tmp").stat().st_mode) == 0o700
    loose = [path for path in data.rglob("*") if stat.S_IMODE(path.stat().st_mode) & 0o077]
    assert not loose, loose
