"""Issuing, reviewing, suspending, reinstating and revoking certificates; officers leaving."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from zhifa.core.errors import Refusal
from zhifa.personnel import services
from zhifa.personnel.choices import CertificateEventKind, CertificateStatus, OfficerStatus, ReviewResult
from zhifa.personnel.models import Certificate, Officer
from zhifa.testing.factories import TODAY, give_certificate, id_number, make_officer

pytestmark = pytest.mark.django_db


def test_issuing_sets_the_first_annual_review_a_year_on_and_keeps_history(world):
    person = make_officer(world.admin, world.branch, "新证")
    certificate = give_certificate(world.admin, person, valid_from=date(2026, 3, 1))
    assert certificate.review_due == date(2027, 3, 1)
    assert [e.kind for e in certificate.events.all()] == [CertificateEventKind.ISSUED]
    assert certificate.events.get().actor_name == "admin"


def test_auxiliary_staff_get_no_certificate(world):
    with pytest.raises(Refusal, match="执法辅助人员不得持有行政执法证件"):
        give_certificate(world.admin, world.auxiliary)
    assert not Certificate.objects.filter(officer=world.auxiliary).exists()


def test_a_second_unrevoked_certificate_is_refused(world):
    with pytest.raises(Refusal, match="已持有未注销的执法证件"):
        give_certificate(world.admin, world.officer)


def test_validity_is_at_most_five_years(world):
    person = make_officer(world.admin, world.branch, "长期证")
    with pytest.raises(Refusal, match="最长五年") as refused:
        give_certificate(world.admin, person, years=6)
    assert refused.value.field == "valid_until"


def test_duplicate_certificate_number_is_refused_by_field(world):
    person = make_officer(world.admin, world.branch, "重号")
    taken = world.officer.certificates.get().number
    with pytest.raises(ValidationError) as refused:
        services.certificate_issue(
            actor=world.admin,
            officer=person,
            number=taken,
            issuing_body="省政府",
            valid_from=TODAY,
            valid_until=TODAY + timedelta(days=365),
            domains=["forestry"],
        )
    assert "number" in refused.value.message_dict
    assert Certificate.objects.filter(number=taken).count() == 1


def test_only_personnel_administrators_in_scope_act(world):
    certificate = world.officer.certificates.get()
    with pytest.raises(Refusal, match="只有系统管理员、执法监督人员可以暂扣执法证件"):
        services.certificate_suspend(actor=world.officer_user, certificate=certificate, on_date=TODAY, reason="x")
    with pytest.raises(Refusal, match="不在您的管辖范围内"):
        services.certificate_suspend(actor=world.outsider, certificate=certificate, on_date=TODAY, reason="x")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_passing_review_moves_the_due_date_a_year_keeping_the_anniversary(world):
    certificate = world.officer.certificates.get()
    due = certificate.review_due
    services.certificate_annual_review(
        actor=world.admin,
        certificate=certificate,
        reviewed_on=due - timedelta(days=10),
        result=ReviewResult.PASSED,
    )
    certificate.refresh_from_db()
    assert certificate.review_due == due.replace(year=due.year + 1)


def test_failing_review_suspends_with_the_opinion(world):
    certificate = world.officer.certificates.get()
    with pytest.raises(Refusal, match="年审不合格须写明意见"):
        services.certificate_annual_review(
            actor=world.admin, certificate=certificate, reviewed_on=TODAY, result=ReviewResult.FAILED
        )
    services.certificate_annual_review(
        actor=world.admin,
        certificate=certificate,
        reviewed_on=TODAY,
        result=ReviewResult.FAILED,
        opinion="培训考试未通过",
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    assert certificate.status_reason == "年审不合格：培训考试未通过"


def test_suspend_then_reinstate(world):
    certificate = world.officer.certificates.get()
    services.certificate_suspend(actor=world.supervisor, certificate=certificate, on_date=TODAY, reason="调查")
    with pytest.raises(Refusal, match="不能暂扣"):
        services.certificate_suspend(actor=world.supervisor, certificate=certificate, on_date=TODAY, reason="再次")
    services.certificate_reinstate(actor=world.supervisor, certificate=certificate, on_date=TODAY, reason="调查结束")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert certificate.status_reason == ""
    kinds = list(certificate.events.values_list("kind", flat=True))
    assert kinds == [
        CertificateEventKind.ISSUED,
        CertificateEventKind.SUSPENDED,
        CertificateEventKind.REINSTATED,
    ]


def test_revocation_needs_a_reason_and_is_final(world):
    certificate = world.officer.certificates.get()
    with pytest.raises(Refusal, match="请填写注销原因"):
        services.certificate_revoke(actor=world.admin, certificate=certificate, on_date=TODAY, reason="  ")
    services.certificate_revoke(actor=world.admin, certificate=certificate, on_date=TODAY, reason="调离")
    with pytest.raises(Refusal, match="已注销"):
        services.certificate_revoke(actor=world.admin, certificate=certificate, on_date=TODAY, reason="调离")
    with pytest.raises(Refusal, match="不能年审"):
        services.certificate_annual_review(
            actor=world.admin, certificate=certificate, reviewed_on=TODAY, result=ReviewResult.PASSED
        )


def test_leaving_revokes_every_certificate_with_the_reason(world):
    services.officer_leave(actor=world.admin, officer=world.officer, left_on=TODAY, reason="调往他处")
    officer = Officer.objects.get(pk=world.officer.pk)
    assert officer.status == OfficerStatus.LEFT
    certificate = officer.certificates.get()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.status_reason == "离开执法岗位：调往他处"
    with pytest.raises(Refusal, match="不能核发证件"):
        give_certificate(world.admin, officer)


def test_an_invalid_id_number_saves_nothing(world):
    good = id_number()  # one number: its own check digit changed (two calls would draw two numbers)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    before = Officer.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.officer_create(actor=world.admin, agency=world.branch, name="错号", gender="male", id_number=bad)
    assert "GB 11643" in refused.value.message_dict["id_number"][0]
    assert Officer.objects.count() == before
