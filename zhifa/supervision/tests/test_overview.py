"""执法监督总览 and 快速预警 (issue 18 items 1–2): each core warning rule finds its seeded defect and nothing on a clean
file; the runner opens, refreshes and resolves warnings and a dismissal needs a reason and is recorded; the overview's
figures equal hand counts, in the same number of queries whatever the number of agencies and cases."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhifa.cases.choices import LeadSource
from zhifa.cases.models import Case, CaseDeadline, CaseRecord, MajorCatalog, Party
from zhifa.cases.workflow import State
from zhifa.core.choices import Domain, Role
from zhifa.core.errors import Refusal
from zhifa.laws.tests.test_consistency import cases  # noqa: F401  (the like cases of laws/consistency's tests)
from zhifa.ledger.models import Entry
from zhifa.supervision.models.warnings import SupervisionWarning, WarningState
from zhifa.supervision.overview import overview_for
from zhifa.supervision.warning_rules import RULES
from zhifa.supervision.warnings import warning_dismiss, warnings_run
from zhifa.testing.factories import TODAY, at, credit_code, make_agency, make_user

_index = itertools.count(1_000_000)


def case(world: Any, title: str, *, agency: Any = None, state: str = State.CLOSED, **fields: Any) -> Case:
    """A case made directly: the rules and the overview only read the record."""
    values: dict[str, Any] = {
        "agency": agency or world.branch,
        "domain": Domain.FORESTRY,
        "state": state,
        "title": title,
        "lead_source": LeadSource.INSPECTION,
        "lead_summary": "巡查发现",
        "received_on": date(2026, 9, 1),
        "created_by": world.admin,
        **fields,
    }
    return Case.objects.create(**values)


def act(case_: Case, action: str, on_date: date, *, officers: tuple[Any, ...] = (), **data: Any) -> CaseRecord:
    return CaseRecord.objects.create(
        case=case_,
        action=action,
        on_date=on_date,
        officers=[{"id": o.pk, "name": o.name} for o in officers],
        data=data,
        entry_index=next(_index),
        created_by=case_.created_by,
    )


def found(code: str, today: date = TODAY) -> dict[str, Any]:
    return {finding.key: finding for finding in RULES[code].find(today)}


def titles(code: str, today: date = TODAY) -> set[str]:
    ids = {finding.case_id for finding in found(code, today).values()}
    return set(Case.objects.filter(pk__in=ids).values_list("title", flat=True))


def test_inaction_a_lead_left_past_its_filing_period_and_a_case_ended_without_reason(world):
    late = case(world, "逾期未立案", state=State.LEAD, received_on=date(2026, 10, 1))
    CaseDeadline.objects.create(case=late, period="filing", started_on=date(2026, 10, 1), due_on=date(2026, 10, 22))
    fresh = case(world, "核查期内的案源", state=State.LEAD, received_on=date(2026, 11, 20))
    CaseDeadline.objects.create(case=fresh, period="filing", started_on=date(2026, 11, 20), due_on=date(2026, 12, 11))
    filed = case(world, "已立案", state=State.FILED, filed_on=date(2026, 10, 20))
    CaseDeadline.objects.create(
        case=filed,
        period="filing",
        started_on=date(2026, 10, 1),
        due_on=date(2026, 10, 22),
        stopped_on=date(2026, 10, 20),
    )
    case(world, "终止未写理由", state=State.TERMINATED)
    case(world, "终止有理由", state=State.TERMINATED, outcome_reason="当事人死亡")
    case(world, "不予处罚后结案", outcome_reason="首违不罚")
    case(world, "处罚后结案", decided_on=date(2026, 10, 1), fine=Decimal(500))
    judged = case(world, "移送司法后结案")
    act(judged, "transfer_to_judiciary", date(2026, 9, 20))

    assert titles("inaction.lead_not_filed") == {"逾期未立案"}
    [finding] = found("inaction.lead_not_filed").values()
    assert "逾期 32 日" in finding.detail
    assert titles("inaction.ended_without_reason") == {"终止未写理由"}


def test_an_act_by_an_officer_without_a_valid_certificate_on_its_day(world):
    # The world's officers hold certificates from TODAY − 100 days; the auxiliary holds none.
    done = case(world, "持证办案")
    act(done, "record_inspection", TODAY - timedelta(days=10), officers=(world.officer, world.colleague))
    early = case(world, "发证前执法")
    act(early, "record_inspection", TODAY - timedelta(days=150), officers=(world.officer,))
    helper = case(world, "辅助人员执法")
    act(helper, "record_interview", TODAY - timedelta(days=5), officers=(world.officer, world.auxiliary))

    findings = found("officer.without_certificate")
    assert {f.case_id for f in findings.values()} == {early.pk, helper.pk}
    assert any("自" in f.detail and "生效" in f.detail for f in findings.values() if f.case_id == early.pk)
    assert any("辅助人员" in f.detail for f in findings.values() if f.case_id == helper.pk)


def test_discretion_a_fine_outside_its_tier_and_one_far_from_its_peers(cases):  # noqa: F811
    assert titles("discretion.outside_benchmark") == {"超出档次的案件"}
    assert titles("discretion.far_from_peers") == {"偏离同类的案件"}


def test_profit_driven_enforcement_a_fine_total_up_20_percent_on_the_same_period(world):
    def decided(agency: Any, day: date, fine: int) -> None:
        case(world, f"{agency.name}{day}", agency=agency, decided_on=day, fine=Decimal(fine))

    decided(world.branch, date(2025, 3, 1), 1000)
    decided(world.branch, date(2025, 12, 1), 5000)  # after the same day last year: not in the base
    decided(world.branch, date(2026, 3, 1), 1300)  # +30 %
    decided(world.sibling, date(2025, 3, 1), 1000)
    decided(world.sibling, date(2026, 3, 1), 1100)  # +10 %

    findings = found("profit.revenue_up")
    assert list(findings) == [f"agency:{world.branch.pk}:2026:fines"]
    assert "上升 30.0%" in findings[f"agency:{world.branch.pk}:2026:fines"].detail


def test_the_same_business_inspected_twice_in_60_days_or_by_two_agencies_in_30(world):
    def inspected(code: str, agency: Any, *days: date) -> None:
        inspected_case = case(world, f"{code}@{days[0]}", agency=agency)
        inspected_case.parties.add(Party.objects.create(kind="organisation", name="某公司", credit_code=code))
        for day in days:
            act(inspected_case, "record_inspection", day)

    twice, two_bodies, apart = credit_code(), credit_code(), credit_code()
    inspected(twice, world.branch, date(2026, 9, 1))
    inspected(twice, world.branch, date(2026, 10, 15))  # 44 days later
    inspected(two_bodies, world.branch, date(2026, 11, 1))
    inspected(two_bodies, world.sibling, date(2026, 11, 20))  # another agency 19 days later
    inspected(apart, world.branch, date(2026, 8, 1))
    inspected(apart, world.branch, date(2026, 11, 1), date(2026, 11, 2))  # 92 days; two visits in one case

    keys = sorted(found("inspection.repeated"))
    assert [key.split(":")[:3] for key in keys] == sorted(
        [["business", twice, "twice"], ["business", two_bodies, "agencies"]]
    )


def test_a_fine_instead_of_a_transfer_and_a_major_decision_without_its_review(world):
    reported = case(world, "报告涉嫌犯罪后罚款", decided_on=date(2026, 10, 1), fine=Decimal(5000))
    act(reported, "propose_transfer", date(2026, 9, 20), suspected_crime="滥伐林木罪")
    moved = case(world, "已移送", state=State.EXECUTING, decided_on=date(2026, 10, 1), fine=Decimal(5000))
    act(moved, "propose_transfer", date(2026, 9, 20), suspected_crime="滥伐林木罪")
    act(moved, "transfer_to_judiciary", date(2026, 9, 25))
    case(world, "普通罚款", decided_on=date(2026, 10, 1), fine=Decimal(5000))
    assert titles("crime.fine_instead") == {"报告涉嫌犯罪后罚款"}
    assert "滥伐林木罪" in next(iter(found("crime.fine_instead").values())).detail

    MajorCatalog.objects.create(
        agency=world.bureau,
        effective_from=date(2026, 1, 1),
        source="测试管理局重大执法决定法制审核目录",
        fine_citizen=Decimal(10000),
        fine_organisation=Decimal(50000),
    )
    unreviewed = case(world, "重大未审核", decided_on=date(2026, 10, 1), fine=Decimal(20000))
    reviewed = case(world, "重大已审核", decided_on=date(2026, 10, 1), fine=Decimal(20000))
    act(reviewed, "pass_review", date(2026, 9, 28))
    assert titles("review.missing") == {"重大未审核"}
    assert "10,000元以上罚款" in found("review.missing")[f"case:{unreviewed.pk}"].detail


def test_the_runner_opens_refreshes_resolves_and_a_dismissal_needs_a_reason(world):
    rule = ["inaction.ended_without_reason"]
    first = case(world, "终止未写理由一", state=State.TERMINATED)
    second = case(world, "终止未写理由二", state=State.TERMINATED)

    run = warnings_run(date(2026, 11, 20), codes=rule)
    assert run.opened[rule[0]] == 2
    run = warnings_run(date(2026, 11, 21), codes=rule)
    assert (run.opened[rule[0]], run.refreshed[rule[0]]) == (0, 2)
    one = SupervisionWarning.objects.get(case=first)
    assert (one.first_found_on, one.last_found_on, one.state) == (date(2026, 11, 20), date(2026, 11, 21), "open")

    Case.objects.filter(pk=first.pk).update(outcome_reason="补记：当事人死亡")
    run = warnings_run(date(2026, 11, 22), codes=rule)
    assert run.resolved[rule[0]] == 1
    one.refresh_from_db()
    assert (one.state, one.resolved_on) == (WarningState.RESOLVED, date(2026, 11, 22))

    two = SupervisionWarning.objects.get(case=second)
    with pytest.raises(Refusal, match="排除理由：排除预警须写明理由"):
        warning_dismiss(actor=world.supervisor, warning=two, reason="  ", today=TODAY)
    with pytest.raises(Refusal, match="执法监督人员"):
        warning_dismiss(actor=world.outsider, warning=two, reason="不在辖区", today=TODAY)
    warning_dismiss(actor=world.supervisor, warning=two, reason="已核实：案卷纸质件载明理由", today=TODAY)
    two.refresh_from_db()
    assert (two.state, two.dismissed_by, two.dismissed_on) == (WarningState.DISMISSED, world.supervisor, TODAY)
    warnings_run(TODAY, codes=rule)  # found again: stays dismissed, no second warning
    assert SupervisionWarning.objects.filter(case=second).count() == 1
    two.refresh_from_db()
    assert two.state == WarningState.DISMISSED

    actions = list(Entry.objects.filter(action__startswith="supervision.").values_list("action", flat=True))
    assert actions.count("supervision.warnings_run") == 4
    assert actions.count("supervision.warning_open") == 2
    assert actions.count("supervision.warning_resolve") == 1
    dismissal = Entry.objects.get(action="supervision.warning_dismiss")
    assert dismissal.actor_id == world.supervisor.pk
    page = Client()
    page.force_login(world.supervisor)
    assert "已核实：案卷纸质件载明理由" in page.get("/supervision/warnings/?state=all").content.decode()


def test_the_overview_counts_by_agency_and_month_in_a_fixed_number_of_queries(world, time_machine):
    time_machine.move_to(at(TODAY))
    filed = case(
        world,
        "三月立案",
        received_on=date(2026, 3, 2),
        filed_on=date(2026, 3, 10),
        decided_on=date(2026, 4, 9),
        closed_on=date(2026, 5, 6),
    )
    act(filed, "decide", date(2026, 4, 9))  # never published: late
    running = case(
        world, "三月案源", state=State.INVESTIGATING, received_on=date(2026, 3, 20), filed_on=date(2026, 3, 25)
    )
    CaseDeadline.objects.create(case=running, period="decision", started_on=date(2026, 3, 25), due_on=date(2026, 6, 23))
    case(world, "去年的案件", received_on=date(2025, 3, 2))
    case(world, "乙分局案件", agency=world.sibling, received_on=date(2026, 6, 1))

    def figures() -> tuple[Any, int]:
        with CaptureQueriesContext(connection) as queries:
            result = overview_for(world.supervisor, 2026, TODAY)
        return result, len(queries)

    figures()  # the supervisor's roles are read once per request
    result, queries = figures()
    assert queries <= 13
    rows = {row.agency.pk: row for row in result.rows}
    branch, sibling = rows[world.branch.pk], rows[world.sibling.pk]
    assert branch.totals["received"] == 2
    months = overview_for(world.supervisor, 2026, TODAY, agency_id=world.branch.pk).months
    assert (months["received"][2], months["received"][5]) == (2, 0)
    assert (months["filed"][2], months["decided"][3], months["closed"][4]) == (2, 1, 1)
    assert (branch.median_days, branch.p90_days, branch.overdue) == (30, 30, 1)
    assert (branch.unpublished, branch.unpublished_late) == (1, 1)
    assert sibling.totals["received"] == 1
    assert result.months["received"][5] == 1
    assert world.elsewhere.pk not in rows

    for number in range(3):  # more agencies and cases: the same queries
        more = make_agency(f"新增分局{number}", world.bureau)
        case(world, f"新增{number}", agency=more, received_on=date(2026, 7, 1), filed_on=date(2026, 7, 2))
    assert figures()[1] == queries

    page = Client()
    page.force_login(world.supervisor)
    html = page.get("/supervision/").content.decode()
    assert f"?agency={world.branch.pk}&amp;dated=filed&amp;year=2026" in html
    listed = page.get(f"/cases/?agency={world.branch.pk}&dated=filed&year=2026&month=3").content.decode()
    assert "三月立案" in listed
    assert "三月案源" in listed
    assert "去年的案件" not in listed
    officer = Client()
    officer.force_login(make_user("plain", world.branch, Role.OFFICER))
    assert officer.get("/supervision/").status_code == 404
