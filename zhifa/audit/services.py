"""The one writer of the security audit trail, its hash chain, and its seal in the ledger."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from zhifa.audit.choices import AuditKind
from zhifa.audit.models import AuditEvent
from zhifa.core.lockout import client_address
from zhifa.core.models import User

GENESIS = "0" * 64
SEAL_ACTION = "audit.sealed"
_CHAIN_LOCK = 0x61756469  # "audi": one writer of the chain at a time on PostgreSQL


def link(previous: str, event: AuditEvent) -> str:
    """The event's chain value: SHA-256 over the previous one and the event's values (not its id)."""
    values = [
        previous,
        event.at.astimezone(UTC).isoformat(),
        event.kind,
        event.username,
        event.user_id,
        event.agency_path,
        event.address,
        event.method,
        event.path,
        event.status,
        event.detail,
    ]
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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
    event = AuditEvent(
        at=timezone.now(),
        kind=kind,
        username=(user.get_username() if user is not None else username)[:150],
        user_id=user.pk if user is not None else None,
        agency_path=agency.path if agency is not None else "",
        address=(client_address(request) if request is not None else "")[:45],
        method=(request.method or "")[:10] if request is not None else "",
        path=request.get_full_path()[:500] if request is not None else "",
        status=status,
        detail=detail[:500],
    )
    # SQLite's transactions here are BEGIN IMMEDIATE (one writer); PostgreSQL takes the chain's lock.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEvent.objects.order_by("-pk").values_list("chain", flat=True).first()
        event.chain = link(last or GENESIS, event)
        event.save(force_insert=True)
    return event


def audit_seal() -> AuditEvent | None:
    """Write the chain's head into the ledger (an `audit.sealed` entry); None when the trail is empty."""
    from zhifa.ledger.services import record

    with transaction.atomic(durable=True):
        head = AuditEvent.objects.order_by("-pk").first()
        if head is None:
            return None
        count = AuditEvent.objects.filter(pk__lte=head.pk).count()
        record(
            actor=None,
            action=SEAL_ACTION,
            subject="audit",
            facts={"events": count, "last": head.pk, "chain": head.chain},
        )
    return head


@dataclass
class AuditReport:
    events: int = 0
    seals: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify() -> AuditReport:
    """Recompute the chain and compare every seal the ledger holds; name the first row that does not fit."""
    from zhifa.ledger.models import Entry, Facts

    report = AuditReport()
    previous = GENESIS
    heads: dict[int, tuple[int, str]] = {}  # id -> (rows up to it, chain)
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        report.events += 1
        expected = link(previous, event)
        if event.chain != expected and not report.problems:
            report.problems.append(f"审计记录 #{event.pk} 与前一条记录的链值不符：该条或其前一条被修改、插入或删除")
        previous = event.chain
        heads[event.pk] = (report.events, event.chain)
    for entry in Entry.objects.filter(action=SEAL_ACTION).select_related("facts").order_by("index"):
        report.seals += 1
        try:
            facts = json.loads(entry.facts.facts)
        except Facts.DoesNotExist:
            continue  # facts erased: the seal's values are gone, nothing to compare
        found = heads.get(int(facts["last"]))
        if found != (facts["events"], facts["chain"]):
            report.problems.append(
                f"全过程记录 #{entry.index} 封存的安全审计记录（共 {facts['events']} 条，至 #{facts['last']}）"
                "与现有记录不符：审计记录被删除或改写"
            )
    return report
