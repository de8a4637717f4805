"""Checks that services make before they act: the actor's role, and that the target is in his scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import translation

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.scoping import can_see_agency


def request_user(request: HttpRequest) -> User:
    """The request's user, for views behind login_required (or the API's token check, which sets it)."""
    user = request.user
    assert isinstance(user, User)  # the login check guarantees it
    return user


def require_role(actor: User, roles: Iterable[str], *, agency: Agency | None = None, doing: str) -> None:
    """Refuse unless the actor holds one of `roles` and, when given, `agency` is within his scope."""
    wanted = list(roles)
    if not actor.is_active or not actor.has_role(*wanted):
        from zhifa.core.choices import Role

        with translation.override("zh-hans"):  # a refusal is Chinese whatever language the page is in
            labels = "、".join(str(Role(role).label) for role in wanted)
        raise Refusal(f"只有{labels}可以{doing}")
    if agency is not None and not can_see_agency(actor, agency):
        raise Refusal(f"{agency.name} 不在您的管辖范围内，不能{doing}")


def role_grant_refusal(actor: User | None, user: User, role: str) -> str | None:
    """Why `role` may not be given to `user` (三员分立 and the person's status), or None when it may.

    The one place these rules live; user_grant_role and user_create call it, the user page asks it.
    `actor` is None when the system bootstraps its first administrators.
    """
    from zhifa.core.choices import ADMIN_ROLES, BUSINESS_ROLES, NOT_FOR_AUXILIARY, Role

    if role not in Role.values:
        return "未知的角色"
    label = Role(role).label
    if actor is not None and actor.pk == user.pk:
        return "不能给自己授予角色（三员分立：授权须由他人执行）"
    held = set(user.roles) - {role}
    if role in ADMIN_ROLES:
        other_admin = held & ADMIN_ROLES
        if other_admin:
            return f"{user} 已是{Role(sorted(other_admin)[0]).label}，三员（系统、安全、审计管理员）不能由同一人兼任"
        if held & BUSINESS_ROLES:
            return f"{user} 担任执法业务角色，不能再担任{label}（管理员不得兼任业务角色）"
    if role in BUSINESS_ROLES and held & ADMIN_ROLES:
        admin = Role(sorted(held & ADMIN_ROLES)[0]).label
        return f"{user} 是{admin}，不能再担任{label}（管理员不得兼任业务角色）"
    if role in BUSINESS_ROLES:
        from zhifa.personnel.choices import OfficerStatus
        from zhifa.personnel.models import Officer

        # Read afresh: the person's status may have changed since `user` was loaded.
        officer = Officer.objects.filter(user=user).first()
        if officer is not None and officer.status != OfficerStatus.ACTIVE:
            return f"{officer.name} 已离岗，不能授予{label}"
        if officer is not None and officer.is_auxiliary and role in NOT_FOR_AUXILIARY:
            return f"{officer.name} 是执法辅助人员，不能授予{label}（辅助人员不得从事执法、审批、审核）"
        if role in NOT_FOR_AUXILIARY and Role.AUXILIARY in held:
            return f"{user} 是执法辅助人员，不能授予{label}（辅助人员不得从事执法、审批、审核）"
        if role == Role.AUXILIARY and held & NOT_FOR_AUXILIARY:
            enforcing = Role(sorted(held & NOT_FOR_AUXILIARY)[0]).label
            return f"{user} 是{enforcing}，不能同时为执法辅助人员（一人不能兼有两种身份）"
    return None


def require_role_grant(actor: User | None, user: User, role: str) -> None:
    reason = role_grant_refusal(actor, user, role)
    if reason is not None:
        raise Refusal(reason, field="role")
