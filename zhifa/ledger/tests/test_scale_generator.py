"""`zhifa demo --scale N`: a small province dataset whose ledger verifies, whose logins work, in every state."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from zhifa.cases.models import Case, CaseRecord
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.publicity.models import Publication
from zhifa.testing.scale import SCALE_PASSWORD, STATE_SHARES, generate

pytestmark = [pytest.mark.django_db, pytest.mark.dateless]


def test_a_generated_province_verifies_its_officers_open_their_cases_and_a_changed_row_is_caught() -> None:
    made = generate(150, today=date(2026, 11, 23), progress=False)

    assert made["agencies"] == 500
    assert Case.objects.count() == 150
    assert {state for state, count in made["states"].items() if count} >= {"closed", "investigating", "executing"}
    report = verify_ledger(check_files=False)
    assert report.ok, report.problems
    assert report.size == Entry.objects.count() == made["entries"]
    # Every case record names the entry of its act, and every published decision its decide entry.
    record = CaseRecord.objects.filter(action="decide").first()
    assert record is not None
    assert Entry.objects.get(index=record.entry_index).subject == f"cases.case:{record.case_id}"
    publication = Publication.objects.first()
    assert publication is not None
    assert Entry.objects.get(index=publication.decision_entry).action == "case.decide"

    case = Case.objects.filter(state="investigating").first()
    assert case is not None
    lead = case.assignments.get(is_lead=True).officer.user
    assert lead is not None
    assert lead.check_password(SCALE_PASSWORD)
    client = Client()
    client.force_login(lead)
    assert client.get(f"/cases/{case.pk}/").status_code == 200

    # A row changed behind the services after generation is caught: the generated snapshots are the services' own.
    # (Here rather than in a test of its own: a generation sets up 500 agencies and 3,021 logins, ~9 s a pass.)
    changed = Case.objects.exclude(state="lead").order_by("pk").first()
    assert changed is not None
    Case.objects.filter(pk=changed.pk).update(fine=123456)
    report = verify_ledger(check_files=False)
    assert not report.ok
    assert f"cases.case:{changed.pk}" in report.problems[0]


def test_every_state_has_a_share() -> None:
    assert 0 < sum(STATE_SHARES.values()) < 1  # the rest are closed cases


def test_scale_refuses_a_database_that_already_has_agencies(world) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="空数据库"):
        call_command("demo", scale=10)
    with pytest.raises(CommandError, match="正整数"):
        call_command("demo", scale=0)
