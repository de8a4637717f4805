"""Every act of enforcement is a person's whose status allows it on the act's date, whatever roles the login
holds: never auxiliary staff, never someone who has left enforcement (workflow.STANDING_GUARDS)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhifa.cases import services
from zhifa.cases.models import Case
from zhifa.cases.tests.desk import ON_THE_SPOT, SMALL_FINE_REPORT, Desk
from zhifa.cases.workflow import ACTIONS, STANDING_GUARDS
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.personnel.services import certificate_suspend, officer_leave
from zhifa.testing.factories import TODAY, at, give_certificate, make_officer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world, evidence, time_machine):
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    return desk


def test_auxiliary_staff_approve_nothing_whatever_roles_their_login_holds(desk, world):
    # Roles put on the login directly, past the grant rules: the act itself must still refuse.
    helper = make_user("aux-head", world.branch, Role.AUXILIARY, Role.APPROVER)
    with pytest.raises(Refusal, match="执法辅助人员不得审批、决定、审核、签署、听证或送达") as refused:
        services.perform(helper, "file", {"on_date": date(2026, 11, 3)}, case=desk.case)
    assert "118号" in refused.value.rule
    assert Case.objects.get(pk=desk.case.pk).state == "lead"
    # An auxiliary officer record behind an approver's login is refused the same way.
    linked = make_user("aux-linked", world.branch, Role.APPROVER)
    world.auxiliary.user = linked
    world.auxiliary.save(update_fields=["user"])
    with pytest.raises(Refusal, match="执法辅助人员不得"):
        services.perform(linked, "file", {"on_date": date(2026, 11, 3)}, case=desk.case)
    desk("file", date(2026, 11, 3))  # the head files it


def test_someone_who_has_left_enforcement_acts_no_more_from_the_day_he_left(desk, world):
    head = make_user("head-who-left", world.branch, Role.APPROVER)
    make_officer(world.admin, world.branch, "离岗负责人", user=head)
    officer_leave(actor=world.admin, officer=head.officer, left_on=date(2026, 11, 4), reason="调离执法岗位")
    head = User.objects.get(pk=head.pk)  # as the next request loads him
    with pytest.raises(Refusal, match="已于 2026-11-04 离开执法岗位"):
        services.perform(head, "file", {"on_date": date(2026, 11, 5)}, case=desk.case)
    # Judged on the act's date: an act dated before he left was his to take.
    services.perform(head, "file", {"on_date": date(2026, 11, 3)}, case=desk.case)


def test_the_standing_guard_covers_every_act_auxiliary_staff_may_not_take():
    for action in ACTIONS.values():
        if Role.AUXILIARY.value in action.roles:
            assert not set(STANDING_GUARDS) & set(action.guards), action.name
        else:
            assert action.guards[: len(STANDING_GUARDS)] == STANDING_GUARDS, action.name


REPORT = SMALL_FINE_REPORT


def test_every_officers_act_is_the_case_teams(desk, world):
    # 戊 is an officer of the branch with a valid certificate, but not on this case's team.
    stranger = make_user("stranger", world.branch, Role.OFFICER)
    give_certificate(world.admin, make_officer(world.admin, world.branch, "戊执法", user=stranger))
    team_lead = desk.officer
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 4), **REPORT)

    def by_stranger(name: str, on: date, **data: object) -> None:
        desk.officer = stranger
        refusal = desk.refused(name, on, **data)  # nothing changes
        assert refusal.message == "只有本案的承办人员可以办理此事项", name
        desk.officer = team_lead

    by_stranger("submit_approval", date(2026, 11, 4))
    desk("submit_approval", date(2026, 11, 4))
    desk("approve", date(2026, 11, 5))
    desk("notify", date(2026, 11, 6), rights_stated=True)
    by_stranger("record_statement", date(2026, 11, 9), summary="当事人称不知林木权属", evidence=[desk.scan])
    desk("decide", date(2026, 11, 16), **REPORT)
    by_stranger("serve", date(2026, 11, 17), method="post", evidence=[desk.scan])
    desk("serve", date(2026, 11, 17), method="post", evidence=[desk.scan])
    by_stranger("record_payment", date(2026, 11, 18), amount=Decimal(1000), receipt="NS1")
    desk("record_payment", date(2026, 11, 18), amount=Decimal(1000), receipt="NS1")


def test_a_team_members_certificate_is_judged_on_the_acts_date(world, evidence, time_machine):
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 7, 1), act_ended_on=date(2026, 6, 30))
    desk.investigate(date(2026, 7, 2))
    desk("report", date(2026, 7, 3), **REPORT)
    certificate = world.officer.certificates.get(status="valid")  # the one the desk issued for 2026
    certificate_suspend(actor=world.admin, certificate=certificate, on_date=date(2026, 7, 6), reason="涉嫌违纪")
    refusal = desk.refused("submit_approval", date(2026, 7, 6))
    assert refusal.message.startswith("您当前不能执法")
    assert "已暂扣" in refusal.message
    assert "118号" in refusal.rule
    # An act dated before the suspension is judged by the certificate as it stood that day.
    desk("submit_approval", date(2026, 7, 3))


def test_a_login_without_an_officer_record_decides_nothing_on_the_spot(desk, world):
    # Found by the random walk: a login holding the officer's role, with no officer record behind it, named
    # two able officers as present and decided on the spot.
    bare = make_user("bare-officer", world.branch, Role.OFFICER)
    spot = {**ON_THE_SPOT, "on_date": date(2026, 11, 20), "officers": [world.officer, world.colleague]}
    with pytest.raises(Refusal, match="未关联执法人员档案"):
        services.perform(bare, "decide_on_the_spot", spot, agency=world.branch)
    assert not Case.objects.filter(title="在保护区内违规用火").exists()
