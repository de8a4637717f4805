"""The one writer of the security audit trail."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from zhifa.audit.choices import AuditKind
from zhifa.audit.models import AuditEvent
from zhifa.core.models import User


def audit_record(
    *,
    kind: AuditKind,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    status: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one event. Called outside the request's own transaction: a refused action's rollback keeps it."""
    if user is not None and not user.is_authenticated:
        user = None
    agency = user.agency if user is not None else None
    return AuditEvent.objects.create(
        at=timezone.now(),
        kind=kind,
        username=(user.get_username() if user is not None else username)[:150],
        user_id=user.pk if user is not None else None,
        agency_path=agency.path if agency is not None else "",
        address=(request.META.get("REMOTE_ADDR", "") if request is not None else "")[:45],
        method=(request.method or "")[:10] if request is not None else "",
        path=request.get_full_path()[:500] if request is not None else "",
        status=status,
        detail=detail[:500],
    )
