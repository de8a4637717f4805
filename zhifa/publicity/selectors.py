"""Reads of publication: decisions waiting to be published (with their due dates), the publications an actor
oversees, and what the public reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from zhifa.cases.models import CaseRecord
from zhifa.core.models import User
from zhifa.core.scoping import restrict_cases
from zhifa.core.workdays import Deadline, load_calendar
from zhifa.ledger.documents import Described, chinese_date, made_by
from zhifa.ledger.models import EntryFile
from zhifa.publicity import rules
from zhifa.publicity.choices import DecisionClass, PublicationState, RepairState
from zhifa.publicity.models import CreditRepair, Publication
from zhifa.publicity.search import visible

# Warn this many working days ahead (the period is seven): the desk shows amber from here, red once late.
WARN_DAYS = 2


@dataclass(frozen=True)
class Waiting:
    """A decision act not yet published nor withheld, and when it must be."""

    record: CaseRecord
    decision_class: DecisionClass
    due: Deadline
    today: date
    working_days_left: int  # after today, up to and including the due day

    @property
    def days_left(self) -> int:
        return (self.due.date - self.today).days

    @property
    def late(self) -> bool:
        return self.today > self.due.date

    @property
    def near(self) -> bool:
        return not self.late and self.working_days_left <= WARN_DAYS


def unpublished() -> Any:
    """A decision record with no publication (published, withheld or withdrawn) — as a condition on records.

    NOT EXISTS, not NOT IN: PostgreSQL cannot turn a NOT IN subquery into an anti-join (NULL's semantics) and hashed
    every publication for each desk (50 ms at 6×10⁴ publications); this one walks the unique index."""
    return ~Exists(Publication.objects.filter(decision_entry=OuterRef("entry_index")))


def pending_for(actor: User, today: date) -> list[Waiting]:
    """Decisions the actor's agencies have made and neither published nor withheld, the nearest due first."""
    records = (
        restrict_cases(CaseRecord.objects.all(), actor, via="case__agency")
        .filter(unpublished(), action__in=list(rules.DECISION_ACTS))
        .select_related("case__agency")
    )
    return _waiting(records, today)


def _waiting(records: QuerySet[CaseRecord], today: date) -> list[Waiting]:
    calendar = load_calendar()
    waiting = []
    for record in records:
        decision_class = rules.DECISION_ACTS[record.action]
        # One calendar for the whole list (rules.publication_due would load it for each decision).
        due = calendar.add_working_days(record.on_date, rules.PUBLICATION[decision_class].amount)
        left = calendar.working_days_between(today, due.date)
        waiting.append(Waiting(record, decision_class, due, today, left))
    return sorted(waiting, key=lambda item: (item.due.date, item.record.entry_index))


def waiting_for_case(case_id: int, today: date) -> list[Waiting]:
    """The case's decisions not yet published nor withheld (the case page shows them with their due dates)."""
    records = CaseRecord.objects.filter(unpublished(), case_id=case_id, action__in=list(rules.DECISION_ACTS))
    return _waiting(records, today)


def of_case(case_id: int) -> QuerySet[Publication]:
    return Publication.objects.filter(case_id=case_id).order_by("decided_on", "pk")


def publications_for(actor: User) -> QuerySet[Publication]:
    """Publications of the agencies the actor sees (supervisors: the agencies below too), newest first."""
    # Publications hold a case's findings and the masked terms: case readers only (三员分立 keeps the system and
    # security administrators out, as from the case files).
    return restrict_cases(Publication.objects.all(), actor).select_related("agency", "case")


def repairs_for(actor: User) -> QuerySet[CreditRepair]:
    return restrict_cases(CreditRepair.objects.all(), actor, via="publication__agency").select_related("publication")


def open_repairs_for(actor: User) -> QuerySet[CreditRepair]:
    return repairs_for(actor).filter(state=RepairState.SUBMITTED).order_by("due_on", "pk")


def public_publication(pk: int) -> Publication | None:
    """A publication by number as the portal may name it: published once (shown, withdrawn, ended) — never a
    withheld one, whose existence is for supervisors."""
    return Publication.objects.exclude(state=PublicationState.WITHHELD).select_related("agency").filter(pk=pk).first()


def shown(publication: Publication, today: date) -> bool:
    return visible(today).filter(pk=publication.pk).exists()


def withdrawn(today: date, limit: int = 50) -> QuerySet[Publication]:
    """The withdrawal notices (撤回公告), newest first."""
    return Publication.objects.filter(state=PublicationState.WITHDRAWN).order_by("-withdrawn_on", "-pk")[:limit]


def published_copies(digest: str) -> list[Described]:
    """The public check page's describer (ledger/documents.py) of the masked public copies of decisions.

    The copy's hash is named by its `publication.publish` entry; the answer says it is the public copy, masked,
    and whether it is still shown."""
    found = []
    for publication in Publication.objects.filter(published_sha256=digest).select_related("agency", "document"):
        kind = publication.document.get_kind_display() if publication.document else "执法决定"
        start = made_by(publication.agency.name, publication.decided_on, str(kind), publication.number)
        published = chinese_date(publication.published_on or publication.decided_on)
        statement = f"{start} 的公开版（已作脱敏处理），{published}公开，自记录以来未被改动。"
        if publication.state == PublicationState.WITHDRAWN:
            statement += "该决定已撤回，不再公示。"
        entry = (
            EntryFile.objects.filter(sha256=digest, entry__action="publication.publish")
            .values_list("entry_id", flat=True)
            .first()
        )
        found.append(
            Described(
                kind=f"{kind}（公开版）",
                number=publication.number,
                agency=publication.agency.name,
                issued_on=publication.decided_on,
                what="公开版决定书",
                statement=statement,
                entry=int(entry) if entry is not None else publication.entry_index,
            )
        )
    return found
