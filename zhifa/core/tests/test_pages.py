"""Every page answers for the roles that use it, in Chinese, with bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.core.choices import Role
from zhifa.core.models import CalendarYear
from zhifa.testing.factories import TODAY, at, give_certificate, make_officer, make_user

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("officer_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_page_per_role(client, world, time_machine):
    time_machine.move_to(at(TODAY))  # the administrator is told of the coming year without holiday data
    client.force_login(world.officer_user)
    page = client.get(reverse("home")).content.decode()
    assert "我的执法资格" in page
    assert "今天可以执法" in page

    client.force_login(world.supervisor)
    page = client.get(reverse("home")).content.decode()
    assert "执法证件概况" in page
    assert "法制审核人员配备" in page

    client.force_login(world.admin)
    page = client.get(reverse("home")).content.decode()
    # No holiday data for 2027 yet: the administrator is told to load it.
    assert "2027 年的国务院节假日安排尚未载入" in page


def test_officer_list_filters_by_certificate_state(client, world):
    client.force_login(world.supervisor)
    page = client.get(reverse("officer_list"), {"state": "none"}).content.decode()
    assert "丁辅助" in page
    assert "甲执法" not in page
    page = client.get(reverse("officer_list"), {"q": "甲执"}).content.decode()
    assert "甲执法" in page
    assert "乙执法" not in page


def test_officer_list_queries_do_not_grow_with_officers(client, world, django_assert_max_num_queries):
    client.force_login(world.supervisor)
    for index in range(20):
        person = make_officer(world.admin, world.branch, f"批量{index}")
        give_certificate(world.admin, person)
    # The page's own reads, and the header's desk counts (his cases' tasks and deadlines, the supervision notices).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("officer_list"))
    assert response.content.decode().count('href="/officers/') >= 24


def test_officer_detail_shows_masked_id_and_eligibility(client, world, time_machine):
    time_machine.move_to(at(TODAY))  # the certificate falls due for its annual review a year after issue
    client.force_login(world.supervisor)
    page = client.get(reverse("officer_detail", args=[world.officer.pk])).content.decode()
    assert world.officer.id_number not in page
    assert world.officer.masked_id_number() in page
    assert "可以执法" in page


def test_issue_certificate_through_the_page_reports_field_errors_in_chinese(client, world):
    client.force_login(world.admin)
    person = make_officer(world.admin, world.branch, "页面新证")
    url = reverse("certificate_issue", args=[person.pk])
    response = client.post(
        url,
        {
            "number": "P-1",
            "issuing_body": "省政府",
            "valid_from": "2026-01-01",
            "valid_until": "2032-01-01",
            "domains": ["forestry"],
        },
    )
    assert response.status_code == 200
    assert "执法证件有效期最长五年" in response.content.decode()
    assert not person.certificates.exists()
    response = client.post(
        url,
        {
            "number": "P-1",
            "issuing_body": "省政府",
            "valid_from": "2026-01-01",
            "valid_until": "2030-12-31",
            "domains": ["forestry"],
        },
    )
    assert response.status_code == 302
    assert person.certificates.get().number == "P-1"


def test_certificate_actions_through_the_pages(client, world):
    client.force_login(world.supervisor)
    certificate = world.officer.certificates.get()
    url = reverse("certificate_action", args=[certificate.pk, "suspend"])
    assert client.post(url, {"on_date": "2026-11-23", "reason": "调查"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    response = client.post(
        reverse("certificate_action", args=[certificate.pk, "suspend"]),
        {"on_date": "2026-11-23", "reason": "再次"},
    )
    assert "不能暂扣" in response.content.decode()


def test_officers_cannot_open_management_pages(client, world):
    client.force_login(world.officer_user)
    assert client.get(reverse("officer_create")).status_code == 403
    assert client.get(reverse("officer_import")).status_code == 403
    assert client.get(reverse("calendar")).status_code == 403
    assert client.get(reverse("user_list")).status_code == 403


def test_administrator_loads_a_year_through_the_calendar_page(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("calendar"),
        {
            "year": 2027,
            "source": "国务院办公厅通知（测试）",
            "holidays": "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-30",
            "workdays": "",
        },
    )
    assert "第2行：日期“2027-02-30”无效" in response.content.decode()
    assert not CalendarYear.objects.exists()
    response = client.post(
        reverse("calendar"),
        {
            "year": 2027,
            "source": "国务院办公厅通知（测试）",
            "holidays": "元旦 2027-01-01 至 2027-01-03",
            "workdays": "",
        },
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get().year == 2027


def test_roles_are_granted_and_revoked_through_the_user_page(client, world):
    security = make_user("security", world.bureau, Role.SECADMIN)
    client.force_login(security)
    url = reverse("user_role", args=[world.officer_user.pk, "grant"])
    client.post(url, {"role": Role.LEGAL_REVIEWER})
    world.officer_user.forget_roles()
    assert world.officer_user.has_role(Role.LEGAL_REVIEWER)
    client.post(reverse("user_role", args=[world.officer_user.pk, "revoke"]), {"role": Role.LEGAL_REVIEWER})
    world.officer_user.forget_roles()
    assert not world.officer_user.has_role(Role.LEGAL_REVIEWER)
    response = client.post(reverse("user_role", args=[security.pk, "revoke"]), {"role": Role.SECADMIN}, follow=True)
    assert "不能撤销自己的角色" in response.content.decode()
    # The system administrator creates logins but grants no role.
    client.force_login(world.admin)
    assert client.post(url, {"role": Role.LEGAL_REVIEWER}).status_code == 403
