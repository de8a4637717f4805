"""Each role's desk (工作台): what waits for the actor (待办), what he recorded lately (已办), the periods passed or
about to pass (逾期), and the counts the navigation shows.

Every queue is one query whatever the number of cases: the conditions of desk/tasks.py are evaluated by the
database, the counts by one aggregate, the rows by one query and its prefetches. All start from what the actor may
see (core.scoping).
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import ExpressionWrapper
from django.db.models.fields import BooleanField
from django.http import HttpRequest
from django.urls import reverse

from zhifa.cases.models import Case, CaseDeadline, CaseOfficer
from zhifa.cases.review_figures import REVIEW_PERIODS
from zhifa.cases.selectors import DeadlineView, deadline_views
from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.core.scoping import reads_cases, restrict, restrict_cases
from zhifa.desk.tasks import KINDS, NEAR_DAYS, TaskKind

# How many tasks and deadlines a desk lists (the counts are exact; the case list pages through the rest).
LIST_LIMIT = 50
# 已办: the actor's latest acts, found among this many latest entries of the whole ledger. The ledger has no index
# on the actor (ledger/models.py says why), so the look-up is bounded: a walk back over at most this many rows.
DONE_LIMIT = 20
DONE_WINDOW = 50_000
# The roles whose desk looks at every case of the agencies they see, not only the cases they handle.
WIDE_ROLES = (Role.APPROVER, Role.SUPERVISOR)


def _officer(actor: User) -> Any:
    return getattr(actor, "officer", None)


def _on_team(officer: Any, outer: str = "pk") -> Exists:
    return Exists(CaseOfficer.objects.filter(case=OuterRef(outer), officer=officer, recused_on__isnull=True))


def kinds_for(actor: User) -> list[TaskKind]:
    """The kinds of task the actor's roles take (none for the administrators: 三员分立 keeps them off case files)."""
    if not reads_cases(actor):
        return []
    kinds = [kind for kind in KINDS if actor.has_role(kind.role)]
    if Role.OFFICER.value in {kind.role for kind in kinds} and _officer(actor) is None:
        kinds = [kind for kind in kinds if kind.role != Role.OFFICER]  # a login with no officer record is on no team
    return kinds


def _condition(actor: User, kind: TaskKind, today: date, extendable: list[int] | None) -> Q:
    condition = kind.condition(today)
    officer = _officer(actor)
    if kind.role == Role.OFFICER:
        condition &= Q(_on_team(officer))
    elif kind.role == Role.LEGAL_REVIEWER and officer is not None:
        # 行政处罚法 第五十八条: a reviewer does not review a case he handles; it waits for another reviewer.
        condition &= ~Q(_on_team(officer))
    if kind.key == "extend_decision":
        condition &= Q(agency__in=extendable or [])
    return condition


def _extendable_agencies(actor: User, today: date) -> list[int]:
    """The agencies (of those with a decision period near its end) whose rules allow extending it (guards
    .extension_provided): one query for the candidates, then one per such agency — not per case."""
    from zhifa.cases.agency_settings import in_force
    from zhifa.desk.tasks import BY_KEY

    candidates = (
        restrict_cases(Case.objects.all(), actor)
        .filter(BY_KEY["extend_decision"].condition(today))
        .values_list("agency", flat=True)
        .distinct()
    )
    from zhifa.core.models import Agency

    return [
        agency.pk
        for agency in Agency.objects.filter(pk__in=list(candidates))
        if in_force(agency).periods.get("decision_extension")
    ]


def _conditions(actor: User, today: date) -> dict[str, tuple[TaskKind, Q]]:
    # Built once per request's user and day: the desk's list and its counts both ask (~10 ms of Python each).
    memo: dict[date, dict[str, tuple[TaskKind, Q]]] = actor.__dict__.setdefault("_desk_conditions", {})
    if today not in memo:
        kinds = kinds_for(actor)
        extendable = _extendable_agencies(actor, today) if any(k.key == "extend_decision" for k in kinds) else None
        memo[today] = {kind.key: (kind, _condition(actor, kind, today, extendable)) for kind in kinds}
    return memo[today]


