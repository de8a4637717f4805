"""Discretion benchmarks (行政处罚裁量基准): which one applies, and whether its tiers are lawful.

国办发〔2022〕27号: the tiers 从轻, 一般 and 从重 stay inside the legal range and divide it between its floor and
ceiling — for a multiple between the lowest and highest multiple, for an amount between the lowest and highest
amount — never "always the top" or "always the bottom"; 减轻 goes below the floor only with stated conditions.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from zhifa.cases.choices import PartyKind
from zhifa.core.models import Agency
from zhifa.laws.choices import FineBasis, Tier
from zhifa.laws.models import BenchmarkTier, DiscretionBenchmark, ViolationRule
from zhifa.laws.numerals import amount_text

RULE = "国办发〔2022〕27号"
RANGE_TIERS = (Tier.LIGHTER, Tier.ORDINARY, Tier.HEAVIER)


def benchmark_in_force(agency: Agency | None, rule: ViolationRule, on_date: date) -> DiscretionBenchmark | None:
    """The latest version effective on `on_date` of the nearest agency, from `agency` upwards, with a benchmark
    for `rule`; else the shipped one."""
    versions = DiscretionBenchmark.objects.filter(rule=rule, effective_from__lte=on_date).order_by("-effective_from")
    by_agency: dict[int | None, DiscretionBenchmark] = {}
    for version in versions:
        by_agency.setdefault(version.agency_id, version)
    return next((by_agency[where] for where in agency_line(agency) if where in by_agency), None)


def tier_problems(rule: ViolationRule, tiers: Sequence[BenchmarkTier]) -> list[str]:
    """What makes these tiers unlawful for `rule` ([] when nothing does), in Chinese, citing the rule."""
    problems: list[str] = []
    by_tier = {tier.tier: tier for tier in tiers}
    if rule.fine_basis == FineBasis.NONE:
        return problems
    floor, ceiling = rule.fine_min, rule.fine_max
    assert floor is not None
    assert ceiling is not None
    present = [by_tier[name] for name in RANGE_TIERS if name in by_tier]
    for tier in present:
        if tier.fine_min is None or tier.fine_max is None:
            problems.append(f"“{tier.get_tier_display()}”档应写明罚款的下限和上限")
        elif tier.fine_min > tier.fine_max:
            problems.append(f"“{tier.get_tier_display()}”档的下限大于上限")
        elif tier.fine_min < floor or tier.fine_max > ceiling:
            problems.append(
                f"“{tier.get_tier_display()}”档 {amount_text(tier.fine_min)}–{amount_text(tier.fine_max)} "
                f"超出法定幅度 {amount_text(floor)}–{amount_text(ceiling)}（{RULE}）"
            )
    if problems:
        return problems
    if present:
        if present[0].fine_min != floor or present[-1].fine_max != ceiling:
            problems.append(
                f"从轻、一般、从重各档应覆盖法定幅度 {amount_text(floor)}–{amount_text(ceiling)} 的全部（{RULE}）"
            )
        for lower, upper in itertools.pairwise(present):
            if lower.fine_max != upper.fine_min:
                problems.append(f"“{lower.get_tier_display()}”档与“{upper.get_tier_display()}”档应首尾相接（{RULE}）")
        if len(present) > 1 and any(tier.fine_min == tier.fine_max for tier in present):
            problems.append(f"各档应为幅度，不得固定按上限或下限处罚（{RULE}）")
    reduced = by_tier.get(Tier.REDUCED)
    if reduced is not None and reduced.fine_max is not None and reduced.fine_max > floor:
        problems.append(f"“减轻”档的罚款应低于法定下限 {amount_text(floor)}（行政处罚法 第三十二条）")
    refused = by_tier.get(Tier.NO_PENALTY)
    if refused is not None and (refused.fine_min or refused.fine_max or refused.kinds):
        problems.append("“不予处罚”档不得写处罚种类或数额")
    return problems


def tier_range(rule: ViolationRule, tier: BenchmarkTier, party_kind: str) -> tuple[Decimal | None, Decimal | None]:
    """The tier's fine range for a party of `party_kind`, in the rule's unit. Tiers are written against the
    rule's first range; where the law sets another range for organisations, the tier keeps its place in it
    (the same fraction of the way from floor to ceiling)."""
    if tier.fine_min is None or tier.fine_max is None:
        return tier.fine_min, tier.fine_max
    if party_kind != PartyKind.ORGANISATION or rule.fine_max_organisation is None:
        return tier.fine_min, tier.fine_max
    floor, ceiling = rule.fine_min or Decimal(0), rule.fine_max or Decimal(0)
    to_floor = rule.fine_min_organisation or Decimal(0)
    to_ceiling = rule.fine_max_organisation
    if ceiling == floor:
        return to_floor, to_ceiling

    def place(value: Decimal) -> Decimal:
        share = (value - floor) / (ceiling - floor)
        return (to_floor + share * (to_ceiling - to_floor)).quantize(Decimal("0.01"))

    if tier.tier == Tier.REDUCED:
        share = tier.fine_max / floor if floor else Decimal(0)
        return Decimal(0), (to_floor * share).quantize(Decimal("0.01"))
    return place(tier.fine_min), place(tier.fine_max)


def in_yuan(
    rule: ViolationRule, low: Decimal | None, high: Decimal | None, base: Decimal | None
) -> tuple[Decimal, Decimal] | None:
    """A range in the rule's unit as yuan: itself for an amount; for a multiple, times the base (the value of the
    trees felled…), else the law's own amount where the base cannot be computed; None when neither is known."""
    if low is None or high is None:
        return None
    if rule.fine_basis != FineBasis.MULTIPLE:
        return low, high
    if base is not None and base > 0:
        return (low * base).quantize(Decimal("0.01")), (high * base).quantize(Decimal("0.01"))
    if rule.fallback_max is not None:
        return rule.fallback_min or Decimal(0), rule.fallback_max
    return None


def agency_line(agency: Agency | None) -> list[int | None]:
    """The agencies whose benchmark `agency` follows, nearest first, read from its path (no query): itself, those
    above it, then None for the shipped benchmark."""
    if agency is None:
        return [None]
    ids: list[int | None] = [int(segment) for segment in agency.path.split("/") if segment]
    return [*reversed(ids), None]


class BenchmarkBook:
    """Every version of the benchmarks of some rules, read once with their tiers, answering as `benchmark_in_force`
    does (the same rule: the nearest agency's latest version on or before the day) without a query per question —
    for pages and figures that ask it for many cases or rules."""

    def __init__(self, rule_ids: Iterable[int]) -> None:
        versions = (
            DiscretionBenchmark.objects.filter(rule_id__in=set(rule_ids))
            .select_related("agency")
            .prefetch_related("tiers")
            .order_by("-effective_from")
        )
        self._versions: dict[tuple[int, int | None], list[DiscretionBenchmark]] = {}
        for version in versions:
            self._versions.setdefault((version.rule_id, version.agency_id), []).append(version)

    def in_force(self, agency: Agency | None, rule_id: int, on_date: date) -> DiscretionBenchmark | None:
        for where in agency_line(agency):
            for version in self._versions.get((rule_id, where), ()):
                if version.effective_from <= on_date:
                    return version
        return None

    def history(self, agency: Agency | None, rule_id: int) -> list[DiscretionBenchmark]:
        """Every version `agency` has followed or may follow for the rule: its own, those above it and the shipped
        one, newest first."""
        found = [v for where in agency_line(agency) for v in self._versions.get((rule_id, where), ())]
        return sorted(found, key=lambda version: (version.effective_from, version.agency_id or 0), reverse=True)
