"""The supervisor's overview (执法监督总览): for the agencies the actor sees, the cases received, filed, decided and
closed by agency and month of a year; periods passed and near; processing times; decisions not published; legal
reviews missing; certificates lapsing; open warnings. Every figure is counted in the database, grouped by agency, in
a fixed number of queries whatever the number of agencies or cases (bench/supervision_bench.py measures it).

The counts by month and the processing times are read from counts the database keeps as cases change (models/
tallies.py, supervision/tallies.py): a few hundred rows per agency and year, whatever the number of cases. Processing
times (filing → decision, in calendar days) are a histogram per agency — days and counts — whose median and 90th
percentile are read by nearest rank (the smallest number of days within which half, or nine tenths, of the cases were
decided). Decisions not published are the decisions less the publications (both
kept counts); only the latest decisions, still within their publication period, are looked at one by one.

Legal reviews missing come from the warnings (rule review.missing, supervision/rules_core.py): whether a decision was
major depends on the catalog version in force on its day and the case's facts (cases/major.py), which the daily run
reads case by case; the overview counts its open warnings.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import CaseDeadline, CaseRecord
from zhifa.core.models import Agency, User
from zhifa.core.scoping import reads_cases, visible_agencies
from zhifa.core.workdays import load_calendar
from zhifa.desk.tasks import NEAR_DAYS
from zhifa.personnel.choices import OfficerStatus
from zhifa.personnel.models import Officer
from zhifa.personnel.selectors import certificate_state_filter
from zhifa.publicity import rules as publicity_rules
from zhifa.publicity.selectors import unpublished
from zhifa.supervision.models.tallies import CaseStageCount, DecisionSpanCount
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
HANDLED = "handled"  # the kept count of decisions published or withheld (supervision/tallies.py)


@dataclass
class AgencyFigures:
    agency: Agency
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    overdue: int = 0
    near: int = 0
    unpublished: int = 0
    unpublished_late: int = 0
    timed: int = 0  # cases decided in the year, with their filing day
    median_days: int | None = None
    p90_days: int | None = None
    certificates_expiring: int = 0
    certificates_expired: int = 0
    warnings: int = 0
    reviews_missing: int = 0

    @property
    def stage_totals(self) -> list[tuple[str, int]]:
        return [(stage, self.totals[stage]) for stage in STAGES]


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


def nearest_rank(histogram: list[tuple[int, int]], share: float) -> int | None:
    """The smallest value v such that at least `share` of the counted items are ≤ v; `histogram` is (value, count)
    in ascending order of value."""
    total = sum(n for _value, n in histogram)
    rank, seen = math.ceil(share * total), 0
    for value, n in histogram:
        seen += n
        if seen >= rank:
            return value
    return None


def _spans(ids: list[int], year: int) -> list[tuple[int, int | None, int | None, int]]:
    """Per agency, the median and 90th percentile of the days from filing to decision of the year's decisions, by
    nearest rank (the smallest number of days within which half, or nine tenths, were decided), from the kept
    histogram (models/tallies.py: about a hundred rows per agency). Returns (agency, median, p90, count). Walking the
    rows in Python measured faster than a running sum (window function) in SQLite (bench/supervision_bench.py)."""
    rows = (
        DecisionSpanCount.objects.filter(agency_id__in=ids, year=year, n__gt=0)
        .order_by("agency_id", "days")
        .values_list("agency_id", "days", "n")
    )
    result = []
    for agency, group in itertools.groupby(rows, key=lambda row: row[0]):
        histogram = [(days, n) for _agency, days, n in group]
        timed = sum(n for _days, n in histogram)
        result.append((agency, nearest_rank(histogram, 0.5), nearest_rank(histogram, 0.9), timed))
    return result


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
    counts = CaseStageCount.objects.filter(agency_id__in=ids, year=year, n__gt=0)
    handled: Counter[int] = Counter()  # decisions published or withheld, by the decision's year
    for agency, stage, n in counts.values_list("agency_id", "stage").annotate(n=Sum("n")).order_by():
        if stage in STAGES:
            rows[agency].totals[stage] = n
        elif stage == HANDLED:
            handled[agency] = n
    months: dict[str, list[int]] = {stage: [0] * 12 for stage in STAGES}
    chosen_counts = counts.filter(agency_id=agency_id) if agency_id in rows else counts
    for stage, month, n in (
        chosen_counts.filter(stage__in=list(STAGES)).values_list("stage", "month").annotate(n=Sum("n"))
    ):
        months[stage][month - 1] = n
    for agency, median, p90, timed in _spans(ids, year):
        row = rows[agency]
        row.median_days, row.p90_days, row.timed = median, p90, timed

    # Running periods passed or near, by case (a case may run two), read from the index of running periods by last
    # day and agency alone (cases 0021): the case table is not read.
    running = CaseDeadline.objects.filter(
        agency_id__in=ids, stopped_on__isnull=True, due_on__lte=today + timedelta(days=NEAR_DAYS)
    )
    deadlines = running.values("agency_id").annotate(
        overdue=Count("case_id", distinct=True, filter=Q(due_on__lt=today)),
        near=Count("case_id", distinct=True, filter=Q(due_on__gte=today)),
    )
    for item in deadlines.order_by():
        row = rows[item["agency_id"]]
        row.overdue, row.near = item["overdue"], item["near"]

    # Decisions not published: the year's decisions less its publications (each decision sets the case's decision
    # day once; each publication or withholding is of one decision, on that day). Of those, the ones still within
    # their publication period can only be the latest: counted one by one over those days alone.
    for pk, row in rows.items():
        row.unpublished = max(0, row.totals["decided"] - handled[pk])
    cutoffs = _late_cutoffs(today)
    since = max(min(cutoffs.values()) + timedelta(days=1), date(year, 1, 1))
    if since <= date(year, 12, 31):
        on_time = Q()
        for act, cutoff in cutoffs.items():
            on_time |= Q(action=act, on_date__gt=cutoff)
        waiting = (
            CaseRecord.objects.filter(
                case__agency_id__in=ids,
                case__decided_on__gte=since,
                case__decided_on__lte=date(year, 12, 31),
                action__in=list(publicity_rules.DECISION_ACTS),
            )
            .filter(on_time, unpublished())
            .values("case__agency_id")
            .annotate(n=Count("pk"))
        )
        not_late = {item["case__agency_id"]: item["n"] for item in waiting.order_by()}
    else:
        not_late = {}
    for pk, row in rows.items():
        row.unpublished_late = max(0, row.unpublished - not_late.get(pk, 0))

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

    from zhifa.supervision.warnings import last_run

    run = last_run()

    chosen = rows.get(agency_id) if agency_id is not None else None
    return Overview(
        year=year,
        today=today,
        years=years_for(today),
        rows=list(rows.values()),
        chosen=chosen,
        months=months,
        warnings_by_rule=sorted(by_rule.items()),
        last_run=timezone.localtime(run.recorded_at).date() if run is not None else None,
    )
