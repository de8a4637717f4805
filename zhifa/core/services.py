"""Changes to logins, their roles, passwords, lockouts and second factors, and to the holiday calendar,
each through one function. The 三员分立 rules themselves live in core.permissions.role_grant_refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa.core.choices import ADMIN_ROLES, CalendarDayKind, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, CalendarDay, CalendarYear, RoleAssignment, User
from zhifa.core.permissions import require_role, require_role_grant
from zhifa.ledger.services import record


def _validated_password(password: str, user: User) -> None:
    """Django's validators (AUTH_PASSWORD_VALIDATORS, with ours in core/passwords.py), as a refusal."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise Refusal("；".join(error.messages), field="password") from None


def _not_self(actor: User, user: User, doing: str) -> None:
    if actor.pk == user.pk:
        raise Refusal(f"不能对自己{doing}，须由另一位安全管理员办理（三员分立）")


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    agency: Agency | None,
    roles: list[str],
    password: str,
    must_change_password: bool = True,
) -> User:
    """Create a login. The system administrator creates logins; roles are the security administrator's to grant.

    `actor` is None only when the system bootstraps its first users (the demo, a fresh installation): then
    `roles` are given at once, still under the 三员分立 rules, and the password is not checked (the demo's is
    printed for everyone).
    """
    if actor is not None:
        require_role(actor, [Role.SYSADMIN], agency=agency, doing="创建用户")
        if roles:
            raise Refusal("角色由安全管理员在用户创建后授予，系统管理员创建用户时不能授予角色", field="roles")
    if not re.fullmatch(r"[A-Za-z0-9_.@+-]{1,150}", username):
        raise Refusal("用户名只能包含字母、数字和 _ . @ + -", field="username")
    if User.objects.filter(username=username).exists():
        raise Refusal(f"用户名“{username}”已被使用", field="username")
    user = User(username=username, full_name=full_name, agency=agency, must_change_password=must_change_password)
    if actor is not None:
        _validated_password(password, user)
    user.set_password(password)
    user.save()
    for role in roles:
        require_role_grant(None, user, role)
        RoleAssignment.objects.create(user=user, role=role, granted_by=actor)
        user.forget_roles()
    record(
        actor=actor,
        action="user.create",
        subject=user,
        agency=agency,
        facts={
            "actor": actor.get_full_name() if actor else "系统",
            "username": username,
            "full_name": full_name,
            **({"roles": sorted(roles)} if roles else {}),
        },
    )
    return user


@transaction.atomic
def user_grant_role(*, actor: User, user: User, role: str) -> RoleAssignment:
    require_role(actor, [Role.SECADMIN], agency=user.agency, doing="授予角色")
    if role not in Role.values:
        raise Refusal("未知的角色", field="role")
    if user.role_assignments.filter(role=role).exists():
        raise Refusal(f"{user} 已是{Role(role).label}", field="role")
    require_role_grant(actor, user, role)
    assignment = RoleAssignment.objects.create(user=user, role=role, granted_by=actor)
    user.forget_roles()
    record(
        actor=actor,
        action="user.grant_role",
        subject=user,
        agency=user.agency,
        facts={"actor": actor.get_full_name(), "user": user.username, "role": role},
    )
    return assignment


@transaction.atomic
def user_bootstrap_role(*, user: User, role: str) -> RoleAssignment:
    """Give an administrator role from the server (`zhifa bootstrap_role`), where the agency has nobody holding
    it yet: the first security administrator of an installation or of an upgrade from one administrator."""
    if role not in ADMIN_ROLES:
        raise Refusal("服务器命令只能设置系统管理员、安全管理员或审计管理员；其他角色由安全管理员授予", field="role")
    holders = RoleAssignment.objects.filter(role=role, user__agency=user.agency, user__is_active=True)
    if holders.exists():
        raise Refusal(f"{user.agency or '该机关'} 已有{Role(role).label}，请由安全管理员在界面中授予", field="role")
    require_role_grant(None, user, role)
    assignment = RoleAssignment.objects.create(user=user, role=role, granted_by=None)
    user.forget_roles()
    record(
        actor=None,
        action="user.grant_role",
        subject=user,
        agency=user.agency,
        facts={"actor": "系统（服务器命令）", "user": user.username, "role": role},
    )
    return assignment


def role_conflicts() -> list[tuple[User, str]]:
    """People whose roles break 三员分立 (left from before the split), with the reason, for the operator."""
    from zhifa.core.choices import BUSINESS_ROLES

    found = []
    for user in User.objects.filter(role_assignments__role__in=ADMIN_ROLES).distinct().order_by("username"):
        roles = user.roles
        admin = roles & ADMIN_ROLES
        if len(admin) > 1:
            found.append((user, "兼任多个管理员角色：" + "、".join(str(Role(r).label) for r in sorted(admin))))
        elif roles & BUSINESS_ROLES:
            labels = "、".join(str(Role(r).label) for r in sorted(roles & BUSINESS_ROLES))
            found.append((user, f"{Role(next(iter(admin))).label}兼任业务角色：{labels}"))
    return found


