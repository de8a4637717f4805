"""The supervisors' reads of inspections (issue 19 item 7): coverage of the directories, the overdue tasks and the
caps, for a supervisor (执法监督人员) or a head (机关负责人) over the agencies he sees. Reads only.

Every figure is aggregated in the database: the number of queries depends on neither the number of businesses nor
the number of inspections (the caps' check reads the cap lists once per inspecting agency with candidates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from zhifa.core.choices import Role
from zhifa.core.models import Agency, User
from zhifa.core.scoping import restrict, visible_agencies
from zhifa.core.workdays import load_calendar
from zhifa.inspections.choices import COUNTED_STATES, Grade, InspectionState, Source
from zhifa.inspections.models import (
    Inspection,
    InspectionObjection,
    InspectionPlan,
    InspectionTarget,
    RandomInspection,
)
from zhifa.inspections.selectors import CapState, cap_states, may_read

# Who oversees inspections: the supervisors and the heads, over their agency and those below it.
OVERSEERS = frozenset({Role.SUPERVISOR, Role.APPROVER})
YEARS_BACK = 4  # the years offered: this one (and the next, whose plans may be out) and four before it
ROWS = 50  # rows of each list shown; the total is always given
# Due soon: the due day falls within this many working days from today (core.workdays).
SOON_WORKING_DAYS = 2
# The caps are checked for businesses inspected at least this often in the year: one more than a cap of one, so
# every business *over* its cap is found; a business at a cap of one after one inspection is not listed (its own
# page shows it).
CAP_CANDIDATE_MIN = 2
CAP_CANDIDATES = 500  # at most this many businesses checked against their caps, the most inspected first
# The visit's states before a result: the planned day passed in one of them is a visit not done (or not recorded).
BEFORE_RESULT = (
    InspectionState.PLANNED,
    InspectionState.CODE_ISSUED,
    InspectionState.ON_SITE,
    InspectionState.OFF_SITE_REVIEWED,
)


def may_oversee(actor: User) -> bool:
    return actor.is_authenticated and actor.is_active and actor.agency is not None and actor.has_role(*OVERSEERS)


def years_for(today: date) -> list[int]:
    return list(range(today.year + 1, today.year - YEARS_BACK - 1, -1))


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- coverage ------------------------------------------------------------------------------------------------


@dataclass
class Coverage:
    """One agency's year: its directory (businesses in it), the businesses it inspected (distinct credit codes,
    cancelled inspections left out) in all and by source, those of its directory among them, its inspections and
    how many were off-site, and the for-cause ones flagged over the cap."""

    agency_id: int
    agency: str
    directory: int = 0
    covered: int = 0  # businesses of its directory it inspected
    inspected: int = 0  # businesses it inspected, in its directory or not
    by_source: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Source.values, 0))
    inspections: int = 0
    off_site: int = 0
    over_cap: int = 0

    @property
    def share(self) -> float | None:
        return _percent(self.covered, self.directory)

    @property
    def off_site_share(self) -> float | None:
        return _percent(self.off_site, self.inspections)

    def as_data(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "agency": self.agency,
            "directory": self.directory,
            "covered": self.covered,
            "share": self.share,
            "inspected": self.inspected,
            "by_source": dict(self.by_source),
            "inspections": self.inspections,
            "off_site": self.off_site,
            "off_site_share": self.off_site_share,
            "over_cap": self.over_cap,
        }


@dataclass(frozen=True)
class GradeCoverage:
    grade: str
    directory: int
    covered: int

    @property
    def share(self) -> float | None:
        return _percent(self.covered, self.directory)

    @property
    def label(self) -> str:
        return str(Grade(self.grade).label)


def _year_inspections(year: int) -> QuerySet[Inspection]:
    return Inspection.objects.filter(planned_on__year=year, state__in=COUNTED_STATES)


def _coverage(agencies: list[Agency], scope: QuerySet[Agency], year: int) -> tuple[list[Coverage], list[GradeCoverage]]:
    """Two queries: the directories (with, per business, whether its agency inspected it in the year) by agency and
    risk grade, and the year's inspections by agency; `scope` is `agencies` as a subquery (no list of ids)."""
    rows = {agency.pk: Coverage(agency.pk, agency.name) for agency in agencies}
    # A business of an agency's directory is covered when that agency inspected it (by its credit code, in
    # whichever directory the inspection found it) in the year.
    inspected = _year_inspections(year).filter(agency=OuterRef("agency"), target__credit_code=OuterRef("credit_code"))
    grades = {grade: [0, 0] for grade in Grade.values}
    directories = (
        InspectionTarget.objects.filter(agency__in=scope, active=True)
        .values("agency_id", "risk_grade")
        .annotate(n=Count("pk"), covered=Count("pk", filter=Exists(inspected)))
        .order_by()
    )
    for row in directories:
        coverage = rows[row["agency_id"]]
        coverage.directory += row["n"]
        coverage.covered += row["covered"]
        if row["risk_grade"] in grades:
            grades[row["risk_grade"]][0] += row["n"]
            grades[row["risk_grade"]][1] += row["covered"]
    code = "target__credit_code"
    made = (
        _year_inspections(year)
        .filter(agency__in=scope)
        .values("agency_id")
        .annotate(
            inspected=Count(code, distinct=True),
            **{source: Count(code, distinct=True, filter=Q(source=source)) for source in Source.values},
            inspections=Count("pk"),
            off_site=Count("pk", filter=Q(off_site=True)),
            over_cap=Count("pk", filter=Q(over_cap=True)),
        )
        .order_by()
    )
    for row in made:
        coverage = rows[row["agency_id"]]
        coverage.inspected = row["inspected"]
        coverage.by_source = {source: row[source] for source in Source.values}
        coverage.inspections, coverage.off_site, coverage.over_cap = (
            row["inspections"],
            row["off_site"],
            row["over_cap"],
        )
    kept = [row for row in rows.values() if row.directory or row.inspections]
    return kept, [GradeCoverage(grade, n, covered) for grade, (n, covered) in grades.items()]


