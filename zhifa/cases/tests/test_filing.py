"""From a lead to an investigation: register, file or decline, assign officers — each recorded in the ledger."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from zhifa.cases import agency_settings, services
from zhifa.cases.forms import FileForm
from zhifa.cases.models import Case, CaseOfficer, Party
from zhifa.cases.workflow import State
from zhifa.core.choices import Domain, Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency
from zhifa.ledger import guard
from zhifa.ledger.models import Entry
from zhifa.ledger.state import subject_key
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import TODAY, make_user

pytestmark = pytest.mark.django_db

LOGGER = {"party_kind": "citizen", "party_name": "张某", "party_phone": "13800000000"}


def register(actor, agency, **fields):
    return services.perform(actor, "register_lead", {"on_date": TODAY, **fields}, agency=agency)


def file(actor, case, on_date, **fields):
    return services.perform(actor, "file", {"on_date": on_date, **fields}, case=case)


def assign(actor, case, lead, others, declared):
    data = {"on_date": TODAY, "lead": lead, "others": others, "declared": declared}
    return services.perform(actor, "assign", data, case=case)


@pytest.fixture
def approver(world):
    return make_user("approver", world.branch, Role.APPROVER)


@pytest.fixture
def lead(world):
    return register(
        world.officer_user,
        world.branch,
        domain=Domain.FORESTRY,
        source="inspection",
        title="滥伐林木",
        summary="巡护发现二号林班有新伐桩十二个",
        received_on=date(2026, 11, 2),
        act_ended_on=date(2026, 10, 28),
        **LOGGER,
    )


def entries(case: Case) -> list[str]:
    return list(Entry.objects.filter(subject=subject_key(case)).values_list("action", flat=True))


def test_a_lead_is_registered_with_its_party_and_recorded(lead, world):
    assert lead.state == State.LEAD
    assert lead.parties.get().name == "张某"
    assert entries(lead) == ["case.register_lead"]
    facts = json.loads(Entry.objects.get(subject=subject_key(lead)).facts.facts)
    assert facts["parties"][0]["name"] == "张某"
    assert facts["state"]["state"] == "lead"


def test_filing_starts_the_ninety_days(lead, approver):
    case = file(approver, lead, date(2026, 11, 3))
    assert case.state == State.FILED
    assert case.filed_on == date(2026, 11, 3)
    facts = json.loads(Entry.objects.filter(action="case.file").get().facts.facts)
    assert facts["deadlines"] == {"decision": "2027-02-01"}  # 90 days on, into a year still provisional
    deadline = case.deadlines.get(period="decision")
    assert (deadline.period, deadline.due_on, deadline.provisional) == ("decision", date(2027, 2, 1), True)
    # Filing ends the time to check the lead.
    checked = case.deadlines.get(period="filing")
    assert (checked.stopped_on, checked.stopped_by) == (date(2026, 11, 3), "file")


def test_the_time_to_check_a_lead_runs_from_its_receipt_for_the_agencys_days(lead, world):
    # Default: 15 working days from 2 November 2026 (the receipt day not counted) — 23 November.
    checking = lead.deadlines.get(period="filing")
    assert (checking.started_on, checking.due_on, checking.stopped_on) == (date(2026, 11, 2), date(2026, 11, 23), None)
    facts = json.loads(Entry.objects.get(subject=subject_key(lead)).facts.facts)
    assert facts["deadlines"] == {"filing": "2026-11-23"}
    # The province's bureau sets its sector's number; the branch below follows it.
    agency_settings.update(world.admin, world.bureau, {"lead_check_days": 7, "periods_source": "某部门规定 第十八条"})
    second = register(
        world.officer_user,
        world.branch,
        domain=Domain.FORESTRY,
        source="complaint",
        title="非法占用林地",
        summary="群众举报",
        received_on=date(2026, 11, 2),
    )
    assert second.deadlines.get(period="filing").due_on == date(2026, 11, 11)


def test_only_an_approver_of_the_agency_files(lead, world):
    with pytest.raises(Refusal, match="只有案件审批人可以批准立案"):
        file(world.officer_user, lead, date(2026, 11, 3))
    elsewhere = make_user("approver-elsewhere", world.elsewhere, Role.APPROVER)
    with pytest.raises(Refusal, match="不在您的管辖范围内"):
        file(elsewhere, lead, date(2026, 11, 3))
    assert Case.objects.get(pk=lead.pk).state == State.LEAD


def test_an_act_undiscovered_for_two_years_is_not_filed(world, approver):
    old = register(
        world.officer_user,
        world.branch,
        domain=Domain.FORESTRY,
        source="complaint",
        title="非法占用林地",
        summary="群众举报",
        received_on=date(2026, 11, 2),
        act_ended_on=date(2024, 11, 1),
    )
    before = Entry.objects.count()
    with pytest.raises(Refusal) as refused:
        file(approver, old, date(2026, 11, 3))
    assert refused.value.field == "act_ended_on"
    assert "第三十六条" in str(refused.value)
    assert Case.objects.get(pk=old.pk).state == State.LEAD
    assert Entry.objects.count() == before
    # Five years when life, health or financial security is harmed.
    filed = file(approver, old, date(2026, 11, 3), grave_harm=True)
    assert filed.state == State.FILED


def test_an_ecology_act_from_the_codes_day_is_judged_by_the_codes_prescription(world, approver, time_machine):
    time_machine.move_to(datetime(2028, 9, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    # 生态环境法典 第一千零五十四条 from 2026-08-15: five years where the act caused pollution or ecological damage.
    Agency.objects.filter(pk=world.branch.pk).update(domains=[Domain.FORESTRY, Domain.ECOLOGY])
    fields = {"domain": Domain.ECOLOGY, "source": "inspection", "title": "超标排放", "summary": "在线监测超标"}
    late = register(
        world.officer_user, world.branch, **fields, received_on=date(2028, 9, 2), act_ended_on=date(2026, 9, 1)
    )
    with pytest.raises(Refusal) as refused:
        file(approver, late, date(2028, 9, 3))
    assert "生态环境法典 第一千零五十四条" in str(refused.value)
    assert refused.value.field == "act_ended_on"
    assert file(approver, late, date(2028, 9, 3), grave_harm=True).state == State.FILED
    # The filing form asks about the consequence the code names, with both rules and their dates.
    help_text = str(FileForm(case=late).fields["grave_harm"].help_text)
    assert "造成环境污染、生态破坏等后果（生态环境法典 第一千零五十四条）" in help_text
    assert "2026年8月15日" in help_text


def test_a_case_outside_the_agencys_domains_is_refused(world, approver):
    lead = register(
        world.officer_user,
        world.branch,
        domain=Domain.ECOLOGY,
        source="report",
        title="超标排放",
        summary="媒体反映",
        received_on=date(2026, 11, 2),
    )
    with pytest.raises(Refusal, match="无管辖权") as refused:
        file(approver, lead, date(2026, 11, 3))
    assert refused.value.field == "domain"


def test_a_declined_lead_is_final(lead, approver):
    with pytest.raises(Refusal) as refused:
        services.perform(approver, "decline", {"on_date": date(2026, 11, 3), "reason": "  "}, case=lead)
    assert refused.value.field == "reason"
    case = services.perform(
        approver, "decline", {"on_date": date(2026, 11, 3), "reason": "经核查无违法事实"}, case=lead
    )
    assert case.state == State.NOT_FILED
    with pytest.raises(Refusal, match="不予立案”状态，不能批准立案"):
        file(approver, case, date(2026, 11, 3))


def test_two_officers_able_to_enforce_who_declared_no_conflict_are_assigned(lead, approver, world):
    case = file(approver, lead, date(2026, 11, 3))
    case = assign(
        approver,
        case,
        world.officer,
        [world.colleague, world.auxiliary],
        [world.officer, world.colleague, world.auxiliary],
    )
    assert case.state == State.INVESTIGATING
    assert set(CaseOfficer.objects.filter(case=case).values_list("officer__name", "is_lead")) == {
        ("甲执法", True),
        ("乙执法", False),
        ("丁辅助", False),
    }
    assert entries(case) == ["case.register_lead", "case.file", "case.assign"]
    assert verify_ledger(check_files=False).ok


def test_auxiliary_staff_do_not_make_the_second_officer(lead, approver, world):
    case = file(approver, lead, date(2026, 11, 3))
    with pytest.raises(Refusal, match="两名以上") as refused:
        assign(approver, case, world.officer, [world.auxiliary], [world.officer, world.auxiliary])
    assert refused.value.field == "others"
    assert not CaseOfficer.objects.exists()


def test_an_officer_who_has_not_declared_no_conflict_is_not_assigned(lead, approver, world):
    case = file(approver, lead, date(2026, 11, 3))
    with pytest.raises(Refusal, match="乙执法 尚未声明") as refused:
        assign(approver, case, world.officer, [world.colleague], [world.officer])
    assert "第四十三条" in str(refused.value)
    assert Case.objects.get(pk=case.pk).state == State.FILED


def test_a_party_with_a_bad_id_number_saves_nothing(world):
    before = (Case.objects.count(), Party.objects.count(), Entry.objects.count())
    with pytest.raises(Exception, match="身份证"):
        register(
            world.officer_user,
            world.branch,
            domain=Domain.FORESTRY,
            source="complaint",
            title="滥伐林木",
            summary="举报",
            received_on=date(2026, 11, 2),
            party_kind="citizen",
            party_name="李某",
            party_id_number="110101199001011234",
        )
    assert (Case.objects.count(), Party.objects.count(), Entry.objects.count()) == before


def test_a_state_changed_in_the_database_is_caught_by_verify(lead, approver, world):
    file(approver, lead, date(2026, 11, 3))
    guard.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET state = %s WHERE id = %s", ["closed", lead.pk])
    report = verify_ledger(check_files=False)
    assert not report.ok
    assert f"cases.case:{lead.pk}" in report.problems[0]


def test_a_lead_without_the_acts_date_is_filed_only_once_the_date_is_known(world, approver):
    lead = register(
        world.officer_user,
        world.branch,
        domain=Domain.FORESTRY,
        source="complaint",
        title="非法占用林地",
        summary="群众举报，占用时间不详",
        received_on=date(2026, 11, 2),
    )
    assert lead.act_ended_on is None
    with pytest.raises(Refusal) as refused:  # prescription is never skipped for want of a date
        file(approver, lead, date(2026, 11, 3))
    assert refused.value.field == "act_ended_on"
    assert "第三十六条" in refused.value.rule
    assert Case.objects.get(pk=lead.pk).state == State.LEAD
    filed = file(approver, lead, date(2026, 11, 3), act_ended_on=date(2026, 10, 30))
    assert filed.state == State.FILED
    assert Case.objects.get(pk=lead.pk).act_ended_on == date(2026, 10, 30)
    facts = json.loads(Entry.objects.filter(action="case.file").latest("index").facts.facts)
    assert facts["act_ended_on"] == "2026-10-30"