def task_counts(actor: User, today: date) -> dict[str, int]:
    """How many cases wait for each kind of task of the actor: one aggregate query."""
    conditions = _conditions(actor, today)
    if not conditions:
        return {}
    counted = restrict_cases(Case.objects.all(), actor).aggregate(
        **{key: Count("pk", filter=condition) for key, (_kind, condition) in conditions.items()}
    )
    return {key: int(value or 0) for key, value in counted.items()}


def waiting_condition(actor: User, today: date) -> Q:
    """待我办理 as a filter on cases: a case where some act of the actor's waits (the case list's filter)."""
    conditions = _conditions(actor, today)
    if not conditions:
        return Q(pk__in=[])
    return functools.reduce(operator.or_, (condition for _kind, condition in conditions.values()))


@dataclass(frozen=True)
class Task:
    """One act waiting for the actor on one case, with the case's nearest running period."""

    case: Case
    kind: TaskKind
    deadline: DeadlineView | None

    @property
    def url(self) -> str:
        return reverse("case_action", args=[self.case.pk, self.kind.action])


def _next_due() -> Subquery:
    return Subquery(
        CaseDeadline.objects.filter(case=OuterRef("pk"), stopped_on__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )


def tasks_for(actor: User, today: date, *, limit: int = LIST_LIMIT) -> list[Task]:
    """The acts waiting for the actor, the case with the nearest deadline first (cases with none last)."""
    conditions = _conditions(actor, today)
    if not conditions:
        return []
    flags = {
        f"task_{key}": ExpressionWrapper(condition, output_field=BooleanField())
        for key, (_k, condition) in conditions.items()
    }
    running = CaseDeadline.objects.filter(stopped_on__isnull=True)
    cases = (
        restrict_cases(Case.objects.all(), actor)
        .filter(functools.reduce(operator.or_, (condition for _kind, condition in conditions.values())))
        .annotate(next_due=_next_due(), **flags)
        .select_related("agency")
        .prefetch_related("parties", Prefetch("deadlines", queryset=running))
        .order_by(F("next_due").asc(nulls_last=True), "pk")[:limit]
    )
    found_cases = list(cases)
    every = [deadline for case in found_cases for deadline in case.deadlines.all()]
    by_pk = dict(zip((deadline.pk for deadline in every), deadline_views(every, today), strict=True))
    found = []
    for case in found_cases:
        views = sorted((by_pk[d.pk] for d in case.deadlines.all()), key=lambda view: view.due_on)
        taken: set[str] = set()
        for key, (kind, _condition) in conditions.items():
            if getattr(case, f"task_{key}") and kind.action not in taken:
                taken.add(kind.action)
                found.append(Task(case, kind, views[0] if views else None))
    return found


def deadlines_in_view(actor: User) -> QuerySet[CaseDeadline]:
    """The running periods the actor's desk watches: every case of his agencies for the heads and supervisors,
    the review periods for a reviewer, the cases he handles for an officer."""
    running = CaseDeadline.objects.filter(stopped_on__isnull=True)
    if not reads_cases(actor):
        return running.none()
    scoped = restrict_cases(running, actor, via="case__agency")
    if actor.has_role(*WIDE_ROLES):
        return scoped
    officer = _officer(actor)
    mine = Q(_on_team(officer, "case")) if officer is not None and actor.has_role(Role.OFFICER) else Q(pk__in=[])
    if actor.has_role(Role.LEGAL_REVIEWER):
        mine |= Q(period__in=REVIEW_PERIODS)
    return scoped.filter(mine)


def overdue_count(actor: User, today: date) -> int:
    return deadlines_in_view(actor).filter(due_on__lt=today).count()


@dataclass(frozen=True)
class Urgent:
    """A running period of a case, passed or near its end."""

    case: Case
    deadline: DeadlineView

    @property
    def url(self) -> str:
        return reverse("case_detail", args=[self.case.pk])


def urgent_deadlines(actor: User, today: date, *, limit: int = LIST_LIMIT) -> list[Urgent]:
    """Periods passed or ending within NEAR_DAYS, the fewest days left first."""
    rows = (
        deadlines_in_view(actor)
        .filter(due_on__lte=today + timedelta(days=NEAR_DAYS))
        .select_related("case__agency")
        .order_by("due_on", "pk")[:limit]
    )
    listed = list(rows)
    found = [Urgent(row.case, view) for row, view in zip(listed, deadline_views(listed, today), strict=True)]
    return sorted(found, key=lambda urgent: (urgent.deadline.days_left, urgent.case.pk))


@dataclass
class AgencyRow:
    """The supervisor's overview: one agency under him and what is late there."""

    agency_id: int
    name: str
    overdue: int = 0
    near: int = 0
    late_publications: int = 0


def supervision_overview(actor: User, today: date) -> list[AgencyRow]:
    """Per agency the actor sees: periods passed, periods ending within NEAR_DAYS, decisions not published in time
    (publicity.selectors.pending_for). Agencies with nothing late are left out."""
    from zhifa.publicity.selectors import pending_for

    scoped = restrict_cases(CaseDeadline.objects.filter(stopped_on__isnull=True), actor, via="case__agency")
    rows: dict[int, AgencyRow] = {}

    def row(agency_id: int, name: str) -> AgencyRow:
        return rows.setdefault(agency_id, AgencyRow(agency_id, name))

    counted = (
        scoped.filter(due_on__lte=today + timedelta(days=NEAR_DAYS))
        .values("case__agency", "case__agency__name", "case__agency__path")
        .annotate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            near=Count("pk", filter=Q(due_on__gte=today)),
        )
    )
    paths: dict[int, str] = {}
    for item in counted:
        found = row(item["case__agency"], item["case__agency__name"])
        found.overdue, found.near = item["overdue"], item["near"]
        paths[found.agency_id] = item["case__agency__path"]
    for waiting in pending_for(actor, today):
        if waiting.late:
            agency = waiting.record.case.agency
            row(agency.pk, agency.name).late_publications += 1
            paths[agency.pk] = agency.path
    return sorted(rows.values(), key=lambda r: paths.get(r.agency_id, ""))


