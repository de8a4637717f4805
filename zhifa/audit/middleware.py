"""Refused requests into the audit trail: every 403, and every Refusal the API answered."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from zhifa.audit.choices import AuditKind
from zhifa.audit.services import audit_record
from zhifa.core.lockout import client_address
from zhifa.core.models import User

REFUSAL_ATTRIBUTE = "zhifa_refusal"
# Anonymous refusals (a forged form, a probe) are recorded up to this many per address per window: the trail
# is insert-only and must not grow at an attacker's pace. A signed-in person's refusals are all recorded.
ANONYMOUS_PER_WINDOW = 20
ANONYMOUS_WINDOW_SECONDS = 300


def mark_refused(request: HttpRequest, message: str) -> None:
    """Called where a Refusal becomes a response (the API's handler), so the trail says what was refused."""
    setattr(request, REFUSAL_ATTRIBUTE, message)


class RefusalAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        refusal = getattr(request, REFUSAL_ATTRIBUTE, None)
        if response.status_code == 403 or refusal is not None:
            user = getattr(request, "user", None)  # read after the view: the API's token sets it there
            if not isinstance(user, User) and not _anonymous_room(request):
                return response
            audit_record(
                kind=AuditKind.REFUSED if refusal is not None else AuditKind.FORBIDDEN,
                request=request,
                user=user if isinstance(user, User) else None,
                status=response.status_code,
                detail=refusal or "",
            )
        return response


def _anonymous_room(request: HttpRequest) -> bool:
    key = f"zhifa:audit-anonymous:{client_address(request)}"
    cache.add(key, 0, timeout=ANONYMOUS_WINDOW_SECONDS)
    try:
        return int(cache.incr(key)) <= ANONYMOUS_PER_WINDOW
    except ValueError:  # expired between add and incr
        return True
