"""The penalty procedure's periods and amount limits, with the cases in RULES.md.

The dates fall in 2026, a year chinesecalendar knows: 国庆节 2026-10-01 to 10-07 (10-10, a Saturday, is an
adjusted working day), 劳动节 2026-05-01 to 05-05.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhifa.cases import rules
from zhifa.cases.choices import PartyKind

pytestmark = pytest.mark.django_db  # the calendar reads the administrator's holiday table


def test_working_day_periods_skip_the_national_day_holiday():
    # 行政处罚法 第六十一条: served within 7 working days of 2026-09-29 (Tue): 09-30, 10-08, 10-09, 10-10
    # (adjusted working Saturday), 10-12, 10-13, 10-14.
    assert rules.due("service", date(2026, 9, 29)).date == date(2026, 10, 14)
    # 第六十四条第一项: the hearing request window of 5 working days after a notice on Friday 2026-11-20.
    assert rules.due("hearing_request", date(2026, 11, 20)).date == date(2026, 11, 27)


def test_the_decision_period_is_ninety_calendar_days_moved_off_a_rest_day():
    # 行政处罚法 第六十条: filed 2026-03-05; day 90 is Wednesday 2026-06-03.
    assert rules.due("decision", date(2026, 3, 5)).date == date(2026, 6, 3)
    # Filed 2026-07-04: day 90 is 2026-10-02, inside 国庆节, so the period ends on 2026-10-08.
    assert rules.due("decision", date(2026, 7, 4)).date == date(2026, 10, 8)


def test_payment_is_due_fifteen_days_after_receipt():
    # 行政处罚法 第六十七条: received Monday 2026-04-20; day 15 is Tuesday 2026-05-05, in the 劳动节 holiday,
    # so payment is due on Wednesday 2026-05-06.
    assert rules.due("payment", date(2026, 4, 20)).date == date(2026, 5, 6)


def test_seizure_lasts_thirty_days_and_may_be_extended_once_by_thirty():
    # 行政强制法 第二十五条 (over ten days, so calendar days, 第六十九条).
    first = rules.due("seizure", date(2026, 6, 1))
    assert first.date == date(2026, 7, 1)
    assert rules.due("seizure_extension", first.date).date == date(2026, 7, 31)


def test_a_seizure_period_is_a_ceiling_never_moved_off_a_rest_day():
    # Sealed on 1 September: the thirtieth day is 1 October, a holiday; the seizure still ends that day (the
    # move to the next working day protects the party's time to act, not the agency's power: 强制法 第二十五条).
    assert rules.due("seizure", date(2026, 9, 1)).date == date(2026, 10, 1)
    end = rules.natural_end("seizure", date(2026, 9, 1))
    assert end == date(2026, 10, 1)
    # The extension's thirty days end on 31 October, a Saturday, not on Monday 2 November.
    assert rules.due("seizure_extension", end).date == date(2026, 10, 31)
    # A period of the party's own (the payment) still moves off a rest day.
    assert rules.due("payment", date(2026, 9, 16)).date == date(2026, 10, 8)


def test_periods_in_months_end_on_the_same_day_of_the_month():
    # 行政诉讼法 第四十六条: six months from 2026-02-27 end on 2026-08-27 (a Thursday).
    assert rules.due("litigation", date(2026, 2, 27)).date == date(2026, 8, 27)
    # 行政强制法 第五十三条: three months from 2026-08-31 end on 2026-11-30 (no 31 November).
    assert rules.due("court_application", date(2026, 8, 31)).date == date(2026, 11, 30)


def test_a_period_into_a_year_without_holiday_data_is_provisional():
    deadline = rules.due("decision", date(2026, 12, 1))
    assert deadline.date.year == 2027
    assert deadline.provisional


def test_a_hearing_is_at_least_seven_working_days_after_the_notice():
    # 行政处罚法 第六十四条第二项: notified Wednesday 2026-09-30; working days 10-08, 10-09, 10-10 (adjusted),
    # 10-12, 10-13, 10-14, 10-15.
    assert rules.earliest_hearing(date(2026, 9, 30)).date == date(2026, 10, 15)


@pytest.mark.parametrize(
    ("ended", "discovered", "grave", "barred"),
    [
        (date(2024, 3, 1), date(2026, 3, 1), False, False),  # the last day of two years
        (date(2024, 3, 1), date(2026, 3, 2), False, True),
        (date(2024, 2, 29), date(2026, 2, 28), False, False),  # no 29 February in 2026
        (date(2024, 2, 29), date(2026, 3, 1), False, True),
        (date(2022, 3, 1), date(2026, 3, 2), True, False),  # harm to life, health or financial security
        (date(2021, 3, 1), date(2026, 3, 2), True, True),
    ],
)
def test_prescription_is_two_years_or_five_when_grave(ended, discovered, grave, barred):
    # 行政处罚法 第三十六条
    problem = rules.prescription_problem(ended, discovered, grave=grave)
    assert (problem is not None) is barred
    if barred:
        assert "第三十六条" in str(problem)


@pytest.mark.parametrize(
    ("ended", "discovered", "harm", "barred", "source"),
    [
        # From 2026-08-15 an ecology act that caused pollution or ecological damage stays punishable five years.
        (date(2026, 8, 15), date(2031, 8, 15), True, False, "生态环境法典 第一千零五十四条"),
        (date(2026, 8, 15), date(2031, 8, 16), True, True, "生态环境法典 第一千零五十四条"),
        (date(2026, 9, 1), date(2028, 9, 2), False, True, "生态环境法典 第一千零五十四条"),
        # An act that ended the day before keeps the 处罚法's rule, lighter for the party (从旧兼从轻): pollution
        # without harm to life, health or financial security is barred after two years.
        (date(2026, 8, 14), date(2028, 8, 15), False, True, "行政处罚法 第三十六条"),
    ],
)
def test_ecology_prescription_follows_the_code_for_acts_from_its_day(ended, discovered, harm, barred, source):
    assert rules.prescription("ecology", ended).source == source
    problem = rules.prescription_problem(ended, discovered, grave=harm, domain="ecology")
    assert (problem is not None) is barred
    if barred:
        assert source in str(problem)


def test_other_domains_keep_the_penalty_laws_prescription_after_the_codes_day():
    assert rules.prescription("forestry", date(2027, 1, 1)).source == "行政处罚法 第三十六条"
    assert rules.prescription_problem(date(2027, 1, 1), date(2030, 1, 2), grave=True, domain="forestry") is None


def test_discovery_before_the_act_ended_is_refused():
    assert rules.prescription_problem(date(2026, 5, 1), date(2026, 4, 1)) is not None


@pytest.mark.parametrize(
    ("party", "fine", "allowed"),
    [
        (PartyKind.CITIZEN, None, True),  # a warning
        (PartyKind.CITIZEN, Decimal(200), True),  # "以下" includes the number
        (PartyKind.CITIZEN, Decimal("200.01"), False),
        (PartyKind.ORGANISATION, Decimal(3000), True),
        (PartyKind.ORGANISATION, Decimal(3001), False),
        (PartyKind.CITIZEN, Decimal(0), False),
    ],
)
def test_summary_procedure_fine_limits(party, fine, allowed):
    # 行政处罚法 第五十一条
    problem = rules.summary_procedure_problem(party, fine)
    assert (problem is None) is allowed


def test_on_the_spot_collection_limit():
    # 行政处罚法 第六十八条
    assert rules.on_the_spot_collection_problem(Decimal(100), hard_to_collect_later=False) is None
    assert "第六十八条" in str(rules.on_the_spot_collection_problem(Decimal(101), hard_to_collect_later=False))
    assert rules.on_the_spot_collection_problem(Decimal(500), hard_to_collect_later=True) is None


def test_the_late_fee_is_three_percent_a_day_capped_at_the_fine():
    # 行政处罚法 第七十二条: a 1,000-yuan fine due 2026-05-06.
    due = date(2026, 5, 6)
    assert rules.late_fee(Decimal(1000), due, due) == 0
    assert rules.late_fee(Decimal(1000), due, date(2026, 5, 7)) == Decimal("30.00")
    assert rules.late_fee(Decimal(1000), due, date(2026, 5, 16)) == Decimal("300.00")
    assert rules.late_fee(Decimal(1000), due, date(2026, 9, 1)) == Decimal(1000)  # never more than the fine
    # 第七十三条: days under reconsideration or litigation are not counted.
    assert rules.late_fee(Decimal(1000), due, date(2026, 5, 16), paused_days=8) == Decimal("60.00")


def test_every_kind_of_penalty_has_its_group_of_article_9_and_only_lighter_ones_may_be_added():
    from zhifa.cases.choices import PenaltyKind

    assert set(rules.PENALTY_GROUPS) == set(PenaltyKind.values)
    assert rules.added_kinds_not_lighter({"fine"}, {"warning"}) == set()
    assert rules.added_kinds_not_lighter({"fine"}, {"fine", "confiscate_gains"}) == {"confiscate_gains"}
    assert rules.added_kinds_not_lighter({"warning"}, {"fine"}) == {"fine"}
    assert rules.added_kinds_not_lighter({"revoke_licence"}, {"fine", "warning"}) == set()
