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

from zhifa.cases.choices import NoPenaltyGround, PartyKind, PenaltyKind
from zhifa.cases.models import Case
from zhifa.core.errors import Refusal
from zhifa.documents.choices import DocumentKind
from zhifa.laws.assistant import FACTORS, Proposal, conditions, factors_for, propose
from zhifa.laws.benchmarks import RULE as BENCHMARK_RULE
from zhifa.laws.benchmarks import benchmark_in_force, in_yuan
from zhifa.laws.choices import FineBasis, NoPenaltyKind, Tier
from zhifa.laws.lex_mitior import LAW, choose
from zhifa.laws.models import DiscretionBenchmark, NoPenaltyItem, Violation, ViolationRule
from zhifa.laws.numerals import amount_text

# No-penalty grounds on which no violation was established: such a case is no earlier violation (首违).
NOT_ESTABLISHED = (NoPenaltyGround.FACTS_UNCLEAR, NoPenaltyGround.NO_FAULT)
FIRST_OFFENCE_YEARS = 2  # when a list does not say: SAMR 首违不罚清单（一）, 2025


def act_date(case: Case) -> date:
    """The day the act was done or, continuing, ended. Filing requires it (guards.prescription), so only a lead not
    yet filed falls back on the day it was found."""
    return case.act_ended_on or case.received_on


def party_kind(case: Case) -> str:
    kinds = {party.kind for party in case.parties.all()}
    return PartyKind.ORGANISATION if PartyKind.ORGANISATION in kinds else PartyKind.CITIZEN


def violations_for(domain: str) -> Any:
    """Every violation, the case's own domain first: a reserve administration also enforces the forestry and
    wildlife laws, so the list is not cut by domain."""
    own = Case_(When(domain=domain, then=Value(0)), default=Value(1), output_field=IntegerField())
    return Violation.objects.annotate(own=own).order_by("own", "domain", "name")


def _rule_for(case: Case, violation: Violation, on_date: date) -> ViolationRule | None:
    """The rule 从旧兼从轻 picks for the case on `on_date`, or None (no longer an offence, or no data: refused later
    by the proposal itself)."""
    try:
        return choose(violation, act_date(case), on_date, party_kind(case)).rule
    except Refusal:
        return None


def choices_for(case: Case | None, violation: Violation | None, on_date: date) -> list[tuple[str, str]]:
    """The circumstances the officer may tick: the tier conditions of the benchmark the proposal will use (the rule
    从旧兼从轻 picks, the benchmark in force on `on_date`), then the statutory factors."""
    benchmark = None
    if case is not None and violation is not None:
        rule = _rule_for(case, violation, on_date)
        if rule is not None:
            benchmark = benchmark_in_force(case.agency, rule, on_date)
    return circumstance_labels(benchmark, case.domain if case is not None else "")


def circumstance_labels(benchmark: DiscretionBenchmark | None, domain: str) -> list[tuple[str, str]]:
    """(key, label) of each condition of `benchmark`'s tiers, then of each statutory factor of `domain`."""
    found = [(c.key, f"【{c.tier.label}】{c.text}") for c in conditions(benchmark)]
    found += [(f.code, f"【{f.tier.label}】{f.label}（{f.source}）") for f in factors_for(domain)]
    return found


def proposal_for(
    case: Case, violation: Violation, on_date: date, chosen: Collection[str], base: Decimal | None = None
) -> Proposal:
    condition_keys = [key for key in chosen if ":" in key]
    factor_codes = [key for key in chosen if ":" not in key]
    if "first_offence" in factor_codes and case.violation_id == violation.pk and prior_violations(case):
        # 首违 is a fact of the party's past, not the officer's say-so (处罚法 第三十三条第一款).
        factor_codes.remove("first_offence")
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


REDUCING = frozenset(f.code for f in FACTORS if f.tier == Tier.LIGHTER) - {"restored"}


def check_penalty(
    case: Case, proposal: Proposal, kinds: Collection[str], fine: Decimal | None, reason: str
) -> list[str]:
    """The departures of a penalty from the proposal ([] when it stays inside), refusing what no reason allows
    (check_legal_limits). A departure needs `reason` (国办发〔2022〕27号)."""
    rule = proposal.rule
    if rule is None:
        if kinds:
            raise Refusal(f"{proposal.choice.reason}只能决定不予行政处罚", field="penalty_kinds", rule=LAW)
        return []
    reducing = proposal.tier == Tier.REDUCED or bool(REDUCING & set(case.circumstances))
    check_legal_limits(case, rule, kinds, fine, reducing=reducing)
    departures = proposal.departs(kinds, fine)
    if departures and not reason.strip():
        raise Refusal(
            f"偏离裁量建议的理由：{'；'.join(departures)}，请写明理由（{BENCHMARK_RULE}）", field="departure_reason"
        )
    return departures


