"""The year's enforcement statistics (统计年报, 118号文: published by 31 January): counted from the cases by the
dates of their acts, per agency with the subtotals of the tree, shown once the year has ended, as a table that
reads without script and as a spreadsheet."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from zhifa.cases.tests.desk import ON_THE_SPOT, SMALL_FINE_REPORT, Desk
from zhifa.portal.statistics import year_report
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_world(world: Any, evidence: Any, time_machine: Any) -> Any:
    """Four cases of the branch, counted by hand below:
    - a lead of December 2025, filed in January 2026 and sent to the competent organ in 2026;
    - a lead of 2026 declined;
    - an ordinary case of 2026 decided with a fine of 1,000 yuan;
    - a fine of 50 yuan on the spot in 2026."""
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    desk.lead(date(2025, 12, 20), act_ended_on=date(2025, 12, 10))
    desk.investigate(date(2026, 1, 5))
    desk("transfer_jurisdiction", date(2026, 1, 6), receiver="邻县林业和草原局", reason="违法行为发生地在邻县")
    desk.case = None
    desk.lead(date(2026, 3, 2), act_ended_on=date(2026, 3, 1))
    desk("decline", date(2026, 3, 3), reason="不属于违法行为")
    desk.case = None
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    desk("report", date(2026, 10, 14), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, evidence=[desk.scan])
    desk("decide", date(2026, 10, 23), **SMALL_FINE_REPORT)
    desk.case = None
    desk("decide_on_the_spot", date(2026, 11, 20), **ON_THE_SPOT, officers=[world.officer, world.colleague])
    return world


def test_the_figures_equal_the_hand_counts_by_the_dates_of_the_acts(small_world: Any) -> None:
    world = small_world
    report = year_report(2026)
    own = {row.agency.pk: row.figures for row in report.rows if not row.subtotal}
    branch = own[world.branch.pk]
    assert branch.received == 3  # the December 2025 lead counts in 2025
    assert branch.filed == 2  # filed in 2026: the December lead and the ordinary case (on-the-spot has no filing)
    assert branch.decisions == 2
    assert branch.summary == 1
    assert branch.fines == Decimal(1050)
    assert branch.by_kind == {"fine": 2}
    assert branch.to_competent == 1
    assert branch.no_penalty == branch.to_judiciary == branch.hearings == branch.reviews == 0
    assert own[world.bureau.pk].empty
    assert own[world.sibling.pk].empty
    bureau_subtotal = next(row.figures for row in report.rows if row.subtotal and row.agency == world.bureau)
    assert bureau_subtotal.decisions == 2
    assert bureau_subtotal.fines == Decimal(1050)
    assert report.total.decisions == 2
    assert report.total.received == 3
    last = year_report(2025)
    assert last.total.received == 1
    assert last.total.filed == 0


def test_a_year_is_public_once_it_has_ended_with_its_due_date_and_spreadsheet(
    small_world: Any, time_machine: Any
) -> None:
    assert Client().get("/public/statistics/2026/").status_code == 404  # still 2026: the year runs
    time_machine.move_to(at(date(2027, 1, 10)))
    page = Client().get("/public/statistics/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2026年度行政执法统计" in text
    assert "2027年1月31日" in text  # the due date
    assert 'id="statistics-table"' in text
    assert "1,050.00" in text or "1050.00" in text
    download = Client().get("/public/statistics/2026/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "合计"
    assert rows[-1][3] == 2
    assert Client().get("/public/statistics/2027/").status_code == 404


def test_the_figures_cost_the_same_queries_however_many_agencies(
    small_world: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        year_report(2026)
