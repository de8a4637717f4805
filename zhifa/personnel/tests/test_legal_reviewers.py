"""A reviewer's qualification and start date on the officer's page and in the ledger (行政处罚法 第五十八条第二款),
and the agency's reviewer staffing against the 5 % floor (国办发〔2018〕118号)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from zhifa.core.choices import AgencyKind, Role
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.personnel.models import Officer
from zhifa.personnel.selectors import reviewer_staffing
from zhifa.personnel.services import officer_set_legal_review
from zhifa.testing.factories import make_agency, make_officer, make_user

pytestmark = pytest.mark.django_db


def test_the_qualification_and_start_date_are_recorded_from_the_officer_page(client, world):
    client.force_login(world.supervisor)
    url = reverse("officer_legal_review", args=[world.colleague.pk])
    data = {"legal_qualification": "on", "qualification_number": "A20191100000123", "legal_review_since": "2019-04-01"}
    assert client.post(url, data).status_code == 302
    officer = Officer.objects.get(pk=world.colleague.pk)
    assert (officer.legal_qualification, officer.qualification_number) == (True, "A20191100000123")
    assert officer.legal_review_since == date(2019, 4, 1)
    entry = Entry.objects.filter(action="officer.legal_review").latest("index")
    facts = json.loads(entry.facts.facts)
    assert facts["state"]["qualification_number"] == "A20191100000123"
    assert facts["state"]["legal_review_since"] == "2019-04-01"
    page = client.get(reverse("officer_detail", args=[officer.pk])).content.decode()
    assert "A20191100000123" in page
    assert "2019-04-01" in page or "2019年4月1日" in page
    assert "登记法制审核资格" in page  # the ledger entry, by its name
    assert verify_ledger().ok


def test_a_certificate_number_without_the_qualification_and_a_future_start_are_refused(client, world):
    client.force_login(world.supervisor)
    url = reverse("officer_legal_review", args=[world.colleague.pk])
    page = client.post(url, {"qualification_number": "A1"}).content.decode()
    assert "请勾选“具有法律职业资格”" in page
    page = client.post(url, {"legal_qualification": "on", "legal_review_since": "2099-01-01"}).content.decode()
    assert "不能晚于" in page
    assert not Entry.objects.filter(action="officer.legal_review").exists()
    # Officers do not keep personnel records.
    client.force_login(world.officer_user)
    assert client.get(url).status_code == 403


def test_a_qualification_changed_behind_the_services_back_is_caught_by_verify(world):
    officer_set_legal_review(actor=world.admin, officer=world.colleague, legal_qualification=False)
    assert verify_ledger().ok
    Officer.objects.filter(pk=world.colleague.pk).update(legal_qualification=True)
    report = verify_ledger()
    assert not report.ok
    assert f"personnel.officer:{world.colleague.pk}" in report.problems[0]


def _reviewer(admin, agency, name, *, qualified=True, since=None):
    login = make_user(f"r-{name}", agency, Role.LEGAL_REVIEWER)
    officer = make_officer(admin, agency, name, user=login)
    officer_set_legal_review(actor=admin, officer=officer, legal_qualification=qualified, legal_review_since=since)
    return officer


def test_the_share_counts_qualified_and_grandfathered_reviewers_against_enforcement_officers(world):
    bureau = make_agency("配备测试分局", world.bureau, kind=AgencyKind.BRANCH)
    station = make_agency("配备测试分局一站", bureau, kind=AgencyKind.STATION)
    for index in range(17):
        make_officer(world.admin, station if index % 2 else bureau, f"执法{index}")
    _reviewer(world.admin, bureau, "资格审核")
    _reviewer(world.admin, station, "老审核", qualified=False, since=date(2016, 1, 1))  # grandfathered: counts
    _reviewer(world.admin, bureau, "新审核", qualified=False, since=date(2023, 1, 1))  # may not review: does not
    make_user("无人员审核", bureau, Role.LEGAL_REVIEWER)  # a login without an officer record: does not
    staffing = reviewer_staffing(bureau)
    # 17 officers and the three reviewers' records (officers too): 20, so 5 % is one reviewer.
    assert (staffing.officers, staffing.reviewers, staffing.qualified, staffing.unable) == (20, 2, 1, 2)
    assert (staffing.needed, staffing.share, staffing.short) == (1, Decimal("10.0"), False)
    assert reviewer_staffing(station).reviewers == 1


def test_the_agency_page_shows_the_share_and_when_it_falls_short(client, world):
    bureau = make_agency("不足测试分局", world.bureau, kind=AgencyKind.BRANCH)
    for index in range(20):
        make_officer(world.admin, bureau, f"执法{index}")
    _reviewer(world.admin, bureau, "新审核", qualified=False, since=date(2023, 1, 1))
    client.force_login(make_user("bureau-supervisor", bureau, Role.SUPERVISOR))
    page = client.get(reverse("agency_detail", args=[bureau.pk])).content.decode()
    assert "在岗执法人员 21 名，法制审核人员 0 名" in page
    assert "按不少于 5% 应配备 2 名" in page
    assert "占比 0.0%" in page
    assert "另有 1 个法制审核账号不计入" in page
    assert "未达到配备要求" in page
    officer_set_legal_review(actor=world.admin, officer=Officer.objects.get(name="新审核"), legal_qualification=True)
    _reviewer(world.admin, bureau, "资格审核")
    page = client.get(reverse("agency_detail", args=[bureau.pk])).content.decode()
    assert "法制审核人员 2 名（其中取得法律职业资格 2 名）" in page
    assert "占比 9.1%" in page
    assert "已达到配备要求" in page
