"""The periods of a complaint, by sector, each with its source; an agency may set its own (ComplaintSettings).

Three periods run on a complaint, each from the day it starts (the start day is not counted, core/workdays.py):
- `accept`: to accept it or refuse it (受理或者不予受理), from the day the handling agency received it;
- `notice`: to tell the complainant why it will not be inspected, from the same day
  (海南省涉企行政检查条例（试行）第十三条: ten working days);
- `answer`: to tell the complainant the result (办理结果答复), from the day it was accepted.

The numbers differ by sector and are agency data (docs/complaints.md): the amounts below are what is used
where no agency in the handling agency's upward line has set its own. Their units stay the sector's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from zhifa.cases.rules import Unit
from zhifa.core import workdays
from zhifa.core.workdays import Deadline

PERIOD_NAMES = ("accept", "notice", "answer")
PERIOD_LABELS: Mapping[str, str] = {"accept": "受理期限", "notice": "不予检查告知期限", "answer": "答复期限"}


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit
    source: str

    def due(self, start: date, amount: int | None = None) -> Deadline:
        days = self.amount if amount is None else amount
        if self.unit is Unit.WORKING_DAYS:
            return workdays.add_working_days(start, days)
        return workdays.add_calendar_days(start, days)

    def describe(self, amount: int | None = None) -> str:
        days = self.amount if amount is None else amount
        return f"{days}个工作日" if self.unit is Unit.WORKING_DAYS else f"{days}日"


NOTICE = Period(10, Unit.WORKING_DAYS, "海南省涉企行政检查条例（试行）第十三条")

DEFAULT: Mapping[str, Period] = {
    "accept": Period(7, Unit.WORKING_DAYS, "默认值（取市场监管七个工作日），请按本机关规定设置"),
    "notice": NOTICE,
    "answer": Period(60, Unit.CALENDAR_DAYS, "默认值（参照《信访工作条例》六十日办结），请按本机关规定设置"),
}

# Shipped sector data, by domain (core.choices.Domain).
SECTOR: Mapping[str, Mapping[str, Period]] = {
    "market": {
        "accept": Period(7, Unit.WORKING_DAYS, "市场监督管理投诉举报处理暂行办法 第十四条"),
        "notice": NOTICE,
        # A report is checked and a filing decided within fifteen working days (市场监督管理行政处罚程序规定
        # 第十八条); a real-name reporter is told within five working days of that decision (暂行办法 第三十一条).
        "answer": Period(
            20,
            Unit.WORKING_DAYS,
            "市场监督管理行政处罚程序规定 第十八条（十五个工作日内决定是否立案）；"
            "市场监督管理投诉举报处理暂行办法 第三十一条（五个工作日内告知实名举报人）",
        ),
    },
    "ecology": {
        "accept": DEFAULT["accept"],
        "notice": NOTICE,
        # 12369 环保举报: sixty days to finish, thirty more when approved (the extension is not modelled yet).
        "answer": Period(60, Unit.CALENDAR_DAYS, "环保举报热线工作管理办法（六十日内办结，可延长三十日）"),
    },
}


def shipped(domain: str) -> Mapping[str, Period]:
    return SECTOR.get(domain, DEFAULT)


# The public form's limits: how much one client may file, and how long a human check stays valid.
FILINGS_PER_HOUR_PER_ADDRESS = 5
FILINGS_PER_HOUR_PER_PHONE = 3
# Posts of the form (accepted or not) per address and hour: stops guessing at the human check.
POSTS_PER_HOUR_PER_ADDRESS = 30
# Look-ups on the tracking page per address and hour: the query code cannot be guessed online.
TRACKS_PER_HOUR_PER_ADDRESS = 30
CHALLENGE_MAX_AGE_SECONDS = 30 * 60

FACTS_MAX = 2_000
SUBJECT_MAX = 200
