"""Every checkpoint published, consistency proofs between them, and witnesses' cosignatures received,
checked and shown (docs/verification.md)."""

from __future__ import annotations

import base64
import time
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.urls import reverse

from zhifa.ledger import merkle, services, witnesses
from zhifa.ledger.models import Checkpoint, Cosignature, Entry
from zhifa.ledger.signing import Verifier, open_checkpoint
from zhifa.personnel import services as personnel
from zhifa.testing.factories import TODAY
from zhifa_verify.note import VerifierKey, open_note
from zhifa_verify.witness import WitnessSigner

pytestmark = pytest.mark.django_db

NAME = "witness.example/w1"


def grow(world, times: int) -> None:
    for _ in range(times):
        certificate = world.officer.certificates.get()
        personnel.certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="调查")
        personnel.certificate_reinstate(actor=world.admin, certificate=certificate, on_date=TODAY, reason="复职")


@pytest.fixture
def signer(world) -> WitnessSigner:
    signer = WitnessSigner(NAME, Ed25519PrivateKey.generate())
    call_command("witness", "add", signer.verifier_line(), "--description", "测试见证方")
    return signer


def cosigned(checkpoint: Checkpoint, signer: WitnessSigner, when: int | None = None) -> str:
    body = checkpoint.note.partition("\n\n")[0] + "\n"
    return checkpoint.note + signer.cosign(body, int(time.time()) if when is None else when) + "\n"


def test_every_checkpoint_is_published_and_consistency_proofs_join_them(client, world):
    first = services.checkpoint_issue()
    grow(world, 3)
    second = services.checkpoint_issue()
    page = client.get(reverse("ledger_checkpoints")).content.decode()
    for checkpoint in (first, second):
        assert f'id="checkpoint-{checkpoint.size}"' in page
        assert base64.b64encode(bytes(checkpoint.root)).decode() in page
        note = client.get(reverse("ledger_checkpoint_at", args=[checkpoint.size])).content.decode()
        assert note == checkpoint.note
    answer = client.get(reverse("ledger_consistency"), {"from": first.size, "to": second.size}).json()
    proof = [base64.b64decode(node) for node in answer["proof"]]
    merkle.verify_consistency(first.size, second.size, proof, bytes(first.root), bytes(second.root))
    assert answer["proof"]  # a real proof, not the empty one of equal sizes
    # Beyond the latest signed checkpoint nothing is answered: the unsigned tail stays unseen.
    grow(world, 1)
    assert Entry.objects.count() > second.size
    refused = client.get(reverse("ledger_consistency"), {"from": first.size, "to": second.size + 1})
    assert refused.status_code == 400
    assert "最新签名检查点" in refused.json()["error"]
    assert client.get(reverse("ledger_consistency"), {"from": "x", "to": 3}).status_code == 400
    assert client.get(reverse("ledger_checkpoint_at", args=[second.size + 99])).status_code == 404


def test_a_witness_cosignature_is_checked_kept_once_and_shown(client, world, signer):
    checkpoint = services.checkpoint_issue()
    url = reverse("ledger_cosign")
    response = client.post(url, cosigned(checkpoint, signer), content_type="text/plain")
    assert response.status_code == 200, response.content.decode()
    assert response.content.decode().startswith(f"— {NAME} ")
    again = client.post(url, cosigned(checkpoint, signer), content_type="text/plain")
    assert again.status_code == 200
    assert again.content.decode() == response.content.decode()  # the first is kept
    assert Cosignature.objects.count() == 1
    # The cosigned note: ours, then the witness's line, which the witness's key verifies.
    note = client.get(reverse("ledger_checkpoint_at", args=[checkpoint.size])).content.decode()
    assert note.startswith(checkpoint.note)
    assert note.endswith(response.content.decode())
    assert open_checkpoint(note, Verifier.parse(services.public_key_line())).size == checkpoint.size
    # The latest checkpoint stays a one-signature note, as zhifa_verify reads it.
    plain = client.get(reverse("ledger_checkpoint")).content.decode()
    assert open_note(plain, VerifierKey.parse(services.public_key_line())).size == checkpoint.size
    page = client.get(reverse("ledger_checkpoints")).content.decode()
    assert f"1 个：{NAME}" in page
    assert "测试见证方" in page
    assert client.get(reverse("ledger_witnesses")).content.decode() == signer.verifier_line() + "\n"