@dataclass(frozen=True)
class Done:
    """One act the actor recorded: what, when, and the case it concerns (None for acts on other things)."""

    index: int
    label: str
    recorded_at: Any
    case: Case | None


def done_by(actor: User, *, limit: int = DONE_LIMIT) -> list[Done]:
    """The actor's latest recorded acts, newest first, with the cases they concern where he may still see them."""
    from zhifa.ledger.labels import action_label
    from zhifa.ledger.models import Entry

    last = Entry.objects.order_by("-index").values_list("index", flat=True).first()
    if last is None:
        return []
    entries = list(
        Entry.objects.filter(actor=actor, index__gt=last - DONE_WINDOW)
        .order_by("-index")
        .only("index", "action", "subject", "recorded_at")[:limit]
    )
    prefix = f"{Case._meta.label_lower}:"
    case_ids = {int(e.subject.removeprefix(prefix)) for e in entries if e.subject.startswith(prefix)}
    cases = {case.pk: case for case in restrict_cases(Case.objects.filter(pk__in=case_ids), actor)}
    return [
        Done(
            entry.index,
            action_label(entry.action),
            entry.recorded_at,
            cases.get(int(entry.subject.removeprefix(prefix))) if entry.subject.startswith(prefix) else None,
        )
        for entry in entries
    ]


@dataclass
class AdminDesk:
    """The administrators' work: certificates to renew or review (系统管理员), locked logins (安全管理员)."""

    certificates_due: int = 0
    certificates_late: int = 0
    locked: list[Any] = field(default_factory=list)
    missing_years: list[int] = field(default_factory=list)

    @property
    def todo(self) -> int:
        return self.certificates_due + len(self.locked) + (1 if self.missing_years else 0)


