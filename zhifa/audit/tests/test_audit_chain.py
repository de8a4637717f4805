"""With the triggers dropped, a deleted, edited or re-chained audit row is found by `zhifa audit verify`:
the rows form a hash chain, and `zhifa audit seal` writes its head into the signed ledger."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zhifa.audit.choices import AuditKind
from zhifa.audit.models import AuditEvent
from zhifa.audit.services import GENESIS, audit_record, audit_verify, link
from zhifa.ledger.guard import maintenance
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(world) -> list[AuditEvent]:
    events = [audit_record(kind=AuditKind.LOGIN_FAILED, username=f"guess{n}") for n in range(5)]
    call_command("audit", "seal")
    return events


def test_an_untouched_trail_verifies_against_its_seal(trail, capsys):
    assert Entry.objects.filter(action="audit.sealed").count() == 1
    call_command("audit", "verify")
    assert "完整 intact: 5 events, 1 seals" in capsys.readouterr().out
    audit_record(kind=AuditKind.LOGIN_FAILED, username="after the seal")
    assert audit_verify().ok
    assert verify_ledger(check_files=False).ok  # the seal is an ordinary entry of the record


def test_a_deleted_row_breaks_the_chain(trail):
    with maintenance():
        AuditEvent.objects.filter(pk=trail[2].pk).delete()
    report = audit_verify()
    assert not report.ok
    assert f"#{trail[3].pk}" in report.problems[0]


def test_an_edited_row_breaks_the_chain(trail):
    with maintenance():
        AuditEvent.objects.filter(pk=trail[1].pk).update(username="someone else")
    assert f"#{trail[1].pk}" in audit_verify().problems[0]


def test_a_rechained_trail_no_longer_matches_its_seal(trail):
    with maintenance():
        AuditEvent.objects.filter(pk=trail[4].pk).delete()
        AuditEvent.objects.filter(pk=trail[1].pk).delete()
        previous = GENESIS
        for event in AuditEvent.objects.order_by("pk"):
            event.chain = link(previous, event)
            AuditEvent.objects.filter(pk=event.pk).update(chain=event.chain)
            previous = event.chain
    report = audit_verify()
    assert len(report.problems) == 1
    assert "封存的安全审计记录（共 5 条" in report.problems[0]
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
