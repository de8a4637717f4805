"""Changes to users' roles and to the holiday calendar, each through one function."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from zhifa.core.choices import CalendarDayKind, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, CalendarDay, CalendarYear, RoleAssignment, User
from zhifa.core.permissions import require_role
from zhifa.ledger.services import record


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, full_name: str, agency: Agency | None, roles: list[str], password: str
) -> User:
    """Create a login with its roles. `actor` is None only when the system bootstraps its first users."""
    if actor is not None:
        require_role(actor, [Role.SYSADMIN], agency=agency, doing="创建用户")
    if User.objects.filter(username=username).exists():
        raise Refusal(f"用户名“{username}”已被使用", field="username")
    user = User.objects.create_user(username=username, password=password, full_name=full_name, agency=agency)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role, granted_by=actor)
    record(
        actor=actor,
        action="user.create",
        subject=user,
        agency=agency,
        facts={"actor": actor.get_full_name() if actor else "系统", "username": username, "full_name": full_name},
    )
    return user


@transaction.atomic
def user_grant_role(*, actor: User, user: User, role: str) -> RoleAssignment:
    require_role(actor, [Role.SYSADMIN], agency=user.agency, doing="授予角色")
    if role not in Role.values:
        raise Refusal("未知的角色", field="role")
    if user.role_assignments.filter(role=role).exists():
        raise Refusal(f"{user} 已是{Role(role).label}")
    assignment = RoleAssignment.objects.create(user=user, role=role, granted_by=actor)
    user.forget_roles()
    record(
        actor=actor,
        action="user.grant_role",
        subject=user,
        agency=user.agency,
        facts={"actor": actor.get_full_name(), "role": role},
    )
    return assignment


@transaction.atomic
def user_revoke_role(*, actor: User, user: User, role: str) -> None:
    require_role(actor, [Role.SYSADMIN], agency=user.agency, doing="撤销角色")
    if actor.pk == user.pk and role == Role.SYSADMIN:
        raise Refusal("不能撤销自己的系统管理员角色，以免系统无人管理")
    deleted, _ = user.role_assignments.filter(role=role).delete()
    if not deleted:
        raise Refusal(f"{user} 没有{Role(role).label}角色")
    user.forget_roles()
    record(
        actor=actor,
        action="user.revoke_role",
        subject=user,
        agency=user.agency,
        facts={"actor": actor.get_full_name(), "role": role},
    )


@dataclass(frozen=True)
class ScheduleLine:
    kind: str
    first: date
    last: date
    name: str


_DATE = r"(\d{4}-\d{1,2}-\d{1,2})"
_LINE = re.compile(rf"^(?P<name>[^\d\s]\S*)?\s*{_DATE}(?:\s*(?:至|~|-{{2}}|到)\s*{_DATE})?\s*(?P<tail>\S*)$")


def _parse_date(text: str, line_no: int) -> date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise Refusal(f"第{line_no}行：日期“{text}”无效", field="schedule") from None


def parse_schedule(text: str, *, kind: str) -> list[ScheduleLine]:
    """Lines like "春节 2027-02-06 至 2027-02-12" (holidays) or "2027-02-14 春节调休" (working days)."""
    lines = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise Refusal(f"第{line_no}行：格式应为“名称 开始日期 至 结束日期”，如“春节 2027-02-06 至 2027-02-12”")
        first = _parse_date(match.group(2), line_no)
        last = _parse_date(match.group(3), line_no) if match.group(3) else first
        if last < first:
            raise Refusal(f"第{line_no}行：结束日期早于开始日期", field="schedule")
        name = (match.group("name") or match.group("tail") or "").strip()
        lines.append(ScheduleLine(kind=kind, first=first, last=last, name=name))
    return lines


CALENDAR_LOADER_RULE = "节假日安排由国务院统一发布，对所有机关适用"


def calendar_refusal(actor: User) -> Refusal | None:
    """Why `actor` may not load a year's holidays, or None. The table is national: one change moves every
    agency's deadlines, so only a system administrator of a top-level agency (one with no parent) loads it."""
    try:
        require_role(actor, [Role.SYSADMIN], doing="载入节假日安排")
    except Refusal as refusal:
        return refusal
    if actor.agency is None or actor.agency.parent_id is not None:
        return Refusal("只有最上级机关的系统管理员可以载入节假日安排", rule=CALENDAR_LOADER_RULE)
    return None


@transaction.atomic
def calendar_load_year(
    *, actor: User, year: int, source: str, holidays: list[ScheduleLine], workdays: list[ScheduleLine]
) -> CalendarYear:
    """Load a year's State Council holiday schedule, replacing what the table held for that year.

    Deadlines are computed when asked, so every deadline running into the year is corrected at once.
    """
    refusal = calendar_refusal(actor)
    if refusal is not None:
        raise refusal
    if not source.strip():
        raise Refusal("请填写依据（国务院办公厅通知的名称或文号）", field="source")
    if not holidays:
        raise Refusal("请至少填写一个法定节假日", field="holidays")
    # New Year's holiday can begin a few days before the year does.
    earliest, latest = date(year, 1, 1) - timedelta(days=7), date(year, 12, 31)
    days: dict[date, tuple[str, str]] = {}
    for line in [*holidays, *workdays]:
        day = line.first
        while day <= line.last:
            if not earliest <= day <= latest:
                raise Refusal(f"{day} 不在 {year} 年的安排范围内", field="holidays")
            if line.kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
                raise Refusal(f"{day} 本是工作日，无需列为调休上班日", field="workdays")
            if day in days and days[day][0] != line.kind:
                raise Refusal(f"{day} 同时被列为节假日和调休上班日", field="workdays")
            days[day] = (line.kind, line.name)
            day += timedelta(days=1)
    CalendarDay.objects.filter(date__year=year).exclude(date__in=days).delete()
    for day, (kind, name) in days.items():
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})
    calendar_year, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source.strip(), "loaded_by": actor}
    )
    record(
        actor=actor,
        action="calendar.load_year",
        subject=calendar_year,
        agency=actor.agency,
        facts={
            "actor": actor.get_full_name(),
            "days": {day.isoformat(): kind for day, (kind, _) in sorted(days.items())},
        },
    )
    return calendar_year
