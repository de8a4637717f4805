"""A case and the law that judges it: the violation's rule by date (从旧兼从轻), the assistant's proposal from the
circumstances chosen, the departure from it, prior violations of the same kind, and the no-penalty items that
apply (行政处罚法 第三十三条、第三十七条; laws/).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Case as Case_
from django.db.models import IntegerField, Q, Value, When

from zhifa.cases.choices import NoPenaltyGround, PartyKind
from zhifa.cases.models import Case
from zhifa.core.errors import Refusal
from zhifa.laws.assistant import Proposal, conditions, factors_for, propose
from zhifa.laws.benchmarks import benchmark_in_force
from zhifa.laws.choices import NoPenaltyKind
from zhifa.laws.lex_mitior import rule_on
from zhifa.laws.models import NoPenaltyItem, Violation

BENCHMARK_RULE = "国办发〔2022〕27号"
# No-penalty grounds on which no violation was established: such a case is no earlier violation (首违).
NOT_ESTABLISHED = (NoPenaltyGround.FACTS_UNCLEAR, NoPenaltyGround.NO_FAULT)
FIRST_OFFENCE_YEARS = 2  # when a list does not say: SAMR 首违不罚清单（一）, 2025


def act_date(case: Case) -> date:
    """The day the act was done or, continuing, ended; the day it was found when that is not known."""
    return case.act_ended_on or case.received_on


def party_kind(case: Case) -> str:
    kinds = {party.kind for party in case.parties.all()}
    return PartyKind.ORGANISATION if PartyKind.ORGANISATION in kinds else PartyKind.CITIZEN


def party_name(case: Case) -> str:
    names = [party.name for party in case.parties.all()]
    return "、".join(names) if names else "当事人"


def violations_for(domain: str) -> Any:
    """Every violation, the case's own domain first: a reserve administration also enforces the forestry and
    wildlife laws, so the list is not cut by domain."""
    own = Case_(When(domain=domain, then=Value(0)), default=Value(1), output_field=IntegerField())
    return Violation.objects.annotate(own=own).order_by("own", "domain", "name")


def choices_for(case: Case | None, violation: Violation | None, on_date: date) -> list[tuple[str, str]]:
    """The circumstances the officer may tick: the benchmark's tier conditions, then the statutory factors."""
    found: list[tuple[str, str]] = []
    if case is not None and violation is not None:
        rule = rule_on(violation, act_date(case))
        if rule is not None:
            benchmark = benchmark_in_force(case.agency, rule, on_date)
            found += [(c.key, f"【{c.tier.label}】{c.text}") for c in conditions(benchmark)]
    domain = case.domain if case is not None else ""
    found += [(f.code, f"【{f.tier.label}】{f.label}（{f.source}）") for f in factors_for(domain)]
    return found


def proposal_for(
    case: Case, violation: Violation, on_date: date, chosen: Collection[str], base: Decimal | None = None
) -> Proposal:
    condition_keys = [key for key in chosen if ":" in key]
    factor_codes = [key for key in chosen if ":" not in key]
    return propose(
        violation,
        act_date=act_date(case),
        decided_on=on_date,
        party_kind=party_kind(case),
        agency=case.agency,
        chosen=condition_keys,
        factor_codes=factor_codes,
        base=base,
        party="当事人",
    )


def apply_proposal(case: Case, data: Mapping[str, Any], on_date: date) -> dict[str, Any]:
    """Set the case's violation, rule, tier and basis from the proposal for the circumstances in `data`; refuse a
    penalty outside the proposal without a written reason. Returns the facts to record."""
    violation: Violation | None = data.get("violation")
    if violation is None:
        case.violation = case.violation_rule = case.fine_base = None
        case.tier, case.circumstances, case.departure_reason = "", [], ""
        return {}
    chosen = list(data.get("circumstances") or [])
    proposal = proposal_for(case, violation, on_date, chosen, data.get("base"))
    case.violation = violation
    case.violation_rule = proposal.rule
    case.tier = proposal.tier.value
    case.circumstances = chosen
    case.fine_base = data.get("base")
    if not case.legal_basis:
        case.legal_basis = proposal.legal_basis
    if not case.penalty_basis:
        case.penalty_basis = proposal.penalty_basis
    if not case.discretion_reasons:
        case.discretion_reasons = proposal.paragraph
    departures = proposal.departs(case.penalty_kinds, case.fine)
    reason = str(data.get("departure_reason") or "").strip()
    if departures and not reason:
        raise Refusal(
            f"偏离裁量建议的理由：{'；'.join(departures)}，请写明理由（{BENCHMARK_RULE}）", field="departure_reason"
        )
    case.departure_reason = reason if departures else ""
    facts: dict[str, Any] = {
        "violation": violation.code,
        "violation_name": violation.name,
        "rule_from": proposal.rule.effective_from.isoformat() if proposal.rule is not None else None,
        "law_choice": proposal.choice.reason,
        "tier": proposal.tier.value,
        "circumstances": chosen,
        "fine_base": None if case.fine_base is None else f"{case.fine_base:.2f}",
        "proposed_range": proposal.range_text,
        "benchmark": proposal.benchmark.source if proposal.benchmark is not None else None,
        "citations": proposal.citations,
    }
    if departures:
        facts["departures"] = departures
        facts["departure_reason"] = reason
    return facts


