"""Due dates by the working-day calendar, from the sector's periods or the agency's own."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.complaints import services
from zhifa.complaints.choices import ComplaintState
from zhifa.complaints.selectors import running_dues
from zhifa.core.choices import Domain, Role
from zhifa.testing.factories import at, make_agency, make_user

from .conftest import filing

pytestmark = pytest.mark.django_db


def test_a_complaint_filed_before_national_day_counts_only_working_days(world, time_machine):
    # 2026: 国庆节 10-01..10-07 off, 10-10 (Saturday) an adjusted working day (国务院办公厅 2026 节假日安排).
    time_machine.move_to(at(date(2026, 9, 30)))
    complaint = services.complaint_file(data=filing(world.branch)).complaint
    assert complaint.received_on == date(2026, 9, 30)
    # Seven working days (the default): 10-08, 10-09, 10-10, 10-12, 10-13, 10-14, 10-15.
    assert complaint.accept_due == date(2026, 10, 15)
    # Ten working days to tell why it will not be inspected (海南省涉企行政检查条例（试行）第十三条).
    assert complaint.notice_due == date(2026, 10, 20)
    time_machine.move_to(at(date(2026, 10, 9)))
    services.complaint_accept(actor=world.officer_user, complaint=complaint)
    complaint.refresh_from_db()
    # Sixty calendar days from 10-09 end on Tuesday 12-08.
    assert complaint.answer_due == date(2026, 12, 8)
    assert complaint.state == ComplaintState.ACCEPTED


def test_market_regulation_accepts_within_seven_working_days_and_agencies_may_set_their_own(world, time_machine):
    time_machine.move_to(at(date(2026, 11, 23)))
    bureau = make_agency("测试市场监督管理局", domains=(Domain.MARKET,))
    office = make_agency("测试市场监督管理所", bureau, domains=(Domain.MARKET,))
    periods = services.periods_for(office, Domain.MARKET)
    assert periods["accept"].amount == 7
    assert "市场监督管理投诉举报处理暂行办法 第十四条" in periods["accept"].source
    admin = make_user("market-admin", bureau, Role.SYSADMIN)
    services.settings_update(
        actor=admin,
        agency=bureau,
        accept_days=5,
        notice_days=None,
        answer_days=None,
        source="本局投诉举报办理规定 第五条",
    )
    periods = services.periods_for(office, Domain.MARKET)
    assert (periods["accept"].amount, periods["accept"].set_by) == (5, bureau)
    assert periods["notice"].amount == 10  # not set: the shipped value
    complaint = services.complaint_file(data=filing(office, domain=Domain.MARKET)).complaint
    assert complaint.accept_due == date(2026, 11, 30)  # Monday 11-23 + 5 working days


def test_the_staff_list_warns_before_a_due_date_passes(world, time_machine):
    time_machine.move_to(at(date(2026, 11, 23)))
    complaint = services.complaint_file(data=filing(world.branch)).complaint
    assert complaint.accept_due == date(2026, 12, 2)
    time_machine.move_to(at(date(2026, 11, 30)))
    first = running_dues(complaint, date(2026, 11, 30))[0]
    assert (first.period, first.level) == ("accept", "due-soon")
    assert running_dues(complaint, date(2026, 12, 3))[0].level == "overdue"
