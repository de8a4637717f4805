"""A public answer shows what the public check needs and no internal id (docs/ledger.md, "What a public answer
shows"), and stays verifiable by the standalone verifier from the document's own hash and the published key."""

from __future__ import annotations

import io
import json

import pytest
from django.db import transaction
from django.urls import reverse

from zhifa.ledger import blobs, services
from zhifa.ledger.selectors import find_by_hash
from zhifa_verify.__main__ import main as verify_main
from zhifa_verify.note import VerifierKey
from zhifa_verify.proof import ProofProblem, verify_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(world):
    """The supervisor, at the branch, records a photo and a scan about a certificate; a checkpoint covers it."""
    world.photo = blobs.store(io.BytesIO(b"photo of the site"), content_type="image/jpeg").sha256
    world.scan = blobs.store(io.BytesIO(b"scan of the notice"), content_type="application/pdf").sha256
    certificate = world.officer.certificates.get()
    with transaction.atomic():
        world.entry = services.record(
            actor=world.supervisor,
            action="certificate.suspended",
            subject=certificate,
            facts={"reason": "调查"},
            files=[world.photo, world.scan],
            agency=world.branch,
        )
    services.checkpoint_issue()
    return world


def internals(world) -> list[str]:
    """Texts that would give away who acted, where, on what, or the other file of the entry."""
    return [
        world.entry.subject,  # e.g. personnel.certificate:3
        world.scan,
        world.supervisor.get_full_name(),
        world.supervisor.username,
        world.branch.name,
    ]


def test_the_anonymous_proof_names_no_user_agency_subject_or_sibling_file(client, recorded):
    text = client.get(reverse("ledger_proof"), {"leaf_hash": bytes(recorded.entry.leaf_hash).hex()}).content.decode()
    answer = json.loads(text)
    leaf = json.loads(answer["leaf"])
    assert set(leaf) == {"v", "index", "time", "action", "files", "sealed"}
    assert not {"actor", "agency", "subject", "commitment", "actor_name"} & (set(leaf) | set(answer))
    for secret in internals(recorded):
        assert secret not in text
    assert f'"agency": {recorded.branch.pk}' not in text
    assert f'"actor": {recorded.supervisor.pk}' not in text


def test_the_check_page_answers_for_the_document_alone(client, recorded):
    page = client.get(reverse("ledger_check"), {"sha256": recorded.photo}).content.decode()
    assert f"已记录：第 {recorded.entry.index} 号记录" in page
    for secret in internals(recorded):
        assert secret not in page
    (found,) = find_by_hash(recorded.photo)
    assert found.proof["file"] == recorded.photo


def test_the_answer_is_verified_from_the_documents_hash_and_the_published_key(client, recorded, tmp_path):
    key_line = client.get(reverse("ledger_key")).content.decode()
    (found,) = find_by_hash(recorded.photo)
    key = VerifierKey.parse(key_line.strip())
    proved = verify_answer(found.proof, key, recorded.photo)
    assert (proved.index, proved.action) == (recorded.entry.index, "certificate.suspended")
    with pytest.raises(ProofProblem, match="does not name the document"):
        verify_answer(found.proof, key, "ab" * 32)
    forged = {**found.proof, "leaf": found.proof["leaf"].replace("suspended", "reinstated")}
    with pytest.raises(ProofProblem, match="signed root"):
        verify_answer(forged, key, recorded.photo)
    # The documented client procedure, from the command line.
    (tmp_path / "answer.json").write_text(json.dumps(found.proof, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "key.txt").write_text(key_line, encoding="utf-8")
    arguments = ["--proof", str(tmp_path / "answer.json"), "--key", str(tmp_path / "key.txt")]
    assert verify_main([*arguments, "--sha256", recorded.photo]) == 0
    assert verify_main([*arguments, "--sha256", "cd" * 32]) == 1
