"""Passwords, lockout, session limits, CSRF and the deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from zhifa.core.middleware import SESSION_STARTED_KEY
from zhifa.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2(world):
    world.admin.refresh_from_db()
    assert world.admin.password.startswith("argon2$")


def test_passwords_need_three_character_classes():
    with pytest.raises(ValidationError) as refused:
        validate_password("onlylowercaseletters")
    assert any("至少三类" in m for m in refused.value.messages)
    validate_password("Forest-Ranger-2026")


def login(client, password):
    return client.post(reverse("login"), {"username": "officer", "password": password})


def test_login_works_and_lands_on_home(client, world):
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_repeated_failures_lock_the_account(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong-password")
    response = login(client, PASSWORD)  # even the right password is refused while locked
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    other = Client()
    assert other.post(reverse("login"), {"username": "supervisor", "password": PASSWORD}).status_code == 302


def test_sessions_end_after_the_maximum_span(client, world, settings):
    client.force_login(world.officer_user)
    # A page behind login (the home is the public portal's for a visitor, so it would answer 200 either way).
    assert client.get(reverse("agency_tree")).status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_MAX_HOURS * 3600 - 5
    session.save()
    response = client.get(reverse("agency_tree"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_idle_expiry_is_configured():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60


def test_the_idle_expiry_is_renewed_by_activity_at_most_once_a_minute(client, world, time_machine, settings):
    from django.contrib.sessions.models import Session

    time_machine.move_to(datetime(2026, 10, 14, 9, 0, tzinfo=UTC), tick=False)
    client.force_login(world.officer_user)
    assert client.get(reverse("agency_tree")).status_code == 200
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    assert first == datetime(2026, 10, 14, 9, 0, tzinfo=UTC) + timedelta(seconds=settings.SESSION_COOKIE_AGE)

    # Half a minute later: the page is read, the session is not written again (no write per page read).
    time_machine.move_to(datetime(2026, 10, 14, 9, 0, 30, tzinfo=UTC), tick=False)
    assert client.get(reverse("agency_tree")).status_code == 200
    assert Session.objects.get(pk=key).expire_date == first
    # A minute and more after the last renewal: the expiry moves with the activity.
    time_machine.move_to(datetime(2026, 10, 14, 9, 1, 5, tzinfo=UTC), tick=False)
    assert client.get(reverse("agency_tree")).status_code == 200
    assert Session.objects.get(pk=key).expire_date == first + timedelta(seconds=65)
    # Idle past the expiry: the next page asks for a login again.
    time_machine.move_to(first + timedelta(seconds=65, minutes=1), tick=False)
    response = client.get(reverse("agency_tree"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_forms_refuse_a_post_without_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    response = client.post(reverse("calendar"), {"year": 2027})
    assert response.status_code == 403


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "ZHIFA_DATA_DIR": str(tmp_path / "data"),
        # Production keeps the ledger's signing key outside the data folder (ledger.W001 otherwise).
        "ZHIFA_LEDGER_KEY_FILE": str(tmp_path / "keys" / "ledger-ed25519.pem"),
        "ZHIFA_DEBUG": "false",
        "ZHIFA_HTTPS": "true",
        "ZHIFA_SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-only-" + "z" * 20,
        "ZHIFA_ALLOWED_HOSTS": "zhifa.example.gov.cn",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the test harness for Playwright only
    result = subprocess.run(
        [sys.executable, "-m", "zhifa", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_setting_stops_start_up_with_its_name(tmp_path):
    env = {**os.environ, "ZHIFA_DATA_DIR": str(tmp_path), "ZHIFA_SESSION_IDLE_MINUTES": "soon"}
    result = subprocess.run(
        [sys.executable, "-m", "zhifa", "check"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "ZHIFA_SESSION_IDLE_MINUTES must be a whole number" in result.stderr
