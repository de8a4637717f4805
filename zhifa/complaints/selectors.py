"""Reads of complaints: the staff's scoped list and page, their running due dates, and the public look-up."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.hashers import check_password
from django.db.models import QuerySet

from zhifa.cases.selectors import DeadlineView
from zhifa.complaints.choices import ComplaintState
from zhifa.complaints.models import Complaint
from zhifa.complaints.rules import PERIOD_LABELS
from zhifa.complaints.services import normalise_code
from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.core.passwords import decoy_hash
from zhifa.core.scoping import restrict

# Who reads complaints: those who handle them (officers, the head who approves) and the supervisors above.
READERS = (Role.OFFICER.value, Role.APPROVER.value, Role.SUPERVISOR.value)
# Who reads the complainant's identity: those who handle complaints, at the handling agency itself.
IDENTITY_READERS = (Role.OFFICER.value, Role.APPROVER.value)


def reads_complaints(actor: User) -> bool:
    return actor.is_authenticated and actor.is_active and actor.has_role(*READERS)


def complaints_for(actor: User, *, state: str = "") -> QuerySet[Complaint]:
    if not reads_complaints(actor):
        return Complaint.objects.none()
    found = restrict(Complaint.objects.all(), actor, via="handling_agency").select_related("handling_agency")
    if state in ComplaintState.values:
        found = found.filter(state=state)
    return found.order_by("-filed_at")


def complaint_for(actor: User, pk: int) -> Complaint | None:
    return complaints_for(actor).select_related("addressed_to", "case").filter(pk=pk).first()


def may_see_identity(actor: User, complaint: Complaint) -> bool:
    """Only staff of the handling agency who handle complaints read who complained; supervisors above do not."""
    return (
        actor.is_authenticated
        and actor.is_active
        and actor.agency_id == complaint.handling_agency_id
        and actor.has_role(*IDENTITY_READERS)
    )


def running_dues(complaint: Complaint, today: date) -> list[DeadlineView]:
    """The due dates that still run, soonest first, each with its warning level (cases' DeadlineView)."""
    wanted: list[tuple[str, date | None, date]] = []
    if complaint.state == ComplaintState.RECEIVED:
        wanted = [
            ("accept", complaint.accept_due, complaint.routed_on),
            ("notice", complaint.notice_due, complaint.routed_on),
        ]
    elif complaint.state in (ComplaintState.ACCEPTED, ComplaintState.LEAD_OPENED):
        wanted = [("answer", complaint.answer_due, complaint.accepted_on or complaint.routed_on)]
    views = [
        DeadlineView(name, PERIOD_LABELS[name], "", start, due, complaint.due_provisional, (due - today).days)
        for name, due, start in wanted
        if due is not None
    ]
    return sorted(views, key=lambda view: view.due_on)


def complaint_for_tracking(number: str, code: str) -> Complaint | None:
    """The complaint with this number, when `code` is its query code; None otherwise (either way as slow)."""
    number = number.strip().upper()[:20]
    code = normalise_code(code)[:40]
    complaint = Complaint.objects.filter(number=number).select_related("handling_agency", "case").first()
    if complaint is None:
        check_password(code, decoy_hash())
        return None
    return complaint if code and check_password(code, complaint.code_hash) else None
