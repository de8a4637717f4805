"""Amounts, dates and counts written the way documents write them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from zhifa.documents.formatting import chinese_date, chinese_datetime, count_in_chinese, yuan, yuan_in_capitals


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("1500", "壹仟伍佰元整"),
        ("1500.00", "壹仟伍佰元整"),
        ("10", "壹拾元整"),  # 拾 always with its digit
        ("15", "壹拾伍元整"),
        ("200", "贰佰元整"),
        ("3000", "叁仟元整"),
        ("1005", "壹仟零伍元整"),  # one 零 for a run of zeros
        ("1409.50", "壹仟肆佰零玖元伍角整"),  # the rule's own example; 整 after 角 when nothing follows
        ("6007.14", "陆仟零柒元壹角肆分"),  # the rule's own example
        ("325.04", "叁佰贰拾伍元零肆分"),  # 零 before 分 when 角 is zero
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),  # the optional 零 after a zero 元 digit is not written
        ("107000.53", "壹拾万柒仟元伍角叁分"),  # ... nor after a zero 万 digit
        ("10010", "壹万零壹拾元整"),
        ("30001", "叁万零壹元整"),
        ("100000", "壹拾万元整"),
        ("1000000", "壹佰万元整"),
        ("100000001", "壹亿零壹元整"),
        ("200100000", "贰亿零壹拾万元整"),
        ("1001001001", "壹拾亿零壹佰万壹仟零壹元整"),
        ("0.50", "伍角整"),
        ("0.05", "伍分"),
        ("0", "零元整"),
    ],
)
def test_amounts_in_capitals_follow_the_rules_for_bills(amount, capitals):
    assert yuan_in_capitals(Decimal(amount)) == capitals


@pytest.mark.parametrize(
    ("amount", "written"),
    [("1500", "1,500.00元"), ("0.5", "0.50元"), ("200", "200.00元"), ("1234567.8", "1,234,567.80元")],
)
def test_amounts_in_figures_have_thousands_separators_and_two_decimals(amount, written):
    assert yuan(Decimal(amount)) == written


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("1.005"), Decimal("NaN"), Decimal(10) ** 12])
def test_amounts_that_no_document_may_print_are_refused(bad):
    with pytest.raises(ValueError, match="amount"):
        yuan_in_capitals(bad)


def test_an_amount_must_be_a_decimal_not_a_float():
    with pytest.raises(TypeError):
        yuan_in_capitals(1500.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (5, "五"),
        (10, "十"),
        (15, "十五"),
        (60, "六十"),
        (90, "九十"),
        (105, "一百零五"),
        (115, "一百一十五"),
        (1010, "一千零一十"),
    ],
)
def test_periods_are_counted_in_words_as_the_law_writes_them(number, words):
    assert count_in_chinese(number) == words


def test_dates_have_no_leading_zeros():
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert chinese_date(date(2026, 11, 23)) == "2026年11月23日"


def test_moments_are_written_in_china_time():
    utc_moment = datetime(2026, 11, 23, 1, 5, tzinfo=ZoneInfo("UTC"))
    assert chinese_datetime(utc_moment) == "2026年11月23日9时05分"
