"""Account pages: the system administrator creates logins, the security administrator resets passwords,
everybody changes his own, and initial or reset passwords must be changed before anything else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhifa.core import services
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.ledger.models import Entry
from zhifa.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
NEW = "Lake-Dianchi-47x"


def log_in(username: str, password: str) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": password}).status_code == 302
    return client


def test_the_system_administrator_creates_a_login_that_must_change_its_initial_password(client, world):
    client.force_login(world.admin)
    form = {"username": "zhao", "full_name": "赵六", "agency": world.branch.pk, "password": NEW, "password2": NEW}
    response = client.post(reverse("user_new"), form)
    assert response.status_code == 302
    created = User.objects.get(username="zhao")
    assert created.must_change_password
    assert created.roles == frozenset()  # roles are the security administrator's to grant
    assert Entry.objects.filter(action="user.create", subject=f"core.user:{created.pk}").exists()
    # His first login leads to the change page, and nowhere else until it is done.
    person = log_in("zhao", NEW)
    assert person.get(reverse("home"))["Location"] == reverse("password_change")
    assert person.get(reverse("case_list"))["Location"] == reverse("password_change")
    assert "须先设置自己的新密码" in person.get(reverse("password_change")).content.decode()
    change = {"old_password": NEW, "password": "Birch-Forest-93q", "password2": "Birch-Forest-93q"}
    assert person.post(reverse("password_change"), change).status_code == 302
    assert person.get(reverse("home")).status_code == 200  # still logged in, and free to go
    created.refresh_from_db()
    assert not created.must_change_password


def test_only_the_system_administrator_creates_logins_and_with_a_policy_password(client, world):
    security = make_user("security", world.bureau, Role.SECADMIN)
    client.force_login(security)
    assert client.get(reverse("user_new")).status_code == 403
    with pytest.raises(Refusal, match="密码过于常见"):
        services.user_create(
            actor=world.admin, username="qian", full_name="钱七", agency=world.branch, roles=[], password="Admin@12345"
        )
    with pytest.raises(Refusal, match="系统管理员创建用户时不能授予角色"):
        services.user_create(
            actor=world.admin, username="qian", full_name="钱七", agency=world.branch, roles=["approver"], password=NEW
        )


def test_the_security_administrator_resets_a_password_which_must_then_be_changed(client, world):
    security = make_user("security", world.bureau, Role.SECADMIN)
    client.force_login(security)
    url = reverse("user_password_reset", args=[world.officer_user.pk])
    refused = client.post(url, {"password": "Passw0rd!!", "password2": "Passw0rd!!"})
    assert "密码过于常见" in refused.content.decode()
    assert client.post(url, {"password": NEW, "password2": NEW}).status_code == 302
    entry = Entry.objects.get(action="user.reset_password")
    assert entry.actor_id == security.pk
    assert NEW not in entry.facts.facts
    person = log_in("officer", NEW)
    assert person.get(reverse("home"))["Location"] == reverse("password_change")
    # Not his own, and not by the system administrator.
    assert client.post(reverse("user_password_reset", args=[security.pk]), {"password": NEW, "password2": NEW})
    with pytest.raises(Refusal, match="不能对自己重置密码"):
        services.user_reset_password(actor=security, user=security, password=NEW)
    with pytest.raises(Refusal, match="只有安全管理员可以重置密码"):
        services.user_reset_password(actor=world.admin, user=world.officer_user, password=NEW)


def test_everybody_changes_his_own_password_from_the_navigation(client, world):
    person = log_in("officer", PASSWORD)
    assert reverse("password_change") in person.get(reverse("home")).content.decode()
    wrong = person.post(reverse("password_change"), {"old_password": "x", "password": NEW, "password2": NEW})
    assert "原密码不正确" in wrong.content.decode()
    weak = person.post(
        reverse("password_change"), {"old_password": PASSWORD, "password": "Admin@12345", "password2": "Admin@12345"}
    )
    assert "密码过于常见" in weak.content.decode()
    ok = person.post(reverse("password_change"), {"old_password": PASSWORD, "password": NEW, "password2": NEW})
    assert ok.status_code == 302
    log_in("officer", NEW)


def test_each_administrator_sees_his_own_part_of_the_user_page(client, world):
    security = make_user("security", world.bureau, Role.SECADMIN)
    auditor = make_user("auditor", world.bureau, Role.AUDITOR)
    for person in (world.admin, security, auditor):
        client.force_login(person)
        assert client.get(reverse("home")).status_code == 200
    client.force_login(world.admin)
    page = client.get(reverse("user_list")).content.decode()
    assert reverse("user_new") in page
    assert reverse("user_role", args=[world.officer_user.pk, "grant"]) not in page
    client.force_login(security)
    page = client.get(reverse("user_list")).content.decode()
    assert reverse("user_new") not in page
    assert reverse("user_role", args=[world.officer_user.pk, "grant"]) in page
    assert reverse("user_role", args=[security.pk, "grant"]) not in page  # not on himself
    client.force_login(auditor)
    assert client.get(reverse("user_list")).status_code == 403
    assert reverse("account_changes") in client.get(reverse("home")).content.decode()
