"""A login for an officer from his page: made by the system administrator, linked to the officer, without roles
(三员分立), with an initial password shown once and changed at the first login; the security administrator resets
its password from the same page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.ledger.models import Entry
from zhifa.personnel.services import officer_create_login
from zhifa.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_the_administrator_creates_a_login_with_a_password_shown_once(client, world):
    colleague = world.colleague
    client.force_login(world.admin)
    page = client.get(reverse("officer_detail", args=[colleague.pk])).content.decode()
    assert "创建登录账号" in page
    form = client.get(reverse("officer_create_login", args=[colleague.pk]))
    proposed = colleague.certificates.get().number
    assert f'value="{proposed}"' in form.content.decode()  # the certificate number, proposed as the user name
    assert "角色由安全管理员" in form.content.decode()

    response = client.post(reverse("officer_create_login", args=[colleague.pk]), {"username": "yizhifa"})
    assert "no-store" in response["Cache-Control"]
    shown = response.content.decode()
    user = User.objects.get(username="yizhifa")
    colleague.refresh_from_db()
    assert colleague.user == user
    assert (user.full_name, user.agency, user.must_change_password, set(user.roles)) == (
        "乙执法",
        world.branch,
        True,
        set(),
    )
    password = shown.split('id="initial-password">')[1].split("<")[0]
    assert user.check_password(password)
    assert Entry.objects.filter(action="officer.create_login").count() == 1
    # Shown once: the officer's page now tells of the login, not its password.
    page = client.get(reverse("officer_detail", args=[colleague.pk])).content.decode()
    assert "yizhifa" in page
    assert password not in page
    assert "暂无角色" in page


def test_a_password_the_administrator_types_follows_the_password_rules(client, world):
    client.force_login(world.admin)
    url = reverse("officer_create_login", args=[world.colleague.pk])
    page = client.post(url, {"username": "yizhifa", "password": "abc", "password2": "abc"}).content.decode()
    assert "密码须包含" in page
    assert not User.objects.filter(username="yizhifa").exists()
    response = client.post(url, {"username": "yizhifa", "password": "Lin-Ye-2026x", "password2": "Lin-Ye-2026x"})
    assert response.status_code == 302
    assert User.objects.get(username="yizhifa").check_password("Lin-Ye-2026x")


def test_only_the_system_administrator_creates_logins_and_only_one_per_officer(client, world):
    with pytest.raises(Refusal, match="只有系统管理员可以创建登录账号"):
        officer_create_login(actor=world.supervisor, officer=world.colleague, username="x1", password=PASSWORD)
    with pytest.raises(Refusal, match="已有登录账号"):
        officer_create_login(actor=world.admin, officer=world.officer, username="x2", password=PASSWORD)
    client.force_login(world.supervisor)
    assert client.get(reverse("officer_create_login", args=[world.colleague.pk])).status_code == 403


def test_the_security_administrator_resets_the_password_from_the_officers_page(client, world):
    security = make_user("security", world.bureau, Role.SECADMIN)
    client.force_login(security)
    officer_page = reverse("officer_detail", args=[world.officer.pk])
    page = client.get(officer_page).content.decode()
    reset = reverse("user_password_reset", args=[world.officer_user.pk])
    assert f"{reset}?next={officer_page}" in page
    response = client.post(reset, {"password": "Lin-Ye-2026x", "password2": "Lin-Ye-2026x", "next": officer_page})
    assert response.url == officer_page
    world.officer_user.refresh_from_db()
    assert world.officer_user.must_change_password
    # The system administrator sees the login but is pointed to the security administrator for it.
    client.force_login(world.admin)
    page = client.get(officer_page).content.decode()
    assert reset not in page
    assert "由安全管理员办理" in page
