"""Who is locked out after failed logins, and the two limits that decide it.

django-axes counts failures per (user name, address): five from one address lock that name *from that
address* for ZHIFA_LOGIN_LOCKOUT_MINUTES, so an attacker cannot lock a colleague out from his own desk.
A slower limit per user name, from any address (LOGIN_USER_FAILURE_LIMIT an hour, counted in axes'
failure log), still stops a guess spread over many addresses. An unlock by the security administrator
clears both (services.user_unlock).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from zhifa.core.models import User

USER_WINDOW = timedelta(hours=1)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind the reverse proxy (ZHIFA_BEHIND_PROXY) the address that
    proxy appended last to X-Forwarded-For (earlier entries are the client's own say, and can be forged)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = str(forwarded).split(",")[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR", ""))


def hits(key: str, window: int) -> int:
    """One more in the cache counter `key`, which lives `window` seconds; the new count. The counter is per cache:
    per process with the default local-memory cache (docs/operations.md)."""
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _since(user: User | None, now: datetime) -> datetime:
    since = now - USER_WINDOW
    if user is not None and user.lockout_cleared_at is not None:
        since = max(since, user.lockout_cleared_at)
    return since


def username_failures(username: str, *, now: datetime | None = None) -> int:
    """Failed logins for `username` from any address in the last hour (since the last unlock)."""
    now = now or timezone.now()
    user = User.objects.filter(username=username).first()
    return int(AccessFailureLog.objects.filter(username=username, attempt_time__gte=_since(user, now)).count())


def _locked_pairs() -> Any:  # (username, ip_address) rows of axes' AccessAttempt (axes has no type stubs)
    """The (name, address) pairs locked now. axes keeps one row per name, address *and user agent* and locks
    on their sum, so the failures are summed here too: a new User-Agent per guess must not hide a lock."""
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(attempt_time__gte=threshold)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )


def locked_by_name(username: str) -> bool:
    """Locked from every address: the per-username limit is reached."""
    return username_failures(username) >= settings.LOGIN_USER_FAILURE_LIMIT


def is_locked(username: str, *, ip_address: str | None = None) -> bool:
    """Locked for a login from `ip_address` (by name, or that name from that address)."""
    if locked_by_name(username):
        return True
    return ip_address is not None and _locked_pairs().filter(username=username, ip_address=ip_address).exists()


def locked_users(users: QuerySet[User]) -> list[tuple[User, bool, list[str]]]:
    """Of `users`, those locked anywhere: (user, locked by name, addresses locked from)."""
    by_address: dict[str, list[str]] = {}
    for row in _locked_pairs():
        by_address.setdefault(row["username"] or "", []).append(row["ip_address"] or "")
    recent = set(
        AccessFailureLog.objects.filter(attempt_time__gte=timezone.now() - USER_WINDOW).values_list(
            "username", flat=True
        )
    )
    found = []
    for user in users.filter(Q(username__in=by_address) | Q(username__in=recent)):
        by_name = locked_by_name(user.username)
        if by_name or user.username in by_address:
            found.append((user, by_name, by_address.get(user.username, [])))
    return found


def clear(username: str) -> int:
    """Forget the address lockouts of `username` (the per-name count restarts from User.lockout_cleared_at)."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return int(deleted)


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes has no type stubs
    """axes' database handler, with the per-username limit on top of its (user name, address) one."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        return bool(username) and locked_by_name(str(username))
