"""Publication and withdrawal periods across the 2026 holidays, counted by hand from the State Council's notice
(国办发明电〔2025〕7号: Spring Festival 15–23 February with 14 and 28 February worked; National Day 1–7 October
with 20 September and 10 October worked)."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.publicity import rules
from zhifa.publicity.choices import DecisionClass

pytestmark = pytest.mark.django_db


def test_a_penalty_decided_before_spring_festival_is_due_on_the_worked_saturday_after_it():
    # 13 Feb, Sat 14 Feb (worked), 24, 25, 26, 27 Feb, Sat 28 Feb (worked): the seventh working day.
    assert rules.publication_due(DecisionClass.PENALTY, date(2026, 2, 12)).date == date(2026, 2, 28)


def test_a_penalty_decided_before_national_day_is_due_seven_working_days_later():
    # 28, 29, 30 Sep, 8, 9 Oct, Sat 10 Oct (worked), 12 Oct.
    assert rules.publication_due(DecisionClass.PENALTY, date(2026, 9, 25)).date == date(2026, 10, 12)


def test_another_decision_is_due_twenty_working_days_later():
    assert rules.publication_due(DecisionClass.OTHER, date(2026, 9, 25)).date == date(2026, 10, 29)


def test_a_withdrawal_is_due_three_working_days_after_the_revocation():
    # Revoked on 30 Sep: 8, 9 and Sat 10 Oct (worked).
    assert rules.WITHDRAWAL.due(date(2026, 9, 30)).date == date(2026, 10, 10)
