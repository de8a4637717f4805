"""The table of warning rules (快速预警, 行政执法监督条例 第三十七条): each a named rule with its source that reads the
record and says what it found.

A rule is data plus one function: `find(today)` returns the findings as of that day. Each area registers its
rules from a module `supervision/rules_<area>.py` (imported by SupervisionConfig.ready). Running the rules, storing
the warnings they raise and dismissing one with a recorded reason is supervision/warnings.py's work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Finding:
    """What a rule found on a day: the agency concerned, the case if one, a stable key of the thing found (the
    same defect found again on a later run has the same key, so it is one warning, not a new one each run) and a
    sentence in Chinese saying what is wrong, with the figures."""

    agency_id: int
    key: str
    detail: str
    case_id: int | None = None


@dataclass(frozen=True)
class WarningRule:
    code: str  # stable, e.g. "inaction.lead_not_filed"
    name: StrOrPromise  # 「案源逾期未立案」
    source: str  # the article or document the rule comes from
    find: Callable[[date], Iterable[Finding]]
    level: str = "warning"  # "warning" or "alert" (red)


RULES: dict[str, WarningRule] = {}


def register(rule: WarningRule) -> WarningRule:
    if rule.code in RULES:
        raise ValueError(f"warning rule {rule.code} registered twice")
    RULES[rule.code] = rule
    return rule
