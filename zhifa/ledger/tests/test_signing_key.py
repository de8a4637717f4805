"""The signing key may live outside the data folder, as a file or a secret; `check --deploy` warns when it does not."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from zhifa.ledger import services
from zhifa.ledger.checks import signing_key_outside_data_folder
from zhifa.ledger.signing import Ed25519Signer, NoteError, Verifier, open_checkpoint, verifier_key


@pytest.fixture
def fresh_signer():
    services.signer.cache_clear()
    yield
    services.signer.cache_clear()


def pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def deploy_check_output() -> str:
    out, err = StringIO(), StringIO()
    # Only the security tag, and no failure: the test settings are not production's (DEBUG, no HTTPS).
    call_command("check", deploy=True, tags=["security"], fail_level="CRITICAL", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_a_key_inside_the_data_folder_is_warned_of_by_check_deploy(settings):
    settings.LEDGER_KEY_PEM = ""
    settings.LEDGER_KEY_FILE = settings.DATA_DIR / "keys" / "ledger-ed25519.pem"
    (warning,) = signing_key_outside_data_folder(None)
    assert warning.id == "ledger.W001"
    assert "数据目录内" in warning.msg
    assert "ledger.W001" in deploy_check_output()


def test_a_key_outside_the_data_folder_is_not_warned_of(settings, tmp_path):
    settings.LEDGER_KEY_PEM = ""
    settings.LEDGER_KEY_FILE = tmp_path / "elsewhere" / "ledger.pem"
    assert signing_key_outside_data_folder(None) == []
    assert "ledger.W001" not in deploy_check_output()


def test_a_key_secret_file_inside_the_data_folder_is_warned_of(settings, monkeypatch):
    settings.LEDGER_KEY_PEM = pem()
    monkeypatch.setenv("ZHIFA_LEDGER_KEY_PEM_FILE", str(settings.DATA_DIR / "ledger.pem"))
    assert [warning.id for warning in signing_key_outside_data_folder(None)] == ["ledger.W001"]
    monkeypatch.delenv("ZHIFA_LEDGER_KEY_PEM_FILE")  # the PEM in the environment itself: no file to warn of
    assert signing_key_outside_data_folder(None) == []


@pytest.mark.django_db
def test_checkpoints_are_signed_with_the_key_given_as_a_secret(settings, fresh_signer, tmp_path):
    text = pem()
    settings.LEDGER_KEY_PEM = text
    settings.LEDGER_KEY_FILE = tmp_path / "unused.pem"
    expected = verifier_key(Ed25519Signer.from_pem(settings.LEDGER_ORIGIN, text.encode(), "test"))
    assert services.public_key_line() == expected
    note = services.checkpoint_issue().note
    assert open_checkpoint(note, Verifier.parse(expected)).size == services.tree_size()
    assert not settings.LEDGER_KEY_FILE.exists()  # the file form is not used, nor made


def test_a_key_secret_that_is_no_key_says_so(settings, fresh_signer):
    settings.LEDGER_KEY_PEM = "not a key"
    with pytest.raises(NoteError, match="ZHIFA_LEDGER_KEY_PEM does not hold a readable"):
        services.signer()


def test_zhifa_check_deploy_fails_on_a_production_key_in_the_data_folder(tmp_path):
    """The command an operator runs: production settings, the key left at its default place in the data folder."""
    env = {
        **os.environ,
        "ZHIFA_DATA_DIR": str(tmp_path / "data"),
        "ZHIFA_DEBUG": "false",
        "ZHIFA_HTTPS": "true",
        "ZHIFA_SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-" + "z" * 20,
        "ZHIFA_ALLOWED_HOSTS": "zhifa.example.gov.cn",
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_LEDGER_KEY_PEM"):
        env.pop(name, None)
    command = [sys.executable, "-m", "zhifa", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "ledger.W001" in result.stderr
    env["ZHIFA_LEDGER_KEY_FILE"] = str(tmp_path / "keys" / "ledger-ed25519.pem")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
