"""The discretion assistant: the tier from the facts chosen, the range, the citations and the reasoning paragraph."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from zhifa.laws.assistant import Proposal, propose
from zhifa.laws.choices import Tier
from zhifa.laws.loader import load
from zhifa.laws.models import Violation

DATA = Path(__file__).parent / "data"


@pytest.fixture
def laws(db: None) -> None:
    load(DATA)


def _propose(code: str, **kwargs: object) -> Proposal:
    defaults: dict[str, object] = {"act_date": date(2026, 5, 1), "decided_on": date(2026, 6, 1)}
    return propose(Violation.objects.get(code=code), **{**defaults, **kwargs})  # type: ignore[arg-type]


def test_no_circumstance_gives_the_ordinary_tier(laws: None) -> None:
    proposal = _propose("ecology-water-excess-discharge", party_kind="organisation")
    assert proposal.tier == Tier.ORDINARY
    assert (proposal.fine_min, proposal.fine_max) == (Decimal(400000), Decimal(700000))


def test_a_lighter_condition_gives_the_lighter_tier_and_cites_the_rule(laws: None) -> None:
    proposal = _propose("ecology-water-excess-discharge", chosen=["lighter:0"], factor_codes=["confessed"])
    assert proposal.tier == Tier.LIGHTER
    assert proposal.range_text == "100,000至400,000元"
    paragraph = proposal.paragraph
    assert proposal.legal_basis == "水污染防治法 第十条"
    assert proposal.penalty_basis == "水污染防治法 第八十三条第二项"
    assert "行政处罚法 第三十二条第三项" in paragraph
    assert "适用“从轻”档" in paragraph


def test_heavier_and_lighter_together_give_the_ordinary_tier(laws: None) -> None:
    proposal = _propose("ecology-water-excess-discharge", chosen=["heavier:0", "lighter:1"])
    assert proposal.tier == Tier.ORDINARY
    assert "综合考量" in proposal.paragraph


def test_a_heavier_condition_adds_the_heavier_tiers_kinds(laws: None) -> None:
    proposal = _propose("ecology-water-excess-discharge", chosen=["heavier:1"])
    assert proposal.tier == Tier.HEAVIER
    assert proposal.kinds == ["fine", "stop_production"]


def test_a_multiple_becomes_yuan_with_the_base(laws: None) -> None:
    proposal = _propose(
        "forestry-indiscriminate-logging", chosen=["heavier:0"], base=Decimal(20000), act_date=date(2025, 3, 1)
    )
    assert (proposal.fine_min, proposal.fine_max) == (Decimal(86000), Decimal(100000))
    without = _propose("forestry-indiscriminate-logging", act_date=date(2025, 3, 1))
    assert without.range_text == "3.6至4.3倍（滥伐林木价值）"


def test_a_ground_of_article_33_proposes_no_penalty(laws: None) -> None:
    proposal = _propose("forestry-indiscriminate-logging", factor_codes=["minor_corrected"], act_date=date(2025, 3, 1))
    assert proposal.tier == Tier.NO_PENALTY
    assert proposal.kinds == []
    assert "行政处罚法 第三十三条第一款" in proposal.citations
    assert "不予行政处罚" in proposal.paragraph


def test_a_penalty_outside_the_proposal_is_named(laws: None) -> None:
    proposal = _propose("ecology-water-excess-discharge", chosen=["lighter:0"])
    assert proposal.departs(["fine"], Decimal(300000)) == []
    found = proposal.departs(["fine", "stop_production"], Decimal(500000))
    assert found == ["处罚种类“责令停产停业”不在“从轻”档内", "罚款 500,000元 不在建议幅度 100,000至400,000元 内"]


def test_across_the_change_the_paragraph_says_which_law_and_why(laws: None) -> None:
    proposal = _propose("ecology-made-lighter", act_date=date(2026, 8, 1), decided_on=date(2026, 9, 1))
    paragraph = proposal.paragraph
    assert proposal.penalty_basis == "生态环境法典 第一千一百九十条"
    assert "行为时的规定为 水污染防治法 第九十条" in paragraph
    assert "新的规定处罚较轻" in paragraph
    assert "生态环境法典 第一千零五十七条" in proposal.citations
