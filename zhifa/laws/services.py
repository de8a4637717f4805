"""Writes of the law's data that agencies make themselves: a new version of an agency's discretion benchmark.

行政处罚法 第三十四条: 行政机关可以依法制定行政处罚裁量基准，规范行使行政处罚裁量权. A version is added, never edited: a
version that is or was in force stays as it was (what judged a past case can always be shown), so a correction is
a new version from a later day. The tiers are checked against the rule's legal range (benchmarks.tier_problems,
国办发〔2022〕27号) before anything is written, and the version is recorded in the ledger in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from zhifa.cases.choices import PenaltyKind
from zhifa.cases.major import EDITORS as CATALOG_EDITORS
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.scoping import can_see_agency
from zhifa.laws.benchmarks import RULE as BENCHMARK_RULE
from zhifa.laws.benchmarks import tier_problems
from zhifa.laws.choices import FineBasis, Tier
from zhifa.laws.models import BenchmarkTier, DiscretionBenchmark, ViolationRule
from zhifa.ledger.services import record

# The agency's legal office publishes its benchmark, as it does the catalog of major decisions (cases/major.py):
# its legal reviewers, and the system administrator entering it for them.
EDITORS = CATALOG_EDITORS
DOING = "发布行政处罚裁量基准"


@dataclass(frozen=True)
class TierInput:
    """One tier as a form, the API or a spreadsheet row gives it; fines in the rule's unit (yuan or multiples)."""

    tier: str
    conditions: Sequence[str] = field(default_factory=tuple)
    kinds: Sequence[str] = field(default_factory=tuple)
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None


def may_publish(actor: User, agency: Agency) -> bool:
    """Whether `actor` may publish benchmark versions for `agency` (the page asks before offering the upload)."""
    return actor.is_active and actor.has_role(*EDITORS) and can_see_agency(actor, agency)


def rule_name(rule: ViolationRule) -> str:
    """How a refusal names a rule: "“超标排放水污染物”（水污染防治法 第八十三条第二项，2018-01-01 起）"."""
    cited = "、".join(provision.citation for provision in rule.penalises.all())
    return f"“{rule.violation.name}”（{cited}，{rule.effective_from.isoformat()} 起）"


@dataclass(frozen=True)
class TierProblem:
    """Why tiers may not be a benchmark of a rule: the tier at fault (None: the tiers as a whole), the part of it
    (tier, conditions, kinds or fine) and the reason, which names the tier."""

    tier: str | None
    part: str
    message: str


# tier_problems' messages about one tier start with its label: "“从重”档 …".
_NAMED_TIER = re.compile(r"^“(?P<label>[^”]+)”档")


def tier_problem(rule: ViolationRule, tiers: Sequence[TierInput]) -> TierProblem | None:
    """The first reason why these tiers may not be a benchmark of `rule`, or None."""
    labels = dict(Tier.choices)
    seen: set[str] = set()
    allowed = set(rule.kinds)
    if not tiers:
        return TierProblem(None, "tier", "应至少写明一个档次")
    for given in tiers:
        if given.tier not in labels:
            names = "、".join(str(label) for label in labels.values())
            return TierProblem(given.tier, "tier", f"档次“{given.tier}”不是可用的档次（{names}）")
        label = labels[given.tier]

        def problem(part: str, message: str, tier: str = given.tier) -> TierProblem:
            return TierProblem(tier, part, message)

        if given.tier in seen:
            return problem("tier", f"“{label}”档重复")
        seen.add(given.tier)
        if not [text for text in given.conditions if str(text).strip()]:
            return problem("conditions", f"“{label}”档应写明适用情形")
        unknown = [kind for kind in given.kinds if kind not in PenaltyKind.values]
        if unknown:
            return problem("kinds", f"“{label}”档的处罚种类“{'、'.join(unknown)}”不是可用的处罚种类")
        beyond = [kind for kind in given.kinds if kind not in allowed]
        if beyond and given.tier != Tier.NO_PENALTY:
            names = "、".join(str(PenaltyKind(kind).label) for kind in beyond)
            return problem("kinds", f"“{label}”档的处罚种类“{names}”不在法定处罚种类之内")
        if any(amount is not None and amount < 0 for amount in (given.fine_min, given.fine_max)):
            return problem("fine", f"“{label}”档的罚款不能为负数")
        has_fine = given.fine_min is not None or given.fine_max is not None
        if has_fine and rule.fine_basis == FineBasis.NONE:
            return problem("fine", f"“{label}”档写了罚款，但该规定不处罚款")
        if has_fine and given.tier != Tier.NO_PENALTY and PenaltyKind.FINE not in given.kinds:
            return problem("kinds", f"“{label}”档写了罚款数额，处罚种类应包括罚款")
    problems = tier_problems(rule, [_tier_row(given) for given in tiers])
    if not problems:
        return None
    named = _NAMED_TIER.match(problems[0])
    by_label = {str(label): value for value, label in Tier.choices}
    tier = by_label.get(named.group("label")) if named else None
    part = "kinds" if "处罚种类" in problems[0] else "fine"
    return TierProblem(tier, part, problems[0])


