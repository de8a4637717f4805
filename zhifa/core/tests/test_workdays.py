"""The calendar rules of RULES.md ("Counting time"), on real 2026 dates and on a year without data."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.core import workdays
from zhifa.core.choices import CalendarDayKind, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import CalendarDay
from zhifa.core.services import ScheduleLine, calendar_load_year, parse_schedule
from zhifa.core.workdays import WorkCalendar
from zhifa.testing.factories import make_user

EMPTY = WorkCalendar()


def test_national_day_2026_is_a_holiday_and_the_adjusted_saturday_a_working_day():
    assert not EMPTY.is_working_day(date(2026, 10, 1))
    assert EMPTY.is_working_day(date(2026, 10, 1)).name == "国庆节"
    assert EMPTY.is_working_day(date(2026, 10, 10))  # Saturday worked in lieu (调休)
    assert not EMPTY.is_working_day(date(2026, 11, 21))  # an ordinary Saturday


def test_working_day_periods_do_not_count_the_start_day():
    # 民事诉讼法 第八十五条: Monday + 2 working days ends on Wednesday, not Tuesday.
    assert EMPTY.add_working_days(date(2026, 11, 23), 2).date == date(2026, 11, 25)


def test_working_day_periods_skip_public_holidays():
    # 行政处罚法 第八十五条: five working days from 30 September 2026 run past the National Day week
    # (1–7 October) and count Friday the 9th and the adjusted Saturday the 10th.
    deadline = EMPTY.add_working_days(date(2026, 9, 30), 5)
    assert deadline.date == date(2026, 10, 13)
    assert not deadline.provisional


def test_calendar_day_period_ending_on_a_holiday_moves_to_the_next_working_day():
    # 15 days from 16 September ends on 1 October, a holiday: the period ends on 8 October.
    assert EMPTY.add_calendar_days(date(2026, 9, 16), 15).date == date(2026, 10, 8)


def test_calendar_day_period_ending_on_an_adjusted_working_day_stays():
    # 10 October 2026 is a Saturday worked in lieu: the period ends there.
    assert EMPTY.add_calendar_days(date(2026, 9, 25), 15).date == date(2026, 10, 10)


def test_calendar_day_period_ending_on_a_weekend_moves_to_monday():
    assert EMPTY.add_calendar_days(date(2026, 11, 6), 15).date == date(2026, 11, 23)


def test_a_year_without_data_gives_a_provisional_answer():
    answer = EMPTY.is_working_day(date(2027, 1, 1))
    assert answer.provisional
    assert answer.working  # a Friday, and nobody has told us it is New Year's Day yet
    deadline = EMPTY.add_working_days(date(2026, 12, 30), 5)
    assert deadline.provisional
    assert deadline.provisional_years == (2027,)
    assert "暂定" in str(deadline)


def test_negative_periods_are_refused():
    with pytest.raises(ValueError, match="negative"):
        EMPTY.add_working_days(date(2026, 1, 1), -1)


def test_parse_schedule_reads_ranges_and_single_days():
    lines = parse_schedule("元旦 2027-01-01 至 2027-01-03\n\n春节 2027-02-06~2027-02-12", kind=CalendarDayKind.HOLIDAY)
    assert lines == [
        ScheduleLine(CalendarDayKind.HOLIDAY, date(2027, 1, 1), date(2027, 1, 3), "元旦"),
        ScheduleLine(CalendarDayKind.HOLIDAY, date(2027, 2, 6), date(2027, 2, 12), "春节"),
    ]
    assert parse_schedule("2027-02-14 春节调休", kind=CalendarDayKind.WORKDAY)[0].name == "春节调休"


def test_parse_schedule_names_the_bad_line():
    with pytest.raises(Refusal, match="第2行：日期“2027-02-30”无效"):
        parse_schedule("元旦 2027-01-01\n春节 2027-02-30", kind=CalendarDayKind.HOLIDAY)


@pytest.mark.django_db
def test_loading_a_year_makes_its_deadlines_final(world):
    before = workdays.add_working_days(date(2026, 12, 30), 3)
    assert before.provisional
    assert before.date == date(2027, 1, 4)  # weekends only: Thu 31, Fri 1, Mon 4

    calendar_load_year(
        actor=world.admin,
        year=2027,
        source="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        holidays=parse_schedule("元旦 2027-01-01 至 2027-01-03", kind=CalendarDayKind.HOLIDAY),
        workdays=parse_schedule("2027-01-09 元旦调休", kind=CalendarDayKind.WORKDAY),
    )

    after = workdays.add_working_days(date(2026, 12, 30), 3)
    assert not after.provisional
    assert after.date == date(2027, 1, 5)  # Thu 31, (1 Jan holiday), Mon 4, Tue 5
    assert workdays.is_working_day(date(2027, 1, 9))  # the adjusted Saturday
    assert workdays.years_needing_data(date(2026, 11, 23)) == []


@pytest.mark.django_db
def test_only_an_administrator_loads_a_year_and_bad_schedules_save_nothing(world):
    holidays = parse_schedule("元旦 2027-01-01 至 2027-01-03", kind=CalendarDayKind.HOLIDAY)
    with pytest.raises(Refusal, match="系统管理员"):
        calendar_load_year(actor=world.supervisor, year=2027, source="通知", holidays=holidays, workdays=[])
    weekday = parse_schedule("2027-01-05", kind=CalendarDayKind.WORKDAY)
    with pytest.raises(Refusal, match="本是工作日"):
        calendar_load_year(actor=world.admin, year=2027, source="通知", holidays=holidays, workdays=weekday)
    assert workdays.years_needing_data(date(2026, 11, 23)) == [2027]
    assert world.admin.has_role(Role.SYSADMIN)


def test_the_calendar_is_national_data_only_a_top_level_administrator_loads_it(client, world):
    branch_admin = make_user("admin-branch", world.branch, Role.SYSADMIN)
    holidays = parse_schedule("元旦 2027-01-01 至 2027-01-03", kind=CalendarDayKind.HOLIDAY)
    with pytest.raises(Refusal, match="只有最上级机关的系统管理员可以载入节假日安排"):
        calendar_load_year(actor=branch_admin, year=2027, source="通知", holidays=holidays, workdays=[])
    client.force_login(branch_admin)
    page = client.get("/calendar/").content.decode()
    assert "载入某年的节假日安排" not in page  # no form to fill
    posted = client.post("/calendar/", {"year": 2027, "source": "通知", "holidays": "元旦 2027-01-01", "workdays": ""})
    assert posted.status_code == 403
    assert not CalendarDay.objects.filter(date__year=2027).exists()

    client.force_login(world.admin)  # the top-level bureau's administrator
    assert "载入某年的节假日安排" in client.get("/calendar/").content.decode()
