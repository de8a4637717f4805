"""从旧兼从轻: which penalty rule judges an act (行政处罚法 第三十七条; 生态环境法典 第一千零五十七条).

The rule in force when the act was done applies; when, by the time of the decision, it has been changed or
repealed and the new rule is lighter or no longer makes the act an offence, the new one applies. An act that
continued across a change is judged on the day it ended (the day it was done, in full; the same day from which
行政处罚法 第三十六条第二款 counts a continuing act's limitation period), so the rule then in force applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zhifa.cases.choices import PenaltyKind
from zhifa.core.errors import Refusal
from zhifa.laws.choices import FineBasis
from zhifa.laws.models import Violation, ViolationRule

LAW = "行政处罚法 第三十七条"
ECOLOGY_LAW = "生态环境法典 第一千零五十七条"

# How heavy each kind is, to compare two rules' worst penalty. 行政处罚法 第九条 sorts the kinds into groups — (一)
# reputation, (二) property, (三) licences, (四) conduct — by how deeply they reach; the weights follow the groups,
# and within (三) and (四) put the final measures (吊销, 责令关闭) above the temporary ones.
KIND_WEIGHT = {
    PenaltyKind.WARNING: 1,
    PenaltyKind.CRITICISM: 1,
    PenaltyKind.FINE: 2,
    PenaltyKind.CONFISCATE_GAINS: 2,
    PenaltyKind.CONFISCATE_PROPERTY: 2,
    PenaltyKind.SUSPEND_LICENCE: 3,
    PenaltyKind.LOWER_QUALIFICATION: 3,
    PenaltyKind.REVOKE_LICENCE: 4,
    PenaltyKind.RESTRICT_ACTIVITY: 5,
    PenaltyKind.STOP_PRODUCTION: 5,
    PenaltyKind.RESTRICT_PRACTICE: 5,
    PenaltyKind.CLOSE: 6,
}


@dataclass(frozen=True)
class Choice:
    """The rule that judges the act, the rules it was chosen from, and why — in words the decision can print."""

    rule: ViolationRule | None  # None: the act is no longer an offence when decided
    at_act: ViolationRule
    at_decision: ViolationRule | None
    act_date: date
    decided_on: date
    reason: str
    sources: tuple[str, ...]

    @property
    def spans_change(self) -> bool:
        return self.at_decision is None or self.at_decision.pk != self.at_act.pk


def rule_on(violation: Violation, on_date: date) -> ViolationRule | None:
    return next((rule for rule in violation.rules.all() if rule.in_force(on_date)), None)


def _fine_bounds(rule: ViolationRule, party_kind: str) -> tuple[Decimal, Decimal] | None:
    floor, ceiling = rule.fine_range(party_kind)
    if rule.fine_basis == FineBasis.NONE or floor is None or ceiling is None:
        return None
    assert isinstance(floor, Decimal)
    assert isinstance(ceiling, Decimal)
    return floor, ceiling


def compare(new: ViolationRule, old: ViolationRule, party_kind: str) -> int | None:
    """-1 when `new` is lighter than `old`, 0 when as heavy, 1 when heavier; None when the law's ways of setting
    the fine differ so that no one can say without the case's figures (a range against a multiple)."""
    heaviest_new = max((KIND_WEIGHT.get(PenaltyKind(kind), 0) for kind in new.kinds), default=0)
    heaviest_old = max((KIND_WEIGHT.get(PenaltyKind(kind), 0) for kind in old.kinds), default=0)
    if heaviest_new != heaviest_old:
        return -1 if heaviest_new < heaviest_old else 1
    new_fine, old_fine = _fine_bounds(new, party_kind), _fine_bounds(old, party_kind)
    if new_fine is None or old_fine is None:
        if new_fine is None and old_fine is None:
            return 0
        return -1 if new_fine is None else 1
    same_unit = new.fine_basis == old.fine_basis and (
        new.fine_basis == FineBasis.RANGE or new.fine_of.strip() == old.fine_of.strip()
    )
    if not same_unit:
        return None
    # The ceiling says how far the law lets the penalty go; at equal ceilings, the floor.
    new_key, old_key = (new_fine[1], new_fine[0]), (old_fine[1], old_fine[0])
    if new_key == old_key:
        return 0
    if new_fine[1] <= old_fine[1] and new_fine[0] <= old_fine[0]:
        return -1
    if new_fine[1] >= old_fine[1] and new_fine[0] >= old_fine[0]:
        return 1
    return None  # a lower ceiling with a higher floor: lighter for some acts, heavier for others


def _cite(rule: ViolationRule) -> str:
    return rule.penalty_basis


def choose(violation: Violation, act_date: date, decided_on: date, party_kind: str = "citizen") -> Choice:
    """The rule that judges an act of `violation` done (or ended) on `act_date` and decided on `decided_on`.
    Refuses when the data holds no rule for the act's date: the system never guesses the old law."""
    sources = (LAW, ECOLOGY_LAW) if violation.domain == "ecology" else (LAW,)
    at_act = rule_on(violation, act_date)
    if at_act is None:
        raise Refusal(
            f"系统未载入{act_date:%Y年%m月%d日}（违法行为发生时）“{violation.name}”的处罚规定，"
            f"无法适用从旧兼从轻（{LAW}）；请法制机构补充后再办理",
            field="violation",
        )
    at_decision = rule_on(violation, max(decided_on, act_date))
    when = f"违法行为发生（或终了）于{act_date:%Y年%m月%d日}"
    if at_decision is not None and at_decision.pk == at_act.pk:
        reason = f"{when}，处理时适用的规定未变化，依 {_cite(at_act)} 处理。"
        return Choice(at_act, at_act, at_decision, act_date, decided_on, reason, sources)
    changed = f"{when}，行为时的规定为 {_cite(at_act)}；作出处理时"
    basis = "、".join(sources)
    if at_decision is None:
        if not at_act.ends_offence:  # no rule loaded for the later day: a gap in the data, never a pardon
            raise Refusal(
                f"系统未载入{max(decided_on, act_date):%Y年%m月%d日}施行的“{violation.name}”的处罚规定，"
                f"无法适用从旧兼从轻（{LAW}）；请法制机构补充后再办理",
                field="violation",
            )
        reason = f"{changed}该规定已废止且不再认为该行为违法，依{basis}，适用新的规定，不予处罚。"
        return Choice(None, at_act, None, act_date, decided_on, reason, sources)
    changed += f"已为 {_cite(at_decision)}（{at_decision.effective_from:%Y年%m月%d日}起施行）"
    lighter = compare(at_decision, at_act, party_kind)
    if lighter == -1:
        reason = f"{changed}，新的规定处罚较轻，依{basis}，适用新的规定。"
        return Choice(at_decision, at_act, at_decision, act_date, decided_on, reason, sources)
    if lighter is None:
        reason = (
            f"{changed}。新旧规定的罚款计算方式不同，轻重须结合案件数额判断；系统按行为时的规定提出，"
            f"承办人员认为新的规定较轻的，应在裁量说理中写明并适用新的规定（{basis}）。"
        )
    else:
        reason = f"{changed}，新的规定不轻于行为时的规定，依{basis}，适用行为时的规定。"
    return Choice(at_act, at_act, at_decision, act_date, decided_on, reason, sources)