def check_legal_limits(
    case: Case,
    rule: ViolationRule,
    kinds: Collection[str],
    fine: Decimal | None,
    *,
    reducing: bool,
    kind: str | None = None,
) -> None:
    """Refuse what the law itself does not allow, whatever reason is given: a kind the rule does not provide, a
    fine above its ceiling, below its floor without a circumstance of 第三十二条 (减轻), a multiple without its base."""
    basis = rule.penalty_basis
    labels = dict(PenaltyKind.choices)
    foreign = [str(labels.get(kind, kind)) for kind in kinds if kind not in rule.kinds]
    if foreign:
        raise Refusal(f"处罚种类：{'、'.join(foreign)}不是{basis}规定的处罚种类", field="penalty_kinds")
    if fine is None or rule.fine_basis == FineBasis.NONE:
        return
    floor, ceiling = legal_range(rule, case, kind)
    if floor is None or ceiling is None:
        raise Refusal(f"倍数罚的基数：罚款为{rule.fine_of}的倍数，请填写{rule.fine_of}（元）", field="base")
    if fine > ceiling:
        raise Refusal(f"罚款金额：{amount_text(fine)}元超过{basis}规定的上限{amount_text(ceiling)}元", field="fine")
    if fine < floor and not reducing:
        raise Refusal(
            f"罚款金额：{amount_text(fine)}元低于法定下限{amount_text(floor)}元；减轻处罚须有行政处罚法"
            "第三十二条规定的情节，请在裁量情节中选择",
            field="fine",
        )


def legal_range(rule: ViolationRule, case: Case, kind: str | None = None) -> tuple[Decimal | None, Decimal | None]:
    """The fine the law allows this party, in yuan: a multiple times the base (or the law's own amount when the base
    cannot be computed); (None, None) when a multiple lacks its base."""
    if rule.fine_basis != FineBasis.MULTIPLE:
        return rule.fine_range(kind or party_kind(case))
    return in_yuan(rule, *rule.fine_range(kind or party_kind(case)), case.fine_base) or (None, None)


def apply_proposal(case: Case, data: Mapping[str, Any], on_date: date) -> dict[str, Any]:
    """Set the case's violation, rule, benchmark, tier and basis from the proposal for the circumstances in `data`,
    and check the penalty proposed against it (check_penalty). Returns the facts to record.

    A report that names no violation keeps the one named at filing; without either, the officer writes the basis
    himself and nothing is proposed."""
    violation: Violation | None = data.get("violation") or case.violation
    if violation is None:
        case.violation_rule = case.benchmark = case.fine_base = None
        case.tier, case.circumstances, case.departure_reason = "", [], ""
        return {}
    chosen = list(data.get("circumstances") or [])
    case.fine_base = data.get("base")
    case.circumstances = chosen
    proposal = proposal_for(case, violation, on_date, chosen, case.fine_base)
    changed = case.violation_rule_id != (proposal.rule.pk if proposal.rule is not None else None)
    case.violation = violation
    case.violation_rule = proposal.rule
    case.benchmark = proposal.benchmark
    case.tier = proposal.tier.value
    # The basis is the rule's, always: the case, its documents and the review cite what 从旧兼从轻 picked. The
    # reasoning is the officer's once written, redrafted when the rule it was written for changed.
    case.legal_basis, case.penalty_basis = proposal.legal_basis, proposal.penalty_basis
    if not case.discretion_reasons or changed:
        case.discretion_reasons = proposal.paragraph
    if not case.penalty_kinds and proposal.tier != Tier.NO_PENALTY:
        raise Refusal(
            f"处罚种类：裁量建议为“{proposal.tier.label}”，请选择处罚种类（建议不予处罚的方可不选）",
            field="penalty_kinds",
            rule="行政处罚法 第九条",
        )
    reason = str(data.get("departure_reason") or "").strip()
    departures = check_penalty(case, proposal, case.penalty_kinds, case.fine, reason)
    case.departure_reason = reason if departures else ""
    labels = dict(circumstance_labels(proposal.benchmark, case.domain))
    facts: dict[str, Any] = {
        "violation": violation.code,
        "violation_name": violation.name,
        "rule_from": proposal.rule.effective_from.isoformat() if proposal.rule is not None else None,
        "law_choice": proposal.choice.reason,
        "benchmark_id": case.benchmark_id,
        "benchmark": proposal.benchmark.source if proposal.benchmark is not None else None,
        "tier": proposal.tier.value,
        "circumstances": {key: labels.get(key, key) for key in chosen},
        "fine_base": None if case.fine_base is None else f"{case.fine_base:.2f}",
        "proposed_range": proposal.range_text,
        "citations": proposal.citations,
    }
    if departures:
        facts["departures"] = departures
        facts["departure_reason"] = reason
    return facts


