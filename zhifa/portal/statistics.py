"""The year's enforcement statistics (统计年报), published by 31 January of the next year (国办发〔2018〕118号;
seeds 001, 004). Computed from the cases themselves: one aggregate query per group of figures, grouped by agency,
never a query per agency or per case; the totals of an agency's subtree are sums of those rows.

What counts, and by which date:
- received: cases whose lead was received (案源登记) that year; filed: cases filed that year;
- penalty decisions: cases decided that year (作出行政处罚决定, or on the spot 当场处罚), by penalty kind (a decision
  with several kinds counts once under each), with the fines and confiscations they impose;
- no-penalty decisions (不予处罚), transfers to the judiciary (移送司法机关) and to the competent organ (移送有管辖权的
  机关), hearings held (当事人出席的听证), legal reviews (法制审核意见): each by the date of its act.

A year is shown only once it has ended: until then its figures are still moving.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, Sum

from zhifa.cases.choices import PenaltyKind, Procedure
from zhifa.cases.models import Case, CaseRecord
from zhifa.core.models import PATH_SEGMENT, Agency

DECISION_ACTS = ("decide", "decide_on_the_spot")
REVIEW_ACTS = ("pass_review", "return_review", "review_after_hearing")
RECORD_ACTS = {
    "no_penalty": ("decide_no_penalty",),
    "to_judiciary": ("transfer_to_judiciary",),
    "to_competent": ("transfer_jurisdiction",),
    "reviews": REVIEW_ACTS,
}
# The columns of the table and of the spreadsheet, in order: (key, heading).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("received", "案源登记"),
    ("filed", "立案"),
    ("decisions", "行政处罚决定"),
    ("summary", "其中：简易程序"),
    ("fines", "罚款金额（元）"),
    ("confiscated", "没收金额（元）"),
    ("no_penalty", "不予处罚决定"),
    ("to_judiciary", "移送司法机关"),
    ("to_competent", "移送有管辖权的机关"),
    ("hearings", "举行听证"),
    ("reviews", "法制审核"),
)


@dataclass
class Figures:
    received: int = 0
    filed: int = 0
    decisions: int = 0
    summary: int = 0
    fines: Decimal = Decimal(0)
    confiscated: Decimal = Decimal(0)
    no_penalty: int = 0
    to_judiciary: int = 0
    to_competent: int = 0
    hearings: int = 0
    reviews: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        for key, _heading in COLUMNS:
            setattr(self, key, getattr(self, key) + getattr(other, key))
        for kind, n in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + n

    def values(self) -> list[Any]:
        return [getattr(self, key) for key, _heading in COLUMNS]

    @property
    def empty(self) -> bool:
        return not any(self.values())


@dataclass(frozen=True)
class Row:
    agency: Agency
    figures: Figures
    subtotal: bool  # the agency and all below it


@dataclass
class YearReport:
    year: int
    due: date
    rows: list[Row]
    total: Figures
    kinds: list[tuple[str, str]]  # the penalty kinds that occur, (code, label)

    def chart(self) -> dict[str, Any]:
        """The chart's data: the agencies' own figures of the main groups (the table has them all)."""
        if self.total.empty:
            return {"categories": [], "series": []}  # nothing to draw: the table says it
        own = [row for row in self.rows if not row.subtotal]
        return {
            "categories": [row.agency.name for row in own],
            "series": [
                {"name": heading, "data": [getattr(row.figures, key) for row in own]}
                for key, heading in COLUMNS
                if key in ("received", "filed", "decisions", "no_penalty")
            ],
        }


def due_date(year: int) -> date:
    """The statistics of `year` are published by 31 January of the next year (国办发〔2018〕118号)."""
    return date(year + 1, 1, 31)


def published_years(today: date) -> list[int]:
    """The years that have ended and have any case, newest first; the last ended year is always offered."""
    first = Case.objects.aggregate(first=Min("received_on"))["first"]
    last = today.year - 1
    start = first.year if first is not None else last
    return list(range(last, min(start, last) - 1, -1))


def is_public(year: int, today: date) -> bool:
    return year < today.year


def _own_figures(year: int) -> dict[int, Figures]:
    """Each agency's own figures for `year`: three aggregate queries, whatever the number of agencies or cases."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    figures: dict[int, Figures] = {}

    def of(agency_id: int) -> Figures:
        return figures.setdefault(agency_id, Figures())

    in_year = Q(received_on__range=(start, end)) | Q(filed_on__range=(start, end))
    counts = (
        Case.objects.filter(in_year)
        .values("agency_id")
        .annotate(
            received=Count("pk", filter=Q(received_on__range=(start, end))),
            filed=Count("pk", filter=Q(filed_on__range=(start, end))),
        )
        .order_by()
    )
    for row in counts:
        of(row["agency_id"]).received = row["received"]
        of(row["agency_id"]).filed = row["filed"]

    decided = CaseRecord.objects.filter(action__in=DECISION_ACTS, on_date__range=(start, end)).values("case_id")
    # A decision with several kinds counts under each: the kinds are a JSON list of codes, matched with their
    # quotes so that no code matches inside another (works alike on SQLite and PostgreSQL).
    by_kind = {
        f"kind_{kind}": Count("pk", filter=Q(penalty_kinds__icontains=f'"{kind}"')) for kind in PenaltyKind.values
    }
    decisions = (
        Case.objects.filter(pk__in=decided)
        .values("agency_id")
        .annotate(
            n=Count("pk"),
            summary=Count("pk", filter=Q(procedure=Procedure.SUMMARY)),
            fines=Sum("fine"),
            confiscated=Sum("confiscated"),
            **by_kind,
        )
        .order_by()
    )
    for row in decisions:
        own = of(row["agency_id"])
        own.decisions, own.summary = row["n"], row["summary"]
        own.fines, own.confiscated = row["fines"] or Decimal(0), row["confiscated"] or Decimal(0)
        own.by_kind = {kind: row[f"kind_{kind}"] for kind in PenaltyKind.values if row[f"kind_{kind}"]}

    acts = [name for names in RECORD_ACTS.values() for name in names]
    records = (
        CaseRecord.objects.filter(on_date__range=(start, end), action__in=[*acts, "hold_hearing"])
        .values("case__agency_id", "action")
        .annotate(n=Count("pk"), held=Count("pk", filter=Q(data__outcome="held")))
        .order_by()
    )
    for row in records:
        own = of(row["case__agency_id"])
        if row["action"] == "hold_hearing":
            own.hearings += row["held"]
            continue
        for key, names in RECORD_ACTS.items():
            if row["action"] in names:
                setattr(own, key, getattr(own, key) + row["n"])
    return figures


