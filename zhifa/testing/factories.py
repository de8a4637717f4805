"""Builders of test data through the real services. `build_world()` makes the usual personas."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zhifa.core.choices import AgencyKind, Domain, Role
from zhifa.core.models import Agency, RoleAssignment, User
from zhifa.core.validators import credit_code_check_char, resident_id_check_char
from zhifa.personnel import services
from zhifa.personnel.choices import Gender, OfficerKind
from zhifa.personnel.models import Certificate, Officer

PASSWORD = "Test@Pass2026"  # noqa: S105 - test persona password
TODAY = date(2026, 11, 23)


def at(day: date, hour: int = 10) -> datetime:
    """A moment of `day` in the agencies' time zone, for tests that set the clock (time_machine.move_to)."""
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))


_serial = itertools.count(1)


def credit_code() -> str:
    first17 = f"11150102{next(_serial):09d}"
    return first17 + credit_code_check_char(first17)


def id_number(gender: str = Gender.MALE) -> str:
    sequence = next(_serial) % 500 * 2 + (1 if gender == Gender.MALE else 0)
    first17 = f"150102{19800101 + next(_serial) % 28:08d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def make_agency(
    name: str,
    parent: Agency | None = None,
    *,
    kind: str = AgencyKind.BUREAU,
    domains: tuple[str, ...] = (Domain.FORESTRY,),
) -> Agency:
    agency = Agency(
        parent=parent,
        name=name,
        short_name=name[:3],
        kind=kind,
        credit_code=credit_code(),
        domains=list(domains),
    )
    agency.full_clean(exclude=["head"])
    agency.save()
    return agency


def make_user(username: str, agency: Agency | None, *roles: str, password: str = PASSWORD) -> User:
    user = User.objects.create_user(username=username, password=password, full_name=username, agency=agency)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    return user


def make_officer(
    actor: User, agency: Agency, name: str, *, kind: str = OfficerKind.OFFICER, user: User | None = None
) -> Officer:
    return services.officer_create(
        actor=actor, agency=agency, name=name, gender=Gender.MALE, id_number=id_number(), kind=kind, user=user
    )


def give_certificate(
    actor: User,
    officer: Officer,
    *,
    valid_from: date = TODAY - timedelta(days=100),
    years: int = 5,
    domains: tuple[str, ...] = (Domain.FORESTRY,),
) -> Certificate:
    return services.certificate_issue(
        actor=actor,
        officer=officer,
        number=f"TEST{next(_serial):08d}",
        issuing_body="测试省人民政府",
        valid_from=valid_from,
        valid_until=valid_from.replace(year=valid_from.year + years) - timedelta(days=1),
        domains=list(domains),
    )


@dataclass
class World:
    bureau: Agency
    branch: Agency
    sibling: Agency
    elsewhere: Agency
    admin: User
    supervisor: User
    officer_user: User
    outsider: User
    officer: Officer
    colleague: Officer
    sibling_officer: Officer
    auxiliary: Officer


def build_world() -> World:
    bureau = make_agency("测试管理局")
    branch = make_agency("测试管理局甲分局", bureau, kind=AgencyKind.BRANCH)
    sibling = make_agency("测试管理局乙分局", bureau, kind=AgencyKind.BRANCH)
    elsewhere = make_agency("外地林业局")
    admin = make_user("admin", bureau, Role.SYSADMIN)
    supervisor = make_user("supervisor", bureau, Role.SUPERVISOR)
    officer_user = make_user("officer", branch, Role.OFFICER)
    outsider = make_user("outsider", elsewhere, Role.SUPERVISOR)
    officer = make_officer(admin, branch, "甲执法", user=officer_user)
    colleague = make_officer(admin, branch, "乙执法")
    sibling_officer = make_officer(admin, sibling, "丙执法")
    auxiliary = make_officer(admin, branch, "丁辅助", kind=OfficerKind.AUXILIARY)
    for person in (officer, colleague, sibling_officer):
        give_certificate(admin, person)
    return World(
        bureau,
        branch,
        sibling,
        elsewhere,
        admin,
        supervisor,
        officer_user,
        outsider,
        officer,
        colleague,
        sibling_officer,
        auxiliary,
    )
