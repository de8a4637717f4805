"""Loading the legal data, and 从旧兼从轻 on acts before, after and across a change of law (test data folder)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from zhifa.core.errors import Refusal
from zhifa.laws.lex_mitior import choose
from zhifa.laws.loader import LoadError, load
from zhifa.laws.models import LegalProvision, Violation, ViolationRule
from zhifa.laws.numerals import article_citation, chinese_number
from zhifa.ledger.models import Entry

DATA = Path(__file__).parent / "data"
CHANGE = date(2026, 8, 15)


@pytest.mark.parametrize(
    ("n", "words"),
    [(1, "一"), (10, "十"), (15, "十五"), (76, "七十六"), (101, "一百零一"), (110, "一百一十"), (1057, "一千零五十七"),
     (1107, "一千一百零七"), (1242, "一千二百四十二")],
)  # fmt: skip
def test_article_numbers_read_as_statutes_write_them(n: int, words: str) -> None:
    assert chinese_number(n) == words


def test_a_citation_names_article_paragraph_and_item() -> None:
    assert article_citation(83, 0, 2) == "第八十三条第二项"
    assert article_citation(76, 2) == "第七十六条第二款"


@pytest.fixture
def laws(db: None) -> None:
    load(DATA)


def test_loading_is_recorded_once_and_again_changes_nothing(db: None) -> None:
    first = load(DATA)
    assert first.added > 0
    assert Entry.objects.filter(action="laws.load").count() == 1
    again = load(DATA)
    assert (again.added, again.changed) == (0, [])
    assert Entry.objects.filter(action="laws.load").count() == 1
    successor = LegalProvision.objects.get(version__text__code="water-law", article=83).successor
    assert successor is not None
    assert successor.citation == "生态环境法典 第一千一百零七条第一款"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_a_reference_that_does_not_resolve_refuses_the_whole_load(db: None, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "violations" / "forestry.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("76.2", "77.2"), encoding="utf-8")
    with pytest.raises(LoadError, match=r"violations/forestry.toml.*forest-law@2020-07-01:77.2 不存在"):
        load(folder)
    assert not Violation.objects.exists()
    assert not LegalProvision.objects.exists()


def test_a_tier_outside_the_legal_range_is_refused(db: None, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "violations" / "ecology.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("fine_max = 1000000\n\n  [[violations.rules]]",
                                                             "fine_max = 1200000\n\n  [[violations.rules]]", 1),
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(LoadError, match=r"从重.*超出法定幅度"):
        load(folder)


def test_tiers_must_cover_the_range_without_gaps(db: None, tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "violations" / "forestry.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("fine_min = 4.3", "fine_min = 4.5"), encoding="utf-8")
    with pytest.raises(LoadError, match="首尾相接"):
        load(folder)


def _violation(code: str) -> Violation:
    return Violation.objects.get(code=code)


def test_an_act_and_decision_before_the_change_use_the_old_law(laws: None) -> None:
    choice = choose(_violation("ecology-water-excess-discharge"), date(2026, 5, 1), date(2026, 7, 1))
    assert choice.rule is not None
    assert choice.rule.effective_to == date(2026, 8, 14)
    assert not choice.spans_change


def test_an_act_after_the_change_uses_the_code(laws: None) -> None:
    choice = choose(_violation("ecology-water-excess-discharge"), date(2026, 9, 1), date(2026, 10, 1))
    assert choice.rule is not None
    assert choice.rule.effective_from == CHANGE
    assert "生态环境法典 第一千一百零七条第一款" in choice.reason


def test_across_the_change_an_equal_penalty_keeps_the_old_law(laws: None) -> None:
    choice = choose(_violation("ecology-water-excess-discharge"), date(2026, 8, 1), date(2026, 9, 20))
    assert choice.spans_change
    assert choice.rule == choice.at_act
    assert "不轻于行为时的规定" in choice.reason
    assert "生态环境法典 第一千零五十七条" in choice.reason


def test_across_the_change_a_lighter_new_law_applies(laws: None) -> None:
    choice = choose(_violation("ecology-made-lighter"), date(2026, 8, 1), date(2026, 9, 20))
    assert choice.rule == choice.at_decision
    assert choice.rule is not None
    assert choice.rule.fine_max == 50000
    assert "新的规定处罚较轻" in choice.reason
    assert "行政处罚法 第三十七条" in choice.reason


def test_an_act_no_longer_an_offence_is_not_punished(laws: None) -> None:
    choice = choose(_violation("ecology-repealed"), date(2026, 8, 1), date(2026, 9, 20))
    assert choice.rule is None
    assert "不予处罚" in choice.reason


def test_a_continuing_act_that_ended_after_the_change_is_judged_by_the_code(laws: None) -> None:
    # The act ran from July to September: its day is the day it ended (行政处罚法 第三十六条第二款).
    choice = choose(_violation("ecology-made-lighter"), date(2026, 9, 3), date(2026, 9, 20))
    assert choice.rule is not None
    assert choice.rule.effective_from == CHANGE
    assert not choice.spans_change


def test_no_rule_for_the_acts_day_is_refused_not_guessed(laws: None) -> None:
    with pytest.raises(Refusal, match="未载入2017年05月01日"):
        choose(_violation("ecology-water-excess-discharge"), date(2017, 5, 1), date(2026, 1, 1))


def test_the_organisation_range_is_used_for_a_firm(laws: None) -> None:
    rule = ViolationRule.objects.get(violation__code="ecology-made-lighter", effective_from=CHANGE)
    assert rule.fine_range("organisation") == (rule.fine_min, rule.fine_max)
