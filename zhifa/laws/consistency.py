"""同案不同罚: how far apart the fines of like cases lie — for each violation and benchmark tier, over the cases decided
in a period in the agencies a supervisor may see, the spread of the fines across agencies and officers; a case whose
fine leaves its tier's range, and a case far from its peers, are flagged for a look at its file.

Method (also on the page and in docs/laws.md): quartiles by linear interpolation between the ordered fines (Excel's
QUARTILE.INC); a fine is far from its peers when it lies outside Tukey's fences, Q1 − 1.5×IQR to Q3 + 1.5×IQR, of the
same violation and tier, judged only where there are at least MIN_PEERS cases. The tier's range is the one of the
benchmark the case's agency followed on the decision's day, for the party's kind (benchmarks.tier_range).

No totals of fines, and no ranking of officers or agencies by fines, anywhere: 国办发〔2022〕27号 forbids setting
fines as a target or counting them towards one, and a total or a league table invites exactly that. Agencies are
listed in the tree's order, officers by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from zhifa.cases.discretion import party_kind
from zhifa.cases.models import Case, CaseOfficer
from zhifa.cases.review_figures import may_see_figures
from zhifa.cases.workflow import State
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.scoping import restrict_cases
from zhifa.laws.benchmarks import BenchmarkBook, in_yuan, tier_range
from zhifa.laws.choices import FineBasis, Tier
from zhifa.laws.numerals import amount_text

# The states of a case whose penalty has been decided (and not since undone).
DECIDED_STATES = (
    State.DECIDED,
    State.EXECUTING,
    State.COURT,
    State.SUMMARY_DECIDED,
    State.CLOSED,
    State.ARCHIVED,
)
MIN_PEERS = 5
FENCE = Decimal("1.5")
# A period of at most ten years, ending no later than today (as the review figures).
MAX_DAYS = 3660
NO_TARGET = "国办发〔2022〕27号"
METHOD = (
    "四分位数按排序后的罚款金额线性插值计算（同 Excel QUARTILE.INC）；同一违法行为、同一裁量档次的案件不少于"
    f"{MIN_PEERS}件时，罚款低于 Q1 − 1.5×IQR 或高于 Q3 + 1.5×IQR（IQR = Q3 − Q1，Tukey 法）的标为“明显偏离同类案件”。"
    "“超出档次幅度”按作出决定之日本机关执行的裁量基准中该档次的幅度（单位当事人按单位的幅度）判断；倍数罚的档次以倍数表示，"
    "不能按金额判断。箱线图的箱为 Q1 至 Q3，须延伸到围栏内最远的罚款，围栏外的以点标出。"
)
NOTE = (
    f"本统计只用于发现同案不同罚、督促规范裁量，不统计罚没款合计，不按罚款数额对机关或人员排名："
    f"{NO_TARGET}禁止以罚没收入作为执法考核指标。机关按隶属顺序、人员按姓名排列。"
)
TIER_ORDER = [Tier.LIGHTER, Tier.ORDINARY, Tier.HEAVIER, Tier.REDUCED, Tier.NO_PENALTY, ""]


def may_see_consistency(actor: User) -> bool:
    """Those who follow the review figures (review_figures.may_see_figures): supervisors and agency heads."""
    return may_see_figures(actor)


def period_refusal(start: date, end: date, today: date) -> Refusal | None:
    if start > end:
        return Refusal("结束日期不能早于开始日期", field="end")
    if end > today or (end - start).days > MAX_DAYS:
        return Refusal("统计期间不能晚于今天，且不超过十年", field="start")
    return None


@dataclass(frozen=True)
class Summary:
    """Count, minimum, quartiles, median and maximum of some fines; the fences where there are enough of them."""

    count: int
    minimum: Decimal
    q1: Decimal
    median: Decimal
    q3: Decimal
    maximum: Decimal
    low_fence: Decimal | None
    high_fence: Decimal | None

    @property
    def iqr(self) -> Decimal:
        return self.q3 - self.q1

    def far(self, value: Decimal) -> bool:
        if self.low_fence is None or self.high_fence is None:
            return False
        return value < self.low_fence or value > self.high_fence

    def whiskers(self, values: Sequence[Decimal]) -> tuple[Decimal, Decimal]:
        """The most extreme fines inside the fences (the box plot's whiskers)."""
        inside = [value for value in values if not self.far(value)] or list(values)
        return min(inside), max(inside)


def _quantile(ordered: Sequence[Decimal], share: Decimal) -> Decimal:
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return value.quantize(Decimal("0.01"))


def summarise(values: Sequence[Decimal]) -> Summary:
    ordered = sorted(values)
    q1, median, q3 = (_quantile(ordered, Decimal(share)) for share in ("0.25", "0.5", "0.75"))
    fences: tuple[Decimal | None, Decimal | None] = (None, None)
    if len(ordered) >= MIN_PEERS:
        spread = FENCE * (q3 - q1)
        fences = (q1 - spread, q3 + spread)
    return Summary(len(ordered), ordered[0], q1, median, q3, ordered[-1], *fences)


@dataclass
class CaseFine:
    """One decided case's fine, with the range of its tier and what is flagged about it."""

    case_id: int
    title: str
    agency_id: int
    agency: str
    agency_path: str
    officers: list[tuple[int, str]]
    decided_on: date
    fine: Decimal
    tier_low: Decimal | None = None
    tier_high: Decimal | None = None
    tier_note: str = ""  # why the tier's range could not be read
    outside_tier: bool = False
    far: bool = False
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Spread:
    key: int
    label: str
    summary: Summary


@dataclass
class Group:
    """The cases of one violation decided in one tier."""

    violation_code: str
    violation: str
    domain: str
    tier: str
    tier_label: str
    cases: list[CaseFine]
    summary: Summary
    agencies: list[Spread]
    officers: list[Spread]

    @property
    def flagged(self) -> list[CaseFine]:
        return [case for case in self.cases if case.reasons]

    def chart(self) -> dict[str, Any]:
        """The box plot's data: one box for all the group's cases, then one per agency; points beyond the fences."""
        boxes: list[list[float]] = []
        points: list[list[Any]] = []
        categories = ["全部", *(spread.label for spread in self.agencies)]
        subsets = [self.cases, *([c for c in self.cases if c.agency_id == s.key] for s in self.agencies)]
        for index, cases in enumerate(subsets):
            values = [case.fine for case in cases]
            summary = self.summary if index == 0 else summarise(values)
            low, high = summary.whiskers(values)
            boxes.append([float(low), float(summary.q1), float(summary.median), float(summary.q3), float(high)])
            points += [[index, float(case.fine), case.title] for case in cases if summary.far(case.fine)]
        return {
            "title": f"{self.violation} · {self.tier_label}",
            "categories": categories,
            "boxes": boxes,
            "points": points,
        }


@dataclass
class Consistency:
    start: date
    end: date
    today: date
    groups: list[Group]
    method: str = METHOD
    note: str = NOTE


def _cases(actor: User, start: date, end: date) -> list[Case]:
    team = CaseOfficer.objects.filter(recused_on__isnull=True).select_related("officer")
    return list(
        restrict_cases(Case.objects.all(), actor)
        .filter(
            violation__isnull=False,
            fine__isnull=False,
            decided_on__gte=start,
            decided_on__lte=end,
            state__in=[state.value for state in DECIDED_STATES],
        )
        .select_related("agency", "violation", "violation_rule", "benchmark")
        .prefetch_related("parties", "benchmark__tiers", Prefetch("assignments", queryset=team))
        .order_by("decided_on", "pk")
    )


def _tier_check(case: Case, fine: CaseFine, book: BenchmarkBook) -> None:
    """Set the tier's range on `fine` and flag a fine outside it."""
    rule = case.violation_rule
    if rule is None:
        fine.tier_note = "未记录适用的处罚规定"
        return
    if not case.tier:
        fine.tier_note = "未记录裁量档次"
        return
    if case.tier == Tier.NO_PENALTY:
        fine.outside_tier = True
        fine.reasons.append("档次为不予处罚，却处以罚款")
        return
    assert case.decided_on is not None
    # The benchmark version the case recorded at its report; an older case, the one in force on its decision's day.
    benchmark = case.benchmark if case.benchmark_id else book.in_force(case.agency, rule.pk, case.decided_on)
    tier = next((t for t in benchmark.tiers.all() if t.tier == case.tier), None) if benchmark else None
    if tier is None:
        fine.tier_note = "案件适用的裁量基准没有该档次"
        return
    if rule.fine_basis == FineBasis.MULTIPLE and case.fine_base is None:
        fine.tier_note = f"倍数罚（{rule.fine_of}），未记录基数"
        return
    # The tier's range for this party, in yuan (a multiple times the base the report found).
    yuan = in_yuan(rule, *tier_range(rule, tier, party_kind(case)), case.fine_base)
    low, high = yuan if yuan is not None else (None, None)
    fine.tier_low, fine.tier_high = low, high
    if low is not None and high is not None and not low <= fine.fine <= high:
        fine.outside_tier = True
        fine.reasons.append(f"超出“{tier.get_tier_display()}”档幅度 {amount_text(low)}至{amount_text(high)}元")


def _spreads(cases: list[CaseFine], by_officer: bool) -> list[Spread]:
    found: dict[int, tuple[str, str, list[Decimal]]] = {}
    for case in cases:
        owners = case.officers if by_officer else [(case.agency_id, case.agency)]
        for key, label in owners:
            order = label if by_officer else case.agency_path
            found.setdefault(key, (order, label, []))[2].append(case.fine)
    ordered = sorted(found.items(), key=lambda item: (item[1][0], item[0]))
    return [Spread(key, label, summarise(values)) for key, (_order, label, values) in ordered]


def consistency_for(actor: User, start: date, end: date, today: date) -> Consistency:
    """The spread of fines per violation and tier over the cases decided in [start, end] that `actor` may see."""
    cases = _cases(actor, start, end)
    book = BenchmarkBook({case.violation_rule_id for case in cases if case.violation_rule_id is not None})
    tiers = dict(Tier.choices)
    grouped: dict[tuple[int, str], list[CaseFine]] = {}
    violations = {}
    for case in cases:
        assert case.fine is not None
        assert case.decided_on is not None
        assert case.violation is not None
        officers = sorted((a.officer_id, a.officer.name) for a in case.assignments.all())
        fine = CaseFine(
            case.pk,
            case.title,
            case.agency_id,
            case.agency.name,
            case.agency.path,
            officers,
            case.decided_on,
            case.fine,
        )
        _tier_check(case, fine, book)
        grouped.setdefault((case.violation.pk, case.tier), []).append(fine)
        violations[case.violation.pk] = case.violation
    groups = []
    for (violation_pk, tier), fines in grouped.items():
        violation = violations[violation_pk]
        summary = summarise([fine.fine for fine in fines])
        for fine in fines:
            if summary.far(fine.fine):
                fine.far = True
                fine.reasons.append(
                    f"明显偏离同类案件（{amount_text(summary.low_fence)}至{amount_text(summary.high_fence)}元之外）"
                )
        groups.append(
            Group(
                violation.code,
                violation.name,
                violation.domain,
                tier,
                str(tiers.get(tier, "未标明档次")),
                fines,
                summary,
                _spreads(fines, by_officer=False),
                _spreads(fines, by_officer=True),
            )
        )
    order = {tier: index for index, tier in enumerate(TIER_ORDER)}
    groups.sort(key=lambda g: (g.domain, g.violation, g.violation_code, order.get(g.tier, len(order))))
    return Consistency(start, end, today, groups)


def _summary_data(summary: Summary) -> dict[str, Any]:
    def number(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    return {
        "count": summary.count,
        "min": number(summary.minimum),
        "q1": number(summary.q1),
        "median": number(summary.median),
        "q3": number(summary.q3),
        "max": number(summary.maximum),
        "low_fence": number(summary.low_fence),
        "high_fence": number(summary.high_fence),
    }


def as_data(result: Consistency) -> dict[str, Any]:
    """The analysis as JSON-ready data (the API's answer; the page shows the same objects)."""
    return {
        "start": result.start,
        "end": result.end,
        "today": result.today,
        "unit": "元",
        "method": result.method,
        "note": result.note,
        "groups": [
            {
                "violation_code": group.violation_code,
                "violation": group.violation,
                "tier": group.tier,
                "tier_label": group.tier_label,
                "spread": _summary_data(group.summary),
                "agencies": [
                    {"agency_id": s.key, "agency": s.label, "spread": _summary_data(s.summary)} for s in group.agencies
                ],
                "officers": [
                    {"officer_id": s.key, "officer": s.label, "spread": _summary_data(s.summary)}
                    for s in group.officers
                ],
                "flagged": [
                    {
                        "case_id": case.case_id,
                        "title": case.title,
                        "agency": case.agency,
                        "officers": [name for _pk, name in case.officers],
                        "decided_on": case.decided_on,
                        "fine": f"{case.fine:.2f}",
                        "tier_min": None if case.tier_low is None else f"{case.tier_low:.2f}",
                        "tier_max": None if case.tier_high is None else f"{case.tier_high:.2f}",
                        "outside_tier": case.outside_tier,
                        "far_from_peers": case.far,
                        "reasons": case.reasons,
                    }
                    for case in group.flagged
                ],
            }
            for group in result.groups
        ],
    }