def flip(line: str) -> str:
    """The line with one character of its signature changed (the tenth from the end: inside the signature)."""
    at = len(line) - 10
    return line[:at] + ("A" if line[at] != "A" else "B") + line[at + 1 :]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda note, line: note + flip(line) + "\n", "联署签名验证不通过"),
        (lambda note, line: note + line.replace(NAME, "stranger.example/w") + "\n", "不是本系统登记在用的见证方"),
        (lambda note, line: note, "没有联署签名行"),
        (lambda note, line: note.replace("zhifa.local/ledger\n", "other.example/log\n", 1) + line + "\n", "来源"),
        (lambda note, line: "x" * 9000, "超过"),
        # Digits int() refuses though str.isdigit() accepts them: a clear refusal, not an error.
        (lambda note, line: "zhifa.local/ledger\n²\nAAAA\n\n" + line + "\n", "三行"),
    ],
)
def test_a_bad_cosignature_is_refused_with_a_clear_message(client, world, signer, tamper, message):
    checkpoint = services.checkpoint_issue()
    body = checkpoint.note.partition("\n\n")[0] + "\n"
    line = signer.cosign(body, int(time.time()))
    response = client.post(reverse("ledger_cosign"), tamper(checkpoint.note, line), content_type="text/plain")
    assert response.status_code in (400, 413)
    assert message in response.content.decode()
    assert not Cosignature.objects.exists()


def test_a_cosignature_from_the_future_or_of_an_unknown_tree_is_refused(world, signer):
    checkpoint = services.checkpoint_issue()
    future = int(datetime(2100, 1, 1).timestamp())  # noqa: DTZ001 (any far future time)
    with pytest.raises(Exception, match="晚于当前时间"):
        witnesses.cosignature_submit(cosigned(checkpoint, signer, future))
    root = base64.b64encode(bytes(checkpoint.root)).decode()
    forged = checkpoint.note.replace(root, base64.b64encode(bytes(32)).decode())
    with pytest.raises(Exception, match="没有签发过"):
        witnesses.cosignature_submit(cosigned(Checkpoint(note=forged), signer))


def test_a_retired_witness_is_refused_and_its_cosignatures_stay(client, world, signer):
    checkpoint = services.checkpoint_issue()
    witnesses.cosignature_submit(cosigned(checkpoint, signer))
    call_command("witness", "retire", NAME)
    grow(world, 1)
    newer = services.checkpoint_issue()
    response = client.post(reverse("ledger_cosign"), cosigned(newer, signer), content_type="text/plain")
    assert response.status_code == 400
    assert "不是本系统登记在用的见证方" in response.content.decode()
    assert Cosignature.objects.filter(checkpoint=checkpoint).count() == 1
    assert Entry.objects.filter(action__in=["ledger.witness_add", "ledger.witness_retire"]).count() == 2


def test_witness_keys_are_checked_when_added(world, tmp_path: Path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="与公钥不符"):
        call_command("witness", "add", "w.example/x+00000000+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4")


def test_other_witnesses_lines_in_a_note_are_passed_over(client, world, signer):
    checkpoint = services.checkpoint_issue()
    stranger = WitnessSigner("stranger.example/w", Ed25519PrivateKey.generate())
    body = checkpoint.note.partition("\n\n")[0] + "\n"
    note = cosigned(checkpoint, signer) + stranger.cosign(body, int(time.time())) + "\n"
    response = client.post(reverse("ledger_cosign"), note, content_type="text/plain")
    assert response.status_code == 200, response.content.decode()
    assert list(Cosignature.objects.values_list("witness__name", flat=True)) == [NAME]


@pytest.mark.parametrize("size", ["²", "١٢", "-1", "9" * 30])
def test_a_consistency_proof_asked_with_junk_sizes_is_refused_not_an_error(client, world, size):
    services.checkpoint_issue()
    response = client.get(reverse("ledger_consistency"), {"from": size, "to": "1"})
    assert response.status_code == 400