def year_report(year: int) -> YearReport:
    """The year's figures for every agency (its own), a subtotal under each agency with agencies below it, and
    the total."""
    own = _own_figures(year)
    agencies = list(Agency.objects.order_by("path").only("pk", "name", "path", "depth", "parent_id"))
    subtree: dict[int, Figures] = {agency.pk: Figures() for agency in agencies}
    by_path = {agency.path: agency for agency in agencies}
    for agency in agencies:
        figures = own.get(agency.pk)
        if figures is None:
            continue
        # Added to the agency and every agency above it (their paths are prefixes of its path).
        for cut in range(PATH_SEGMENT + 1, len(agency.path) + 1, PATH_SEGMENT + 1):
            above = by_path.get(agency.path[:cut])
            if above is not None:
                subtree[above.pk].add(figures)
    has_children = {agency.parent_id for agency in agencies if agency.parent_id}
    rows: list[Row] = []
    total = Figures()
    for agency in agencies:
        rows.append(Row(agency, own.get(agency.pk, Figures()), False))
        if agency.parent_id is None:
            total.add(subtree[agency.pk])
    # Subtotals follow the last agency of each subtree, so that the table reads top-down.
    ordered: list[Row] = []
    open_subtrees: list[Agency] = []
    for row in rows:
        while open_subtrees and not row.agency.path.startswith(open_subtrees[-1].path):
            closed = open_subtrees.pop()
            ordered.append(Row(closed, subtree[closed.pk], True))
        ordered.append(row)
        if row.agency.pk in has_children:
            open_subtrees.append(row.agency)
    while open_subtrees:
        closed = open_subtrees.pop()
        ordered.append(Row(closed, subtree[closed.pk], True))
    kinds = [(code, str(label)) for code, label in PenaltyKind.choices if total.by_kind.get(code)]
    return YearReport(year, due_date(year), ordered, total, kinds)


def workbook(report: YearReport) -> bytes:
    """The year's table as an Excel file: one sheet, a title row, the headings, one row per agency and subtotal."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{report.year}年度"
    sheet.append([f"{report.year}年度行政执法统计（按规定于 {report.due.isoformat()} 前公布）"])
    kind_headings = [f"处罚种类：{label}" for _code, label in report.kinds]
    sheet.append(["机关", *(heading for _key, heading in COLUMNS), *kind_headings])
    for row in report.rows:
        name = f"{row.agency.name}（含下级）" if row.subtotal else row.agency.name
        values = [float(v) if isinstance(v, Decimal) else v for v in row.figures.values()]
        sheet.append([name, *values, *(row.figures.by_kind.get(code, 0) for code, _label in report.kinds)])
    values = [float(v) if isinstance(v, Decimal) else v for v in report.total.values()]
    sheet.append(["合计", *values, *(report.total.by_kind.get(code, 0) for code, _label in report.kinds)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
