"""The supervisor's overview (执法监督总览): for the agencies the actor sees, the cases received, filed, decided and
closed by agency and month of a year; periods passed and near; processing times; decisions not published; legal
reviews missing; certificates lapsing; open warnings. Every figure is counted in the database, grouped by agency, in
a fixed number of queries whatever the number of agencies or cases (bench/supervision_bench.py measures it).

Months are counted per stage, GROUP BY agency and the month of the stage's date over a range of that date, which the
database answers from its (date, agency) index (Case.Meta.indexes) without reading the table; the month is the
database's own function (strftime on SQLite, EXTRACT on PostgreSQL) rather than TruncMonth, which on SQLite is a
Python function called for every row. Processing times (filing → decision, in
calendar days) are a histogram per agency from the database — days and counts — whose median and 90th percentile
are read by nearest rank (the smallest number of days within which half, or nine tenths, of the cases were decided).

Legal reviews missing come from the warnings (rule review.missing, supervision/rules_core.py): whether a decision was
major depends on the catalog version in force on its day and the case's facts (cases/major.py), which the daily run
reads case by case; the overview counts its open warnings.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, FloatField, Func, IntegerField, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import Case, CaseDeadline, CaseRecord
from zhifa.core.models import Agency, User
from zhifa.core.scoping import reads_cases, visible_agencies
from zhifa.core.workdays import load_calendar
from zhifa.desk.tasks import NEAR_DAYS
from zhifa.personnel.choices import OfficerStatus
from zhifa.personnel.models import Officer
from zhifa.personnel.selectors import certificate_state_filter
from zhifa.publicity import rules as publicity_rules
from zhifa.publicity.models import Publication
from zhifa.supervision.models.warnings import SupervisionWarning, WarningState

# The stages counted by month, each by its date on the case; the case list filters on the same field (`dated`).
STAGES = {
    "received": ("received_on", _("案源登记")),
    "filed": ("filed_on", _("立案")),
    "decided": ("decided_on", _("作出决定")),
    "closed": ("closed_on", _("结案")),
}
# The years offered: this one and the four before (older figures are the annual reports').
YEARS_BACK = 4
REVIEW_MISSING_RULE = "review.missing"


class DaysBetween(Func):
    """`end - start` in whole days, computed by the database (no Python function per row on SQLite)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        clone = self.copy()
        clone.set_source_expressions(
            [Func(e, function="julianday", output_field=FloatField()) for e in self.get_source_expressions()]
        )
        return Func.as_sql(clone, compiler, connection, template="CAST(%(expressions)s AS INTEGER)", **extra)


def nearest_rank(histogram: dict[int, int], share: float) -> int | None:
    """The smallest value v such that at least `share` of the counted items are ≤ v."""
    total = sum(histogram.values())
    if not total:
        return None
    rank, seen = math.ceil(share * total), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return None  # pragma: no cover


@dataclass
class AgencyFigures:
    agency: Agency
    months: dict[str, list[int]] = field(default_factory=lambda: {stage: [0] * 12 for stage in STAGES})
    overdue: int = 0
    near: int = 0
    unpublished: int = 0
    unpublished_late: int = 0
    durations: Counter[int] = field(default_factory=Counter)
    certificates_expiring: int = 0
    certificates_expired: int = 0
    warnings: int = 0
    reviews_missing: int = 0

    def total(self, stage: str) -> int:
        return sum(self.months[stage])

    @property
    def stage_totals(self) -> list[tuple[str, int]]:
        return [(stage, self.total(stage)) for stage in STAGES]

    @property
    def timed(self) -> int:
        return sum(self.durations.values())

    @property
    def median_days(self) -> int | None:
        return nearest_rank(self.durations, 0.5)

    @property
    def p90_days(self) -> int | None:
        return nearest_rank(self.durations, 0.9)


@dataclass
class Overview:
    year: int
    today: date
    years: list[int]
    rows: list[AgencyFigures]
    chosen: AgencyFigures | None  # the agency whose months are shown; None: all the actor sees
    months: dict[str, list[int]]
    warnings_by_rule: list[tuple[str, int]]
    last_run: date | None
    near_days: int = NEAR_DAYS

    @property
    def warnings(self) -> int:
        return sum(count for _code, count in self.warnings_by_rule)

    def chart(self) -> dict[str, Any]:
        return {
            "categories": [f"{month}月" for month in range(1, 13)],
            "series": [{"name": str(label), "data": self.months[stage]} for stage, (_f, label) in STAGES.items()],
        }

    def month_rows(self) -> list[dict[str, Any]]:
        return [
            {"month": month + 1, "counts": [(stage, self.months[stage][month]) for stage in STAGES]}
            for month in range(12)
        ]


def years_for(today: date) -> list[int]:
    return list(range(today.year, today.year - YEARS_BACK - 1, -1))


def may_see_overview(actor: User) -> bool:
    from zhifa.core.choices import Role

    return reads_cases(actor) and actor.has_role(Role.SUPERVISOR, Role.APPROVER)


class MonthOf(Func):
    """The month (1–12) of a date, by the database's own function (no Python function per row on SQLite)."""

    output_field = IntegerField()
    template = "EXTRACT(MONTH FROM %(expressions)s)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # '%%%%m': one %% for this template's own formatting, one for the query's parameters.
        month = "CAST(strftime('%%%%m', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=month, **extra)