def law_changed_since_report(case: Case, on_date: date) -> str | None:
    """Why the rule chosen at the report no longer judges the act on `on_date` (a lighter law came into force, or
    the act stopped being an offence), or None. The party was told the old basis: the proposal is revised."""
    if case.violation is None or case.violation_rule is None:
        return None
    from zhifa.laws.lex_mitior import choose

    choice = choose(case.violation, act_date(case), on_date, party_kind(case))
    if choice.rule is not None and choice.rule.pk == case.violation_rule_id:
        return None
    return f"作出决定时适用的规定已变化：{choice.reason}请变更拟处罚意见并重新告知"


@dataclass(frozen=True)
class Prior:
    case: Case
    decided_on: date


def same_party(case: Case) -> Q:
    """Cases with a party that is one of `case`'s parties: the same ID or credit code, else the same name."""
    match = Q(pk__in=[])
    for party in case.parties.all():
        if party.id_number:
            match |= Q(parties__id_number=party.id_number)
        elif party.credit_code:
            match |= Q(parties__credit_code=party.credit_code)
        else:
            match |= Q(parties__name=party.name, parties__kind=party.kind)
    return match


def prior_violations(case: Case, years: int = FIRST_OFFENCE_YEARS) -> list[Prior]:
    """Violations of the same kind by the same party established within `years` before this act (首违: none)."""
    if case.violation_id is None:
        return []
    day = act_date(case)
    since = day - relativedelta(years=years)
    found = (
        Case.objects.filter(same_party(case), violation_id=case.violation_id, decided_on__isnull=False)
        .filter(decided_on__gte=since, decided_on__lte=day)
        .exclude(pk=case.pk)
        .exclude(records__action="decide_no_penalty", records__data__ground__in=[g.value for g in NOT_ESTABLISHED])
        .distinct()
        .order_by("-decided_on")
    )
    return [Prior(prior, prior.decided_on) for prior in found if prior.decided_on is not None]


def no_penalty_items(case: Case) -> list[NoPenaltyItem]:
    """The items of lists in force on the act's day that cover the case's violation."""
    if case.violation_id is None:
        return []
    day = act_date(case)
    items = NoPenaltyItem.objects.filter(violation_id=case.violation_id).select_related("no_penalty_list")
    return [item for item in items if item.no_penalty_list.in_force(day)]


# Which ground of 第三十三条 each kind of list item is.
ITEM_GROUNDS = {
    NoPenaltyKind.FIRST_OFFENCE: NoPenaltyGround.FIRST_OFFENCE,
    NoPenaltyKind.MINOR: NoPenaltyGround.MINOR_CORRECTED,
}


def no_penalty_problem(case: Case, ground: str, item: NoPenaltyItem | None) -> str | None:
    """Why `ground` (and the list item named) cannot carry this case to 不予处罚, or None."""
    if item is not None and ITEM_GROUNDS.get(NoPenaltyKind(item.kind)) != ground:
        return f"所选清单事项为“{item.get_kind_display()}”事项，与不予处罚的情形不符"
    if ground != NoPenaltyGround.FIRST_OFFENCE:
        return None
    years = (item.first_offence_years if item is not None else None) or FIRST_OFFENCE_YEARS
    prior = prior_violations(case, years)
    if prior:
        first = prior[0]
        return (
            f"当事人在{years}年内已有同类违法行为（{first.case.title}，{first.decided_on:%Y年%m月%d日}作出决定），"
            f"不属于初次违法，不适用首违不罚（行政处罚法 第三十三条第一款）"
        )
    return None
