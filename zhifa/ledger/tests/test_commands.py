"""`zhifa ledger verify|checkpoint|prove|export`, and the exported bundle checked by the standalone verifier."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from zhifa.ledger import blobs, guard, merkle, services
from zhifa.ledger.models import Entry
from zhifa.personnel import services as personnel
from zhifa.testing.factories import TODAY

pytestmark = pytest.mark.django_db
PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture
def ledger(world, evidence):
    import io

    photo = blobs.store(io.BytesIO(b"\x89PNG demo photo bytes"), content_type="image/png")
    certificate = world.officer.certificates.get()
    personnel.certificate_suspend(
        actor=world.admin, certificate=certificate, on_date=TODAY, reason="调查", files=[photo.sha256]
    )
    return photo.sha256


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("ledger", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_verify_reports_intact_with_files(ledger):
    code, output = run("verify")
    assert code == 0, output
    assert output.startswith("完整 intact: 8 entries, 1 files")


def test_verify_names_a_flipped_byte_in_a_stored_file(ledger, evidence):
    path = next(p for p in evidence.rglob(ledger))
    data = bytearray(path.read_bytes())
    data[3] ^= 0x01
    path.write_bytes(bytes(data))
    code, output = run("verify")
    assert code == 1
    assert f"不完整 NOT intact: file {ledger}:" in output


def test_checkpoint_prints_a_signed_note_and_prove_a_verifiable_proof(ledger):
    code, note = run("checkpoint")
    assert code == 0
    assert note.splitlines()[1] == str(services.tree_size())
    code, output = run("prove", "3")
    data = json.loads(output)
    proof = [base64.b64decode(node) for node in data["proof"]]
    leaf = bytes(Entry.objects.get(index=3).leaf_hash)
    merkle.verify_inclusion(leaf, 3, data["size"], proof, base64.b64decode(data["root"]))


def test_verify_against_a_kept_checkpoint(ledger, tmp_path, world):
    _, note = run("checkpoint")
    kept = tmp_path / "kept.txt"
    kept.write_text(note, encoding="utf-8")
    personnel.officer_leave(actor=world.admin, officer=world.colleague, left_on=TODAY, reason="调离")
    code, output = run("verify", "--against", str(kept))
    assert code == 0, output  # the log only grew since the auditor kept the checkpoint

    # An attacker removes every checkpoint and cuts the log back below what the auditor kept.
    size = services.tree_size()
    guard.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_checkpoint")
        for index in range(size - 1, size - 4, -1):
            cursor.execute("DELETE FROM ledger_entry_file WHERE entry_id = %s", [index])
            cursor.execute("DELETE FROM ledger_facts WHERE entry_id = %s", [index])
            cursor.execute('DELETE FROM ledger_entry WHERE "index" = %s', [index])
        cursor.execute("DELETE FROM ledger_node WHERE position * power(2, level) + power(2, level) > %s", [size - 3])
    code, output = run("verify", "--against", str(kept))
    assert code == 1
    assert "kept checkpoint" in output
    assert "not an extension" in output


def _standalone(bundle: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the standalone verifier where importing Django or zhifa would fail."""
    code = (
        "import sys, runpy; sys.modules['django'] = None; sys.modules['zhifa'] = None; "
        f"sys.argv = ['zhifa_verify', {str(bundle)!r}, *{list(extra)!r}]; "
        "runpy.run_module('zhifa_verify', run_name='__main__')"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=PROJECT)


def test_export_full_bundle_verifies_with_the_standalone_verifier(ledger, tmp_path):
    code, output = run("export", str(tmp_path / "bundle"))
    assert code == 0, output
    bundle = tmp_path / "bundle"
    assert (bundle / "files" / ledger).exists()
    assert "甲执法" in (bundle / "facts.jsonl").read_text(encoding="utf-8")
    result = _standalone(bundle)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intact" in result.stdout

    (bundle / "files" / ledger).write_bytes(b"changed")
    result = _standalone(bundle)
    assert result.returncode == 1
    assert ledger in result.stdout + result.stderr


