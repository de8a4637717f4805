"""`zhifa evidence cleanup` removes uploads never attached within the retention period, never a recorded file."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms import ValidationError
from django.test import Client

from zhifa.core.models import User
from zhifa.ledger import blobs
from zhifa.ledger.forms import EvidenceField
from zhifa.ledger.models import Blob, Upload
from zhifa.personnel import services
from zhifa.testing.factories import TODAY

pytestmark = pytest.mark.django_db

UPLOADED = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def upload(username: str, data: bytes) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username))
    digest = hashlib.sha256(data).hexdigest()
    response = client.post(
        "/evidence/upload", {"file": SimpleUploadedFile("p.jpg", data, content_type="image/jpeg"), "sha256": digest}
    )
    assert response.status_code == 200, response.content
    return digest


def test_unattached_uploads_are_removed_after_the_retention_period(world, evidence, capsys):
    with time_machine.travel(UPLOADED, tick=False):
        forgotten = upload("officer", b"never used")
        recorded = upload("officer", b"recorded")
        shared = upload("officer", b"held elsewhere")
    with time_machine.travel(UPLOADED + timedelta(days=1), tick=False):
        services.certificate_suspend(
            actor=world.supervisor,
            certificate=world.officer.certificates.get(),
            on_date=TODAY,
            reason="调查",
            files=[recorded],
        )
        fresh = upload("officer", b"uploaded a day later")
        upload("outsider", b"held elsewhere")
    # The outsider's copy of `shared` is still held, so the officer's expiry leaves its bytes.
    with time_machine.travel(UPLOADED + timedelta(days=7, hours=12), tick=False):
        call_command("evidence", "cleanup")
    assert "已清除 2 个" in capsys.readouterr().out
    assert not (evidence / blobs.name_of(forgotten)).exists()
    assert (evidence / blobs.name_of(recorded)).exists()
    assert (evidence / blobs.name_of(shared)).exists()
    assert (evidence / blobs.name_of(fresh)).exists()
    assert Blob.objects.filter(sha256=forgotten).exists()  # the store's row is insert-only; its bytes are gone
    assert Upload.objects.filter(removed_at=None).count() == 3  # recorded, fresh, and the outsider's copy
    # A removed upload can no longer be attached; the form says why; uploading it again restores it.
    with pytest.raises(ValidationError, match="已被清除，请重新上传"):
        EvidenceField().clean([forgotten])
    client = Client()
    client.force_login(world.officer_user)  # its uploader: removed, it is no longer his to read
    assert client.get(f"/evidence/{forgotten}").status_code == 403
    upload("officer", b"never used")
    assert (evidence / blobs.name_of(forgotten)).read_bytes() == b"never used"


def test_a_recorded_file_is_never_deleted_even_when_every_upload_expired(world, evidence):
    with time_machine.travel(UPLOADED, tick=False):
        digest = upload("officer", b"the notice")
        upload("outsider", b"the notice")
        services.certificate_suspend(
            actor=world.supervisor,
            certificate=world.officer.certificates.get(),
            on_date=TODAY,
            reason="调查",
            files=[digest],
        )
    with time_machine.travel(UPLOADED + timedelta(days=30), tick=False):
        call_command("evidence", "cleanup")
    assert Upload.objects.get(agency=world.elsewhere).removed_at is not None
    assert (evidence / blobs.name_of(digest)).read_bytes() == b"the notice"
    assert blobs.verify(digest) is None
