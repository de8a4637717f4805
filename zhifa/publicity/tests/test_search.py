"""Public decision search (search.py): what it finds, in which order, in which pages, and what it counts.

Fixture shortcut: the decisions here are Publication rows saved directly (`_publish`), not through
`publication_publish` — that service renders and stamps a PDF per decision, and these tests need dozens of rows
whose only interesting parts are the searched fields. search_text is made by `index_text`, as the service makes it.
The same tests run on PostgreSQL (`python -m zhifa.testing.postgres`): the answers must be the same on both.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from zhifa.cases.models import Case
from zhifa.core.choices import AgencyKind
from zhifa.core.models import Agency
from zhifa.publicity import search as searching
from zhifa.publicity.choices import PublicationState
from zhifa.publicity.models import Publication
from zhifa.publicity.search import Search, filter_tokens, index_text, index_words, query_words, search
from zhifa.testing.factories import make_agency, make_user

pytestmark = [pytest.mark.django_db]

TODAY = date(2027, 1, 15)
_entries = count(1)


class Tree:
    """A province with a city and its two counties, and another province: the agency filter's subtrees."""

    def __init__(self) -> None:
        self.province = make_agency("东川省林业和草原局")
        self.city = make_agency("东川省第一市林业局", self.province, kind=AgencyKind.BRANCH)
        self.county = make_agency("东川省第一市甲县林业局", self.city, kind=AgencyKind.BRANCH)
        self.other_county = make_agency("东川省第一市乙县林业局", self.city, kind=AgencyKind.BRANCH)
        self.elsewhere = make_agency("西岭省林业和草原局")
        self.user = make_user("search-fixture", self.province)
        self.case = Case.objects.create(
            agency=self.county,
            domain="forestry",
            state="closed",
            title="公示查询测试案件",
            lead_source="inspection",
            lead_summary="公示查询测试",
            received_on=date(2026, 1, 5),
            created_by=self.user,
        )


@pytest.fixture
def tree() -> Tree:
    return Tree()


def _publish(
    tree: Tree,
    facts: str,
    *,
    agency: Agency | None = None,
    decided_on: date = date(2026, 6, 1),
    fine: Decimal | None = Decimal(1000),
    violation_code: str = "FOR-001",
    state: str = PublicationState.PUBLISHED,
    display_until: date | None = None,
) -> Publication:
    """One decision as the public reads it, saved directly (the fixture shortcut of the module docstring)."""
    entry = next(_entries)
    agency = agency or tree.county
    withdrawn = state == PublicationState.WITHDRAWN
    return Publication.objects.create(
        case=tree.case,
        agency=agency,
        decision_entry=entry,
        decision_class="penalty",
        decided_on=decided_on,
        due_on=decided_on + timedelta(days=9),
        state=state,
        number=f"测罚决字〔{decided_on.year}〕第{entry}号",
        party_kind="organization",
        party="青山木业有限公司",
        violation="滥伐林木",
        violation_code=violation_code,
        facts=facts,
        outcome=f"罚款{fine}元" if fine is not None else "警告",
        fine=fine,
        search_text=index_text(
            "滥伐林木",
            "青山木业有限公司",
            facts,
            agency.name,
            agency_path=agency.path,
            decided_on=decided_on,
            fine=fine,
            violation_code=violation_code,
        ),
        published_on=decided_on + timedelta(days=5),
        display_until=display_until or decided_on + timedelta(days=3 * 365),
        withdrawal_reason="revoked" if withdrawn else "",
        withdrawn_on=decided_on + timedelta(days=40) if withdrawn else None,
        entry_index=entry,
        created_by=tree.user,
    )


def _ids(asked: Search, page: int = 1) -> list[int]:
    return [row.pk for row in search(asked, today=TODAY, page=page).rows]


# Each way SQLite answers (search._sqlite_ids): few matches sorted by their ids with a small subtree's rows;
# many matches along the listing in chunks, each read in its id range or asked id by id. Same answers each way.
@pytest.fixture(params=["few", "many", "one by one"])
def matches_way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param != "few":
        monkeypatch.setattr(searching, "FEW_MATCHES", 1)
        monkeypatch.setattr(searching, "FIRST_CHUNK", 2)
        monkeypatch.setattr(searching, "SMALL_SUBTREE", 0)
        monkeypatch.setattr(searching, "ONE_BY_ONE", 0 if request.param == "one by one" else 10**9)
    return str(request.param)