# --- overdue tasks -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One row of a list to act on: the inspection (linked), its business and body, the day due."""

    inspection_id: int
    business: str
    credit_code: str
    agency: str
    state: str
    due: date
    objection_id: int | None = None
    kind: str = ""  # an objection's kind

    def as_data(self) -> dict[str, Any]:
        return {
            "inspection_id": self.inspection_id,
            "business": self.business,
            "credit_code": self.credit_code,
            "agency": self.agency,
            "state": self.state,
            "due": self.due,
            "objection_id": self.objection_id,
            "kind": self.kind,
        }


@dataclass
class TaskList:
    """One list (e.g. results not told in time): the overdue rows and those due soon, each at most ROWS, with
    their totals."""

    key: str
    overdue: list[Task] = field(default_factory=list)
    overdue_total: int = 0
    soon: list[Task] = field(default_factory=list)
    soon_total: int = 0

    def as_data(self) -> dict[str, Any]:
        return {
            "overdue_total": self.overdue_total,
            "overdue": [task.as_data() for task in self.overdue],
            "soon_total": self.soon_total,
            "soon": [task.as_data() for task in self.soon],
        }


# Each list of inspections: its key, the states it reads, and the field holding the day due.
INSPECTION_TASKS = (
    ("untold", (InspectionState.RESULT_RECORDED,), "tell_due"),  # 海南条例 第二十二条: told within 5 working days
    ("unpublished", (InspectionState.TOLD,), "publish_due"),  # published within 20 working days
    ("not_visited", BEFORE_RESULT, "planned_on"),  # the planned day passed without a result
)


def _inspection_task(inspection: Inspection, due: date) -> Task:
    return Task(
        inspection.pk,
        inspection.target.name,
        inspection.target.credit_code,
        inspection.agency.name,
        inspection.get_state_display(),
        due,
    )


