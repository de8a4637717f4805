"""Two-factor login (等保 8.1.4.1 d): TOTP codes after the password, always for the three administrators,
per agency for the others; enrolment with a QR code; the security administrator's reset. Real codes, computed
at a time the test sets."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa.core import services
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.testing.factories import PASSWORD, make_user
from zhifa.testing.two_factor import authenticator, code

pytestmark = pytest.mark.django_db
MORNING = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


def password_step(username: str) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_an_administrator_is_asked_for_his_code_after_the_password(world):
    device = authenticator(world.admin)
    with time_machine.travel(MORNING, tick=False) as clock:
        client = password_step("admin")
        assert client.get(reverse("user_list"))["Location"] == reverse("two_factor") + "?next=%2Fusers%2F"
        assert client.get(reverse("officer_list"))["Location"].startswith(reverse("two_factor"))
        wrong = client.post(reverse("two_factor"), {"token": "000000" if code(device) != "000000" else "111111"})
        assert "验证码不正确" in wrong.content.decode()
        clock.shift(timedelta(seconds=61))  # past django-otp's throttle after one wrong code
        stale = code(device, drift=-5)  # a code from 2.5 minutes ago is refused
        assert "验证码不正确" in client.post(reverse("two_factor"), {"token": stale}).content.decode()
        clock.shift(timedelta(seconds=120))
        assert client.post(reverse("two_factor"), {"token": code(device)}).status_code == 302
        assert client.get(reverse("user_list")).status_code == 200


def test_the_password_alone_cannot_change_the_password(world):
    # Someone holding an administrator's password but not his phone must not lock him out by changing it.
    authenticator(world.admin)
    client = password_step("admin")
    form = {"old_password": PASSWORD, "password": "Zq8#mvR2!tLw", "password2": "Zq8#mvR2!tLw"}
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("two_factor"))
    assert client.post(reverse("password_change"), form).status_code == 302
    world.admin.refresh_from_db()
    assert world.admin.check_password(PASSWORD)


def test_other_staff_need_a_code_only_where_their_agency_requires_it(client, world):
    officer = password_step("officer")
    assert officer.get(reverse("home")).status_code == 200
    security = make_user("security", world.bureau, Role.SECADMIN)
    client.force_login(security)
    client.post(reverse("agency_two_factor", args=[world.branch.pk]), {"required": "on"})
    world.branch.refresh_from_db()
    assert world.branch.require_two_factor
    assert Entry.objects.filter(action="agency.require_two_factor").exists()
    officer = password_step("officer")
    # No authenticator yet: the officer is sent to set one up.
    assert officer.get(reverse("home"), follow=True).redirect_chain[-1][0] == reverse("two_factor_enrol")


def test_enrolment_shows_a_qr_code_and_is_confirmed_by_a_first_code(world, settings):
    settings.OTP_TOTP_ISSUER = "Zhifa 行政执法"
    with time_machine.travel(MORNING, tick=False):
        client = password_step("admin")
        page = client.get(reverse("two_factor_enrol"))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<svg" in html  # the QR code, inline
        device = TOTPDevice.objects.get(user=world.admin, confirmed=False)
        assert "otpauth://totp/" in device.config_url
        refused = client.post(reverse("two_factor_enrol"), {"token": f"{(int(code(device)) + 1) % 10**6:06d}"})
        assert "验证码不正确" in refused.content.decode()
        assert client.post(reverse("two_factor_enrol"), {"token": code(device)}).status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("user_list")).status_code == 200
        assert Entry.objects.filter(action="user.enrol_two_factor").exists()


def test_a_password_alone_cannot_replace_an_enrolled_authenticator(world):
    authenticator(world.admin)
    client = password_step("admin")
    assert client.get(reverse("two_factor_enrol"))["Location"] == reverse("two_factor")


def test_the_security_administrator_resets_a_persons_second_factor(client, world):
    security = make_user("security", world.bureau, Role.SECADMIN)
    authenticator(world.admin)
    with pytest.raises(Refusal, match="只有安全管理员可以重置二次验证"):
        services.user_reset_two_factor(actor=world.admin, user=security)
    client.force_login(security)
    client.post(reverse("user_two_factor_reset", args=[world.admin.pk]))
    assert not TOTPDevice.objects.filter(user=world.admin).exists()
    assert Entry.objects.filter(action="user.reset_two_factor", actor=security).exists()
    # At his next login the administrator sets up a new one.
    admin = password_step("admin")
    assert admin.get(reverse("home"), follow=True).redirect_chain[-1][0] == reverse("two_factor_enrol")
    with pytest.raises(Refusal, match="不能对自己重置二次验证"):
        services.user_reset_two_factor(actor=security, user=security)


def test_the_admin_sites_staff_need_a_second_factor_and_see_no_secrets_or_lockouts(world, settings):
    from django.contrib import admin

    staff = make_user("root", None)
    staff.is_staff = staff.is_superuser = True
    staff.save(update_fields=["is_staff", "is_superuser"])
    assert services.needs_two_factor(staff)
    client = password_step("root")
    assert client.get("/admin/")["Location"].startswith(reverse("two_factor"))
    assert settings.OTP_ADMIN_HIDE_SENSITIVE_DATA
    registered = {model._meta.label for model in admin.site._registry}
    assert not {"axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"} & registered