def test_every_word_must_occur(tree: Tree, matches_way: str) -> None:
    both = _publish(tree, "在黑鹳栖息地盗伐红松3株")
    one = _publish(tree, "在卧龙潭盗伐红松5株", decided_on=date(2026, 6, 2))
    _publish(tree, "在卧龙潭开垦草原")
    assert _ids(Search(text="红松 黑鹳")) == [both.pk]
    assert _ids(Search(text="盗伐红松")) == [one.pk, both.pk]
    assert _ids(Search(text="紫貂")) == []
    assert search(Search(text="，。"), today=TODAY).count == 0  # no word in it: nothing, not everything


def test_the_agency_filter_takes_the_agencies_below(tree: Tree, matches_way: str) -> None:
    at_county = _publish(tree, "盗伐红松", agency=tree.county)
    at_other = _publish(tree, "盗伐红松", agency=tree.other_county)
    at_city = _publish(tree, "盗伐红松", agency=tree.city)
    elsewhere = _publish(tree, "盗伐红松", agency=tree.elsewhere)
    for text in ("", "红松"):
        assert sorted(_ids(Search(text=text, agency=tree.province))) == [at_county.pk, at_other.pk, at_city.pk]
        assert sorted(_ids(Search(text=text, agency=tree.city))) == [at_county.pk, at_other.pk, at_city.pk]
        assert _ids(Search(text=text, agency=tree.county)) == [at_county.pk]
        assert _ids(Search(text=text, agency=tree.elsewhere)) == [elsewhere.pk]


def test_violation_dates_and_fines_bound_inclusively(tree: Tree, matches_way: str) -> None:
    early = _publish(tree, "盗伐红松", decided_on=date(2026, 3, 1), fine=Decimal("500.00"))
    middle = _publish(tree, "盗伐红松", decided_on=date(2026, 3, 15), fine=Decimal("2000.50"), violation_code="FOR-9")
    late = _publish(tree, "盗伐红松", decided_on=date(2026, 3, 31), fine=None)
    for text in ("", "红松"):
        assert _ids(Search(text=text, violation="FOR-9")) == [middle.pk]
        quarter = Search(text=text, decided_from=date(2026, 3, 1), decided_to=date(2026, 3, 15))
        assert _ids(quarter) == [middle.pk, early.pk]
        assert _ids(Search(text=text, decided_from=date(2026, 3, 16))) == [late.pk]
        assert _ids(Search(text=text, fine_from=Decimal(500), fine_to=Decimal("2000.50"))) == [middle.pk, early.pk]
        assert _ids(Search(text=text, fine_from=Decimal("2000.51"))) == []  # no fine is not a fine in range
        assert _ids(Search(text=text, fine_to=Decimal("499.99"))) == []


def test_withdrawn_and_expired_decisions_are_not_found(tree: Tree, matches_way: str) -> None:
    shown = _publish(tree, "盗伐红松")
    _publish(tree, "盗伐红松", state=PublicationState.WITHDRAWN)
    _publish(tree, "盗伐红松", display_until=TODAY - timedelta(days=1))
    last_day = _publish(tree, "盗伐红松", display_until=TODAY)
    for text in ("", "红松"):
        results = search(Search(text=text), today=TODAY)
        assert [row.pk for row in results.rows] == [last_day.pk, shown.pk]
        assert (results.count, results.more_than_counted, results.has_next) == (2, False, False)


def test_pages_follow_one_stable_order_and_the_count_stops_at_its_limit(
    tree: Tree, matches_way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searching, "PAGE_SIZE", 2)
    monkeypatch.setattr(searching, "COUNT_LIMIT", 6)
    days = [date(2026, 5, 1), date(2026, 5, 3), date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)] * 2
    made = [_publish(tree, "盗伐红松", decided_on=day) for day in days]
    _publish(tree, "开垦草原", decided_on=date(2026, 5, 4))  # newest, but not a match
    expected = [p.pk for p in sorted(made, key=lambda p: (p.decided_on, p.pk), reverse=True)]
    page: Callable[[int], Any] = lambda n: search(Search(text="红松"), today=TODAY, page=n)  # noqa: E731
    first, second, third = page(1), page(2), page(3)
    assert [r.pk for r in first.rows + second.rows + third.rows] == expected[:6]
    assert (first.count, first.more_than_counted, first.has_next) == (6, True, True)
    assert third.has_next  # a seventh match exists beyond the counted six
    assert page(9).page == 3  # a page beyond the counted ones is the last counted page
    assert [r.agency.name for r in first.rows] == [tree.county.name] * 2

    monkeypatch.setattr(searching, "COUNT_LIMIT", 10)
    last = search(Search(text="红松"), today=TODAY, page=5)
    assert ([r.pk for r in last.rows], last.count, last.more_than_counted, last.has_next) == (
        expected[8:],
        10,
        False,
        False,
    )