def _tasks(
    inspections: QuerySet[Inspection], objections: QuerySet[InspectionObjection], today: date, soon: date
) -> list[TaskList]:
    """Two queries for the totals (one over the inspections, one over the objections), then one per list shown.
    Overdue: the day due is before today; due soon: from today to `soon`."""
    windows = ("overdue", "soon")

    def window_of(name: str, window: str) -> Q:
        """The due day `name` passed (overdue), or falls from today to `soon` (due soon)."""
        if window == "overdue":
            return Q(**{f"{name}__lt": today})
        return Q(**{f"{name}__gte": today, f"{name}__lte": soon})

    filters = {
        (key, window): Q(state__in=states) & window_of(due, window)
        for key, states, due in INSPECTION_TASKS
        for window in windows
    }
    totals = inspections.aggregate(
        **{f"{key}__{window}": Count("pk", filter=condition) for (key, window), condition in filters.items()}
    )
    lists: list[TaskList] = []
    for key, _states, due in INSPECTION_TASKS:
        tasks = TaskList(key, overdue_total=totals[f"{key}__overdue"], soon_total=totals[f"{key}__soon"])
        for window in windows:
            if not totals[f"{key}__{window}"]:
                continue
            rows = inspections.filter(filters[(key, window)]).select_related("agency", "target").order_by(due, "pk")
            setattr(tasks, window, [_inspection_task(i, getattr(i, due)) for i in rows[:ROWS]])
        lists.append(tasks)
    open_objections = objections.filter(answered_at__isnull=True)
    counts = open_objections.aggregate(
        **{window: Count("pk", filter=window_of("answer_due", window)) for window in windows}
    )
    unanswered = TaskList("unanswered", overdue_total=counts["overdue"], soon_total=counts["soon"])
    for window in windows:
        if not counts[window]:
            continue
        waiting = open_objections.filter(window_of("answer_due", window)).select_related(
            "inspection__agency", "inspection__target"
        )
        setattr(
            unanswered,
            window,
            [
                Task(
                    o.inspection_id,
                    o.inspection.target.name,
                    o.inspection.target.credit_code,
                    o.inspection.agency.name,
                    o.inspection.get_state_display(),
                    o.answer_due,
                    objection_id=o.pk,
                    kind=o.get_kind_display(),
                )
                for o in waiting.order_by("answer_due", "pk")[:ROWS]
            ],
        )
    lists.append(unanswered)
    return lists


# --- caps ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapRow:
    """A business at or over its cap with one inspecting body (selectors.cap_states)."""

    target_id: int
    business: str
    credit_code: str
    agency: str
    state: CapState

    def as_data(self) -> dict[str, Any]:
        state = self.state
        return {
            "target_id": self.target_id,
            "business": self.business,
            "credit_code": self.credit_code,
            "agency": self.agency,
            "count": state.count,
            "for_cause": state.for_cause,
            "cap": state.limit,
            "full": state.full,
            "over": state.over,
            "source": state.describe(),
        }


def _caps(inspections: QuerySet[Inspection], year: int, today: date) -> tuple[list[CapRow], int]:
    """The businesses at or over their cap with an inspecting body of the scope: those inspected at least
    CAP_CANDIDATE_MIN times in the year (at most CAP_CANDIDATES of them), each checked by `selectors.cap_states`
    for each body that inspected it (one call per body, whatever the number of businesses)."""
    counted = inspections.filter(planned_on__year=year, state__in=COUNTED_STATES)
    codes = list(
        counted.values("target__credit_code")
        .annotate(n=Count("pk"))
        .filter(n__gte=CAP_CANDIDATE_MIN)
        .order_by("-n", "target__credit_code")
        .values_list("target__credit_code", flat=True)[:CAP_CANDIDATES]
    )
    if not codes:
        return [], 0
    pairs = counted.filter(target__credit_code__in=codes).values_list("agency_id", "target_id").order_by().distinct()
    targets_of: dict[int, dict[str, InspectionTarget]] = {}
    target_ids = {target_id for _agency, target_id in pairs}
    targets = InspectionTarget.objects.in_bulk(target_ids)
    for agency_id, target_id in pairs:
        target = targets[target_id]
        targets_of.setdefault(agency_id, {}).setdefault(target.credit_code, target)
    agencies = Agency.objects.in_bulk(targets_of)
    rows: list[CapRow] = []
    for agency_id in sorted(targets_of, key=lambda pk: agencies[pk].path):
        agency = agencies[agency_id]
        chosen = targets_of[agency_id]
        states = cap_states(list(chosen.values()), agency, year, today=today)
        for code, target in sorted(chosen.items(), key=lambda pair: pair[1].name):
            state = states[code]
            if state.full or state.over:
                rows.append(CapRow(target.pk, target.name, code, agency.name, state))
    rows.sort(key=lambda row: (not row.state.over, row.agency, row.business))
    return rows[:ROWS], len(rows)


# --- the page ------------------------------------------------------------------------------------------------


