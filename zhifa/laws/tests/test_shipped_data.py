"""The shipped data (zhifa/laws/data) against worked examples from the official texts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from zhifa.laws.assistant import propose
from zhifa.laws.choices import Tier
from zhifa.laws.lex_mitior import choose
from zhifa.laws.loader import load
from zhifa.laws.models import LegalProvision, Violation, ViolationRule, cite

CODE_DAY = date(2026, 8, 15)  # 生态环境法典 第一千二百四十二条
RESERVE_DAY = date(2026, 3, 15)  # 自然保护区条例（2026年修订）


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The shipped data loaded once for the module (its tests only read it), in a transaction rolled back after
    them; each test's own transaction nests inside it, as a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def shipped(_loaded_once: None, db: None) -> None:
    assert LegalProvision.objects.exists()


def _v(code: str) -> Violation:
    return Violation.objects.get(code=code)


def test_the_shipped_data_holds_the_issues_minimum(shipped: None) -> None:
    assert Violation.objects.count() >= 30
    domains = set(Violation.objects.values_list("domain", flat=True))
    assert {"forestry", "nature_reserve", "ecology"} <= domains
    # Every ecology violation of a repealed law keeps the old rule for acts before the code.
    for violation in Violation.objects.filter(domain="ecology"):
        days = [(rule.effective_from, rule.effective_to) for rule in violation.rules.all()]
        assert any(end == date(2026, 8, 14) for _, end in days), violation.code
        assert any(start == CODE_DAY for start, _ in days), violation.code


def test_excess_discharge_before_on_and_across_the_code(shipped: None) -> None:
    violation = _v("ecology-water-excess-discharge")
    before = choose(violation, date(2026, 6, 1), date(2026, 7, 1), "organisation")
    assert "水污染防治法 第八十三条第一款第二项" in before.reason
    after = choose(violation, date(2026, 9, 1), date(2026, 9, 30), "organisation")
    assert "生态环境法典 第一千一百零七条" in after.reason
    # 100,000–1,000,000 under both: the code is not lighter, so the old law judges the act done before it.
    across = choose(violation, date(2026, 8, 1), date(2026, 9, 30), "organisation")
    assert across.rule == across.at_act
    assert across.rule is not None
    assert across.rule.effective_to == date(2026, 8, 14)


def test_hazardous_waste_storage_gets_the_lighter_code(shipped: None) -> None:
    # 固体废物污染环境防治法 第一百一十二条: 十万元以上一百万元以下; 法典 第一千一百七十五条: 五万元以上二十万元以下.
    across = choose(_v("ecology-hazardous-waste-open-storage"), date(2026, 7, 20), date(2026, 9, 10), "organisation")
    assert across.rule == across.at_decision
    assert across.rule is not None
    assert (across.rule.fine_min, across.rule.fine_max) == (Decimal(50000), Decimal(200000))
    assert "新的规定处罚较轻" in across.reason


def test_entering_the_core_zone_before_the_revision_keeps_the_2017_fine(shipped: None) -> None:
    # 2017: 一百元以上五千元以下 (第三十四条); 2026: up to 十万元 with confiscation — heavier, so not retroactive.
    across = choose(_v("reserve-enter-core-zone"), date(2026, 3, 1), date(2026, 4, 1))
    assert across.rule == across.at_act
    assert across.rule is not None
    assert across.rule.fine_max == 5000
    after = choose(_v("reserve-enter-core-zone"), RESERVE_DAY, date(2026, 4, 1))
    assert after.rule is not None
    assert after.rule.effective_from == RESERVE_DAY


def test_logging_value_times_the_multiples(shipped: None) -> None:
    # 森林法 第七十六条第二款: 滥伐林木价值三倍以上五倍以下的罚款; a tree value of 10,000 yuan.
    proposal = propose(
        _v("forestry-indiscriminate-logging"),
        act_date=date(2025, 4, 1),
        decided_on=date(2025, 5, 1),
        base=Decimal(10000),
    )
    assert proposal.tier == Tier.ORDINARY
    assert proposal.fine_min is not None
    assert proposal.fine_max is not None
    assert Decimal(30000) <= proposal.fine_min < proposal.fine_max <= Decimal(50000)
    assert proposal.penalty_basis == "森林法 第七十六条第二款"
    assert proposal.legal_basis == "森林法 第五十六条第一款"


def test_every_shipped_rule_cites_provisions_in_force_on_its_first_day(shipped: None) -> None:
    for rule in ViolationRule.objects.prefetch_related("penalises__version"):
        for provision in rule.penalises.all():
            assert provision.version.in_force(rule.effective_from), (rule, provision)


def test_a_paragraph_is_not_cited_beside_its_own_item(shipped: None) -> None:
    rule = ViolationRule.objects.get(violation__code="ecology-water-excess-discharge", effective_from=date(2018, 1, 1))
    provisions: list[LegalProvision] = list(rule.penalises.all())
    assert cite(provisions) == "水污染防治法 第八十三条第一款第二项"
