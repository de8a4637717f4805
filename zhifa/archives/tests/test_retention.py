"""The retention period of a case file: by kind, the version in force on the day the file was archived, inherited
from the agencies above, and the national default (国家档案局令第8号) at the top."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.archives import retention
from zhifa.archives.choices import RetentionKind
from zhifa.archives.retention import NATIONAL, case_kind, in_force, retention_add
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger

# Each test sets its own day (conftest._on_the_test_day): a moved clock would run the same test again.
pytestmark = [pytest.mark.django_db, pytest.mark.dateless]


def test_the_national_default_is_order_no_8s_tiers(world):
    assert in_force(world.branch, RetentionKind.ORDINARY, date(2026, 1, 1)) == NATIONAL[RetentionKind.ORDINARY]
    assert NATIONAL[RetentionKind.ORDINARY].label == "定期30年"
    assert NATIONAL[RetentionKind.SUMMARY].label == "定期10年"
    assert NATIONAL[RetentionKind.MAJOR].label == "永久"
    assert all("国家档案局令第8号" in rule.source for rule in NATIONAL.values())


def test_the_version_in_force_on_the_day_and_inherited_from_above(world):
    admin = world.admin
    retention_add(
        actor=admin,
        agency=world.bureau,
        kind="ordinary",
        years=20,
        effective_from=date(2025, 1, 1),
        source="测试省规定",
    )
    retention_add(
        actor=admin, agency=world.bureau, kind="ordinary", years=None, effective_from=date(2026, 6, 1), source="新规定"
    )
    # The branch has none of its own: the bureau's version in force on the day.
    assert in_force(world.branch, "ordinary", date(2024, 12, 31)) == NATIONAL[RetentionKind.ORDINARY]
    assert in_force(world.branch, "ordinary", date(2026, 5, 31)).years == 20
    later = in_force(world.branch, "ordinary", date(2026, 6, 1))
    assert (later.years, later.label, later.source, later.agency) == (None, "永久", "新规定", world.bureau)
    # The branch's own version wins over the bureau's from its date; other kinds keep the default.
    retention_add(
        actor=admin, agency=world.branch, kind="ordinary", years=15, effective_from=date(2026, 7, 1), source="分局细则"
    )
    assert in_force(world.branch, "ordinary", date(2026, 7, 1)).years == 15
    assert in_force(world.sibling, "ordinary", date(2026, 7, 1)).years is None
    assert in_force(world.branch, "summary", date(2026, 7, 1)) == NATIONAL[RetentionKind.SUMMARY]
    assert in_force(world.elsewhere, "ordinary", date(2026, 7, 1)) == NATIONAL[RetentionKind.ORDINARY]
    assert Entry.objects.filter(action="archives.retention_add").count() == 3
    assert verify_ledger().ok


def test_only_an_administrator_over_the_agency_sets_it_and_names_its_source(world):
    with pytest.raises(Refusal, match="只有"):
        retention_add(
            actor=world.officer_user,
            agency=world.branch,
            kind="ordinary",
            years=10,
            effective_from=date(2026, 1, 1),
            source="x",
        )
    with pytest.raises(Refusal, match="依据"):
        retention_add(
            actor=world.admin,
            agency=world.branch,
            kind="ordinary",
            years=10,
            effective_from=date(2026, 1, 1),
            source=" ",
        )
    with pytest.raises(Refusal):
        retention_add(
            actor=world.admin,
            agency=world.branch,
            kind="ordinary",
            years=0,
            effective_from=date(2026, 1, 1),
            source="x",
        )


def test_an_archived_case_keeps_the_period_in_force_on_its_archiving_day(archived, world):
    assert case_kind(archived) == RetentionKind.ORDINARY
    assert retention.of_case(archived) == NATIONAL[RetentionKind.ORDINARY]
    # A rule made after the file was archived (26 January 2026) does not change its period.
    retention_add(
        actor=world.admin, agency=world.bureau, kind="ordinary", years=50, effective_from=date(2026, 2, 1), source="新"
    )
    assert retention.of_case(archived).years == 30
    assert NATIONAL[RetentionKind.ORDINARY].until(date(2026, 1, 26)) == date(2056, 12, 31)
    archive = archived.records.get(action="archive")
    assert archive.data["retention"]["period"] == "定期30年"
    assert len(archive.data["catalogue"]) > 10


def test_the_retention_page_shows_the_periods_in_force_and_lets_the_administrator_set_one(world, client):
    client.force_login(world.officer_user)
    page = client.get(f"/archives/retention/{world.branch.pk}/").content.decode()
    assert "定期30年" in page
    assert "国家默认" in page
    assert "设置保管期限" not in page  # an officer reads, the administrator sets
    assert client.post(f"/archives/retention/{world.branch.pk}/", {}).status_code == 404
    client.force_login(world.outsider)
    assert client.get(f"/archives/retention/{world.branch.pk}/").status_code == 404

    client.force_login(world.admin)
    data = {"kind": "summary", "years": "15", "effective_from": "2026-01-01", "source": "某省行政执法案卷保管期限表"}
    assert client.post(f"/archives/retention/{world.bureau.pk}/", data).status_code == 302
    answer = client.post(f"/archives/retention/{world.bureau.pk}/", {**data, "years": "300"})
    assert "years" in answer.content.decode()  # bounded: refused on the field, nothing saved
    assert in_force(world.branch, RetentionKind.SUMMARY, date(2026, 6, 1)).years == 15
    page = client.get(f"/archives/retention/{world.branch.pk}/").content.decode()
    assert f"沿用{world.bureau.name}的规定" in page
    assert Entry.objects.filter(action="archives.retention_add").count() == 1
