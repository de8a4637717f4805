"""The legal reviewer's queue (待审核案件) and the review opinions as the case page shows them to the handler.

Reads only, each starting from the cases the actor may see (core.scoping.restrict_cases).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from zhifa.cases import major
from zhifa.cases.choices import ReviewConclusion
from zhifa.cases.models import Case, CaseDeadline, CaseOfficer, CaseRecord
from zhifa.cases.review_figures import OPINIONS, REVIEW_PERIODS
from zhifa.cases.selectors import DeadlineView, deadline_view
from zhifa.cases.workflow import State
from zhifa.core.models import User
from zhifa.core.scoping import restrict_cases

# How many of the reviewer's own recent opinions the queue page lists.
RECENT = 20


@dataclass(frozen=True)
class Waiting:
    """A case waiting for its review: the round, what makes it major, its review deadline."""

    case: Case
    round: int
    submitted_on: date
    clauses: list[major.Clause]
    deadline: DeadlineView | None
    handled_by_actor: bool  # the reviewer is on its team: 行政处罚法 第五十八条 keeps him from reviewing it


def waiting_cases(actor: User, *, agency: int | None = None) -> QuerySet[Case]:
    """Cases in review in the actor's agencies (or the one of them given), the latest submission first."""
    submitted = Q(records__action="submit_review")
    running = CaseDeadline.objects.filter(stopped_on__isnull=True, period__in=REVIEW_PERIODS)
    cases = Case.objects.filter(state=State.LEGAL_REVIEW)
    if agency is not None:
        cases = cases.filter(agency_id=agency)
    return (
        restrict_cases(cases, actor)
        .select_related("agency")
        .annotate(
            review_round=Count("records", filter=submitted),
            submitted_on=Max("records__on_date", filter=submitted),
            submitted_entry=Max("records__entry_index", filter=submitted),
        )
        .prefetch_related(
            "parties",
            Prefetch("deadlines", queryset=running),
            Prefetch("assignments", queryset=CaseOfficer.objects.active()),
        )
        .order_by("-submitted_entry", "-pk")
    )


def review_queue(actor: User, today: date, *, agency: int | None = None) -> list[Waiting]:
    officer = getattr(actor, "officer", None)
    found = []
    for case in waiting_cases(actor, agency=agency):
        views = sorted((deadline_view(d, today) for d in case.deadlines.all()), key=lambda view: view.due_on)
        team = {assignment.officer_id for assignment in case.assignments.all()}
        found.append(
            Waiting(
                case=case,
                round=case.review_round,  # type: ignore[attr-defined]
                submitted_on=case.submitted_on,  # type: ignore[attr-defined]
                clauses=major.clauses(case, today),
                deadline=views[-1] if views else None,
                handled_by_actor=officer is not None and officer.pk in team,
            )
        )
    return found


def reviewed_by(actor: User, *, limit: int = RECENT) -> QuerySet[CaseRecord]:
    """The actor's own recent opinions (passed or returned), latest first, on cases he may still see."""
    return (
        restrict_cases(CaseRecord.objects.all(), actor, via="case__agency")
        .filter(action__in=OPINIONS, created_by=actor)
        .select_related("case", "case__agency")
        .order_by("-entry_index")[:limit]
    )


@dataclass(frozen=True)
class Opinion:
    """One round of the review as the case page shows it: submitted, and the reviewer's written opinion."""

    number: int
    submitted_on: date
    changes: list[tuple[str, Any, Any]]
    opinion_on: date | None
    reviewer: str
    conclusion: str
    conclusion_label: str
    not_in_order: list[str]  # the checklist items the reviewer did not find in order
    problems: str
    amendments: str
    opinion: str

    @property
    def returned(self) -> bool:
        return self.conclusion in (ReviewConclusion.RETURN, ReviewConclusion.DISAPPROVE)


def _name(user: User) -> str:
    """The reviewer as the staff know him: his officer record's name, else his login's."""
    officer = getattr(user, "officer", None)
    return officer.name if officer is not None else user.get_full_name()


def opinions(case: Case) -> list[Opinion]:
    """Every round of the case's review, newest first, with the opinion that closed it (none while it waits)."""
    given = list(case.records.filter(action__in=OPINIONS).select_related("created_by__officer").order_by("entry_index"))
    labels = dict(ReviewConclusion.choices)
    found = []
    for round_ in major.rounds(case):
        record = given.pop(0) if round_.outcome is not None and given else None
        data = round_.outcome or {}
        checklist = data.get("checklist") or {}
        conclusion = data.get("conclusion", "")
        found.append(
            Opinion(
                number=round_.number,
                submitted_on=round_.submitted_on,
                changes=round_.changes,
                opinion_on=record.on_date if record else None,
                reviewer=_name(record.created_by) if record else "",
                conclusion=conclusion,
                conclusion_label=str(labels.get(conclusion, "")),
                not_in_order=[label for key, label in major.CHECKLIST if checklist and not checklist.get(key)],
                problems=data.get("problems", ""),
                amendments=data.get("amendments", ""),
                opinion=data.get("opinion", ""),
            )
        )
    return list(reversed(found))