def _tier_row(given: TierInput, benchmark: DiscretionBenchmark | None = None) -> BenchmarkTier:
    return BenchmarkTier(
        benchmark=benchmark,
        tier=given.tier,
        conditions=[str(text).strip() for text in given.conditions if str(text).strip()],
        kinds=list(given.kinds),
        fine_min=given.fine_min,
        fine_max=given.fine_max,
    )


def benchmark_add(
    *,
    actor: User,
    agency: Agency,
    rule: ViolationRule,
    effective_from: date,
    source: str,
    tiers: Sequence[TierInput],
) -> DiscretionBenchmark:
    """A new version of `agency`'s benchmark for `rule`, in force from `effective_from`, recorded in the ledger in
    the same transaction. Refused, with nothing saved, when a tier leaves the legal range (naming the tier and the
    rule), or when the version would change what is or was in force: it starts no earlier than today and after the
    agency's latest version for the rule."""
    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, EDITORS, agency=agency, doing=DOING)
        today = timezone.localdate()
        source = source.strip()
        if not source:
            raise Refusal("应写明印发裁量基准的文件名称和文号", field="source")
        if effective_from < today:
            raise Refusal(
                f"施行日期不能早于今天（{today.isoformat()}）：已施行的基准不再改变，更正以新版自以后的日期施行",
                field="effective_from",
                rule=BENCHMARK_RULE,
            )
        if not rule.in_force(effective_from):
            raise Refusal(
                f"{rule_name(rule)}在 {effective_from.isoformat()} 不在施行期间，不能为其发布自该日起的裁量基准",
                field="effective_from",
            )
        latest = DiscretionBenchmark.objects.filter(agency=agency, rule=rule).order_by("-effective_from").first()
        if latest is not None and effective_from <= latest.effective_from:
            raise Refusal(
                f"{agency.name}已有 {latest.effective_from.isoformat()} 起施行的{rule_name(rule)}裁量基准；"
                "已发布的版本不再修改，更正请以更晚的施行日期发布新版",
                field="effective_from",
            )
        problem = tier_problem(rule, tiers)
        if problem is not None:
            raise Refusal(f"{rule_name(rule)}：{problem.message}", field="tiers")
        version = DiscretionBenchmark(agency=agency, rule=rule, effective_from=effective_from, source=source)
        try:
            version.full_clean()
            version.save()
            rows = [_tier_row(given, version) for given in tiers]
            for row in rows:
                row.full_clean()
                row.save()
        except ValidationError as error:
            raise Refusal(f"{rule_name(rule)}：{error.messages[0]}", field="tiers") from error
        facts = {
            "violation": rule.violation.code,
            "rule_from": rule.effective_from.isoformat(),
            "effective_from": effective_from.isoformat(),
            "source": source,
            "tiers": [
                {
                    "tier": row.tier,
                    "conditions": row.conditions,
                    "kinds": row.kinds,
                    "fine_min": None if row.fine_min is None else format(row.fine_min.normalize(), "f"),
                    "fine_max": None if row.fine_max is None else format(row.fine_max.normalize(), "f"),
                }
                for row in rows
            ],
        }
        record(actor=actor, action="benchmark.add", subject=version, facts=facts, agency=agency)
        return version
