"""The publication rules (RULES.md, "Publicity"): each period and class once, beside its source.

What varies by sector or policy is data (data/display_periods.toml); the national periods are here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from zhifa.cases.choices import PenaltyKind
from zhifa.cases.rules import Period, Unit
from zhifa.core.workdays import Deadline
from zhifa.publicity.choices import CreditClass, DecisionClass

if TYPE_CHECKING:
    from zhifa.cases.models import Case

# 国办发〔2018〕118号: licence and penalty decisions published within 7 working days of the decision, other
# enforcement decisions within 20.
PUBLICATION: dict[DecisionClass, Period] = {
    DecisionClass.PENALTY: Period("行政处罚决定公开", 7, Unit.WORKING_DAYS, "国办发〔2018〕118号 第二条第（三）项"),
    DecisionClass.OTHER: Period("其他行政执法决定公开", 20, Unit.WORKING_DAYS, "国办发〔2018〕118号 第二条第（三）项"),
}

# The decision acts of the penalty procedure that are published, and which period each falls under. A decision
# not to penalise is an "other" enforcement decision; the on-the-spot penalty is a penalty (usually withheld as
# minor credit information, rules.credit_class).
DECISION_ACTS: dict[str, DecisionClass] = {
    "decide": DecisionClass.PENALTY,
    "decide_on_the_spot": DecisionClass.PENALTY,
    "decide_no_penalty": DecisionClass.OTHER,
}

# 行政处罚法 第四十八条第二款: a published decision revoked, changed, found unlawful or void is withdrawn within three
# days, with its reason; 第八十五条 makes "三日" working days.
WITHDRAWAL = Period("撤回已公开的行政处罚决定", 3, Unit.WORKING_DAYS, "行政处罚法 第四十八条第二款、第八十五条")

# How soon the finding body answers a credit-repair application: no national number was read (令第36号 is
# [S] in RULES.md); five working days is the default an agency may revise.
REPAIR_ANSWER = Period("答复信用修复申请", 5, Unit.WORKING_DAYS, "默认值（信用修复管理办法未核读，暂取5个工作日）")


def publication_due(decision_class: DecisionClass, decided_on: date) -> Deadline:
    return PUBLICATION[decision_class].due(decided_on)


@dataclass(frozen=True)
class DisplayPolicy:
    """How one class of penalty information is shown: published at all, repairable after, shown at most."""

    credit_class: CreditClass
    published: bool
    min_months: int
    max_months: int
    source: str

    def repairable_from(self, decided_on: date) -> date:
        return decided_on + relativedelta(months=self.min_months)

    def display_until(self, decided_on: date) -> date:
        """The last day it is shown: the maximum counted from the decision (the day itself not included)."""
        return decided_on + relativedelta(months=self.max_months)


@cache
def display_policies() -> dict[CreditClass, DisplayPolicy]:
    path = Path(__file__).parent / "data" / "display_periods.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    policies = {}
    for credit_class in CreditClass:
        row = data[credit_class.value]
        policies[credit_class] = DisplayPolicy(
            credit_class, bool(row["published"]), int(row["min_months"]), int(row["max_months"]), data["source"]
        )
    return policies


# 信用修复管理办法 (令第36号) classes: 轻微 — a summary-procedure penalty, a warning or 通报批评 alone; 严重 — a
# penalty that ends or bans the business or the practice, or a major decision (法制审核); 一般 — the rest.
LIGHT_KINDS = frozenset({PenaltyKind.WARNING, PenaltyKind.CRITICISM})
GRAVE_KINDS = frozenset(
    {PenaltyKind.REVOKE_LICENCE, PenaltyKind.CLOSE, PenaltyKind.STOP_PRODUCTION, PenaltyKind.RESTRICT_PRACTICE}
)


def credit_class(case: Case) -> CreditClass:
    kinds = set(case.penalty_kinds or [])
    if case.procedure == "summary" or (kinds and kinds <= LIGHT_KINDS):
        return CreditClass.MINOR
    if kinds & GRAVE_KINDS or case.major:
        return CreditClass.SERIOUS
    return CreditClass.GENERAL
