"""Reads of cases for the pages and the API: scoped lists, running deadlines with their warning level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from zhifa.cases import rules
from zhifa.cases.models import Case, CaseDeadline, CaseOfficer
from zhifa.core.models import User
from zhifa.core.scoping import restrict_cases

# A running deadline this many days away or fewer is shown as a warning (amber); a passed one as an alert.
WARN_DAYS = 3


@dataclass(frozen=True)
class DeadlineView:
    period: str
    label: str
    source: str
    started_on: date
    due_on: date
    provisional: bool
    days_left: int

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def level(self) -> str:
        """CSS class: "overdue" after the last day, "due-soon" within WARN_DAYS, else "due-later"."""
        if self.days_left < 0:
            return "overdue"
        return "due-soon" if self.days_left <= WARN_DAYS else "due-later"


def deadline_view(deadline: CaseDeadline, today: date) -> DeadlineView:
    due, provisional = deadline.due_on, deadline.provisional
    if provisional:
        # The holiday schedule may have been loaded since: recompute (the start day and length are fixed).
        fresh = rules.due(deadline.period, deadline.started_on, deadline.amount)
        due, provisional = fresh.date, fresh.provisional
    period = rules.PERIODS[deadline.period]
    source = deadline.source or period.source
    return DeadlineView(
        deadline.period, str(period.label), source, deadline.started_on, due, provisional, (due - today).days
    )


def running_deadlines(case: Case, today: date) -> list[DeadlineView]:
    views = [deadline_view(d, today) for d in case.deadlines.all() if d.stopped_on is None]
    return sorted(views, key=lambda view: view.due_on)


def cases_for(actor: User, *, text: str = "", state: str = "", mine: bool = False) -> QuerySet[Case]:
    cases = restrict_cases(Case.objects.all(), actor).select_related("agency")
    if text:
        cases = cases.filter(Q(title__icontains=text) | Q(parties__name__icontains=text)).distinct()
    if state:
        cases = cases.filter(state=state)
    officer = getattr(actor, "officer", None)
    if mine and officer is not None:
        cases = cases.filter(assignments__officer=officer, assignments__recused_on__isnull=True)
    running = CaseDeadline.objects.filter(stopped_on__isnull=True)
    team = CaseOfficer.objects.active().select_related("officer")
    return cases.prefetch_related(
        "parties", Prefetch("deadlines", queryset=running), Prefetch("assignments", queryset=team)
    )
