"""Failed logins: a rate limit per address before any hash, lockout by name *and* address with a slower
limit per name, the admin login counted too, locked people's tokens refused, and the security
administrator's unlock."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from zhifa.api.models import ApiToken
from zhifa.core.choices import Role
from zhifa.ledger.models import Entry
from zhifa.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("Asia/Shanghai"))


class CountingHasher(MD5PasswordHasher):
    """Django's MD5 hasher, counting every hash it computes (to see which attempts cost one)."""

    algorithm = "counting_md5"
    hashes = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.hashes += 1
        return super().encode(password, salt)


@pytest.fixture
def counting(settings):
    """Request it before `world`, so that the personas' passwords are hashed with it too."""
    settings.PASSWORD_HASHERS = ["zhifa.core.tests.test_login_limits.CountingHasher"]
    CountingHasher.hashes = 0
    return CountingHasher


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str, url: str = "") -> int:
    return client.post(url or reverse("login"), {"username": username, "password": password}).status_code


def test_an_address_over_its_limit_is_refused_with_429_before_any_hash(counting, world, settings):
    settings.LOGIN_RATE_LIMIT = 30
    flood = from_address("198.51.100.7")
    counting.hashes = 0  # (building the world hashed its passwords)
    for number in range(30):
        # Unknown names: Django still hashes once, as for a known name, so neither costs more than the other.
        log_in(flood, f"nobody{number}", "wrong")
    assert counting.hashes == 30
    response = flood.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录尝试次数过多" in response.content.decode()
    assert "_auth_user_id" not in flood.session  # even the right password does not get in
    assert counting.hashes == 30  # the refused attempt cost no hash
    # The admin site's login shares the limit; another address does not.
    assert log_in(flood, "officer", PASSWORD, "/admin/login/") == 429
    assert log_in(from_address("198.51.100.8"), "officer", PASSWORD) == 302


def test_successful_logins_from_one_address_are_not_limited(world, settings):
    settings.LOGIN_RATE_LIMIT = 3
    office = from_address("198.51.100.20")  # a county office behind one NAT address, everyone at eight
    for _ in range(10):
        assert log_in(office, "officer", PASSWORD) == 302
        office.logout()
    for _ in range(3):
        log_in(office, "officer", "wrong-password")
    assert log_in(office, "officer", PASSWORD) == 429
    # All attempts together stay capped at ten times the limit, successes included.
    busy = from_address("198.51.100.21")
    for _ in range(30):
        assert log_in(busy, "officer", PASSWORD) == 302
        busy.logout()
    assert log_in(busy, "officer", PASSWORD) == 429


def test_known_and_unknown_names_cost_one_hash_each(counting, world):
    client = from_address("198.51.100.9")
    counting.hashes = 0
    log_in(client, "officer", "wrong-password")
    known = counting.hashes
    log_in(client, "no-such-person", "wrong-password")
    assert counting.hashes - known == known == 1


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(world, settings):
    attacker = from_address("203.0.113.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "officer", "wrong-password")
    response = attacker.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    # The owner, at his own desk, logs in as usual: five guesses elsewhere are no denial of service.
    assert log_in(from_address("192.0.2.10"), "officer", PASSWORD) == 302


def test_a_lock_shows_whatever_user_agent_each_guess_carried(world, settings):
    # axes keeps one row per user agent and locks on their sum: the lock must not hide from the user page
    # or the token check because each guess came with another browser string.
    from zhifa.core import lockout

    for number in range(settings.AXES_FAILURE_LIMIT):
        guesser = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT=f"guesser/{number}")
        log_in(guesser, "officer", "wrong-password")
    assert lockout.is_locked("officer", ip_address="203.0.113.9")
    assert not lockout.is_locked("officer", ip_address="192.0.2.10")
    [(user, by_name, addresses)] = lockout.locked_users(world.officer_user.__class__.objects.all())
    assert (user.username, by_name, addresses) == ("officer", False, ["203.0.113.9"])


def test_the_admin_logins_failures_count_too(world, settings):
    attacker = from_address("203.0.113.6")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "officer", "wrong-password", "/admin/login/")
    assert log_in(attacker, "officer", PASSWORD) == 429


def test_a_guess_spread_over_many_addresses_locks_the_name_for_an_hour(world, settings):
    assert settings.LOGIN_USER_FAILURE_LIMIT == 20
    with time_machine.travel(NOON, tick=False) as clock:
        for number in range(20):
            log_in(from_address(f"203.0.113.{100 + number}"), "officer", "wrong-password")
        assert log_in(from_address("192.0.2.10"), "officer", PASSWORD) == 429  # locked from everywhere
        assert log_in(from_address("192.0.2.10"), "supervisor", PASSWORD) == 302  # only that name
        clock.shift(timedelta(minutes=61))
        assert log_in(from_address("192.0.2.10"), "officer", PASSWORD) == 302


def api_status(secret: str, address: str = "192.0.2.10") -> int:
    return from_address(address).get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code


def test_a_locked_persons_api_token_is_refused(world, settings):
    _, secret = ApiToken.issue(world.officer_user, "外业终端")
    assert api_status(secret) == 200
    # Locked from one address: his token is refused from there, and still works at his desk.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(from_address("203.0.113.5"), "officer", "wrong-password")
    assert api_status(secret, "203.0.113.5") == 401
    assert api_status(secret) == 200
    # Locked by name (a distributed guess): refused from everywhere.
    for number in range(settings.LOGIN_USER_FAILURE_LIMIT):
        log_in(from_address(f"203.0.113.{100 + number}"), "officer", "wrong-password")
    assert api_status(secret) == 401


def test_the_security_administrator_unlocks_through_the_interface(client, world, settings):
    security = make_user("security", world.bureau, Role.SECADMIN)
    for number in range(settings.LOGIN_USER_FAILURE_LIMIT):
        log_in(from_address(f"203.0.113.{100 + number}"), "officer", "wrong-password")
    assert log_in(from_address("192.0.2.10"), "officer", PASSWORD) == 429
    client.force_login(security)
    page = client.get(reverse("user_list")).content.decode()
    assert reverse("user_unlock", args=[world.officer_user.pk]) in page
    # Nobody else unlocks: not the system administrator.
    admin = Client()
    admin.force_login(world.admin)
    assert admin.post(reverse("user_unlock", args=[world.officer_user.pk])).status_code == 403
    client.post(reverse("user_unlock", args=[world.officer_user.pk]))
    assert log_in(from_address("192.0.2.10"), "officer", PASSWORD) == 302
    entry = Entry.objects.filter(action="user.unlock").get()
    assert entry.actor_id == security.pk
    assert entry.subject == f"core.user:{world.officer_user.pk}"