def _month_counts(cases: QuerySet[Case], year: int, stage: str) -> QuerySet[Any]:
    """The year's cases at `stage` by agency and month: a range on the stage's date, so that the database reads its
    (date, agency) index alone (Case.Meta.indexes)."""
    name = STAGES[stage][0]
    in_year = cases.filter(**{f"{name}__gte": date(year, 1, 1), f"{name}__lte": date(year, 12, 31)})
    return in_year.values("agency_id", month=MonthOf(name)).annotate(n=Count(name)).order_by()


def _late_cutoffs(today: date) -> dict[str, date]:
    """Per decision act, the last decision day whose publication period (n working days, the decision's day not
    counted) ended before `today`: the day before the n-th working day counted back from yesterday."""
    calendar = load_calendar()
    cutoffs = {}
    for act, decision_class in publicity_rules.DECISION_ACTS.items():
        remaining, day = publicity_rules.PUBLICATION[decision_class].amount, today
        while remaining:
            day -= timedelta(days=1)
            remaining -= calendar.day(day).working
        cutoffs[act] = day - timedelta(days=1)
    return cutoffs


def overview_for(actor: User, year: int, today: date, *, agency_id: int | None = None) -> Overview:
    agencies = (
        list(visible_agencies(actor).order_by("path").only("pk", "name", "path", "depth"))
        if (reads_cases(actor))
        else []
    )
    ids = [agency.pk for agency in agencies]
    rows = {agency.pk: AgencyFigures(agency) for agency in agencies}
    cases = Case.objects.filter(agency_id__in=ids)

    for stage in STAGES:
        for item in _month_counts(cases, year, stage):
            rows[item["agency_id"]].months[stage][int(item["month"]) - 1] = item["n"]

    decided = cases.filter(decided_on__gte=date(year, 1, 1), decided_on__lte=date(year, 12, 31), filed_on__isnull=False)
    days = DaysBetween(F("decided_on"), F("filed_on"))
    spans = decided.values("agency_id", days=days).annotate(n=Count("decided_on"))
    for item in spans.order_by():
        rows[item["agency_id"]].durations[item["days"]] += item["n"]

    running = CaseDeadline.objects.filter(
        case__agency_id__in=ids, stopped_on__isnull=True, due_on__lte=today + timedelta(days=NEAR_DAYS)
    )
    deadlines = running.values("case__agency_id").annotate(
        overdue=Count("case", distinct=True, filter=Q(due_on__lt=today)),
        near=Count("case", distinct=True, filter=Q(due_on__gte=today)),
    )
    for item in deadlines.order_by():
        row = rows[item["case__agency_id"]]
        row.overdue, row.near = item["overdue"], item["near"]

    late = Q()
    for act, cutoff in _late_cutoffs(today).items():
        late |= Q(action=act, on_date__lte=cutoff)
    # The year's decisions (by the case's decision day, indexed) neither published nor withheld.
    waiting = (
        CaseRecord.objects.filter(
            case__agency_id__in=ids,
            case__decided_on__gte=date(year, 1, 1),
            case__decided_on__lte=date(year, 12, 31),
            action__in=list(publicity_rules.DECISION_ACTS),
        )
        .exclude(entry_index__in=Publication.objects.values("decision_entry"))
        .values("case__agency_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=late))
    )
    for item in waiting.order_by():
        row = rows[item["case__agency_id"]]
        row.unpublished, row.unpublished_late = item["n"], item["late"]

    officers = (
        Officer.objects.filter(agency_id__in=ids, status=OfficerStatus.ACTIVE)
        .values("agency_id")
        .annotate(
            expiring=Count("pk", distinct=True, filter=certificate_state_filter("expiring", today)),
            expired=Count("pk", distinct=True, filter=certificate_state_filter("expired", today)),
        )
    )
    for item in officers.order_by():
        row = rows[item["agency_id"]]
        row.certificates_expiring, row.certificates_expired = item["expiring"], item["expired"]

    by_rule: Counter[str] = Counter()
    warned = SupervisionWarning.objects.filter(agency_id__in=ids, state=WarningState.OPEN)
    for item in warned.values("agency_id", "rule").annotate(n=Count("pk")).order_by():
        row = rows[item["agency_id"]]
        row.warnings += item["n"]
        by_rule[item["rule"]] += item["n"]
        if item["rule"] == REVIEW_MISSING_RULE:
            row.reviews_missing += item["n"]

    from zhifa.ledger.models import Entry

    run = Entry.objects.filter(action="supervision.warnings_run").order_by("-index").only("recorded_at").first()

    chosen = rows.get(agency_id) if agency_id is not None else None
    months: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    for row in [chosen] if chosen is not None else rows.values():
        for stage in STAGES:
            months[stage] = [a + b for a, b in zip(months[stage], row.months[stage], strict=True)]
    return Overview(
        year=year,
        today=today,
        years=years_for(today),
        rows=list(rows.values()),
        chosen=chosen,
        months={stage: months[stage] for stage in STAGES},
        warnings_by_rule=sorted(by_rule.items()),
        last_run=timezone.localtime(run.recorded_at).date() if run is not None else None,
    )
