"""A party under 14 on the act's date is not punished; one from 14 to under 18 is punished lighter or less and
the reasons say so (行政处罚法 第三十条); whoever is not punished is educated, and the file says how (第三十三条)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhifa.cases import rules
from zhifa.cases.tests.desk import Desk
from zhifa.core.validators import resident_id_check_char
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db


def resident_id(born: str) -> str:
    first17 = f"150102{born}123"
    return first17 + resident_id_check_char(first17)


REPORT = {
    "facts_found": "在林区违规野外用火",
    "legal_basis": "森林防火条例 第五十条",
    "penalty_basis": "森林防火条例 第五十条",
    "penalty_kinds": ["fine"],
    "fine": Decimal(200),
    "penalty_text": "罚款二百元",
    "discretion_reasons": "一般情节，按裁量基准处罚",
}


@pytest.fixture
def desk(world, evidence, time_machine):
    time_machine.move_to(at(TODAY))
    return Desk(world, evidence)


def test_age_is_read_from_the_resident_id_on_the_acts_date():
    assert rules.age_on(resident_id("20101102"), date(2026, 11, 1)) == 15
    assert rules.age_on(resident_id("20101102"), date(2026, 11, 2)) == 16
    assert rules.age_on("15010219800101", date(2026, 11, 1)) is None  # no 18-digit number


def test_a_party_from_14_to_18_is_punished_lighter_and_the_reasons_say_so(desk):
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1), party_id_number=resident_id("20100501"))
    desk.investigate(date(2026, 11, 3))
    refusal = desk.refused("report", date(2026, 11, 4), **REPORT)
    assert (refusal.field, refusal.rule) == ("discretion_reasons", "行政处罚法 第三十条")
    assert "已满十四周岁不满十八周岁" in refusal.message
    desk("report", date(2026, 11, 4), **{**REPORT, "discretion_reasons": "当事人系未成年人，依法从轻处罚"})


def test_no_penalty_is_proposed_for_a_party_under_14(desk):
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1), party_id_number=resident_id("20140101"))
    desk.investigate(date(2026, 11, 3))
    lighter = {**REPORT, "discretion_reasons": "当事人系未成年人，依法从轻处罚"}
    refusal = desk.refused("report", date(2026, 11, 4), **lighter)
    assert (refusal.field, refusal.rule) == ("penalty_kinds", "行政处罚法 第三十条")
    assert "不满十四周岁，不予行政处罚，应责令其监护人加以管教" in refusal.message
