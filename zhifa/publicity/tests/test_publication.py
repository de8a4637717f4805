"""Publishing a decision (事后公开): due by the calendar, masked only as the officer confirmed, withheld with a
reason, withdrawn when revoked, shown for its class's period or until a credit repair."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from pypdf import PdfReader

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger import blobs, documents
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.publicity import drafting, selectors, services
from zhifa.publicity.choices import CreditClass, PublicationState, RepairState
from zhifa.publicity.drafting import Term
from zhifa.publicity.search import Search, search
from zhifa.publicity.tests.conftest import ID
from zhifa.publicity.tests.conftest import decision_entry as _entry
from zhifa.testing.factories import at, id_number, make_user

# Each test sets its own clock (the fixture decides on 2026-09-25): a moved test clock changes nothing here.
pytestmark = [pytest.mark.django_db, pytest.mark.dateless]


def test_a_decision_waits_on_the_desk_until_its_due_date(decided, world, time_machine):
    waiting = selectors.pending_for(decided.approver, date(2026, 10, 9))
    assert [w.record.entry_index for w in waiting] == [_entry(decided)]
    assert waiting[0].due.date == date(2026, 10, 12)
    assert waiting[0].near  # two working days left: Sat 10 (worked) and Mon 12 October
    assert not waiting[0].late
    assert selectors.pending_for(decided.approver, date(2026, 10, 13))[0].late
    assert selectors.pending_for(world.outsider, date(2026, 10, 9)) == []
    # The officer's home says what waits, before it is late.
    time_machine.move_to(at(date(2026, 10, 9)))
    client = Client()
    client.force_login(decided.officer)
    panel = client.get("/").content.decode()
    assert "待公开的执法决定 1 件" in panel
    assert "1 件两个工作日内到期" in panel


def test_nothing_is_published_but_what_the_officer_confirmed(decided, time_machine):
    time_machine.move_to(at(date(2026, 9, 28)))
    draft = drafting.draft(decided.case, _entry(decided))
    texts = {term.text for term in draft.terms}
    assert {"张三丰", ID, "13800138000"} <= texts
    required = {term.text for term in draft.terms if term.required}
    assert "张三丰" in required
    assert ID in required
    # The officer confirms only the required terms and marks the neighbour's name private.
    publication = services.publication_publish(
        actor=decided.officer,
        case=decided.case,
        decision_entry=_entry(decided),
        confirmed=[Term("李四", "marked", "李*")],
    )
    assert publication.state == PublicationState.PUBLISHED
    assert publication.party == "张**"
    assert "张三丰" not in publication.facts
    assert ID not in publication.facts
    assert "李四" not in publication.facts
    assert "13800138000" not in publication.facts
    assert publication.published_on == date(2026, 9, 28)
    assert publication.credit_class == CreditClass.GENERAL
    # The published PDF is a fresh rendering with every confirmed term masked, recorded in the ledger.
    pdf = b"".join(blobs.open_verified(publication.published_sha256))
    text = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "张三丰" not in text
    assert ID not in text
    assert "李四" not in text
    assert decided.case.documents.get(kind="penalty_decision").number in text
    entry = Entry.objects.get(index=publication.entry_index)
    assert entry.action == "publication.publish"
    assert publication.published_sha256 in entry.files
    assert verify_ledger().ok
    # The public check page names the copy in plain words.
    (copy,) = documents.describe(publication.published_sha256)
    assert "公开版（已作脱敏处理）" in copy.statement
    assert copy.entry == publication.entry_index
    with pytest.raises(Refusal, match="不能重复办理"):
        services.publication_publish(
            actor=decided.officer, case=decided.case, decision_entry=_entry(decided), confirmed=[]
        )


def test_a_withheld_decision_keeps_its_reason_for_supervisors(decided, world):
    with pytest.raises(Refusal, match="请说明"):
        services.publication_withhold(
            actor=decided.officer, case=decided.case, decision_entry=_entry(decided), reason="minor_person", note=" "
        )
    withheld = services.publication_withhold(
        actor=decided.officer,
        case=decided.case,
        decision_entry=_entry(decided),
        reason="minor_person",
        note="当事人未满十八周岁",
    )
    assert withheld.state == PublicationState.WITHHELD
    assert selectors.pending_for(decided.approver, date(2026, 9, 25)) == []
    assert list(selectors.publications_for(world.supervisor).filter(state="withheld")) == [withheld]
    assert selectors.public_publication(withheld.pk) is None
    assert list(selectors.publications_for(world.outsider)) == []


def test_a_revoked_decision_leaves_the_portal_with_its_notice(decided, time_machine):
    publication = services.publication_publish(
        actor=decided.officer, case=decided.case, decision_entry=_entry(decided), confirmed=[]
    )
    assert search(Search(text="滥伐林木"), today=date(2026, 9, 25)).rows == [publication]
    time_machine.move_to(at(date(2026, 11, 3)))
    withdrawn = services.publication_withdraw(
        actor=decided.officer,
        publication=publication,
        reason="revoked",
        revoked_by="reconsideration",
        revoked_on=date(2026, 10, 30),
        notice="经行政复议，原处罚决定被撤销",
    )
    assert withdrawn.withdrawal_due == date(2026, 11, 4)  # Fri 30 Oct + 3 working days
    assert search(Search(text="滥伐林木"), today=date(2026, 11, 3)).rows == []
    assert not selectors.shown(withdrawn, date(2026, 11, 3))
    assert Entry.objects.get(index=withdrawn.entry_index).action == "publication.withdraw"


def test_display_ends_with_its_period_or_an_approved_repair(decided, world, time_machine):
    publication = services.publication_publish(
        actor=decided.officer, case=decided.case, decision_entry=_entry(decided), confirmed=[]
    )
    assert publication.display_until == date(2027, 9, 25)
    assert publication.repairable_from == date(2026, 12, 25)
    assert selectors.shown(publication, date(2027, 9, 25))
    assert not selectors.shown(publication, date(2027, 9, 26))
    application = {"applicant": "张三丰", "contact": "13800138000", "statement": "已缴清罚款"}
    with pytest.raises(Refusal, match="2026年12月25日起可以申请"):
        services.repair_apply(publication=publication, identity=ID, **application)
    time_machine.move_to(at(date(2027, 1, 4)))
    # Only the party applies: a stranger neither applies nor blocks the party's application.
    with pytest.raises(Refusal, match="与处罚决定的当事人不符"):
        services.repair_apply(publication=publication, identity=id_number(), **application)
    filed = services.repair_apply(publication=publication, identity=ID.lower(), **application)
    assert services.repair_tracked(filed.repair.number, filed.code) == filed.repair
    assert services.repair_tracked(filed.repair.number, "wrong") is None
    # 谁认定、谁修复: the head of another agency, who could not decide the case, does not answer it.
    elsewhere = make_user("elsewhere-head", world.elsewhere, Role.APPROVER)
    with pytest.raises(Refusal):
        services.repair_answer(actor=elsewhere, repair=filed.repair, approve=True, answer="准予")
    repair = services.repair_answer(
        actor=decided.approver, repair=filed.repair, approve=True, answer="已履行，准予修复"
    )
    assert repair.state == RepairState.APPROVED
    publication.refresh_from_db()
    assert publication.state == PublicationState.REPAIRED
    assert not selectors.shown(publication, date(2027, 1, 4))
    assert verify_ledger().ok
