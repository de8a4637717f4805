"""三员分立 (等保 2.0 level 3): system, security and audit administrators, kept apart and away from the cases."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from zhifa.core import services
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry, EntryFile
from zhifa.personnel.choices import OfficerKind
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def security(world):
    return make_user("security", world.bureau, Role.SECADMIN)


def test_nobody_grants_or_revokes_a_role_to_himself(world, security):
    with pytest.raises(Refusal, match="不能给自己授予角色"):
        services.user_grant_role(actor=security, user=security, role=Role.APPROVER)
    with pytest.raises(Refusal, match="不能撤销自己的角色"):
        services.user_revoke_role(actor=security, user=security, role=Role.SECADMIN)
    assert security.roles == {Role.SECADMIN}


def test_the_system_administrator_grants_no_role_not_even_to_himself(world):
    # The probe: a system administrator granted himself the approver role, then decided a case.
    for role in (Role.APPROVER, Role.OFFICER, Role.AUDITOR):
        with pytest.raises(Refusal, match="只有安全管理员可以授予角色"):
            services.user_grant_role(actor=world.admin, user=world.admin, role=role)
    with pytest.raises(Refusal, match="只有安全管理员可以撤销角色"):
        services.user_revoke_role(actor=world.admin, user=world.supervisor, role=Role.SUPERVISOR)


def test_the_system_administrator_never_holds_a_business_or_audit_role(world, security):
    for role in (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR, Role.AUXILIARY):
        with pytest.raises(Refusal, match="管理员不得兼任业务角色"):
            services.user_grant_role(actor=security, user=world.admin, role=role)
    with pytest.raises(Refusal, match="三员（系统、安全、审计管理员）不能由同一人兼任"):
        services.user_grant_role(actor=security, user=world.admin, role=Role.AUDITOR)
    world.admin.forget_roles()
    assert world.admin.roles == {Role.SYSADMIN}


def test_the_three_administrator_roles_are_mutually_exclusive(world, security):
    auditor = make_user("auditor", world.bureau, Role.AUDITOR)
    for person, role in ((auditor, Role.SYSADMIN), (auditor, Role.SECADMIN), (world.admin, Role.SECADMIN)):
        with pytest.raises(Refusal, match="不能由同一人兼任"):
            services.user_grant_role(actor=security, user=person, role=role)
    # Nor does a person doing cases become an administrator.
    with pytest.raises(Refusal, match="担任执法业务角色"):
        services.user_grant_role(actor=security, user=world.officer_user, role=Role.SYSADMIN)


def test_auxiliary_staff_never_receive_an_officer_approver_or_reviewer_role(world, security):
    helper = make_user("helper", world.branch, Role.AUXILIARY)
    world.auxiliary.user = helper
    world.auxiliary.save(update_fields=["user"])
    assert world.auxiliary.kind == OfficerKind.AUXILIARY
    for role in (Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER):
        with pytest.raises(Refusal, match="是执法辅助人员，不能授予"):
            services.user_grant_role(actor=security, user=helper, role=role)
    helper.forget_roles()
    assert helper.roles == {Role.AUXILIARY}
    # Holding the auxiliary role is enough, with or without an officer record.
    bare = make_user("bare-helper", world.branch, Role.AUXILIARY)
    with pytest.raises(Refusal, match="是执法辅助人员，不能授予"):
        services.user_grant_role(actor=security, user=bare, role=Role.OFFICER)
    # Nor the other way round: an officer does not become auxiliary staff as well.
    with pytest.raises(Refusal, match="不能同时为执法辅助人员"):
        services.user_grant_role(actor=security, user=world.officer_user, role=Role.AUXILIARY)


def test_an_allowed_grant_is_recorded_with_who_granted_what_to_whom(world, security):
    services.user_grant_role(actor=security, user=world.officer_user, role=Role.LEGAL_REVIEWER)
    entry = Entry.objects.filter(action="user.grant_role").latest("index")
    assert entry.actor_id == security.pk
    assert '"role":"legal_reviewer"' in entry.facts.facts
    assert '"user":"officer"' in entry.facts.facts


def test_the_auditor_sees_role_changes_in_the_interface(client, world, security):
    auditor = make_user("auditor", world.bureau, Role.AUDITOR)
    services.user_grant_role(actor=security, user=world.officer_user, role=Role.LEGAL_REVIEWER)
    services.user_revoke_role(actor=security, user=world.officer_user, role=Role.LEGAL_REVIEWER)
    client.force_login(auditor)
    page = client.get(reverse("account_changes")).content.decode()
    assert page.count("法制审核人员") == 2
    assert "授予角色" in page
    assert "撤销角色" in page
    assert "security" in page  # who did it
    # The administrators whose changes these are cannot open the page.
    for admin in (world.admin, security):
        client.force_login(admin)
        assert client.get(reverse("account_changes")).status_code == 403


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_system_and_security_administrators_read_no_case_file_or_evidence(client, world, security, evidence):
    from zhifa.api.models import ApiToken
    from zhifa.cases.tests.desk import Desk

    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 10, 30))
    desk.investigate(date(2026, 11, 3))
    case = desk.case
    files = [row.sha256 for row in EntryFile.objects.filter(entry__subject=f"cases.case:{case.pk}")]
    assert files, "the desk records the case's files"
    # The supervisor of the same agency reads them; the two administrators do not.
    client.force_login(world.supervisor)
    assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("evidence_download", args=[files[0]])).status_code == 200
    for admin in (world.admin, security):
        client.force_login(admin)
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 404
        assert client.get(reverse("case_list")).content.decode().count(case.title) == 0
        assert client.get(reverse("evidence_download", args=[files[0]])).status_code == 403
        _, secret = ApiToken.issue(admin, "test")
        api = client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert api.status_code == 404


def test_the_first_security_administrator_is_named_from_the_server_once(world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    first = make_user("first-security", world.bureau)
    call_command("bootstrap_role", "first-security", "secadmin")
    first.forget_roles()
    assert first.roles == {Role.SECADMIN}
    assert Entry.objects.filter(action="user.grant_role", actor=None, subject=f"core.user:{first.pk}").exists()
    make_user("second", world.bureau)
    with pytest.raises(CommandError, match="已有安全管理员"):
        call_command("bootstrap_role", "second", "secadmin")
    with pytest.raises(CommandError, match="其他角色由安全管理员授予"):
        call_command("bootstrap_role", "second", "approver")


def test_the_check_lists_roles_left_from_before_the_split(world, capsys):
    from django.core.management import call_command

    make_user("old-admin", world.bureau, Role.SYSADMIN, Role.APPROVER)
    call_command("bootstrap_role", "--check")
    assert "old-admin" in capsys.readouterr().out


def test_a_person_who_has_left_enforcement_receives_no_business_role(world, security):
    from zhifa.personnel.services import officer_leave
    from zhifa.testing.factories import TODAY

    officer_leave(actor=world.admin, officer=world.officer, left_on=TODAY, reason="调离")
    with pytest.raises(Refusal, match="已离岗，不能授予"):
        services.user_grant_role(actor=security, user=world.officer_user, role=Role.APPROVER)
