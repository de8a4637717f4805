"""An upload belongs to its uploader's agency until recorded: another agency that learns its hash can neither
read nor claim it, and two agencies with the same bytes each attach their own copy."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.ledger import services as ledger
from zhifa.ledger import uploads
from zhifa.ledger.models import Blob, Entry, Upload
from zhifa.personnel import services
from zhifa.testing.factories import TODAY, give_certificate, make_officer

pytestmark = pytest.mark.django_db

DATA = b"\x89PNG photo of the felled trees"
DIGEST = hashlib.sha256(DATA).hexdigest()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def upload(username: str) -> None:
    response = signed_in(username).post(
        "/evidence/upload", {"file": SimpleUploadedFile("p.png", DATA, content_type="image/png"), "sha256": DIGEST}
    )
    assert response.status_code == 200, response.content


@pytest.fixture
def outsiders_certificate(world):
    officer = make_officer(world.outsider, world.elsewhere, "戊执法")
    give_certificate(world.outsider, officer)
    return officer.certificates.get()


def test_another_agency_can_neither_read_nor_claim_an_upload(world, evidence, outsiders_certificate):
    upload("officer")
    # The attack: the hash is known elsewhere; the outsider downloads the file, then records it as his.
    assert signed_in("outsider").get(f"/evidence/{DIGEST}").status_code == 403
    with pytest.raises(Refusal, match="管辖范围以外"):
        services.certificate_suspend(
            actor=world.outsider, certificate=outsiders_certificate, on_date=TODAY, reason="调查", files=[DIGEST]
        )
    assert not Entry.objects.filter(action="certificate.suspended").exists()
    # The uploader's agency (and the bureau above it) still reads and records its file; the system
    # administrator, who reads no case evidence (三员分立), reads no one else's upload either.
    assert signed_in("officer").get(f"/evidence/{DIGEST}").status_code == 200
    assert signed_in("supervisor").get(f"/evidence/{DIGEST}").status_code == 200
    assert signed_in("admin").get(f"/evidence/{DIGEST}").status_code == 403
    services.certificate_suspend(
        actor=world.supervisor,
        certificate=world.officer.certificates.get(),
        on_date=TODAY,
        reason="调查",
        files=[DIGEST],
    )
    assert signed_in("admin").get(f"/evidence/{DIGEST}").status_code == 200  # now a personnel record's file
    assert signed_in("outsider").get(f"/evidence/{DIGEST}").status_code == 403


def test_two_agencies_with_the_same_bytes_each_attach_their_own_copy(world, evidence, outsiders_certificate):
    upload("officer")
    upload("outsider")
    assert Blob.objects.count() == 1
    assert set(Upload.objects.values_list("agency", flat=True)) == {world.branch.pk, world.elsewhere.pk}
    services.certificate_suspend(
        actor=world.outsider, certificate=outsiders_certificate, on_date=TODAY, reason="调查", files=[DIGEST]
    )
    services.certificate_suspend(
        actor=world.admin, certificate=world.officer.certificates.get(), on_date=TODAY, reason="调查", files=[DIGEST]
    )
    assert Entry.objects.filter(action="certificate.suspended", file_rows__sha256=DIGEST).count() == 2
    assert signed_in("officer").get(f"/evidence/{DIGEST}").status_code == 200
    assert signed_in("outsider").get(f"/evidence/{DIGEST}").status_code == 200


def test_a_sibling_branch_cannot_read_an_unrecorded_upload(world, evidence):
    from zhifa.core.choices import Role
    from zhifa.testing.factories import make_user

    upload("officer")
    make_user("neighbour", world.sibling, Role.OFFICER)
    assert signed_in("neighbour").get(f"/evidence/{DIGEST}").status_code == 403


def test_an_upload_recorded_in_an_agency_below_its_uploaders_counts_as_recorded(world, evidence):
    # The bureau's supervisor uploads; the entry naming the file is the branch's (a branch case he acts in).
    upload("supervisor")
    assert uploads.unattached_bytes(world.bureau) == len(DATA)
    with transaction.atomic():
        ledger.record(
            actor=world.supervisor,
            action="test.attach",
            subject="test:1",
            facts={},
            files=[DIGEST],
            agency=world.branch,
        )
    assert uploads.unattached_bytes(world.bureau) == 0  # no longer counted against the quota, nor cleaned up
