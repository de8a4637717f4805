"""From filing to answer: each step recorded, the lead opened through the cases' service, the identity kept."""

from __future__ import annotations

from datetime import date

import pytest

from zhifa.cases.choices import LeadSource
from zhifa.complaints import services
from zhifa.complaints.choices import ComplaintState, NotInspectReason
from zhifa.complaints.models import Complaint
from zhifa.complaints.selectors import complaints_for, may_see_identity
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry, Facts
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import at

from .conftest import ID_NUMBER, NAME, PHONE, filing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_a_monday(time_machine):
    time_machine.move_to(at(date(2026, 11, 23)))


def _ledger_text() -> str:
    return "\n".join(Facts.objects.values_list("facts", flat=True)) + "\n".join(
        Entry.objects.values_list("leaf", flat=True)
    )


def test_from_filing_to_answer_through_a_case_lead(places):
    world = places
    filed = services.complaint_file(data=filing(area="新城区"), client_address="203.0.113.5")
    complaint = filed.complaint
    # Routed by place and domain to the most local competent agency.
    assert complaint.handling_agency == world.branch
    assert complaint.number.startswith("TS2026-")
    assert len(filed.code) == 12
    assert filed.code not in complaint.code_hash
    services.complaint_accept(actor=world.officer_user, complaint=complaint)
    case = services.complaint_open_lead(actor=world.officer_user, complaint=complaint, title=f"{NAME}举报滥伐林木")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.LEAD_OPENED
    assert complaint.case == case
    assert case.lead_source == LeadSource.COMPLAINT
    assert complaint.number in case.lead_summary
    services.complaint_answer(actor=world.officer_user, complaint=complaint, answer="经核查，已立案调查。")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ANSWERED
    actions = list(
        Entry.objects.filter(subject=f"complaints.complaint:{complaint.pk}").values_list("action", flat=True)
    )
    assert actions == [
        "complaint.file",
        "complaint.accept",
        "complaint.open_lead",
        "complaint.answer",
    ]
    assert [step.kind for step in complaint.steps.all()] == ["file", "accept", "open_lead", "answer"]
    assert verify_ledger().ok
    # A complaint reopened behind the services' back is caught: its state is in its latest entry.
    Complaint.objects.filter(pk=complaint.pk).update(state=ComplaintState.ACCEPTED)
    assert not verify_ledger().ok


def test_the_complainants_identity_stays_out_of_the_case_and_the_ledger(places):
    world = places
    complaint = services.complaint_file(data=filing(world.branch)).complaint
    services.complaint_accept(actor=world.officer_user, complaint=complaint)
    case = services.complaint_open_lead(actor=world.officer_user, complaint=complaint, title=f"{NAME}反映滥伐林木")
    for secret in (NAME, PHONE, ID_NUMBER):
        assert secret not in case.lead_summary
        assert secret not in case.title
        assert secret not in _ledger_text()
    # What the ledger keeps instead: a salted digest, which the row can show to be its own.
    facts = Facts.objects.filter(entry__action="complaint.file").get().facts
    assert services.identity_digest(complaint) in facts


def test_a_reason_naming_the_complainant_stays_out_of_the_ledger(places, approver):
    world = places
    complaint = services.complaint_file(data=filing(world.branch)).complaint
    services.complaint_refuse(actor=approver, complaint=complaint, reason=f"{NAME}（电话{PHONE}）反映的事项已处理完毕")
    for secret in (NAME, PHONE):
        assert secret not in _ledger_text()


def test_only_the_handling_agencys_complaint_staff_read_the_identity(places, client, approver):
    world = places
    complaint = services.complaint_file(data=filing(world.branch)).complaint
    assert may_see_identity(world.officer_user, complaint)
    # The supervisor above sees the complaint, not who made it; an agency elsewhere sees nothing.
    assert list(complaints_for(world.supervisor)) == [complaint]
    assert not may_see_identity(world.supervisor, complaint)
    assert not may_see_identity(approver, complaint)
    assert not complaints_for(world.outsider).exists()
    client.force_login(world.outsider)
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404
    client.force_login(world.supervisor)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert complaint.number in page
    assert NAME not in page
    assert PHONE not in page
    assert ID_NUMBER not in page
    assert "投诉举报人信息已隐去" in page
    client.force_login(world.officer_user)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert PHONE in page
    assert ID_NUMBER in page


def test_refusing_and_not_inspecting_are_the_heads_decisions(places, approver):
    world = places
    complaint = services.complaint_file(data=filing(world.branch)).complaint
    assert services.allowed_actions(world.officer_user, complaint) == ["accept", "route", "transfer"]
    with pytest.raises(Refusal, match="案件审批人"):
        services.complaint_refuse(actor=world.officer_user, complaint=complaint, reason="不属于本机关职责")
    services.complaint_not_inspect(
        actor=approver,
        complaint=complaint,
        reason=NotInspectReason.REPEAT,
        explanation="该事项已于上月办结答复，本次未提供新的事实和理由。",
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.NOT_INSPECTED
    assert complaint.notice.startswith("重复投诉举报已办结事项且未提供新的事实和理由")
    facts = Facts.objects.filter(entry__action="complaint.not_inspect").get().facts
    assert '"in_time":true' in facts
    assert "第十三条" in facts
    assert services.allowed_actions(approver, complaint) == []


def test_a_re_routed_complaint_leaves_the_first_agency_with_its_reason_recorded(places):
    world = places
    complaint = services.complaint_file(data=filing(world.branch)).complaint
    services.complaint_route(
        actor=world.officer_user, complaint=complaint, to_agency=world.sibling, reason="发生地属乙分局管辖"
    )
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.handling_agency == world.sibling
    assert complaint.state == ComplaintState.RECEIVED
    assert not complaints_for(world.officer_user).exists()
    step = complaint.steps.get(kind="route")
    assert (step.from_agency, step.to_agency, step.note) == (world.branch, world.sibling, "发生地属乙分局管辖")
    entry = Entry.objects.get(action="complaint.route")
    assert entry.agency == world.branch
