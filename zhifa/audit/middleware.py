"""Refused requests into the audit trail: every 403, and every Refusal the API answered."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zhifa.audit.choices import AuditKind
from zhifa.audit.services import audit_record
from zhifa.core.models import User

REFUSAL_ATTRIBUTE = "zhifa_refusal"


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
            audit_record(
                kind=AuditKind.REFUSED if refusal is not None else AuditKind.FORBIDDEN,
                request=request,
                user=user if isinstance(user, User) else None,
                status=response.status_code,
                detail=refusal or "",
            )
        return response
