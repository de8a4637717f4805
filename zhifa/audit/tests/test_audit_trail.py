"""Logins, logouts, failed logins and refused requests reach the append-only audit trail, which the auditor
reads at /audit/ (filtered, paged, scoped to his agency's subtree) and nobody can edit or delete."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.audit.choices import AuditKind
from zhifa.audit.models import AuditEvent
from zhifa.audit.services import audit_record
from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def login(client: Client, username: str, password: str) -> None:
    client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_logins_logouts_and_failed_logins_are_recorded(world):
    client = Client()
    login(client, "officer", "wrong password")
    login(client, "nobody", "whatever")
    login(client, "officer", PASSWORD)
    client.post("/accounts/logout/")
    events = list(AuditEvent.objects.order_by("pk"))
    assert [event.kind for event in events] == [
        AuditKind.LOGIN_FAILED,
        AuditKind.LOGIN_FAILED,
        AuditKind.LOGIN,
        AuditKind.LOGOUT,
    ]
    assert [event.username for event in events] == ["officer", "nobody", "officer", "officer"]
    assert events[0].agency_path == world.branch.path
    assert events[0].address == "10.1.2.3"
    assert events[1].agency_path == ""
    assert events[1].detail == "用户名不存在"
    assert all(PASSWORD not in event.detail and "wrong" not in event.detail for event in events)


def test_a_403_page_and_a_refused_api_request_are_recorded(world):
    assert signed_in("officer").get("/audit/").status_code == 403
    forbidden = AuditEvent.objects.get(kind=AuditKind.FORBIDDEN)
    assert (forbidden.username, forbidden.path, forbidden.status) == ("officer", "/audit/", 403)

    _, secret = ApiToken.issue(world.officer.user, "test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.post("/api/v1/cases", {"action": "archive", "fields": {}}, content_type="application/json")
    assert response.status_code == 422
    refused = AuditEvent.objects.get(kind=AuditKind.REFUSED)
    assert refused.username == "officer"
    assert refused.status == 422
    assert "register_lead" in refused.detail


def test_the_trail_cannot_be_edited_or_deleted(world):
    login(Client(), "officer", "wrong password")
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="someone else")
    assert AuditEvent.objects.get().username == "officer"


def test_the_auditor_reads_his_subtree_filtered_and_paged(world):
    make_user("auditor", world.bureau, Role.AUDITOR)
    make_user("far_auditor", world.elsewhere, Role.AUDITOR)
    start = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
    # Sixty failed logins over two months (written by the service: the lockout would stop real ones).
    for day in range(60):
        with time_machine.travel(start + timedelta(days=day), tick=False):
            audit_record(kind=AuditKind.LOGIN_FAILED, user=world.officer.user)
    with time_machine.travel(start + timedelta(days=3), tick=False):
        login(Client(), "outsider", "wrong password")
        login(Client(), "ghost", "wrong password")
    auditor = signed_in("auditor")
    page = auditor.get("/audit/").content.decode()
    assert page.count('<tr class="audit-') == 50  # one page: his own login (force_login) and 49 failures
    assert "1 / 2" in page
    assert "outsider" not in page.split('id="audit-events"')[1]  # another agency's events are not his
    second = auditor.get("/audit/?kind=login_failed&page=2").content.decode()
    assert second.count('class="audit-login_failed"') == 11  # 60 of his, and "ghost" (no agency: a root auditor's)
    one_day = auditor.get("/audit/?username=offi&since=2026-11-05&until=2026-11-05").content.decode()
    assert one_day.count('class="audit-login_failed"') == 1
    assert "2026-11-05 09:00:00" in one_day
    far = signed_in("far_auditor").get("/audit/").content.decode()
    assert far.count('class="audit-login_failed"') == 2  # the outsider's attempt and the unknown name
    assert "安全审计" in auditor.get("/").content.decode()  # in his navigation


def test_the_access_log_names_the_user(world, caplog):
    with caplog.at_level(logging.INFO, logger="zhifa.access"):
        signed_in("officer").get("/cases/")
        Client().get("/accounts/login/")
        _, secret = ApiToken.issue(world.officer.user, "test")
        Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/cases")
    lines = [record.getMessage() for record in caplog.records if record.name == "zhifa.access"]
    assert any(line.startswith("GET /cases/ 200 officer ") for line in lines), lines
    assert any(line.startswith("GET /accounts/login/ 200 - ") for line in lines), lines
    assert any(line.startswith("GET /api/v1/cases 200 officer ") for line in lines), lines


def test_the_audit_page_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    make_user("auditor", world.bureau, Role.AUDITOR)
    for _ in range(120):
        audit_record(kind=AuditKind.LOGIN_FAILED, user=world.officer.user)
    auditor = signed_in("auditor")
    with django_assert_max_num_queries(12):
        assert auditor.get("/audit/?kind=login_failed").status_code == 200


def test_refusals_from_anonymous_floods_are_recorded_but_bounded(world, settings):
    settings.LOGIN_RATE_LIMIT = 3
    flood = Client(REMOTE_ADDR="198.51.100.9")
    for number in range(10):
        flood.post("/accounts/login/", {"username": f"nobody{number}", "password": "x"})
    limited = AuditEvent.objects.filter(kind=AuditKind.RATE_LIMITED)
    assert list(limited.values_list("address", "status")) == [("198.51.100.9", 429)]  # once, when it began
    # Anonymous 403s (forged forms, probes): the first ones of a window, not every one.
    forger = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.10")
    for _ in range(30):
        assert forger.post("/accounts/language/", {"language": "en"}).status_code == 403
    assert AuditEvent.objects.filter(kind=AuditKind.FORBIDDEN, address="198.51.100.10").count() == 20
