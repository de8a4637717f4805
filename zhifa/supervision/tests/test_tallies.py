"""The overview's kept counts (models/tallies.py): the database's triggers keep them equal to a count of the cases
through every kind of write — a save, a bulk insert, a queryset update moving a case to another agency or changing a
stage's date, a stage date cleared — and a migration that remakes the case table on SQLite gets them back."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from zhifa.cases.models import Case
from zhifa.supervision import tallies
from zhifa.supervision.models.tallies import CaseStageCount
from zhifa.supervision.overview import overview_for
from zhifa.supervision.tests.test_overview import case


def test_the_counts_follow_every_write_of_a_case(world: Any) -> None:
    one = case(world, "甲", received_on=date(2026, 3, 2), filed_on=date(2026, 3, 10), decided_on=date(2026, 4, 9))
    case(world, "乙", received_on=date(2026, 3, 5))
    Case.objects.bulk_create([Case(**_fields(world, "丙", date(2025, 12, 31)))])
    assert tallies.check() == []
    kept, _spans = tallies.kept()
    assert kept[(world.branch.pk, "received", 2026, 3)] == 2
    assert kept[(world.branch.pk, "received", 2025, 12)] == 1
    assert tallies.kept()[1] == {(world.branch.pk, 2026, 30): 1}

    one.closed_on = date(2026, 5, 6)  # a stage reached
    one.title = "甲（改）"
    one.save()
    Case.objects.filter(pk=one.pk).update(agency=world.sibling)  # moved to another agency
    Case.objects.filter(title="乙").update(received_on=date(2026, 4, 1), filed_on=date(2026, 4, 2))
    Case.objects.filter(pk=one.pk).update(decided_on=None)  # a decision struck out: its span goes too
    assert tallies.check() == []
    kept, spans = tallies.kept()
    assert kept[(world.branch.pk, "received", 2026, 3)] == 0
    assert kept[(world.sibling.pk, "received", 2026, 3)] == 1
    assert kept[(world.sibling.pk, "closed", 2026, 5)] == 1
    assert kept[(world.branch.pk, "filed", 2026, 4)] == 1
    assert sum(spans.values()) == 0

    CaseStageCount.objects.all().delete()  # a repair that bypassed the triggers: found, then recounted
    with pytest.raises(CommandError, match="不一致"):
        call_command("supervision", "tallies", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("supervision", "tallies", "--rebuild", stdout=io.StringIO())
    assert tallies.check() == []


def test_the_triggers_come_back_after_a_migration_remakes_the_case_table(world: Any) -> None:
    tallies.uninstall(connection)  # what SQLite's table remake does to them
    case(world, "无触发器时登记", received_on=date(2026, 6, 1))
    assert not tallies.installed()
    assert tallies.check()  # the case is not counted

    assert tallies.ensure_installed()
    assert tallies.installed()
    assert tallies.check() == []
    case(world, "之后登记", received_on=date(2026, 6, 2))
    assert tallies.kept()[0][(world.branch.pk, "received", 2026, 6)] == 2


def _fields(world: Any, title: str, received_on: date) -> dict[str, Any]:
    return {
        "agency": world.branch,
        "domain": "forestry",
        "state": "closed",
        "title": title,
        "lead_source": "inspection",
        "lead_summary": "巡查发现",
        "received_on": received_on,
        "created_by": world.admin,
    }


def test_the_overview_reads_median_and_90th_percentile_by_nearest_rank(world: Any) -> None:
    for days in (10, 20, 30, 40, 40, 90):  # ranks ⌈0.5·6⌉ = 3 → 30 days, ⌈0.9·6⌉ = 6 → 90 days
        filed = date(2026, 1, 5)
        case(
            world,
            f"用时{days}",
            received_on=filed,
            filed_on=filed,
            decided_on=date.fromordinal(filed.toordinal() + days),
        )
    case(
        world,
        "乙分局",
        agency=world.sibling,
        received_on=date(2026, 1, 5),
        filed_on=date(2026, 1, 5),
        decided_on=date(2026, 1, 6),
    )
    case(world, "去年决定", received_on=date(2025, 1, 5), filed_on=date(2025, 1, 5), decided_on=date(2025, 9, 6))
    rows = {row.agency.pk: row for row in overview_for(world.supervisor, 2026, date(2026, 12, 1)).rows}
    assert (rows[world.branch.pk].median_days, rows[world.branch.pk].p90_days, rows[world.branch.pk].timed) == (
        30,
        90,
        6,
    )
    assert (rows[world.sibling.pk].median_days, rows[world.sibling.pk].timed) == (1, 1)


def test_decisions_not_published_are_decisions_less_publications_and_late_past_their_period(world: Any) -> None:
    from zhifa.publicity.models import Publication
    from zhifa.supervision.tests.test_overview import act

    today = date(2026, 12, 1)  # 7 working days back: decisions up to 2026-11-20 are late
    late = case(
        world, "逾期未公开", received_on=date(2026, 11, 2), filed_on=date(2026, 11, 2), decided_on=date(2026, 11, 2)
    )
    act(late, "decide", date(2026, 11, 2))
    recent = case(
        world, "期限内", received_on=date(2026, 11, 2), filed_on=date(2026, 11, 2), decided_on=date(2026, 11, 30)
    )
    act(recent, "decide", date(2026, 11, 30))
    done = case(
        world, "已公开", received_on=date(2026, 11, 2), filed_on=date(2026, 11, 2), decided_on=date(2026, 11, 3)
    )
    record = act(done, "decide", date(2026, 11, 3))
    Publication.objects.create(
        case=done,
        agency=world.branch,
        decision_entry=record.entry_index,
        decision_class="penalty",
        decided_on=date(2026, 11, 3),
        due_on=date(2026, 11, 12),
        state="published",
        published_on=date(2026, 11, 5),
        display_until=date(2029, 11, 5),
        party_kind="organization",
        party="青山木业有限公司",
        entry_index=record.entry_index + 1,
        created_by=world.admin,
    )
    assert tallies.check() == []
    assert tallies.kept()[0][(world.branch.pk, "handled", 2026, 11)] == 1
    row = next(r for r in overview_for(world.supervisor, 2026, today).rows if r.agency.pk == world.branch.pk)
    assert (row.totals["decided"], row.unpublished, row.unpublished_late) == (3, 2, 1)
    earlier = next(
        r for r in overview_for(world.supervisor, 2026, date(2027, 3, 1)).rows if r.agency.pk == world.branch.pk
    )
    assert (earlier.unpublished, earlier.unpublished_late) == (2, 2)