@dataclass
class Oversight:
    """The supervisors' page, and the API's `GET /api/v1/inspections/oversight`."""

    year: int
    today: date
    chosen: Agency | None
    coverage: list[Coverage]
    grades: list[GradeCoverage]
    tasks: list[TaskList]
    over_cap: list[Inspection]
    over_cap_total: int
    caps: list[CapRow]
    caps_total: int
    soon_until: date

    @property
    def totals(self) -> Coverage:
        total = Coverage(0, "")
        for row in self.coverage:
            total.directory += row.directory
            total.covered += row.covered
            total.inspected += row.inspected  # a business inspected by two bodies counts for each
            total.inspections += row.inspections
            total.off_site += row.off_site
            total.over_cap += row.over_cap
            for source, n in row.by_source.items():
                total.by_source[source] += n
        return total

    def chart(self) -> dict[str, Any]:
        """The grades' chart (supervision-overview.js draws `[data-chart]` from this shape)."""
        return {
            "categories": [row.label for row in self.grades],
            "series": [
                {"name": _("名录库在库企业"), "data": [row.directory for row in self.grades]},
                {"name": _("本年已检查"), "data": [row.covered for row in self.grades]},
            ],
        }

    def as_data(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "today": self.today,
            "agency_id": self.chosen.pk if self.chosen else None,
            "coverage": [row.as_data() for row in self.coverage],
            "totals": {
                key: value for key, value in self.totals.as_data().items() if key not in ("agency_id", "agency")
            },
            "grades": [
                {"grade": row.grade, "directory": row.directory, "covered": row.covered, "share": row.share}
                for row in self.grades
            ],
            "tasks": {tasks.key: tasks.as_data() for tasks in self.tasks},
            "soon_until": self.soon_until,
            "over_cap_total": self.over_cap_total,
            "over_cap": [
                {
                    "inspection_id": i.pk,
                    "business": i.target.name,
                    "credit_code": i.target.credit_code,
                    "agency": i.agency.name,
                    "planned_on": i.planned_on,
                    "cap_note": i.cap_note,
                }
                for i in self.over_cap
            ],
            "caps_total": self.caps_total,
            "caps": [row.as_data() for row in self.caps],
        }


def oversight_for(actor: User, year: int, today: date, *, agency: Agency | None = None) -> Oversight:
    """The figures over the agencies the actor sees, or over `agency` and those below it (one he sees)."""
    if not may_oversee(actor):
        raise PermissionDenied(_("只有执法监督人员和机关负责人可以查看检查监督情况"))
    agencies_qs = visible_agencies(actor)
    inspections = restrict(Inspection.objects.all(), actor)
    objections = restrict(InspectionObjection.objects.all(), actor, via="inspection__agency")
    if agency is not None:
        agencies_qs = agencies_qs.filter(path__startswith=agency.path)
        inspections = inspections.filter(agency__path__startswith=agency.path)
        objections = objections.filter(inspection__agency__path__startswith=agency.path)
    coverage, grades = _coverage(list(agencies_qs.order_by("path")), agencies_qs, year)
    over_cap = _year_inspections(year).filter(pk__in=inspections.values("pk"), over_cap=True)
    over_cap_total = over_cap.count()
    over_cap_rows = (
        list(over_cap.select_related("agency", "target").order_by("-planned_on", "-pk")[:ROWS])
        if over_cap_total
        else []
    )
    caps, caps_total = _caps(inspections, year, today)
    soon = load_calendar().add_working_days(today, SOON_WORKING_DAYS).date
    return Oversight(
        year=year,
        today=today,
        chosen=agency,
        coverage=coverage,
        grades=grades,
        tasks=_tasks(inspections, objections, today, soon),
        over_cap=over_cap_rows,
        over_cap_total=over_cap_total,
        caps=caps,
        caps_total=caps_total,
        soon_until=soon,
    )


# --- draws (the API's list) ----------------------------------------------------------------------------------


def draw_list_for(actor: User) -> QuerySet[RandomInspection]:
    """The draws one of whose plans belongs to an agency the actor sees (a joint draw led by another agency
    included), newest first, with their plans and the number of inspections made."""
    if not may_read(actor):
        return RandomInspection.objects.none()
    # `plans` holds every plan of the draw, the lead one included.
    mine = restrict(InspectionPlan.objects.all(), actor).filter(joint_draws=OuterRef("pk"))
    return (
        RandomInspection.objects.filter(Exists(mine))
        .prefetch_related("plans")
        .annotate(inspections_made=Count("inspections"))
        .order_by("-frozen_at", "-pk")
    )


def draw_visible(actor: User, pk: int) -> RandomInspection | None:
    return draw_list_for(actor).filter(pk=pk).first()