def apply_on_the_spot(case: Case, violation: Violation | None, on_date: date, kind: str) -> dict[str, Any]:
    """The on-the-spot decision (简易程序) with a violation named: the rule 从旧兼从轻 picks, its provisions as the
    basis, and the law's limits on the kinds and the fine (the benchmark's tiers are left to the ordinary procedure,
    whose small fines fall in their lowest tier anyway). Returns the facts to record."""
    if violation is None:
        return {}
    choice = choose(violation, case.act_ended_on or on_date, on_date, kind)
    if choice.rule is None:
        raise Refusal(f"{choice.reason}不能当场处罚", field="violation", rule=LAW)
    rule = choice.rule
    case.violation, case.violation_rule = violation, rule
    case.legal_basis, case.penalty_basis = rule.legal_basis, rule.penalty_basis
    if rule.fine_basis != FineBasis.MULTIPLE:  # a multiple's base is not asked on the spot
        check_legal_limits(case, rule, case.penalty_kinds, case.fine, reducing=False, kind=kind)
    else:
        check_legal_limits(case, rule, case.penalty_kinds, None, reducing=False, kind=kind)
    return {"violation": violation.code, "rule_from": rule.effective_from.isoformat(), "law_choice": choice.reason}


def check_decided_penalty(case: Case, on_date: date, data: Mapping[str, Any]) -> dict[str, Any]:
    """The penalty decided (the decision, or the heads' amendment) checked like the proposal: within the law, and a
    departure from the benchmark with its reason. Returns the facts to record ({} without a violation)."""
    if case.violation is None:
        return {}
    proposal = proposal_for(case, case.violation, on_date, case.circumstances, case.fine_base)
    kinds = list(data.get("penalty_kinds") or [])
    reason = str(data.get("departure_reason") or "").strip() or case.departure_reason
    departures = check_penalty(case, proposal, kinds, data.get("fine"), reason)
    if not departures:
        return {}
    case.departure_reason = reason
    return {"departures": departures, "departure_reason": reason}


def law_changed_since_report(case: Case, on_date: date) -> str | None:
    """Why the rule chosen at the report no longer judges the act on `on_date` (a lighter law came into force, or
    the act stopped being an offence), or None. The party was told the old basis: the proposal is revised."""
    if case.violation is None:
        return None
    choice = choose(case.violation, act_date(case), on_date, party_kind(case))
    if choice.rule is None:
        return f"{choice.reason}只能决定不予行政处罚" if case.penalty_kinds else None
    if choice.rule.pk == case.violation_rule_id:
        return None
    return f"作出决定时适用的规定已变化：{choice.reason}请变更拟处罚意见并重新告知"


@dataclass(frozen=True)
class Prior:
    case: Case
    decided_on: date


def same_party(case: Case) -> Q:
    """Cases with a party that is one of `case`'s parties: the same ID number or credit code, or the same name and
    kind (an earlier case may have recorded the person by name only). A namesake may be matched: the refusal says
    which decision, and the officer checks it."""
    match = Q(pk__in=[])
    for party in case.parties.all():
        if party.id_number:
            match |= Q(parties__id_number=party.id_number)
        if party.credit_code:
            match |= Q(parties__credit_code=party.credit_code)
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
    if case.violation_id is None:
        # Where the system knows the domain's violations, the same kind is checked, not assumed; a domain without
        # them (no list loaded yet) records that it could not be checked (services._no_penalty).
        if Violation.objects.filter(domain=case.domain).exists():
            return "首违不罚须先确定违法行为（在立案或者调查终结报告中选择），据以核查同类违法行为"
        return None
    years = (item.first_offence_years if item is not None else None) or FIRST_OFFENCE_YEARS
    prior = prior_violations(case, years)
    if prior:
        return f"当事人在{years}年内已有同类违法行为（{describe_prior(prior[0])}），不属于初次违法，不适用首违不罚"
    return None


def describe_prior(prior: Prior) -> str:
    """An earlier violation as another agency may be told of it: who decided, when, and the decision's number —
    not its title or party, which may name people of another agency's case."""
    number = (
        prior.case.documents.filter(kind__in=(DocumentKind.PENALTY_DECISION, DocumentKind.SUMMARY_DECISION))
        .values_list("number", flat=True)
        .first()
    )
    return f"{prior.case.agency.name}{prior.decided_on:%Y年%m月%d日}作出决定" + (f"，{number}" if number else "")
