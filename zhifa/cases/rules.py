"""The penalty procedure's periods and amount limits, each cited where it is defined.

Pure functions over the working-day calendar (core/workdays.py); the case workflow calls them. Numbers
that vary by sector or province (the "large fine" that opens a hearing, the time to check a lead, the
decision-period extension) are agency data, not constants here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import PartyKind
from zhifa.core import workdays
from zhifa.core.workdays import Deadline

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    HOURS = "hours"


@dataclass(frozen=True)
class Period:
    label: StrOrPromise
    amount: int
    unit: Unit
    source: str
    # A period that bounds the agency's own power (a seizure) is a ceiling: it ends on its last day even when
    # that is a rest day. Moving an end to the next working day protects the party's time to act, not a power.
    ceiling: bool = False

    def due(self, start: date, amount: int | None = None) -> Deadline:
        """The last day of the period that starts on `start` (the start day itself is not counted).

        `amount`: the length where an agency sets it (SECTOR_PERIODS), in the period's own unit."""
        amount = self.amount if amount is None else amount
        if self.unit is Unit.WORKING_DAYS:
            return workdays.add_working_days(start, amount)
        if self.unit is Unit.CALENDAR_DAYS and self.ceiling:
            return Deadline(start + timedelta(days=amount))
        if self.unit is Unit.CALENDAR_DAYS:
            return workdays.add_calendar_days(start, amount)
        if self.unit is Unit.HOURS:
            # Hours run through rest days; an act dated by its day has its last hour on the day it ends.
            return Deadline(start + timedelta(days=-(-amount // 24)))
        # A period in months ends on the same day of the month (the month's last day when it has none),
        # and like any calendar-day period moves off a rest day.
        end = start + relativedelta(months=amount)
        return workdays.add_calendar_days(start, (end - start).days)


# 行政处罚法 第八十五条: "二日、三日、五日、七日" are working days; the law's other periods are calendar days.
# 行政强制法 第六十九条: periods of ten days or less are working days, longer ones calendar days.
PERIODS: dict[str, Period] = {
    "preservation_decision": Period(_("先行登记保存后作出处理决定"), 7, Unit.WORKING_DAYS, "行政处罚法 第五十六条"),
    "decision": Period(_("立案后作出处罚决定"), 90, Unit.CALENDAR_DAYS, "行政处罚法 第六十条"),
    "service": Period(_("决定书宣告后送达"), 7, Unit.WORKING_DAYS, "行政处罚法 第六十一条"),
    "hearing_request": Period(_("当事人要求听证"), 5, Unit.WORKING_DAYS, "行政处罚法 第六十四条第一项"),
    "hearing_notice": Period(_("听证前通知当事人"), 7, Unit.WORKING_DAYS, "行政处罚法 第六十四条第二项"),
    # The day the hearing notice set (its due date is that day): on the lists until the hearing is held.
    "hearing": Period(_("举行听证"), 7, Unit.WORKING_DAYS, "行政处罚法 第六十四条；听证通知书载明的日期"),
    "payment": Period(_("缴纳罚款"), 15, Unit.CALENDAR_DAYS, "行政处罚法 第六十七条第三款"),
    "cash_handover": Period(_("当场收缴的罚款交至行政机关"), 2, Unit.WORKING_DAYS, "行政处罚法 第七十一条"),
    "seizure": Period(_("查封、扣押期限"), 30, Unit.CALENDAR_DAYS, "行政强制法 第二十五条", ceiling=True),
    "seizure_extension": Period(_("查封、扣押延长"), 30, Unit.CALENDAR_DAYS, "行政强制法 第二十五条", ceiling=True),
    # The appraisal period the written notice states (its due date is that day): 行政强制法 第二十五条第三款.
    "appraisal": Period(
        _("检测、检验、检疫或者技术鉴定期间"),
        0,
        Unit.CALENDAR_DAYS,
        "行政强制法 第二十五条第三款；期间为书面告知当事人的期间",
        ceiling=True,
    ),
    "emergency_approval": Period(_("紧急查封、扣押后报告负责人并补办批准"), 24, Unit.HOURS, "行政强制法 第十九条"),
    "demand_before_court": Period(_("催告后申请法院强制执行"), 10, Unit.WORKING_DAYS, "行政强制法 第五十四条"),
    "court_application": Period(_("申请人民法院强制执行"), 3, Unit.MONTHS, "行政强制法 第五十三条"),
    "reconsideration": Period(_("申请行政复议"), 60, Unit.CALENDAR_DAYS, "行政复议法 第二十条"),
    "litigation": Period(_("提起行政诉讼"), 6, Unit.MONTHS, "行政诉讼法 第四十六条"),
    # 《行政执法机关移送涉嫌犯罪案件的规定》(国务院令第310号, 2020年修订) counts "3日" without saying working
    # days (行政处罚法 第八十五条 speaks only of its own periods): calendar days, moved off a rest day.
    "transfer_approval": Period(
        _("负责人决定是否批准移送涉嫌犯罪案件"), 3, Unit.CALENDAR_DAYS, "行政执法机关移送涉嫌犯罪案件的规定 第五条"
    ),
    "judiciary_answer": Period(
        _("公安机关审查移送的案件、决定是否立案"),
        3,
        Unit.CALENDAR_DAYS,
        "行政执法机关移送涉嫌犯罪案件的规定 第八条、第九条",
    ),
    "refusal_review": Period(
        _("对不予立案提请复议或者建议人民检察院立案监督"),
        3,
        Unit.CALENDAR_DAYS,
        "行政执法机关移送涉嫌犯罪案件的规定 第九条",
    ),
    # The law sets no number for these: each agency sets them in its case settings (SECTOR_PERIODS); the
    # amounts here are the defaults used where no agency above has (docs/decisions.md).
    "filing": Period(_("核查案源、决定是否立案"), 15, Unit.WORKING_DAYS, "部门规定；默认值取市场监管 15 个工作日"),
    "statement": Period(_("陈述、申辩"), 5, Unit.WORKING_DAYS, "行政处罚法 第四十五条；期限为部门规定的默认值"),
    "decision_extension": Period(
        _("延长办案期限"), 30, Unit.CALENDAR_DAYS, "行政处罚法 第六十条；延长为部门规定（如市场监管 30 日）"
    ),
    "summary_report": Period(
        _("当场处罚决定报所属机关备案"), 5, Unit.WORKING_DAYS, "行政处罚法 第五十二条；期限为默认值"
    ),
    # The law sets no time for the legal review; agencies' rules do (commonly five working days, extended once
    # with the head's approval): agency data, this a default named as such.
    "legal_review": Period(
        _("法制审核"), 5, Unit.WORKING_DAYS, "默认值（多地规定五个工作日），请按本机关的法制审核办法设置"
    ),
    # 重大行政处罚备案: the agency files its major decisions with the body above; local rules set the days.
    "major_filing": Period(
        _("重大行政处罚决定备案"),
        15,
        Unit.CALENDAR_DAYS,
        "默认值（多地规定自作出决定之日起十五日内），请按本地规定设置",
    ),
    "legal_review_extension": Period(
        _("延长法制审核"), 5, Unit.WORKING_DAYS, "经机关负责人批准延长，长度同法制审核期限"
    ),
    # Set by the collective discussion that decides it, within the sector rule's limit (FURTHER_EXTENSIONS).
    "decision_further_extension": Period(
        _("集体讨论决定继续延长办案期限"), 30, Unit.CALENDAR_DAYS, "行业规章；期限为集体讨论确定的期限"
    ),
}


@dataclass(frozen=True)
class FurtherExtension:
    """A sector rule's further extension of the decision period, decided by the heads' collective discussion
    once the first extension has not sufficed (行政处罚法 第六十条: 法律、法规、规章另有规定的，从其规定)."""

    max_days: int | None  # None: a reasonable period the discussion sets
    source: str


@dataclass(frozen=True)
class NotCounted:
    """Spans a sector rule leaves out of the decision period (行政处罚法 第六十条: 法律、法规、规章另有规定的):
    "hearing" (from the request to the hearing), "appraisal" (testing, inspection, quarantine, appraisal) and
    "publication" (notice by publication)."""

    spans: frozenset[str]
    source: str


SPAN_LABELS: Mapping[str, str] = {"hearing": "听证", "appraisal": "检测、检验、检疫、鉴定", "publication": "公告"}

# Shipped sector data, by domain.
DECISION_PERIOD_NOT_COUNTED: Mapping[str, NotCounted] = {
    "ecology": NotCounted(
        frozenset({"hearing", "appraisal", "publication"}), "生态环境行政处罚办法（生态环境部令第30号）第五十七条"
    ),
    "market": NotCounted(frozenset({"hearing", "appraisal", "publication"}), "市场监督管理行政处罚程序规定 第六十四条"),
}
FURTHER_EXTENSIONS: Mapping[str, FurtherExtension] = {
    "ecology": FurtherExtension(30, "生态环境行政处罚办法（生态环境部令第30号）第五十七条"),
    "market": FurtherExtension(None, "市场监督管理行政处罚程序规定 第六十四条"),
}

# 行政诉讼法 第四十五条: who went to reconsideration first may sue within fifteen days of receiving its decision —
# the only way to court from an on-the-spot penalty (行政复议法 第二十三条第一款第一项: reconsideration first).
LITIGATION_AFTER_RECONSIDERATION_DAYS = 15

# Periods that exist only where a law, regulation or rule provides them: without an agency's setting (with its
# source) there is none — 行政处罚法 第六十条 allows no extension of the decision period by default.
NO_DEFAULT = frozenset({"decision_extension"})
NO_EXTENSION_SOURCE = "法律、法规、规章未规定延长办案期限的，不得延长（行政处罚法 第六十条）"

# The periods whose length is agency data (CaseSettings field → period); their unit stays the one above.
SECTOR_PERIODS: Mapping[str, str] = {
    "filing": "lead_check_days",
    "statement": "statement_days",
    "decision_extension": "decision_extension_days",
    "summary_report": "summary_report_days",
    "legal_review": "legal_review_days",
    "major_filing": "major_filing_days",
}


def due(period: str, start: date, amount: int | None = None) -> Deadline:
    return PERIODS[period].due(start, amount)


# 行政处罚法 第六十一条 serves by the Civil Procedure Law: notice by publication (公告送达) only when the party cannot
# be found or served otherwise, and it counts as served thirty days after the notice is published.
PUBLICATION_DAYS = 30
PUBLICATION_SOURCE = "民事诉讼法 第九十五条"


def deemed_served(method: str, on_date: date) -> date:
    """The day a document counts as served: the day itself, or thirty days after publication."""
    return on_date + timedelta(days=PUBLICATION_DAYS) if method == "announcement" else on_date


def natural_end(period: str, start: date, amount: int | None = None) -> date:
    """The period's last day before any move off a rest day; an extension runs on from here, so that
    30 + 30 days never become more (行政强制法 第二十五条; 行政处罚法 第六十条). `amount`: the length it ran
    with (an agency's days, days not counted added), else the default."""
    spec = PERIODS[period]
    assert spec.unit is Unit.CALENDAR_DAYS, "only calendar-day periods are extended"
    return start + timedelta(days=spec.amount if amount is None else amount)


def appraisal_excluded_days(started_on: date, ended_on: date, stated_end: date) -> int:
    """The days an appraisal adds to a seizure's period (行政强制法 第二十五条第三款).

    The time of testing, inspection, quarantine or technical appraisal is not counted in the seizure; it must
    be stated and told to the party in writing. Counted like any period, the day it starts not included: sent
    on the 10th and back on the 20th, the seizure's ten days from the 11th to the 20th are not counted. Only
    the stated time is excluded: days beyond the stated end count, as the party was told of no more.
    """
    return max(0, (min(ended_on, stated_end) - started_on).days)


def earliest_hearing(notified_on: date) -> Deadline:
    """The first day a hearing may be held after the party is notified.

    行政处罚法 第六十四条第二项 ("举行听证的七日前，通知当事人"): the notice comes no later than the seventh
    working day before the hearing, so the hearing may be on the seventh working day after the notice day
    (which is not counted), not earlier.
    """
    return due("hearing_notice", notified_on)


@dataclass(frozen=True)
class Prescription:
    """A limitation period (追责时效): how long an undiscovered act stays punishable, and since when it applies."""

    domains: frozenset[str] | None  # None: every domain
    applies_from: date  # the rule covers acts that ended on or after this day
    years: int
    years_with_harm: int  # where `harm` holds
    harm: StrOrPromise  # the consequence that lengthens the period, as the form asks it
    source: str


# The rules by the day the act ended (从旧兼从轻): the 生态环境法典's period is never shorter than the 处罚法's for
# the same act, so an ecology act that ended before 2026-08-15 keeps the old, lighter rule (法典 第一千零五十七条).
# Counted from the act, or from its end when it continued; calendar years.
PRESCRIPTIONS = (
    Prescription(
        None,
        date(2021, 7, 15),
        2,
        5,
        _("涉及公民生命健康安全、金融安全且有危害后果"),
        "行政处罚法 第三十六条",
    ),
    Prescription(
        frozenset({"ecology"}),
        date(2026, 8, 15),
        2,
        5,
        _("造成环境污染、生态破坏等后果"),
        "生态环境法典 第一千零五十四条",
    ),
)


def prescription(domain: str, act_ended_on: date) -> Prescription:
    """The limitation rule for an act of `domain` that ended on `act_ended_on`: the latest one in force then
    that covers the domain (the first rule when the act is older than all of them)."""
    fitting = [
        rule
        for rule in PRESCRIPTIONS
        if (rule.domains is None or domain in rule.domains) and rule.applies_from <= act_ended_on
    ]
    return max(fitting, key=lambda rule: rule.applies_from) if fitting else PRESCRIPTIONS[0]


def prescription_ends(act_ended_on: date, *, grave: bool = False, domain: str = "") -> date:
    """The last day on which discovering the act still allows a penalty."""
    rule = prescription(domain, act_ended_on)
    return act_ended_on + relativedelta(years=rule.years_with_harm if grave else rule.years)


def prescription_problem(
    act_ended_on: date, discovered_on: date, *, grave: bool = False, domain: str = ""
) -> str | None:
    """None when the act may still be penalised, else the refusal naming the rule.

    `grave`: the consequence of the rule in force for the act (Prescription.harm) holds."""
    if discovered_on < act_ended_on:
        return "发现违法行为的日期不能早于违法行为终了的日期"
    if discovered_on > prescription_ends(act_ended_on, grave=grave, domain=domain):
        rule = prescription(domain, act_ended_on)
        years = rule.years_with_harm if grave else rule.years
        return f"违法行为在{years}年内未被发现，已过追责时效，不再给予行政处罚（{rule.source}）"
    return None


# 行政处罚法 第六十三条: the penalties that open the right to a hearing besides "large" fines and confiscations.
HEAVY_PENALTIES = frozenset(
    {"lower_qualification", "revoke_licence", "stop_production", "close", "restrict_practice", "restrict_activity"}
)


@dataclass(frozen=True)
class HearingKinds:
    """Penalty kinds a sector rule adds to the law's list (第六十三条第一款第六项: 法律、法规、规章规定的其他情形)."""

    kinds: frozenset[str]
    source: str


# Shipped sector data, by domain; an agency adds its own province's list in its case settings. The ecology rule
# lists 暂扣许可证件 with the law's heavy penalties.
SECTOR_HEARING_KINDS: Mapping[str, HearingKinds] = {
    "ecology": HearingKinds(frozenset({"suspend_licence"}), "生态环境行政处罚办法（生态环境部令第30号）第四十六条"),
}
# What counts as a "large" amount is sector or provincial data (RULES.md): each agency sets it in its case
# settings (cases/agency_settings.py); this default is one local government's rule (citizen 5,000 /
# organisation 100,000 yuan, "以上" including the number), used where no agency above has set one.
LARGE_AMOUNT_DEFAULT: Mapping[str, Decimal] = {
    PartyKind.CITIZEN: Decimal(5000),
    PartyKind.ORGANISATION: Decimal(100000),
}


def hearing_right(
    kinds: Collection[str],
    fine: Decimal | None,
    party: str,
    *,
    confiscated: Decimal | None = None,
    large: Mapping[str, Decimal] = LARGE_AMOUNT_DEFAULT,
    large_confiscation: Mapping[str, Decimal] | None = None,
    more_kinds: Collection[str] = (),
) -> bool:
    """Whether the party may ask for a hearing before this penalty (行政处罚法 第六十三条).

    A heavy penalty always opens it; so does a "large" fine, or confiscating a "large" amount of illegal
    gains or property of large value (`confiscated`, in yuan) — each compared on its own with its
    threshold, as the article lists them apart; a fine and a confiscation are not added up.
    `party` is "citizen" or "organisation"; `large` the thresholds in force for the agency, and
    `large_confiscation` those for confiscations where a rule sets them apart (else `large` applies);
    `more_kinds` the kinds a sector or local rule adds to the law's heavy penalties.
    """
    if set(kinds) & (HEAVY_PENALTIES | set(more_kinds)):
        return True
    if fine is not None and fine >= large[party]:
        return True
    return confiscated is not None and confiscated >= (large_confiscation or large)[party]


def hearing_right_of_any(
    kinds: Collection[str],
    fine: Decimal | None,
    parties: Collection[str],
    *,
    confiscated: Decimal | None = None,
    large: Mapping[str, Decimal] = LARGE_AMOUNT_DEFAULT,
    large_confiscation: Mapping[str, Decimal] | None = None,
    more_kinds: Collection[str] = (),
) -> bool:
    """The hearing is offered when any party has the right; a party not yet known counts as a citizen."""
    return any(
        hearing_right(
            kinds,
            fine,
            party,
            confiscated=confiscated,
            large=large,
            large_confiscation=large_confiscation,
            more_kinds=more_kinds,
        )
        for party in parties or [PartyKind.CITIZEN]
    )


# 行政处罚法 第五十一条: on-the-spot decisions for a warning or a fine up to 200 yuan (citizen) / 3,000 yuan
# (organisation); "以下" includes the number (民法典 第一千二百五十九条).
SUMMARY_FINE_LIMIT = {PartyKind.CITIZEN: Decimal(200), PartyKind.ORGANISATION: Decimal(3000)}


def summary_procedure_problem(party: PartyKind, fine: Decimal | None) -> str | None:
    """None when the summary procedure may be used for this penalty (a warning when `fine` is None)."""
    if fine is None:
        return None
    if fine <= 0:
        return "罚款数额应大于零"
    limit = SUMMARY_FINE_LIMIT[party]
    if fine > limit:
        who = "公民" if party is PartyKind.CITIZEN else "法人或者其他组织"
        return f"对{who}罚款超过{limit}元，不适用简易程序，应当适用普通程序（行政处罚法 第五十一条）"
    return None


# 行政处罚法 第六十八条: collected on the spot when the fine is 100 yuan or less, or would be hard to collect later.
ON_THE_SPOT_COLLECTION_LIMIT = Decimal(100)


def on_the_spot_collection_problem(fine: Decimal, *, hard_to_collect_later: bool) -> str | None:
    if fine <= ON_THE_SPOT_COLLECTION_LIMIT or hard_to_collect_later:
        return None
    return "罚款超过100元且事后执行并无困难，不得当场收缴，应由当事人到指定银行缴纳（行政处罚法 第六十八条）"


# 行政处罚法 第七十二条第一项: 3 % of the fine a day, never more than the fine; 第七十三条: not counted while
# reconsideration or litigation runs.
LATE_FEE_RATE = Decimal("0.03")


def late_fee(fine: Decimal, payment_due: date, on_date: date, *, paused_days: int = 0) -> Decimal:
    """The additional fine owed on `on_date` for a fine due on `payment_due` (the due day itself is free)."""
    days = max(0, (on_date - payment_due).days - paused_days)
    fee = (fine * LATE_FEE_RATE * days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(fee, fine)


# 行政处罚法 第九条 lists the kinds of penalty from the lightest to the heaviest, in five groups (detention, a
# police power, is left out). After the advance notice a kind may be given up for a lighter one; a kind no
# lighter than the heaviest proposed needs a new notice (第四十五条: never heavier because of the defence).
PENALTY_GROUPS = {
    "warning": 1,
    "criticism": 1,
    "fine": 2,
    "confiscate_gains": 2,
    "confiscate_property": 2,
    "suspend_licence": 3,
    "lower_qualification": 3,
    "revoke_licence": 3,
    "restrict_activity": 4,
    "stop_production": 4,
    "close": 4,
    "restrict_practice": 4,
}


def added_kinds_not_lighter(proposed: set[str], decided: set[str]) -> set[str]:
    """The kinds decided but not proposed that are not lighter than the heaviest kind proposed."""
    heaviest = max((PENALTY_GROUPS[kind] for kind in proposed), default=0)
    return {kind for kind in decided - proposed if PENALTY_GROUPS[kind] >= heaviest}


def age_on(id_number: str, on_date: date) -> int | None:
    """A person's age in whole years on `on_date`, from the birth date in an 18-digit resident ID (GB 11643:
    characters 7–14); None when the number does not carry one."""
    if len(id_number) != 18 or not id_number[6:14].isdigit():
        return None
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    return on_date.year - born.year - ((on_date.month, on_date.day) < (born.month, born.day))


# 行政处罚法 第三十条: under 14 no penalty (the guardian is told to discipline the child); from 14 to under 18 a
# penalty is lighter or reduced.
NO_PENALTY_BELOW_AGE = 14
LIGHTER_BELOW_AGE = 18
