"""can_enforce and the two-officer rule (行政处罚法 第四十二条、第五十五条; 118号文; seed 000)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from zhifa.core.choices import Domain
from zhifa.personnel import services
from zhifa.personnel.choices import ReviewResult
from zhifa.personnel.rules import can_enforce, check_investigators, legal_reviewers_needed
from zhifa.testing.factories import TODAY, give_certificate, make_agency, make_officer

pytestmark = pytest.mark.django_db


def test_an_officer_with_a_valid_certificate_may_enforce_for_his_agency_and_those_above_and_below(world):
    assert can_enforce(world.officer, world.branch, TODAY)
    assert can_enforce(world.officer, world.bureau, TODAY)
    station = make_agency("甲分局保护站", world.branch)
    assert can_enforce(world.officer, station, TODAY)


def test_not_for_a_sibling_or_another_tree(world):
    answer = can_enforce(world.officer, world.sibling, TODAY)
    assert not answer
    assert answer.code == "agency"
    assert "不能以 测试管理局乙分局 的名义执法" in answer.reason
    assert can_enforce(world.officer, world.elsewhere, TODAY).code == "agency"


def test_auxiliary_staff_never_enforce(world):
    answer = can_enforce(world.auxiliary, world.branch, TODAY)
    assert answer.code == "auxiliary"
    assert "执法辅助人员" in answer.reason


def test_no_certificate(world):
    newcomer = make_officer(world.admin, world.branch, "新人")
    assert can_enforce(newcomer, world.branch, TODAY).code == "no_certificate"


def test_expired_certificate(world):
    certificate = world.officer.certificates.get()
    day_after = certificate.valid_until + timedelta(days=1)
    # Keep the annual review current so that only expiry speaks.
    certificate.review_due = day_after
    certificate.save()
    answer = can_enforce(world.officer, world.branch, day_after)
    assert answer.code == "expired"
    assert str(certificate.valid_until) in answer.reason


def test_not_yet_valid(world):
    newcomer = make_officer(world.admin, world.branch, "新人")
    give_certificate(world.admin, newcomer, valid_from=TODAY + timedelta(days=3))
    assert can_enforce(newcomer, world.branch, TODAY).code == "not_yet_valid"


def test_annual_review_overdue(world):
    certificate = world.officer.certificates.get()
    assert can_enforce(world.officer, world.branch, certificate.review_due)  # the due day itself is fine
    answer = can_enforce(world.officer, world.branch, certificate.review_due + timedelta(days=1))
    assert answer.code == "review_overdue"
    services.certificate_annual_review(
        actor=world.admin,
        certificate=certificate,
        reviewed_on=certificate.review_due,
        result=ReviewResult.PASSED,
    )
    assert can_enforce(world.officer, world.branch, certificate.review_due - timedelta(days=300))


def test_suspended_and_revoked(world):
    certificate = world.officer.certificates.get()
    services.certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="停职调查")
    answer = can_enforce(world.officer, world.branch, TODAY)
    assert answer.code == "suspended"
    assert "停职调查" in answer.reason
    services.certificate_revoke(actor=world.admin, certificate=certificate, on_date=TODAY, reason="辞职")
    assert can_enforce(world.officer, world.branch, TODAY).code == "revoked"


def test_officer_who_left(world):
    services.officer_leave(actor=world.admin, officer=world.officer, left_on=TODAY, reason="退休")
    world.officer.refresh_from_db()
    assert can_enforce(world.officer, world.branch, TODAY).code == "left"


def test_certificate_domain_must_match_the_agency(world):
    ecology = make_agency("测试生态环境局", domains=(Domain.ECOLOGY,))
    person = make_officer(world.admin, world.branch, "跨领域")
    give_certificate(world.admin, person)
    # The branch's officer acting for an unrelated ecology bureau fails on the line first; check the domain
    # through an agency in his own line that enforces another domain.
    station = make_agency("甲分局生态站", world.branch, domains=(Domain.ECOLOGY,))
    assert can_enforce(person, station, TODAY).code == "domain"
    assert can_enforce(person, ecology, TODAY).code == "agency"


def test_two_officers_able_to_enforce_are_needed_for_investigation(world):
    assert check_investigators([world.officer, world.colleague], world.branch, TODAY)


def test_one_officer_is_not_enough(world):
    answer = check_investigators([world.officer], world.branch, TODAY)
    assert answer.code == "two_officers"
    assert "两名以上" in answer.reason
    assert "当前只有 1 名" in answer.reason


def test_auxiliary_staff_do_not_count_towards_two(world):
    answer = check_investigators([world.officer, world.auxiliary], world.branch, TODAY)
    assert not answer
    assert "执法辅助人员" in answer.reason


def test_the_same_officer_twice_counts_once(world):
    assert not check_investigators([world.officer, world.officer], world.branch, TODAY)


@pytest.mark.parametrize(("officers", "needed"), [(0, 0), (1, 1), (20, 1), (21, 2), (40, 2), (41, 3)])
def test_legal_reviewers_are_at_least_five_percent_of_officers(officers, needed):
    assert legal_reviewers_needed(officers) == needed
