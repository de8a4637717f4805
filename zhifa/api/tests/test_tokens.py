"""API tokens expire, are listed and revoked by their owner and the security administrator, are shown once,
and are refused for a disabled person."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from zhifa.api.models import ApiToken
from zhifa.api.tokens import token_issue, token_revoke
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db
MORNING = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def status(secret: str) -> int:
    return Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code


def test_a_token_expires_after_the_configured_days(world, settings):
    assert settings.API_TOKEN_DAYS == 90
    with time_machine.travel(MORNING, tick=False) as clock:
        token, secret = token_issue(actor=world.officer_user, name="外业终端")
        assert token.expires_at == MORNING + timedelta(days=90)
        clock.shift(timedelta(days=89, hours=23))
        assert status(secret) == 200
        clock.shift(timedelta(hours=2))
        assert status(secret) == 401


def test_a_disabled_persons_token_is_refused(world):
    _, secret = token_issue(actor=world.officer_user, name="外业终端")
    assert status(secret) == 200
    world.officer_user.is_active = False
    world.officer_user.save(update_fields=["is_active"])
    assert status(secret) == 401


def test_a_token_waits_while_its_owners_password_was_reset_and_not_yet_changed(world):
    from zhifa.core.services import user_change_password, user_reset_password

    _, secret = token_issue(actor=world.officer_user, name="外业终端")
    security = make_user("security", world.bureau, Role.SECADMIN)
    user_reset_password(actor=security, user=world.officer_user, password="Tq7#vLm2!wPz")
    assert status(secret) == 401
    user_change_password(actor=world.officer_user, old_password="Tq7#vLm2!wPz", password="Rk4$nHx9@cVb")
    assert status(secret) == 200


def test_the_owner_issues_a_token_shown_once_lists_and_revokes_it(client, world):
    client.force_login(world.officer_user)
    page = client.post(reverse("token_list"), {"name": "外业终端"})
    assert "no-store" in page["Cache-Control"]  # the key is shown once: no cache may keep the page
    secret = page.context["secret"]
    assert secret.startswith("zf_")
    assert secret in page.content.decode()
    again = client.get(reverse("token_list")).content.decode()
    assert "外业终端" in again
    assert secret not in again  # shown once
    assert status(secret) == 200
    token = ApiToken.objects.get(user=world.officer_user)
    client.post(reverse("token_revoke", args=[token.pk]))
    assert status(secret) == 401
    assert Entry.objects.filter(action="apitoken.revoke", actor=world.officer_user).exists()


def test_the_security_administrator_sees_and_revokes_the_tokens_of_his_scope(client, world):
    security = make_user("security", world.bureau, Role.SECADMIN)
    token, secret = token_issue(actor=world.officer_user, name="外业终端")
    client.force_login(security)
    assert "外业终端" in client.get(reverse("token_list")).content.decode()
    client.post(reverse("token_revoke", args=[token.pk]))
    assert status(secret) == 401
    # Another person (not his owner, not a security administrator) cannot, nor see it.
    other, _ = token_issue(actor=world.officer_user, name="第二个")
    with pytest.raises(Refusal, match="只有令牌的持有人或安全管理员可以停用令牌"):
        token_revoke(actor=world.supervisor, token=other)
    client.force_login(world.supervisor)
    assert "第二个" not in client.get(reverse("token_list")).content.decode()
    assert client.post(reverse("token_revoke", args=[other.pk])).status_code == 404
