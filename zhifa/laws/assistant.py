"""The discretion assistant (行政执法裁量智能辅助): from a case's violation, the act's dates and the facts the officer
chooses — the benchmark's tier conditions and the statutory factors — it proposes the tier, the penalty kinds and
the fine range, cites every provision used, and drafts the reasoning paragraph (裁量说理) the decision prints.

It proposes; the officer decides. A penalty outside the proposal needs a written reason, which the legal review
reads and which makes the case major where the agency's catalog says so (cases/major.py).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from zhifa.cases.choices import PartyKind, PenaltyKind
from zhifa.core.models import Agency
from zhifa.laws.benchmarks import benchmark_in_force, in_yuan, tier_range
from zhifa.laws.choices import FineBasis, Tier
from zhifa.laws.lex_mitior import Choice, choose
from zhifa.laws.models import BenchmarkTier, DiscretionBenchmark, Violation, ViolationRule
from zhifa.laws.numerals import amount_text


@dataclass(frozen=True)
class Factor:
    """A circumstance the law itself attaches a consequence to (行政处罚法 第三十条至第三十三条)."""

    code: str
    label: str
    tier: Tier  # where it leads
    source: str
    domains: frozenset[str] | None = None  # None: every domain


FACTORS: tuple[Factor, ...] = (
    Factor("under_fourteen", "不满十四周岁的未成年人", Tier.NO_PENALTY, "行政处罚法 第三十条"),
    Factor(
        "minor_corrected", "违法行为轻微并及时改正，没有造成危害后果", Tier.NO_PENALTY, "行政处罚法 第三十三条第一款"
    ),
    Factor("first_offence", "初次违法且危害后果轻微并及时改正", Tier.NO_PENALTY, "行政处罚法 第三十三条第一款"),
    Factor("no_fault", "有证据足以证明没有主观过错", Tier.NO_PENALTY, "行政处罚法 第三十三条第二款"),
    Factor("minor_fourteen_eighteen", "已满十四周岁不满十八周岁的未成年人", Tier.LIGHTER, "行政处罚法 第三十条"),
    Factor(
        "limited_capacity",
        "尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人",
        Tier.LIGHTER,
        "行政处罚法 第三十一条",
    ),
    Factor("eliminated_harm", "主动消除或者减轻违法行为危害后果", Tier.LIGHTER, "行政处罚法 第三十二条第一项"),
    Factor("coerced", "受他人胁迫或者诱骗实施违法行为", Tier.LIGHTER, "行政处罚法 第三十二条第二项"),
    Factor("confessed", "主动供述行政机关尚未掌握的违法行为", Tier.LIGHTER, "行政处罚法 第三十二条第三项"),
    Factor("meritorious", "配合行政机关查处违法行为有立功表现", Tier.LIGHTER, "行政处罚法 第三十二条第四项"),
    Factor(
        "restored",
        "及时采取措施消除或者减轻污染、生态破坏，或者及时赔偿",
        Tier.LIGHTER,
        "生态环境法典 第一千零五十六条",
        frozenset({"ecology"}),
    ),
    Factor(
        "malicious",
        "故意违法或者恶意逃避监管",
        Tier.HEAVIER,
        "生态环境法典 第一千零五十六条",
        frozenset({"ecology"}),
    ),
    Factor("refused_correction", "拒不改正或者拒绝、阻碍执法检查", Tier.HEAVIER, "裁量基准"),
    Factor("repeated", "二年内因同一性质违法行为受过行政处罚", Tier.HEAVIER, "裁量基准"),
    Factor("serious_harm", "造成严重危害后果或者恶劣社会影响", Tier.HEAVIER, "裁量基准"),
)
FACTOR_BY_CODE = {factor.code: factor for factor in FACTORS}
# The grounds that bar a penalty outright (不予处罚, "应当"); a first offence only "may" go unpunished (可以).
MUST_NOT_PUNISH = frozenset({"under_fourteen", "minor_corrected", "no_fault"})


def factors_for(domain: str) -> list[Factor]:
    return [factor for factor in FACTORS if factor.domains is None or domain in factor.domains]


@dataclass(frozen=True)
class Condition:
    """One condition of one tier of the benchmark in force, as the officer ticks it: "<tier>:<index>"."""

    key: str
    tier: Tier
    text: str


@dataclass
class Proposal:
    """What the assistant proposes and why. Amounts in yuan (None where the law sets none)."""

    violation: Violation
    choice: Choice
    rule: ViolationRule | None
    benchmark: DiscretionBenchmark | None
    tier: Tier
    kinds: list[str]
    fine_min: Decimal | None
    fine_max: Decimal | None
    unit: str  # "元", or "倍（…）" when the base is not known
    reasons: list[str]  # what led to the tier, each with its source
    citations: list[str] = field(default_factory=list)  # every provision used, in order
    paragraph: str = ""
    legal_basis: str = ""
    penalty_basis: str = ""

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(PenaltyKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.kinds]

    @property
    def range_text(self) -> str:
        if self.fine_min is None or self.fine_max is None:
            return "不处罚款"
        return f"{amount_text(self.fine_min)}至{amount_text(self.fine_max)}{self.unit}"

    def departs(self, kinds: Collection[str], fine: Decimal | None) -> list[str]:
        """How a chosen penalty leaves the proposal ([] when it stays inside): each in words for the reviewer."""
        found: list[str] = []
        labels = dict(PenaltyKind.choices)
        extra = [str(labels.get(kind, kind)) for kind in kinds if kind not in self.kinds]
        if extra:
            found.append(f"处罚种类“{'、'.join(extra)}”不在“{self.tier.label}”档内")
        if self.tier == Tier.NO_PENALTY and kinds:
            found.append("建议不予处罚，拟作出处罚")
        bounded = self.unit == "元" and self.fine_min is not None and self.fine_max is not None
        if fine is not None and bounded and not self.fine_min <= fine <= self.fine_max:  # type: ignore[operator]
            found.append(f"罚款 {amount_text(fine)}元 不在建议幅度 {self.range_text} 内")
        return found


def conditions(benchmark: DiscretionBenchmark | None) -> list[Condition]:
    if benchmark is None:
        return []
    found = []
    for tier in benchmark.tiers.all():
        for index, text in enumerate(tier.conditions):
            found.append(Condition(f"{tier.tier}:{index}", Tier(tier.tier), str(text)))
    return found


def rules_of(violation: Violation) -> Violation:
    """The violation with its rules, provisions and texts in two queries (the assistant's hot path)."""
    return Violation.objects.prefetch_related(
        Prefetch(
            "rules",
            queryset=ViolationRule.objects.prefetch_related(
                "penalises__version__text", "prohibits__version__text"
            ).order_by("effective_from"),
        )
    ).get(pk=violation.pk)


def _pick_tier(
    chosen: list[Condition], factors: list[Factor], tiers: dict[str, BenchmarkTier]
) -> tuple[Tier, list[str]]:
    reasons: list[str] = []
    must = [factor for factor in factors if factor.code in MUST_NOT_PUNISH]
    if must:
        return Tier.NO_PENALTY, [f"{factor.label}（{factor.source}，应当不予处罚）" for factor in must]
    if any(factor.code == "first_offence" for factor in factors) or any(
        condition.tier == Tier.NO_PENALTY for condition in chosen
    ):
        picked = [f"{f.label}（{f.source}，可以不予处罚）" for f in factors if f.code == "first_offence"]
        picked += [f"{c.text}（裁量基准“不予处罚”情形）" for c in chosen if c.tier == Tier.NO_PENALTY]
        return Tier.NO_PENALTY, picked
    heavier = [f"{c.text}（裁量基准“从重”情形）" for c in chosen if c.tier == Tier.HEAVIER]
    heavier += [f"{f.label}（{f.source}）" for f in factors if f.tier == Tier.HEAVIER]
    lighter = [f"{c.text}（裁量基准“从轻”情形）" for c in chosen if c.tier == Tier.LIGHTER]
    lighter += [f"{f.label}（{f.source}）" for f in factors if f.tier == Tier.LIGHTER]
    reduced = [f"{c.text}（裁量基准“减轻”情形）" for c in chosen if c.tier == Tier.REDUCED]
    ordinary = [f"{c.text}（裁量基准“一般”情形）" for c in chosen if c.tier == Tier.ORDINARY]
    if reduced and Tier.REDUCED in tiers and not heavier:
        return Tier.REDUCED, reduced + lighter
    if lighter and not heavier:
        return Tier.LIGHTER, lighter
    if heavier and not lighter:
        return Tier.HEAVIER, heavier
    if heavier and lighter:
        reasons = [*heavier, *lighter, "从重与从轻情节并存，综合考量"]
        return Tier.ORDINARY, reasons
    return Tier.ORDINARY, ordinary or ["无从轻、减轻、从重情节"]


def propose(
    violation: Violation,
    *,
    act_date: date,
    decided_on: date,
    party_kind: str = PartyKind.CITIZEN,
    agency: Agency | None = None,
    chosen: Collection[str] = (),
    factor_codes: Collection[str] = (),
    base: Decimal | None = None,
    party: str = "当事人",
) -> Proposal:
    """The proposal for an act of `violation`. `chosen`: condition keys ("<tier>:<index>") of the benchmark in
    force; `factor_codes`: FACTORS codes; `base`: the amount a multiple is of (e.g. the value of the trees cut)."""
    violation = rules_of(violation)
    choice = choose(violation, act_date, decided_on, party_kind)
    rule = choice.rule
    benchmark = benchmark_in_force(agency, rule, decided_on) if rule is not None else None
    tiers = {tier.tier: tier for tier in benchmark.tiers.all()} if benchmark is not None else {}
    offered = {condition.key: condition for condition in conditions(benchmark)}
    picked_conditions = [offered[key] for key in chosen if key in offered]
    factors = [FACTOR_BY_CODE[code] for code in factor_codes if code in FACTOR_BY_CODE]
    if rule is None:
        tier, reasons = Tier.NO_PENALTY, [choice.reason]
    else:
        tier, reasons = _pick_tier(picked_conditions, factors, tiers)
    kinds: list[str] = []
    fine_min = fine_max = None
    unit = "元"
    if rule is not None and tier != Tier.NO_PENALTY:
        tier_row = tiers.get(tier)
        kinds = list(tier_row.kinds) if tier_row is not None and tier_row.kinds else list(rule.kinds)
        if rule.fine_basis != FineBasis.NONE and PenaltyKind.FINE in kinds:
            low, high = tier_range(rule, tier_row, party_kind) if tier_row else rule.fine_range(party_kind)
            yuan = in_yuan(rule, low, high, base)
            if yuan is not None:
                low, high = yuan
                if rule.fine_basis == FineBasis.MULTIPLE and not (base is not None and base > 0):
                    reasons.append(f"{rule.fine_of}无法计算，按法定无基数时的数额")
            elif rule.fine_basis == FineBasis.MULTIPLE:
                unit = f"倍（{rule.fine_of}）"
            fine_min, fine_max = low, high
    proposal = Proposal(violation, choice, rule, benchmark, tier, kinds, fine_min, fine_max, unit, reasons)
    _write(proposal, factors, party)
    return proposal


def _write(proposal: Proposal, factors: list[Factor], party: str) -> None:
    """The citations and the reasoning paragraph."""
    rule = proposal.rule
    choice = proposal.choice
    cited: list[str] = []
    if rule is not None:
        proposal.penalty_basis, proposal.legal_basis = rule.penalty_basis, rule.legal_basis
        cited += [p.citation for p in rule.prohibits.all()] + [p.citation for p in rule.penalises.all()]
    if choice.spans_change:
        cited += list(choice.sources)
    cited += [factor.source for factor in factors if factor.source != "裁量基准"]
    proposal.citations = list(dict.fromkeys(cited))
    # The decision prints "违反了<legal_basis>。依据<penalty_basis>，<paragraph>": the paragraph goes on from there.
    parts: list[str] = []
    if rule is None or choice.spans_change:
        parts.append(choice.reason)
    if rule is None:
        proposal.paragraph = "".join(parts)
        return
    circumstances = "；".join(proposal.reasons)
    parts.append(f"经查，{party}存在以下情节：{circumstances}。")
    if proposal.benchmark is not None:
        parts.append(f"对照{proposal.benchmark.source}中“{proposal.violation.name}”的裁量基准，")
    if proposal.tier == Tier.NO_PENALTY:
        parts.append("依法不予行政处罚，并对当事人进行教育、责令改正。")
    else:
        labels = dict(PenaltyKind.choices)
        kinds = "、".join(str(labels.get(kind, kind)) for kind in proposal.kinds)
        parts.append(f"适用“{proposal.tier.label}”档，处罚种类为{kinds}")
        if proposal.fine_min is not None:
            parts.append(f"，罚款幅度为{proposal.range_text}")
        parts.append("。")
    proposal.paragraph = "".join(parts)
