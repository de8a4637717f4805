"""The public can fetch the checkpoint, the key and proofs, and check a hash; officers see the timeline."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from zhifa.ledger import merkle, services
from zhifa.ledger.models import Checkpoint, Entry
from zhifa.ledger.signing import Verifier, open_checkpoint
from zhifa.personnel import services as personnel
from zhifa.testing.factories import TODAY

pytestmark = pytest.mark.django_db


def test_checkpoint_and_key_are_public_and_verify(client, world):
    services.checkpoint_issue()  # the service's schedule (an after-commit hook or the timer) signs it
    note = client.get(reverse("ledger_checkpoint")).content.decode()
    key = client.get(reverse("ledger_key")).content.decode()
    body = open_checkpoint(note, Verifier.parse(key))
    assert body.size == services.tree_size()
    assert client.get(reverse("ledger_checkpoint"), {"format": "json"}).json()["size"] == body.size


def test_before_the_first_checkpoint_the_public_gets_none_and_none_is_signed(client, world):
    response = client.get(reverse("ledger_checkpoint"))
    assert response.status_code == 404
    assert "尚未签发签名检查点" in response.content.decode()
    assert not Checkpoint.objects.exists()


def test_anonymous_requests_never_sign_a_checkpoint(client, world, settings):
    """Checkpoints are made on the service's own schedule, never because a visitor asked: not when the log
    grew since the last one, not when that one is older than the interval, not for an uncovered entry."""
    first = services.checkpoint_issue()
    certificate = world.officer.certificates.get()
    personnel.certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="调查")
    newest = Entry.objects.order_by("-index").first()
    assert newest.index >= first.size
    later = timezone.now() + timedelta(minutes=settings.LEDGER_CHECKPOINT_MINUTES, seconds=1)
    with time_machine.travel(later):
        assert client.get(reverse("ledger_checkpoint"), {"format": "json"}).json()["size"] == first.size
        client.get(reverse("ledger_checkpoint"))
        client.get(reverse("ledger_proof"), {"leaf_hash": bytes(newest.leaf_hash).hex()})
        client.get(reverse("ledger_check"), {"sha256": bytes(newest.leaf_hash).hex()})
    assert list(Checkpoint.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_proof_by_leaf_hash_verifies_against_the_signed_root(client, world):
    services.checkpoint_issue()
    entry = Entry.objects.order_by("index")[2]
    data = client.get(reverse("ledger_proof"), {"leaf_hash": bytes(entry.leaf_hash).hex()}).json()
    assert data["covered"] is True
    proof = [base64.b64decode(node) for node in data["proof"]]
    root = base64.b64decode(data["root"])
    merkle.verify_inclusion(merkle.leaf_hash(data["leaf"].encode()), data["index"], data["tree_size"], proof, root)
    assert open_checkpoint(data["checkpoint"], Verifier.parse(services.public_key_line())).root == root
    assert "甲执法" not in str(data)  # no personal data leaves through the public proof


def test_proof_requests_are_checked(client, world):
    assert client.get(reverse("ledger_proof"), {"leaf_hash": "xyz"}).status_code == 400
    assert client.get(reverse("ledger_proof"), {"leaf_hash": "0" * 64}).status_code == 404


def test_an_entry_newer_than_the_last_checkpoint_is_answered_not_yet_covered(client, world):
    services.checkpoint_issue()
    personnel.officer_leave(actor=world.admin, officer=world.colleague, left_on=TODAY, reason="调离")
    newest = Entry.objects.order_by("-index").first()
    data = client.get(reverse("ledger_proof"), {"leaf_hash": bytes(newest.leaf_hash).hex()}).json()
    assert data["covered"] is False
    assert "尚未纳入" in data["message"]
    assert "proof" not in data
    page = client.get(reverse("ledger_check"), {"sha256": bytes(newest.leaf_hash).hex()}).content.decode()
    assert f"已记录：第 {newest.index} 号记录" in page
    assert "尚未纳入" in page
    assert "包含证明已核对" not in page
    services.checkpoint_issue()  # the next scheduled checkpoint covers it
    data = client.get(reverse("ledger_proof"), {"leaf_hash": bytes(newest.leaf_hash).hex()}).json()
    assert data["covered"] is True
    assert data["tree_size"] > newest.index


def test_the_check_page_finds_a_recorded_leaf_and_says_when_nothing_is_found(client, world):
    services.checkpoint_issue()
    entry = Entry.objects.order_by("index")[1]
    page = client.get(reverse("ledger_check"), {"sha256": bytes(entry.leaf_hash).hex()}).content.decode()
    assert f"已记录：第 {entry.index} 号记录" in page
    assert "包含证明已核对" in page
    page = client.get(reverse("ledger_check"), {"sha256": "ab" * 32}).content.decode()
    assert "未找到" in page
    page = client.get(reverse("ledger_check"), {"sha256": "not-a-hash"}).content.decode()
    assert "请输入64位十六进制的 SHA-256 校验值" in page


def test_the_officer_page_shows_the_record_of_the_officer_and_his_certificates(client, world):
    certificate = world.officer.certificates.get()
    personnel.certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="调查")
    client.force_login(world.supervisor)
    page = client.get(reverse("officer_detail", args=[world.officer.pk])).content.decode()
    assert "全过程记录" in page
    for label in ("登记执法人员", "核发执法证件", "暂扣执法证件"):
        assert label in page
