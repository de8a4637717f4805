"""Reads of cases for the pages and the API: scoped lists, running deadlines with their warning level."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from zhifa.cases import rules
from zhifa.cases.models import Case, CaseDeadline, CaseDocument, CaseOfficer
from zhifa.core import workdays
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


def deadline_views(deadlines: Iterable[CaseDeadline], today: date) -> list[DeadlineView]:
    """`deadline_view` of many periods with the calendar read once (for lists: no query per row). A provisional
    day whose year still has no holiday data is kept as recorded: recomputing it would give the same day."""
    calendar = workdays.load_calendar()
    views = []
    for deadline in deadlines:
        if deadline.provisional and not calendar.has_data(deadline.due_on.year):
            recorded = copy.copy(deadline)
            recorded.provisional = False
            views.append(replace(deadline_view(recorded, today), provisional=True))
        else:
            views.append(deadline_view(deadline, today))
    return views


def running_deadlines(case: Case, today: date) -> list[DeadlineView]:
    views = [deadline_view(d, today) for d in case.deadlines.all() if d.stopped_on is None]
    return sorted(views, key=lambda view: view.due_on)


# The dates a case list may be narrowed to a year or month of (`dated`): when received, filed, decided, closed.
DATED = {"received": "received_on", "filed": "filed_on", "decided": "decided_on", "closed": "closed_on"}

# The case list's sort orders: the nearest running deadline first (cases with none last), or the newest first.
SORTS = ("deadline", "newest")


def cases_for(
    actor: User,
    *,
    text: str = "",
    state: str = "",
    mine: bool = False,
    due: str = "",
    waiting: bool = False,
    agency: int | None = None,
    domain: str = "",
    sort: str = "newest",
    today: date | None = None,
    year: int | None = None,
    month: int | None = None,
    dated: str = "received",
) -> QuerySet[Case]:
    """The cases the actor may see, filtered: `due` "overdue" (a running period passed) or "near" (one ending within
    desk.tasks.NEAR_DAYS), `waiting` (an act of the actor's waits: the desk's 待办), an agency, a state, a domain,
    a `year` (and `month`) of the date `dated` names (DATED: received, filed, decided, closed — the supervision
    overview's figures link here).
    Each case carries `next_due`, the last day of its nearest running period."""
    from zhifa.desk.selectors import waiting_condition
    from zhifa.desk.tasks import NEAR_DAYS, running

    today = today or timezone.localdate()
    cases = restrict_cases(Case.objects.all(), actor).select_related("agency")
    if text:
        cases = cases.filter(Q(title__icontains=text) | Q(parties__name__icontains=text)).distinct()
    if state:
        cases = cases.filter(state=state)
    if domain:
        cases = cases.filter(domain=domain)
    if agency is not None:
        cases = cases.filter(agency_id=agency)
    if year is not None:
        field = DATED.get(dated, DATED["received"])
        if month is None:
            first, last = date(year, 1, 1), date(year, 12, 31)
        else:
            first = date(year, month, 1)
            last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        cases = cases.filter(**{f"{field}__gte": first, f"{field}__lte": last})
    officer = getattr(actor, "officer", None)
    if mine and officer is not None:
        cases = cases.filter(assignments__officer=officer, assignments__recused_on__isnull=True)
    if due == "overdue":
        cases = cases.filter(running(*rules.PERIODS, due_to=today - timedelta(days=1)))
    elif due == "near":
        cases = cases.filter(running(*rules.PERIODS, due_from=today, due_to=today + timedelta(days=NEAR_DAYS)))
    if waiting:
        cases = cases.filter(waiting_condition(actor, today))
    nearest = CaseDeadline.objects.filter(case=OuterRef("pk"), stopped_on__isnull=True).order_by("due_on")
    cases = cases.annotate(next_due=Subquery(nearest.values("due_on")[:1]))
    if sort == "deadline":
        cases = cases.order_by(F("next_due").asc(nulls_last=True), "-received_on", "-pk")
    else:
        cases = cases.order_by("-received_on", "-pk")
    running_ = CaseDeadline.objects.filter(stopped_on__isnull=True)
    team = CaseOfficer.objects.active().select_related("officer")
    filings = CaseDocument.objects.filter(kind__in=NUMBERED_BY).order_by("entry_index")
    return cases.prefetch_related(
        "parties",
        Prefetch("deadlines", queryset=running_),
        Prefetch("assignments", queryset=team),
        Prefetch("documents", queryset=filings, to_attr="numbered"),
    )


def case_or_404(actor: User, pk: int) -> Case:
    """The case `pk` if `actor` may read it, else 404 (never 403: its existence is not told) — the case page's, the
    API's and every page about a case's own restriction."""
    return get_object_or_404(restrict_cases(Case.objects.select_related("agency"), actor), pk=pk)


# 案件编号: a case is known by the number of its filing approval (立案审批表), or, for a penalty on the spot, of the
# decision made there; a lead not yet filed has none. The first of these documents the case has is its number.
NUMBERED_BY = ("filing_approval", "summary_decision")


def case_number(case: Case) -> str:
    numbered = getattr(case, "numbered", None)
    if numbered is None:
        numbered = list(case.documents.filter(kind__in=NUMBERED_BY).order_by("entry_index"))
    return numbered[0].number if numbered else ""
