"""The decision period: spans a sector rule leaves out of it, and a second extension by the heads' collective
discussion, which exists only where a sector rule provides it, within that rule's limit (行政处罚法 第六十条:
法律、法规、规章另有规定的，从其规定)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhifa.cases import agency_settings, rules
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db

EXTENSION = {"decision_extension_days": 30, "periods_source": "测试规定 第三十条"}


def ecology_case(world, evidence, *, fine: Decimal = Decimal(1000)) -> Desk:
    Agency.objects.filter(pk__in=[world.branch.pk, world.bureau.pk]).update(domains=[Domain.FORESTRY, Domain.ECOLOGY])
    agency_settings.update(world.admin, world.bureau, EXTENSION)
    desk = Desk(world, evidence)
    desk.lead(date(2026, 6, 1), domain=Domain.ECOLOGY, title="超标排放", act_ended_on=date(2026, 5, 30))
    desk.investigate(date(2026, 6, 1))  # decided by 30 August, moved to Monday 31 August
    desk("report", date(2026, 6, 2), **{**SMALL_FINE_REPORT, "fine": fine})
    desk("submit_approval", date(2026, 6, 2))
    desk("approve", date(2026, 6, 3))
    desk("notify", date(2026, 6, 4), rights_stated=True)
    return desk


def test_a_second_extension_by_collective_discussion_within_the_ecology_rules_thirty_days(world, evidence):
    desk = ecology_case(world, evidence)
    source = rules.FURTHER_EXTENSIONS["ecology"].source
    further = {"days": 30, "reason": "案情特别复杂，需补充监测", "evidence": [desk.scan]}
    # Only while the first extension runs: it has not been granted yet.
    refused = desk.refused("extend_decision_further", date(2026, 8, 20), **further)
    assert refused.rule == source
    desk("extend_decision", date(2026, 8, 20), reason="案情复杂")
    assert desk.refused("extend_decision_further", date(2026, 9, 20), **{**further, "days": 31}).field == "days"
    assert desk.refused("extend_decision_further", date(2026, 9, 20), **{**further, "evidence": []}).field == "evidence"
    case = desk("extend_decision_further", date(2026, 9, 20), **further)
    extension = case.deadlines.get(period="decision_further_extension")
    # Thirty days on from the first extension's own last day (29 September).
    assert (extension.started_on, extension.due_on) == (date(2026, 9, 29), date(2026, 10, 29))
    assert extension.source.startswith(source)
    assert case.deadlines.get(period="decision_extension").stopped_on == date(2026, 9, 20)
    decision = {k: v for k, v in SMALL_FINE_REPORT.items() if k not in ("facts_found", "legal_basis")}
    assert "届满" in desk.refused("decide", date(2026, 10, 30), **decision).message
    assert desk("decide", date(2026, 10, 29), **decision).state == "decided"
    assert verify_ledger().ok


def test_no_second_extension_where_no_rule_provides_it(world, evidence):
    agency_settings.update(world.admin, world.bureau, EXTENSION)
    desk = Desk(world, evidence)
    desk.lead(date(2026, 6, 1), act_ended_on=date(2026, 5, 30))  # forestry
    desk.investigate(date(2026, 6, 1))
    desk("extend_decision", date(2026, 8, 20), reason="案情复杂")
    refused = desk.refused("extend_decision_further", date(2026, 9, 20), days=10, reason="复杂", evidence=[desk.scan])
    assert "没有规定经集体讨论继续延长" in refused.message


def test_the_hearing_is_left_out_of_the_decision_period_where_the_sector_rule_says_so(world, evidence):
    desk = ecology_case(world, evidence, fine=Decimal(20000))  # a large fine: the party may ask for a hearing
    desk("request_hearing", date(2026, 6, 5))
    notice = {"hearing_on": date(2026, 6, 16), "hearing_time": "09:00", "place": "听证室", "chair": desk.chair}
    desk("notify_hearing", date(2026, 6, 5), **notice)
    case = desk("hold_hearing", date(2026, 6, 16), outcome="absent")
    decision = case.deadlines.get(period="decision")
    # Eleven days from the request to the hearing are not counted: 30 August + 11 = 10 September.
    assert (decision.due_on, decision.amount) == (date(2026, 9, 10), 101)
    assert "不计入听证期间 11 日（生态环境行政处罚办法（生态环境部令第30号）第五十七条）" in decision.source
    recorded = case.records.get(action="hold_hearing").data["not_counted"]
    assert recorded == {
        "period": "decision",
        "span": "hearing",
        "days": 11,
        "due": "2026-09-10",
        "source": rules.DECISION_PERIOD_NOT_COUNTED["ecology"].source,
    }
    # The extension runs on from the lengthened period's own end.
    case = desk("extend_decision", date(2026, 9, 1), reason="案情复杂")
    assert case.deadlines.get(period="decision_extension").started_on == date(2026, 9, 10)


def test_a_forestry_hearing_counts_in_the_decision_period(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 6, 1), act_ended_on=date(2026, 5, 30))
    desk.investigate(date(2026, 6, 1))
    desk("report", date(2026, 6, 2), **{**SMALL_FINE_REPORT, "fine": Decimal(20000)})
    desk("submit_approval", date(2026, 6, 2))
    desk("approve", date(2026, 6, 3))
    desk("notify", date(2026, 6, 4), rights_stated=True)
    desk("request_hearing", date(2026, 6, 5))
    notice = {"hearing_on": date(2026, 6, 16), "hearing_time": "09:00", "place": "听证室", "chair": desk.chair}
    desk("notify_hearing", date(2026, 6, 5), **notice)
    case = desk("hold_hearing", date(2026, 6, 16), outcome="absent")
    assert case.deadlines.get(period="decision").due_on == date(2026, 8, 31)
    assert "not_counted" not in case.records.get(action="hold_hearing").data


def test_a_notice_by_publication_counts_from_thirty_days_on_and_is_left_out_of_the_ecology_period(world, evidence):
    Agency.objects.filter(pk__in=[world.branch.pk, world.bureau.pk]).update(domains=[Domain.FORESTRY, Domain.ECOLOGY])
    desk = Desk(world, evidence)
    desk.lead(date(2026, 6, 1), domain=Domain.ECOLOGY, title="超标排放", act_ended_on=date(2026, 5, 30))
    desk.investigate(date(2026, 6, 1))
    desk("report", date(2026, 6, 2), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 6, 2))
    desk("approve", date(2026, 6, 3))
    # Publication is the last way: the file says why no other reached the party (民事诉讼法 第九十五条).
    refused = desk.refused("notify", date(2026, 6, 4), rights_stated=True, method="announcement")
    assert refused.field == "announcement_reason"
    reason = "当事人下落不明，邮寄被退回"
    case = desk("notify", date(2026, 6, 4), rights_stated=True, method="announcement", announcement_reason=reason)
    # Served on 4 July: the five working days of the statement run from then.
    statement = case.deadlines.get(period="statement")
    assert (statement.started_on, statement.due_on) == (date(2026, 7, 4), date(2026, 7, 10))
    # The thirty days are not counted in the decision period (生态环境行政处罚办法 第五十七条): 30 August + 30.
    assert case.deadlines.get(period="decision").due_on == date(2026, 9, 29)
    assert case.records.get(action="notify").data["served_on"] == "2026-07-04"


def test_a_decision_served_by_publication_starts_the_partys_periods_thirty_days_on(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 6, 1), act_ended_on=date(2026, 5, 30))  # forestry: nothing left out of its period
    desk.investigate(date(2026, 6, 1))
    desk("report", date(2026, 6, 2), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 6, 2))
    desk("approve", date(2026, 6, 3))
    case = desk("notify", date(2026, 6, 4), rights_stated=True, method="announcement", announcement_reason="下落不明")
    assert case.deadlines.get(period="decision").due_on == date(2026, 8, 31)
    decision = {k: v for k, v in SMALL_FINE_REPORT.items() if k not in ("facts_found", "legal_basis")}
    assert desk.refused("decide", date(2026, 7, 10), **decision).field == "on_date"  # the statement period runs
    desk("decide", date(2026, 7, 13), **decision)
    served = {"method": "announcement", "announcement_reason": "下落不明", "evidence": [desk.scan]}
    case = desk("serve", date(2026, 7, 14), **served)
    assert case.served_on == date(2026, 8, 13)
    payment = case.deadlines.get(period="payment")
    assert payment.started_on == date(2026, 8, 13)
