"""What an auditor may read of the audit trail: the events of his agency's subtree."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhifa.audit.models import AuditEvent
from zhifa.core.choices import Role
from zhifa.core.models import User


def audit_events_for(
    actor: User, *, username: str = "", kind: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    """Events an auditor may read, newest first; nothing for anyone else.

    An auditor of a top-level agency also sees events that name no agency (failed logins for names that
    do not exist): somebody must, and they belong to no subtree.
    """
    if not actor.is_authenticated or not actor.has_role(Role.AUDITOR) or actor.agency is None:
        return AuditEvent.objects.none()
    scope = Q(agency_path__startswith=actor.agency.path)
    if actor.agency.parent_id is None:
        scope |= Q(agency_path="")
    events = AuditEvent.objects.filter(scope)
    if username:
        events = events.filter(username__icontains=username)
    if kind:
        events = events.filter(kind=kind)
    zone = timezone.get_current_timezone()
    if since is not None:
        events = events.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until is not None:
        events = events.filter(at__lte=datetime.combine(until, time.max, tzinfo=zone))
    return events.order_by("-at", "-pk")