def test_filters_narrow_through_tokens_across_months_years_and_bands(tree: Tree, matches_way: str) -> None:
    # The index holds a decision's filter tokens; a search asks for them but bounds dates and fines exactly.
    days = [date(2024, 12, 31), date(2025, 1, 15), date(2025, 6, 30), date(2026, 2, 14), date(2026, 2, 15)]
    by_day = {day: _publish(tree, "盗伐红松", decided_on=day, fine=None).pk for day in days}
    span = Search(text="红松", decided_from=date(2024, 12, 31), decided_to=date(2026, 2, 14))
    assert _ids(span) == [by_day[day] for day in reversed(days[:4])]
    inner = Search(text="红松", decided_from=date(2025, 1, 16), decided_to=date(2026, 2, 15))
    assert _ids(inner) == [by_day[date(2026, 2, 15)], by_day[date(2026, 2, 14)], by_day[date(2025, 6, 30)]]

    fines = ["0.50", "1", "199.99", "200", "4999", "5000", "12000"]
    by_fine = {fine: _publish(tree, "滥伐杨树", decided_on=date(2026, 7, 1), fine=Decimal(fine)).pk for fine in fines}

    def fined(low: str | None, high: str | None) -> list[int]:
        asked = Search(
            text="杨树",
            fine_from=Decimal(low) if low else None,
            fine_to=Decimal(high) if high else None,
        )
        return sorted(_ids(asked))

    assert fined("0.5", "200") == sorted(by_fine[f] for f in ["0.50", "1", "199.99", "200"])
    assert fined("200", "5000") == sorted(by_fine[f] for f in ["200", "4999", "5000"])
    assert fined("4999.5", None) == sorted(by_fine[f] for f in ["5000", "12000"])
    assert fined(None, "0.99") == [by_fine["0.50"]]

    odd = _publish(tree, "滥伐杨树", violation_code="林/违-01 甲")
    assert _ids(Search(text="杨树", violation="林/违-01 甲")) == [odd.pk]
    assert _ids(Search(text="杨树", violation="林/违-01")) == []


def test_a_word_that_could_be_a_filter_token_finds_nothing(tree: Tree) -> None:
    made = _publish(tree, "盗伐红松 zfag1 ZFym202606")
    tokens = filter_tokens(
        agency_path=tree.county.path, decided_on=date(2026, 6, 1), fine=Decimal(1000), violation_code="FOR-001"
    )
    stored = made.search_text.split()
    assert stored[-len(tokens) :] == tokens
    assert not [word for word in stored[: -len(tokens)] if word.startswith("zf")]  # the text's own: not indexed
    for text in (f"zfag{tree.county.pk}", "红松 zfy2026", "ＺＦｙ2026", "红松 zfym202606"):
        assert search(Search(text=text), today=TODAY).count == 0
    assert _ids(Search(text="红松")) == [made.pk]


def test_migration_0005_appends_the_tokens_to_stored_words_and_takes_them_away(tree: Tree) -> None:
    made = _publish(tree, "盗伐红松", decided_on=date(2025, 11, 3), fine=Decimal("2500"))
    tokened = made.search_text
    old = index_words("滥伐林木", "青山木业有限公司", "盗伐红松", tree.county.name)
    Publication.objects.filter(pk=made.pk).update(search_text=old)
    migration = importlib.import_module("zhifa.publicity.migrations.0005_search_filter_tokens")
    editor = SimpleNamespace(connection=connection)  # all the migration uses of its schema editor
    migration.add_tokens(apps, editor)
    made.refresh_from_db()
    assert made.search_text == tokened
    assert _ids(Search(text="红松", agency=tree.city, decided_from=date(2025, 11, 3), decided_to=date(2025, 11, 3)))
    migration.remove_tokens(apps, editor)
    made.refresh_from_db()
    assert made.search_text == old


def test_the_parts_of_a_longer_query_word_are_implied_by_it(tree: Tree, matches_way: str) -> None:
    whole = _publish(tree, "在自然保护区内滥伐林木")
    _publish(tree, "破坏自然景观，保护区管理处发现")  # the parts, apart, without the longer word
    assert query_words("自然保护区") == ["自然保护区"]
    assert query_words("保护区 自然保护区") == ["自然保护区"]
    assert _ids(Search(text="自然保护区")) == [whole.pk]
    assert _ids(Search(text="保护区 自然保护区")) == [whole.pk]
