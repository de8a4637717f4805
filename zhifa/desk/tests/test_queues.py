"""Each role's desk: what waits for whom, counted by one query whatever the number of cases; the case list's
filters, sort and Excel export."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhifa.cases import major
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.desk import selectors
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db

CATALOG = {
    "effective_from": "2026-01-01",
    "source": "测试管理局重大执法决定法制审核目录（测管发〔2025〕9号）",
    "fine_citizen": "10000",
    "fine_organisation": "100000",
    "inclusive": "on",
    "after_hearing": "on",
}


def new_lead(desk: Desk, day: date, title: str) -> Any:
    desk.case = None
    return desk.lead(day, title=title, act_ended_on=day)


@pytest.fixture
def desk(world: Any, evidence: Any, time_machine: Any) -> Desk:
    """On 23 November: a lead waiting to be filed, a case under investigation (filed 1 October: its 90-day
    decision period ends 30 December), a case reported for approval, a case in legal review."""
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    major.add_version(world.admin, world.bureau, CATALOG)
    new_lead(desk, date(2026, 11, 20), "非法采集野生植物")
    new_lead(desk, date(2026, 10, 1), "滥伐林木")
    desk.investigate(date(2026, 10, 1))
    new_lead(desk, date(2026, 11, 2), "非法开垦林地")
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 4), **SMALL_FINE_REPORT)
    new_lead(desk, date(2026, 11, 5), "非法占用林地")
    desk.investigate(date(2026, 11, 6))
    desk("report", date(2026, 11, 10), **{**SMALL_FINE_REPORT, "fine": 20000, "major": True})
    desk("submit_review", date(2026, 11, 10))
    return desk


def kinds(tasks: list[selectors.Task]) -> list[tuple[str, str]]:
    return sorted((task.kind.key, task.case.title) for task in tasks)


def test_each_role_sees_the_acts_waiting_for_it(desk: Desk, world: Any) -> None:
    assert kinds(selectors.tasks_for(desk.approver, TODAY)) == [("file", "非法采集野生植物")]
    assert kinds(selectors.tasks_for(desk.officer, TODAY)) == [
        ("report", "滥伐林木"),
        ("submit_approval", "非法开垦林地"),
    ]
    assert kinds(selectors.tasks_for(desk.reviewer, TODAY)) == [("pass_review", "非法占用林地")]
    # The counts are the lists' lengths, per kind.
    assert selectors.task_counts(desk.approver, TODAY)["file"] == 1
    assert sum(selectors.task_counts(desk.officer, TODAY).values()) == 2
    # The supervisor takes no case act; the sysadmin reads no case file (三员分立).
    assert selectors.tasks_for(world.supervisor, TODAY) == []
    assert selectors.task_counts(world.admin, TODAY) == {}


def test_an_act_done_leaves_the_queue_and_joins_what_was_done(desk: Desk) -> None:
    lead = desk.case.__class__.objects.get(title="非法采集野生植物")
    desk.case = lead
    desk("file", TODAY)
    assert "file" not in {task.kind.key for task in selectors.tasks_for(desk.approver, TODAY)}
    assert selectors.task_counts(desk.approver, TODAY)["assign"] == 1
    done = selectors.done_by(desk.approver)
    assert done[0].label == "批准立案"
    assert done[0].case == lead


def test_deadlines_passed_and_near_are_listed_fewest_days_left_first(desk: Desk, time_machine: Any) -> None:
    time_machine.move_to(at(date(2026, 12, 28)))
    urgent = selectors.urgent_deadlines(desk.officer, date(2026, 12, 28))
    assert urgent, "the 90-day decision period of 滥伐林木 ends on 30 December"
    days = [u.deadline.days_left for u in urgent]
    assert days == sorted(days)
    assert any(u.case.title == "滥伐林木" and u.deadline.days_left == 2 for u in urgent)
    assert selectors.overdue_count(desk.officer, date(2027, 1, 5)) >= 1


def test_the_queues_take_the_same_number_of_queries_for_more_cases(desk: Desk, world: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for actor in (desk.approver, desk.officer, desk.reviewer):
                selectors.task_counts(actor, TODAY)
                selectors.tasks_for(actor, TODAY)
                selectors.urgent_deadlines(actor, TODAY)
                selectors.done_by(actor)
        return len(captured)

    queries()  # the first pass loads what the users keep (their roles, their officer record)
    before = queries()
    for n in range(3):
        new_lead(desk, date(2026, 11, 21), f"第{n}件线索")
        desk.investigate(date(2026, 11, 21))
    assert len(selectors.tasks_for(desk.officer, TODAY)) == 5
    assert queries() == before


def test_the_case_list_filters_sorts_and_exports_what_it_shows(client: Any, desk: Desk) -> None:
    client.force_login(desk.officer)
    page = client.get("/cases/", {"todo": "1"})
    titles = [row["case"].title for row in page.context["rows"]]
    assert sorted(titles) == ["滥伐林木", "非法开垦林地"]
    # The nearest running deadline first; the lead (only its filing period) by its own due day.
    nearest = client.get("/cases/", {"sort": "deadline"}).context["rows"]
    dues = [row["case"].next_due for row in nearest if row["case"].next_due]
    assert dues == sorted(dues)
    exported = client.get("/cases/", {"todo": "1", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(exported.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("案件编号", "案由", "当事人", "承办单位", "状态", "最近期限", "剩余天数", "承办人员")
    assert sorted(row[1] for row in rows[1:]) == ["滥伐林木", "非法开垦林地"]
    felled = next(row for row in rows[1:] if row[1] == "滥伐林木")
    assert felled[2] == "张某"
    assert felled[3] == "测试管理局甲分局"
    assert felled[7] == "甲执法、乙执法"
    assert felled[6] == 37  # the decision period ends on 30 December 2026


def test_an_export_too_large_is_refused_with_a_message(client: Any, desk: Desk, monkeypatch: Any) -> None:
    from zhifa.cases import views

    monkeypatch.setattr(views, "EXPORT_LIMIT", 2)
    client.force_login(desk.approver)
    response = client.get("/cases/", {"format": "xlsx", "state": ""}, follow=True)
    assert "超过一次导出的上限 2 件" in response.content.decode()