def test_public_bundle_has_no_personal_data_and_verifies(ledger, tmp_path, world):
    code, _ = run("export", str(tmp_path / "public"), "--public")
    assert code == 0
    bundle = tmp_path / "public"
    assert not (bundle / "facts.jsonl").exists()
    assert not (bundle / "files").exists()
    text = "".join(p.read_text(encoding="utf-8") for p in bundle.iterdir() if p.is_file())
    for secret in (world.officer.name, world.officer.id_number, "调查"):
        assert secret not in text
    assert _standalone(bundle).returncode == 0


def test_export_refuses_a_non_empty_folder(ledger, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    with pytest.raises(Exception, match="not empty"):
        call_command("ledger", "export", str(tmp_path / "busy"))


def test_a_full_bundle_opens_each_sealed_part_and_the_verifier_checks_it(ledger, tmp_path, world):
    code, output = run("export", str(tmp_path / "bundle"))
    assert code == 0, output
    entries = tmp_path / "bundle" / "entries.jsonl"
    lines = [json.loads(line) for line in entries.read_text(encoding="utf-8").splitlines()]
    assert all("sealed" in line for line in lines)  # every entry here is of format 2
    named = next(line for line in lines if ledger in line["sealed"])
    sealed = json.loads(named["sealed"])
    assert sealed["files"] == [{"content_type": "image/png", "sha256": ledger, "size": 21}]
    assert sealed["actor_name"] == world.admin.get_full_name()
    # A bundle whose sealed part names another actor is caught by the standalone verifier.
    named["sealed"] = named["sealed"].replace('"actor_name":"', '"actor_name":"某')
    entries.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    result = _standalone(tmp_path / "bundle")
    assert result.returncode == 1
    assert "its sealed part does not hash to the leaf's sealed value" in result.stdout


def test_a_public_bundle_names_no_subject_or_file(ledger, tmp_path):
    code, _ = run("export", str(tmp_path / "public"), "--public")
    assert code == 0
    text = (tmp_path / "public" / "entries.jsonl").read_text(encoding="utf-8")
    assert all(set(json.loads(line)) == {"index", "leaf"} for line in text.splitlines())  # no sealed part
    for secret in ("personnel.certificate:", "core.user:", ledger):
        assert secret not in text


def test_the_verifier_refuses_a_public_bundle_that_opens_a_sealed_part(ledger, tmp_path):
    run("export", str(tmp_path / "full"))
    run("export", str(tmp_path / "public"), "--public")
    # The public bundle's last line swapped for the full bundle's, which opens the sealed part.
    full = (tmp_path / "full" / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    public = tmp_path / "public" / "entries.jsonl"
    lines = public.read_text(encoding="utf-8").splitlines()
    public.write_text("\n".join([*lines[:-1], full[len(lines) - 1]]) + "\n", encoding="utf-8")
    result = _standalone(tmp_path / "public")
    assert result.returncode == 1
    assert "a public bundle must not open sealed parts" in result.stdout


def test_the_checkpoint_schedule_signs_a_quiet_log_once_the_interval_has_passed(world, settings, time_machine):
    from django.db import transaction

    from zhifa.ledger.models import Checkpoint

    settings.LEDGER_CHECKPOINT_MINUTES = 10
    time_machine.move_to(timezone.now())
    services.checkpoint_issue()
    with transaction.atomic():
        services.record(actor=None, action="test.late", subject="test:1", facts={})  # just after a checkpoint
    signed = Checkpoint.objects.count()
    call_command("ledger", "checkpoint", "--schedule", "--rounds", "1", stdout=StringIO())
    assert Checkpoint.objects.count() == signed  # not due yet: at most one checkpoint an interval
    time_machine.shift(11 * 60)  # nothing is committed meanwhile: no commit would sign it
    call_command("ledger", "checkpoint", "--schedule", "--rounds", "2", "--poll", "0", stdout=StringIO())
    assert Checkpoint.objects.count() == signed + 1  # signed once, however often it looked
    assert Checkpoint.objects.order_by("-pk").first().size == services.tree_size()
