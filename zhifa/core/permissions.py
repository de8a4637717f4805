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
