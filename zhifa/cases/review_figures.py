"""法制审核的统计: the figures of the legal review of major decisions that supervisors and agency heads follow, per
agency of the tree they may see, over a period — for the figures page and `/api/v1/reviews/figures` alike.

Each agency's row counts its own cases and those of the agencies below it, as the reviewer staffing does (a
bureau's reviewers review for its branches): the first row, the actor's own agency, is the whole tree. Times are
working days (core.workdays, 行政处罚法 第八十五条's count), from the submission to the opinion.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from zhifa.cases import major
from zhifa.cases.choices import ReviewConclusion
from zhifa.cases.guards import Step, major_reviewed
from zhifa.cases.models import Case, CaseDeadline, CaseRecord
from zhifa.cases.selectors import deadline_view
from zhifa.cases.workflow import ACTIONS, State
from zhifa.core.choices import Role
from zhifa.core.models import Agency, User
from zhifa.core.scoping import reads_cases, restrict_cases, visible_agencies
from zhifa.core.workdays import load_calendar
from zhifa.personnel.selectors import ReviewerStaffing, reviewer_staffing

REVIEW_PERIODS = ("legal_review", "legal_review_extension")
OPINIONS = ("pass_review", "return_review")
# Most-given reasons shown per agency.
TOP_REASONS = 5


def may_see_figures(actor: User) -> bool:
    """Supervisors, the heads (the approvers act for them, and an officer who heads an agency)."""
    if not reads_cases(actor):
        return False
    if actor.has_role(Role.SUPERVISOR, Role.APPROVER):
        return True
    return Agency.objects.filter(head__user=actor).exists()


@dataclass(frozen=True)
class ReviewDone:
    """One opinion given: the round it closed, how long it took and what the reviewer found not in order."""

    case_id: int
    agency_path: str
    submitted_on: date
    opinion_on: date
    conclusion: str
    unchecked: tuple[str, ...]
    problems: str
    working_days: int

    @property
    def returned(self) -> bool:
        return self.conclusion in (ReviewConclusion.RETURN, ReviewConclusion.DISAPPROVE)


@dataclass(frozen=True)
class UnreviewedDecision:
    """A decision made that was major by the catalog in force on its day, without a review passed on it."""

    case_id: int
    title: str
    agency: str
    agency_path: str
    decided_on: date
    clauses: str
    # The catalog version that makes it major was published after the decision (its effective date set back).
    catalog_published_later: bool


@dataclass
class AgencyFigures:
    agency: Agency
    reviews: list[ReviewDone]
    overdue_now: int
    waiting_now: int
    unreviewed: list[UnreviewedDecision]
    staffing: ReviewerStaffing
    reasons: list[tuple[str, str, int]] = field(default_factory=list)  # (checklist key, label, count)

    @property
    def done(self) -> int:
        return len(self.reviews)

    @property
    def returned(self) -> int:
        return sum(1 for review in self.reviews if review.returned)

    @property
    def passed(self) -> int:
        return self.done - self.returned

    @property
    def return_rate(self) -> Decimal | None:
        """Returns as a percentage of the opinions given, to one decimal; None when none was given."""
        if not self.reviews:
            return None
        return (Decimal(100 * self.returned) / self.done).quantize(Decimal("0.1"))

    @property
    def average_days(self) -> Decimal | None:
        if not self.reviews:
            return None
        return (Decimal(sum(r.working_days for r in self.reviews)) / self.done).quantize(Decimal("0.1"))

    @property
    def longest_days(self) -> int | None:
        return max((r.working_days for r in self.reviews), default=None)


@dataclass
class Figures:
    start: date
    end: date
    today: date
    rows: list[AgencyFigures]
    returns: list[tuple[ReviewDone, str]]  # the period's returns, latest first, with the case's title

    unit = "working_days"


def _reviews(actor: User, start: date, end: date) -> list[ReviewDone]:
    """Every opinion given in the period, paired with the submission it answered (one pass over the records)."""
    records = (
        restrict_cases(CaseRecord.objects.all(), actor, via="case__agency")
        .filter(action__in=("submit_review", *OPINIONS))
        .order_by("case_id", "entry_index")
        .values_list("case_id", "case__agency__path", "action", "on_date", "data")
    )
    calendar = load_calendar()
    found: list[ReviewDone] = []
    submitted: dict[int, date] = {}
    for case_id, path, action, on_date, data in records:
        if action == "submit_review":
            submitted[case_id] = on_date
            continue
        since = submitted.pop(case_id, None)
        if since is None or not start <= on_date <= end:
            continue
        checklist = data.get("checklist") or {}
        found.append(
            ReviewDone(
                case_id=case_id,
                agency_path=path,
                submitted_on=since,
                opinion_on=on_date,
                conclusion=data.get("conclusion", ""),
                unchecked=tuple(key for key, _label in major.CHECKLIST if checklist and not checklist.get(key)),
                problems=data.get("problems", ""),
                working_days=calendar.working_days_between(since, on_date),
            )
        )
    return found


def _unreviewed(actor: User, start: date, end: date) -> list[UnreviewedDecision]:
    """The period's decisions that the rule of 第五十八条 (guards.major_reviewed, the same check the decision ran)
    finds major without a review passed, judged now with the catalog versions now known."""
    decisions = (
        restrict_cases(CaseRecord.objects.all(), actor, via="case__agency")
        .filter(action="decide", on_date__gte=start, on_date__lte=end)
        .select_related("case__agency", "created_by")
        .order_by("on_date", "entry_index")
    )
    found = []
    for record in decisions:
        case = record.case
        data = record.data
        kinds: list[str] = data.get("penalty_kinds") or []
        fine = Decimal(data["fine"]) if data.get("fine") else None
        confiscated = Decimal(data["confiscated"]) if data.get("confiscated") else None
        decided = {"penalty_kinds": kinds, "fine": fine, "confiscated": confiscated}
        step = Step(record.created_by, ACTIONS["decide"], case, record.on_date, decided)
        if major_reviewed(step) is None:
            continue
        clauses = major.clauses(case, record.on_date, kinds=kinds, fine=fine, confiscated=confiscated, proposed=False)
        catalog = major.catalog_in_force(case.agency, record.on_date)
        later = catalog is not None and timezone.localdate(catalog.created_at) > record.on_date
        found.append(
            UnreviewedDecision(
                case.pk, case.title, case.agency.name, case.agency.path, record.on_date, major.describe(clauses), later
            )
        )
    return found


def _waiting(actor: User, today: date) -> list[tuple[str, bool]]:
    """The cases in review now: (agency path, overdue)."""
    deadlines = (
        restrict_cases(CaseDeadline.objects.all(), actor, via="case__agency")
        .filter(period__in=REVIEW_PERIODS, stopped_on__isnull=True, case__state=State.LEGAL_REVIEW)
        .select_related("case__agency")
    )
    return [(d.case.agency.path, deadline_view(d, today).level == "overdue") for d in deadlines]


def figures_for(actor: User, start: date, end: date, today: date) -> Figures:
    """The figures over [start, end] of each agency the actor may see, and the state of the reviews today."""
    reviews = _reviews(actor, start, end)
    unreviewed = _unreviewed(actor, start, end)
    waiting = _waiting(actor, today)
    labels = dict(major.CHECKLIST)
    rows = []
    for agency in visible_agencies(actor).order_by("path"):
        within = [r for r in reviews if r.agency_path.startswith(agency.path)]
        reasons = Counter(key for review in within for key in review.unchecked)
        row = AgencyFigures(
            agency=agency,
            reviews=within,
            overdue_now=sum(1 for path, overdue in waiting if overdue and path.startswith(agency.path)),
            waiting_now=sum(1 for path, _overdue in waiting if path.startswith(agency.path)),
            unreviewed=[u for u in unreviewed if u.agency_path.startswith(agency.path)],
            staffing=reviewer_staffing(agency),
            reasons=[(key, labels[key], count) for key, count in reasons.most_common(TOP_REASONS)],
        )
        rows.append(row)
    titles = dict(Case.objects.filter(pk__in={r.case_id for r in reviews if r.returned}).values_list("pk", "title"))
    returns = [(r, titles.get(r.case_id, "")) for r in reviews if r.returned]
    returns.sort(key=lambda item: item[0].opinion_on, reverse=True)
    return Figures(start, end, today, rows, returns)


def as_data(figures: Figures) -> dict[str, Any]:
    """The figures as JSON-ready data (the API's answer; the page shows the same objects)."""

    def number(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "start": figures.start,
        "end": figures.end,
        "today": figures.today,
        "unit": figures.unit,
        "agencies": [
            {
                "agency_id": row.agency.pk,
                "agency": row.agency.name,
                "depth": row.agency.depth,
                "reviews": row.done,
                "passed": row.passed,
                "returned": row.returned,
                "return_rate": number(row.return_rate),
                "reasons": [{"item": key, "label": label, "count": count} for key, label, count in row.reasons],
                "average_days": number(row.average_days),
                "longest_days": row.longest_days,
                "waiting_now": row.waiting_now,
                "overdue_now": row.overdue_now,
                "decided_major_unreviewed": len(row.unreviewed),
                "unreviewed_cases": [u.case_id for u in row.unreviewed],
                "officers": row.staffing.officers,
                "reviewers": row.staffing.reviewers,
                "reviewers_needed": row.staffing.needed,
                "reviewer_share": number(row.staffing.share),
                "reviewers_short": row.staffing.short,
            }
            for row in figures.rows
        ],
    }