def admin_desk(actor: User, today: date, *, with_locks: bool = True) -> AdminDesk:
    from zhifa.core import lockout, workdays
    from zhifa.personnel.choices import CertificateStatus, OfficerStatus
    from zhifa.personnel.models import Certificate
    from zhifa.personnel.selectors import EXPIRY_WARNING, REVIEW_WARNING

    desk = AdminDesk()
    if actor.has_role(Role.SYSADMIN):
        certificates = restrict(Certificate.objects.all(), actor, via="officer__agency").filter(
            status=CertificateStatus.VALID, officer__status=OfficerStatus.ACTIVE
        )
        counted = certificates.aggregate(
            due=Count(
                "pk", filter=Q(valid_until__lte=today + EXPIRY_WARNING) | Q(review_due__lte=today + REVIEW_WARNING)
            ),
            late=Count("pk", filter=Q(valid_until__lt=today) | Q(review_due__lt=today)),
        )
        desk.certificates_due, desk.certificates_late = counted["due"], counted["late"]
        desk.missing_years = list(workdays.years_needing_data(today))
    if actor.has_role(Role.SECADMIN) and with_locks:
        desk.locked = [user for user, _by_name, _addresses in lockout.locked_users(restrict(User.objects.all(), actor))]
    return desk


# Who answers or follows the supervisor's instruments (督办函、意见书、决定书): the agency's approver (for its head)
# and the supervisor (objections and reports to answer).
NOTICE_ROLES = (Role.APPROVER, Role.SUPERVISOR)


def notices_waiting(actor: User) -> QuerySet[Any]:
    """The supervision notices waiting on the actor (supervision.notices.notices_waiting_for)."""
    from zhifa.supervision.notices import notices_waiting_for  # supervision sits above the desk's other sources

    return notices_waiting_for(actor)


def inspections_waiting(actor: User, today: date) -> list[Any]:
    """The inspections' work waiting on the actor (inspections.desk.waiting_for): listed on the desk, not counted
    in the navigation's badge, which every page computes (its few queries stay the cases' and notices')."""
    from zhifa.inspections.desk import waiting_for

    return waiting_for(actor, today)


@dataclass(frozen=True)
class Counts:
    """What the navigation's 「工作台」 badge shows: acts waiting, and periods (or certificates) passed."""

    todo: int
    overdue: int


# How long the navigation's badge may show counts computed for an earlier page: the counts are one aggregate over
# every case the actor sees (~35 ms per page at 10⁵ cases), asked by every page's header. The desk itself always
# counts afresh (docs/decisions.md, issue 20's load test).
NAV_COUNTS_SECONDS = 30


def counts_for(request: HttpRequest, today: date, *, fresh: bool = False) -> Counts:
    """The desk's counts for the signed-in user, computed once per request (the header and the home both ask);
    other pages than the desk (`fresh`) reuse counts up to NAV_COUNTS_SECONDS old."""
    cached = getattr(request, "_desk_counts", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    actor = request.user
    assert isinstance(actor, User)
    key = f"desk-counts:{actor.pk}:{today.isoformat()}"
    counts = None if fresh else cache.get(key)
    if counts is None:
        counts = _counts(actor, today)
        cache.set(key, counts, NAV_COUNTS_SECONDS)
    request._desk_counts = counts  # type: ignore[attr-defined]
    return counts


def _counts(actor: User, today: date) -> Counts:
    todo = sum(task_counts(actor, today).values())
    overdue = overdue_count(actor, today) if reads_cases(actor) else 0
    if actor.has_role(*NOTICE_ROLES):
        todo += notices_waiting(actor).count()
    if actor.has_role(Role.SYSADMIN, Role.SECADMIN):
        admin = admin_desk(actor, today)
        todo += admin.todo
        overdue += admin.certificates_late
    return Counts(todo, overdue)
