"""The enforcement figures of an agency subtree over a period (a year, a quarter): what the quarterly report (seed 000)
and the 统计年报 (国办发〔2018〕118号; seeds 001, 004) state, computed from the record itself.

Eleven aggregate queries grouped by agency (and the challenges' two), whatever the number of agencies or cases:
cases received, filed, closed and decided, case records, deadlines, publications, complaints, officers, certificates,
and the agencies; the figures of an agency's subtree are the sums of its agencies' own rows (added up here, never a
query per agency). `bench/statistics_bench.py` measures them against the same aggregates in hand-written SQL.

What counts, and by which date (the same rules as the public yearly table, portal/statistics.py, so that the public
figures and the reports agree):
- received: leads received (案源登记) in the period; filed (立案) in the period;
- penalty decisions: cases decided in the period with a penalty (作出行政处罚决定, or on the spot 当场处罚), by penalty
  kind (a decision with several kinds counts once under each), with their fines and confiscations; no-penalty
  decisions (不予处罚) are the cases decided in the period with the reason of no penalty (the only decision that
  records one: cases/services.py `_no_penalty`);
- hearings held (the party attended), legal review opinions, transfers to the judiciary and to the competent organ:
  each by the date of its act;
- closed: cases closed (结案) in the period; overdue: cases with a period binding the agency (AGENCY_PERIODS) that
  ended late in the period, or that is still running and passed on the figures' day;
- publications of decisions made in the period: on time (by the due day, 7 or 20 working days), late, withheld
  with a lawful reason, and the decisions of the period with neither (not yet published on the figures' day);
- complaints received in the period, and those ended (办结) in it;
- officers in post and auxiliary staff, certificates valid, on the figures' day;
- reconsiderations and lawsuits applied for / filed in the period, and of those the ones corrected by the figures'
  day (supervision/challenges.py challenge_figures).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import PenaltyKind, Procedure
from zhifa.cases.models import Case, CaseDeadline, CaseRecord
from zhifa.complaints.choices import CLOSED_STATES
from zhifa.complaints.models import Complaint
from zhifa.core.models import PATH_SEGMENT, Agency
from zhifa.personnel.choices import CertificateStatus, OfficerKind, OfficerStatus
from zhifa.personnel.models import Certificate, Officer
from zhifa.publicity.choices import PublicationState
from zhifa.publicity.models import Publication
from zhifa.supervision.challenges import challenge_figures

Value = int | Decimal

# The figures in the order of the report, under the headings of the 统计年报 and of the quarterly report's 案件查处情况
# (seed 000): (key, heading, section). Money in yuan; every other figure a count.
SECTIONS: tuple[tuple[str, Any], ...] = (
    ("cases", _("一、行政处罚案件办理情况")),
    ("publicity", _("二、执法决定公示情况")),
    ("complaints", _("三、投诉举报办理情况")),
    ("challenges", _("四、行政复议和行政诉讼情况")),
    ("staff", _("五、行政执法人员和证件情况")),
)
FIELDS: tuple[tuple[str, Any, str], ...] = (
    ("received", _("案源登记（件）"), "cases"),
    ("filed", _("立案（件）"), "cases"),
    ("decisions", _("作出行政处罚决定（件）"), "cases"),
    ("summary", _("其中：简易程序当场处罚（件）"), "cases"),
    ("fines", _("罚款金额（元）"), "cases"),
    ("confiscated", _("没收违法所得和非法财物金额（元）"), "cases"),
    ("no_penalty", _("不予处罚决定（件）"), "cases"),
    ("hearings", _("举行听证（次）"), "cases"),
    ("reviews", _("法制审核意见（份）"), "cases"),
    ("to_judiciary", _("移送司法机关（件）"), "cases"),
    ("to_competent", _("移送有管辖权的机关（件）"), "cases"),
    ("closed", _("结案（件）"), "cases"),
    ("overdue", _("超过办案期限（件）"), "cases"),
    ("published_on_time", _("按期公示（件）"), "publicity"),
    ("published_late", _("逾期公示（件）"), "publicity"),
    ("unpublished", _("尚未公示或登记不予公开（件）"), "publicity"),
    ("withheld", _("依法不予公开（件）"), "publicity"),
    ("complaints_received", _("收到投诉举报（件）"), "complaints"),
    ("complaints_handled", _("办结投诉举报（件）"), "complaints"),
    ("reconsiderations", _("被申请行政复议（件）"), "challenges"),
    ("reconsiderations_corrected", _("其中：被纠错（件）"), "challenges"),
    ("litigations", _("被提起行政诉讼（件）"), "challenges"),
    ("litigations_corrected", _("其中：败诉（件）"), "challenges"),
    ("officers", _("在岗行政执法人员（人）"), "staff"),
    ("auxiliaries", _("执法辅助人员（人）"), "staff"),
    ("certificates_valid", _("有效行政执法证件（个）"), "staff"),
)
MONEY = frozenset({"fines", "confiscated"})
# A decision with several kinds counts once under each: `kind_<code>` in the figures.
KIND_KEYS = tuple(f"kind_{code}" for code in PenaltyKind.values)
KEYS = tuple(key for key, _heading, _section in FIELDS) + KIND_KEYS

DECISION_ACTS = ("decide", "decide_on_the_spot")
RECORD_ACTS: dict[str, tuple[str, ...]] = {
    "reviews": ("pass_review", "return_review", "review_after_hearing"),
    "to_judiciary": ("transfer_to_judiciary",),
    "to_competent": ("transfer_jurisdiction",),
}

# The periods that bind the agency (cases.rules.PERIODS): one passed makes the case overdue. The party's own periods
# (statement, hearing request, payment, reconsideration, litigation) and the judiciary's are not the agency's delay.
AGENCY_PERIODS = (
    "filing",
    "preservation_decision",
    "decision",
    "decision_extension",
    "decision_further_extension",
    "legal_review",
    "legal_review_extension",
    "hearing_notice",
    "hearing",
    "service",
    "cash_handover",
    "summary_report",
    "major_filing",
    "emergency_approval",
    "seizure",
    "seizure_extension",
    "transfer_approval",
)

# Reconsiderations and lawsuits (行政复议、行政诉讼) come from the challenges' records: functions
# `(root_path, start, end, as_of) -> {agency_id: {"reconsiderations": n, "reconsiderations_corrected": n,
# "litigations": n, "litigations_corrected": n}}`.
ChallengeSource = Callable[[str, date, date, date], dict[int, dict[str, int]]]
CHALLENGE_SOURCES: list[ChallengeSource] = [challenge_figures]


def empty() -> dict[str, Value]:
    return {key: (Decimal(0) if key in MONEY else 0) for key in KEYS}


@dataclass(frozen=True)
class AgencyRow:
    agency_id: int
    name: str
    depth: int  # below the root: 0 for the root itself
    own: dict[str, Value]
    subtree: dict[str, Value]


@dataclass
class Statistics:
    """The figures of `root` and every agency below it over [start, end], as of `as_of` (for what runs on)."""

    root_id: int
    start: date
    end: date
    as_of: date
    total: dict[str, Value]
    rows: list[AgencyRow] = field(default_factory=list)

    def children(self) -> list[AgencyRow]:
        """The agencies right below the root, with their subtrees' figures: the report's comparison."""
        return [row for row in self.rows if row.depth == 1]


def _add(into: dict[str, Value], key: str, value: Value | None) -> None:
    if value:
        into[key] += value


def own_figures(root_path: str, start: date, end: date, as_of: date) -> dict[int, dict[str, Value]]:
    """Each agency's own figures, keyed by agency id: ten aggregate queries (and the challenges' two)."""
    figures: dict[int, dict[str, Value]] = {}

    def of(agency_id: int) -> dict[str, Value]:
        found = figures.get(agency_id)
        if found is None:
            found = figures[agency_id] = empty()
        return found

    period = (start, end)
    under = {"agency__path__startswith": root_path}

    # Cases received, filed and closed in the period: a count each, which reads its (date, agency) index alone
    # (cases/models.py), not the table.
    for key, day in (("received", "received_on"), ("filed", "filed_on"), ("closed", "closed_on")):
        counted = (
            Case.objects.filter(**under, **{f"{day}__range": period}).values("agency_id").annotate(n=Count("pk"))
        ).order_by()
        for row in counted:
            _add(of(row["agency_id"]), key, row["n"])

    # Decisions made in the period, with or without a penalty, by agency, procedure and penalty kinds: a handful of
    # rows per agency (the kinds' combinations), whose kinds are counted here rather than by a text match per kind
    # and row in the database (twelve LIKEs a row were most of the statistics' time: bench/statistics_bench.py).
    penalty = Q(outcome_reason="")
    decisions = (
        Case.objects.filter(**under, decided_on__range=period)
        .values("agency_id", "procedure", "penalty_kinds")
        .annotate(
            decisions=Count("pk", filter=penalty),
            fines=Sum("fine", filter=penalty),
            confiscated=Sum("confiscated", filter=penalty),
            no_penalty=Count("pk", filter=~penalty),
        )
        .order_by()
    )
    kinds_known = frozenset(PenaltyKind.values)
    for row in decisions:
        own = of(row["agency_id"])
        made = row["decisions"]
        _add(own, "decisions", made)
        if row["procedure"] == Procedure.SUMMARY:
            _add(own, "summary", made)
        _add(own, "fines", row["fines"])
        _add(own, "confiscated", row["confiscated"])
        _add(own, "no_penalty", row["no_penalty"])
        kinds = row["penalty_kinds"]
        for code in set(kinds) & kinds_known if isinstance(kinds, list) else ():
            _add(own, f"kind_{code}", made)

    # Acts by their dates: hearings held, legal review opinions, transfers.
    acts = [name for names in RECORD_ACTS.values() for name in names]
    records = (
        CaseRecord.objects.filter(case__agency__path__startswith=root_path)
        .filter(on_date__range=period, action__in=[*acts, "hold_hearing"])
        .values("case__agency_id", "action")
        .annotate(n=Count("pk"), held=Count("pk", filter=Q(data__outcome="held")))
        .order_by()
    )
    for row in records:
        own = of(row["case__agency_id"])
        if row["action"] == "hold_hearing":
            _add(own, "hearings", row["held"])
            continue
        for key, names in RECORD_ACTS.items():
            if row["action"] in names:
                _add(own, key, row["n"])

    # Overdue: a period ended late within the period, or still running and passed on the figures' day.
    late = Q(stopped_on__range=period, stopped_on__gt=F("due_on"))
    running = Q(stopped_on__isnull=True, due_on__lt=as_of, started_on__lte=end)
    overdue = (
        CaseDeadline.objects.filter(case__agency__path__startswith=root_path, period__in=AGENCY_PERIODS)
        .filter(late | running)
        .values("case__agency_id")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    for row in overdue:
        _add(of(row["case__agency_id"]), "overdue", row["n"])

    # Publication of the decisions made in the period (国办发〔2018〕118号: 7 or 20 working days).
    published = Q(published_on__isnull=False)
    publications = (
        Publication.objects.filter(**under, decided_on__range=period)
        .values("agency_id")
        .annotate(
            on_time=Count("pk", filter=published & Q(published_on__lte=F("due_on"))),
            late=Count("pk", filter=published & Q(published_on__gt=F("due_on"))),
            n=Count("pk"),
            withheld=Count("pk", filter=Q(state=PublicationState.WITHHELD)),
        )
        .order_by()
    )
    for row in publications:
        own = of(row["agency_id"])
        _add(own, "published_on_time", row["on_time"])
        _add(own, "published_late", row["late"])
        _add(own, "withheld", row["withheld"])
        own["publications"] = row["n"]
    # A publication row exists once a decision is published or withheld (one per decision, publicity/models.py):
    # the decisions of the period without one are those not yet published.
    for own in figures.values():
        made = int(own["decisions"]) + int(own["no_penalty"])
        own["unpublished"] = max(0, made - int(own.pop("publications", 0)))

    complaints = (
        Complaint.objects.filter(handling_agency__path__startswith=root_path)
        .filter(Q(received_on__range=period) | Q(closed_on__range=period))
        .values("handling_agency_id")
        .annotate(
            received=Count("pk", filter=Q(received_on__range=period)),
            handled=Count("pk", filter=Q(closed_on__range=period, state__in=CLOSED_STATES)),
        )
        .order_by()
    )
    for row in complaints:
        own = of(row["handling_agency_id"])
        _add(own, "complaints_received", row["received"])
        _add(own, "complaints_handled", row["handled"])

    officers = (
        Officer.objects.filter(**under, status=OfficerStatus.ACTIVE)
        .values("agency_id")
        .annotate(
            officers=Count("pk", filter=Q(kind=OfficerKind.OFFICER)),
            auxiliaries=Count("pk", filter=Q(kind=OfficerKind.AUXILIARY)),
        )
        .order_by()
    )
    for row in officers:
        own = of(row["agency_id"])
        _add(own, "officers", row["officers"])
        _add(own, "auxiliaries", row["auxiliaries"])

    certificates = (
        Certificate.objects.filter(officer__agency__path__startswith=root_path)
        .filter(status=CertificateStatus.VALID, valid_from__lte=as_of, valid_until__gte=as_of)
        .filter(officer__status=OfficerStatus.ACTIVE)
        .values("officer__agency_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in certificates:
        _add(of(row["officer__agency_id"]), "certificates_valid", row["n"])

    for source in CHALLENGE_SOURCES:
        for agency_id, counts in source(root_path, start, end, as_of).items():
            own = of(agency_id)
            for key, value in counts.items():
                _add(own, key, value)
    return figures


def statistics_for(root: Agency, start: date, end: date, as_of: date) -> Statistics:
    """The figures of `root`'s subtree: each agency's own and its subtree's, and the total (the root's subtree)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    as_of = min(as_of, end)
    own = own_figures(root.path, start, end, as_of)
    agencies = list(Agency.objects.filter(path__startswith=root.path).order_by("path").values("pk", "name", "path"))
    by_path = {agency["path"]: agency["pk"] for agency in agencies}
    subtree: dict[int, dict[str, Value]] = {agency["pk"]: empty() for agency in agencies}
    for agency in agencies:
        figures = own.get(agency["pk"])
        if figures is None:
            continue
        # Added to the agency and to every agency above it within the root (their paths are prefixes of its path).
        for cut in range(len(root.path), len(agency["path"]) + 1, PATH_SEGMENT + 1):
            above = by_path.get(agency["path"][:cut])
            if above is not None:
                for key, value in figures.items():
                    _add(subtree[above], key, value)
    root_depth = root.path.count("/")
    rows = [
        AgencyRow(
            agency["pk"],
            agency["name"],
            agency["path"].count("/") - root_depth,
            own.get(agency["pk"], empty()),
            subtree[agency["pk"]],
        )
        for agency in agencies
    ]
    return Statistics(root.pk, start, end, as_of, subtree.get(root.pk, empty()), rows)


def as_data(figures: dict[str, Value]) -> dict[str, int | str]:
    """The figures as JSON values: counts as numbers, money as strings with two decimals (no float rounding)."""
    return {key: (f"{value:.2f}" if key in MONEY else int(value)) for key, value in figures.items()}


def kind_rows(figures: dict[str, Any]) -> list[tuple[str, int]]:
    """The penalty kinds decided, (label, count), in the law's order (行政处罚法 第九条)."""
    return [(str(label), int(figures.get(f"kind_{code}", 0))) for code, label in PenaltyKind.choices]