@transaction.atomic
def user_revoke_role(*, actor: User, user: User, role: str) -> None:
    require_role(actor, [Role.SECADMIN], agency=user.agency, doing="撤销角色")
    if actor.pk == user.pk:
        raise Refusal("不能撤销自己的角色，须由另一位安全管理员办理（三员分立）", field="role")
    deleted, _ = user.role_assignments.filter(role=role).delete()
    if not deleted:
        raise Refusal(f"{user} 没有{Role(role).label if role in Role.values else role}角色", field="role")
    user.forget_roles()
    record(
        actor=actor,
        action="user.revoke_role",
        subject=user,
        agency=user.agency,
        facts={"actor": actor.get_full_name(), "user": user.username, "role": role},
    )


@transaction.atomic
def user_change_password(*, actor: User, old_password: str, password: str) -> None:
    """A person changes his own password (also when made to after an initial password or a reset)."""
    if not actor.check_password(old_password):
        raise Refusal("原密码不正确", field="old_password")
    if old_password == password:
        raise Refusal("新密码不能与原密码相同", field="password")
    _validated_password(password, actor)
    actor.set_password(password)
    actor.must_change_password = False
    actor.save(update_fields=["password", "must_change_password"])
    record(
        actor=actor,
        action="user.change_password",
        subject=actor,
        agency=actor.agency,
        facts={"actor": actor.get_full_name(), "user": actor.username},
    )


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str) -> None:
    """The security administrator sets another person's password; he must change it at his next login."""
    require_role(actor, [Role.SECADMIN], agency=user.agency, doing="重置密码")
    _not_self(actor, user, "重置密码")
    _validated_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record(
        actor=actor,
        action="user.reset_password",
        subject=user,
        agency=user.agency,
        facts={"actor": actor.get_full_name(), "user": user.username},
    )


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    """Lift a lockout after failed logins, from every address (the per-name count restarts now)."""
    from zhifa.core import lockout

    require_role(actor, [Role.SECADMIN], agency=user.agency, doing="解除锁定")
    _not_self(actor, user, "解除锁定")
    cleared = lockout.clear(user.username)
    user.lockout_cleared_at = timezone.now()
    user.save(update_fields=["lockout_cleared_at"])
    record(
        actor=actor,
        action="user.unlock",
        subject=user,
        agency=user.agency,
        facts={"actor": actor.get_full_name(), "user": user.username, "addresses": cleared},
    )


def needs_two_factor(user: User) -> bool:
    """等保 8.1.4.1 d: the administrators always log in with two factors — the three of 三员分立 and anyone the
    Django admin site lets in (`is_staff`, made by `zhifa createsuperuser`); others when their agency says so."""
    if user.is_staff or user.is_superuser or user.has_role(*ADMIN_ROLES):
        return True
    return user.agency is not None and user.agency.require_two_factor


@transaction.atomic
def two_factor_confirm(*, actor: User, device: TOTPDevice, token: str) -> None:
    """Confirm a person's new authenticator with a first code; it replaces any earlier one."""
    if device.user_id != actor.pk or device.confirmed:
        raise Refusal("该验证器不属于您或已启用，请重新开始设置", field="token")
    if not device.verify_token(token.strip()):
        raise Refusal("验证码不正确：请输入验证器应用当前显示的 6 位数字", field="token")
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(
        actor=actor,
        action="user.enrol_two_factor",
        subject=actor,
        agency=actor.agency,
        facts={"actor": actor.get_full_name(), "user": actor.username},
    )


@transaction.atomic
def user_reset_two_factor(*, actor: User, user: User) -> None:
    """Remove a person's authenticator (a lost phone): he sets up a new one at his next login."""
    require_role(actor, [Role.SECADMIN], agency=user.agency, doing="重置二次验证")
    _not_self(actor, user, "重置二次验证")
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if not deleted:
        raise Refusal(f"{user} 尚未设置二次验证")
    record(
        actor=actor,
        action="user.reset_two_factor",
        subject=user,
        agency=user.agency,
        facts={"actor": actor.get_full_name(), "user": user.username},
    )


@transaction.atomic
def agency_require_two_factor(*, actor: User, agency: Agency, required: bool) -> None:
    """Whether everybody in an agency (not only its administrators) logs in with two factors."""
    require_role(actor, [Role.SECADMIN], agency=agency, doing="设置二次验证要求")
    agency.require_two_factor = required
    agency.save(update_fields=["require_two_factor"])
    record(
        actor=actor,
        action="agency.require_two_factor",
        subject=agency,
        agency=agency,
        facts={"actor": actor.get_full_name(), "required": required},
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
