"""The one working-day calendar. Every deadline in Zhifa is computed here.

Rules (each cited where it is applied):
- the start day of a period is not counted (民事诉讼法 第八十五条, applied through 行政复议法 第八十八条);
- "二日、三日、五日、七日" in the penalty law are working days (行政处罚法 第八十五条), counted by
  `add_working_days`;
- when the last day of a calendar-day period is a rest day, the period ends on the next working day
  (民事诉讼法 第八十五条), in `add_calendar_days`.

Holidays and adjusted working days (调休) follow the State Council's yearly notice. They come from the
`chinesecalendar` package plus the CalendarDay/CalendarYear tables that an administrator extends for a
year the package does not know yet. A date in a year that neither source covers gets a provisional
answer — weekends are rest days, nothing else — and every answer built on one says so (`provisional`).
Nothing provisional is stored: deadlines are computed when asked, so loading a year corrects them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

# The years the installed chinesecalendar package knows, read from its own data.
PACKAGE_YEARS = frozenset(range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1))

_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayAnswer:
    """Whether a day is a working day; `provisional` when its year has no holiday data."""

    working: bool
    provisional: bool
    name: str = ""

    def __bool__(self) -> bool:
        return self.working


@dataclass(frozen=True)
class Deadline:
    """The last day of a period. `provisional_years` lists the years without holiday data it crossed."""

    date: date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    def __str__(self) -> str:
        return f"{self.date.isoformat()}（暂定）" if self.provisional else self.date.isoformat()


@dataclass
class WorkCalendar:
    """The calendar as known at one moment: the package's data overridden by the administrator's."""

    overrides: Mapping[date, tuple[bool, str]] = field(default_factory=dict)
    loaded_years: frozenset[int] = frozenset()

    def has_data(self, year: int) -> bool:
        return year in PACKAGE_YEARS or year in self.loaded_years

    def missing_years(self, years: Iterable[int]) -> list[int]:
        return sorted({year for year in years if not self.has_data(year)})

    def day(self, day: date) -> DayAnswer:
        provisional = not self.has_data(day.year)
        if day in self.overrides:
            working, name = self.overrides[day]
            return DayAnswer(working=working, provisional=provisional, name=name)
        if day.year in PACKAGE_YEARS:
            on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
            name = _HOLIDAY_NAMES_ZH.get(holiday, holiday) if holiday else ""
            return DayAnswer(working=not on_holiday, provisional=False, name=name)
        # A year loaded by the administrator lists every holiday and adjusted working day, so the
        # remaining days follow the week; an unknown year does the same, provisionally.
        return DayAnswer(working=day.weekday() < 5, provisional=provisional)

    def is_working_day(self, day: date) -> DayAnswer:
        return self.day(day)

    def add_working_days(self, start: date, days: int) -> Deadline:
        """The day on which a period of `days` working days ends (行政处罚法 第八十五条).

        The start day is not counted; rest days and public holidays inside the period are skipped.
        """
        if days < 0:
            raise ValueError("a period cannot be negative")
        current = start
        remaining = days
        unknown: set[int] = set()
        while remaining:
            current += timedelta(days=1)
            answer = self.day(current)
            if answer.provisional:
                unknown.add(current.year)
            if answer.working:
                remaining -= 1
        return Deadline(current, tuple(sorted(unknown)))

    def add_calendar_days(self, start: date, days: int) -> Deadline:
        """The day on which a period of `days` calendar days ends (民事诉讼法 第八十五条).

        The start day is not counted; when the last day is a rest day (a weekend day that is not an
        adjusted working day, or a public holiday) the period ends on the first working day after it.
        """
        if days < 0:
            raise ValueError("a period cannot be negative")
        current = start + timedelta(days=days)
        unknown: set[int] = set()
        while True:
            answer = self.day(current)
            if answer.provisional:
                unknown.add(current.year)
            if answer.working:
                return Deadline(current, tuple(sorted(unknown)))
            current += timedelta(days=1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.day(current).working:
                count += 1
        return count


def load_calendar() -> WorkCalendar:
    """The calendar with the administrator's current additions (two small queries)."""
    from zhifa.core.models import CalendarDay, CalendarYear

    overrides = {
        row.date: (row.kind == "workday", row.name) for row in CalendarDay.objects.only("date", "kind", "name")
    }
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return WorkCalendar(overrides=overrides, loaded_years=years)


def is_working_day(day: date) -> DayAnswer:
    return load_calendar().day(day)


def add_working_days(start: date, days: int) -> Deadline:
    return load_calendar().add_working_days(start, days)


def add_calendar_days(start: date, days: int) -> Deadline:
    return load_calendar().add_calendar_days(start, days)


def years_needing_data(today: date) -> list[int]:
    """This year and the next, when either lacks holiday data: deadlines set now can run into both."""
    return load_calendar().missing_years([today.year, today.year + 1])
