"""Demo complaints: one or more in every state, against the demo's reserve branch and ecology brigade.

Made through the services, like the rest of the demo; the query codes are thrown away (a visitor files his
own on /public/complaints/ to see one). Loaded once: nothing is made when a complaint exists.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from zhifa.complaints import services
from zhifa.complaints.choices import ComplaintKind, NotInspectReason
from zhifa.complaints.models import Complaint
from zhifa.core.models import Agency, User
from zhifa.core.workdays import load_calendar


def _working_days_before(today: date, days: int) -> date:
    """The day from which `days` working days end today (so that a complaint received then is due today)."""
    calendar = load_calendar()
    day = today
    while calendar.working_days_between(day, today) < days:
        day = date.fromordinal(day.toordinal() - 1)
    return day


def _file(where: Agency, serial: int, received_on: date, **given: Any) -> Complaint:
    data = {
        "kind": ComplaintKind.REPORT,
        "domain": (where.domains or ["forestry"])[0],
        "agency": where.pk,
        "subject": "某木材加工厂（位于沟口东侧）",
        "facts": "夜间有人在保护区内砍伐树木，用三轮车运往沟口东侧的木材加工厂。",
        "name": f"演示举报人{serial}",
        "phone": f"1390000{serial:04d}",
        **given,
    }
    return services.complaint_file(data=data, received_on=received_on).complaint


def load_complaints(today: date) -> None:
    """Complaints in every state (received, near and past due, accepted, refused, re-routed, transferred,
    opened as a case lead, not inspected, answered) in the reserve's first branch and the ecology brigade."""
    if Complaint.objects.exists():
        return
    officer, approver = User.objects.get(username="officer"), User.objects.get(username="approver")
    branch = officer.agency
    assert branch is not None
    assert branch.parent is not None
    sibling = branch.parent.children.exclude(pk=branch.pk).order_by("path").first()
    assert sibling is not None
    # Received today, routed by place and domain (no agency chosen), anonymous.
    _file(
        branch,
        1,
        today,
        agency="",
        area="新城区",
        anonymous="on",
        name="",
        phone="",
        subject="新城区某花卉市场",
        facts="花卉市场有商户出售疑似野生兰花。",
    )
    # Received earlier: one due for acceptance soon, one past due.
    _file(branch, 2, _working_days_before(today, 6), kind=ComplaintKind.COMPLAINT, subject="某农家乐")
    _file(branch, 3, _working_days_before(today, 9), subject="某采石场", facts="采石场越界开采，毁坏林地。")
    accepted = _file(branch, 4, _working_days_before(today, 3))
    services.complaint_accept(actor=officer, complaint=accepted)
    refused = _file(branch, 5, _working_days_before(today, 2), kind=ComplaintKind.COMPLAINT, subject="邻居")
    services.complaint_refuse(
        actor=approver,
        complaint=refused,
        reason="所反映的是邻里之间的民事纠纷，不属于本机关行政执法职责，可通过人民调解或诉讼解决。",
    )
    routed = _file(branch, 6, _working_days_before(today, 1), subject="九峰山脚下某养殖场")
    services.complaint_route(
        actor=officer, complaint=routed, to_agency=sibling, reason="发生地在九峰山，属包头分局管辖。"
    )
    transferred = _file(branch, 7, _working_days_before(today, 2), subject="某人", facts="有人持猎枪在林区打猎。")
    services.complaint_transfer(
        actor=officer,
        complaint=transferred,
        body="呼和浩特市公安局森林公安分局",
        reason="涉嫌非法持有枪支，属公安机关管辖，已依法移送。",
    )
    lead = _file(branch, 8, _working_days_before(today, 5))
    services.complaint_accept(actor=officer, complaint=lead)
    services.complaint_open_lead(actor=officer, complaint=lead, title="涉嫌在自然保护区内滥伐林木（投诉举报线索）")
    repeat = _file(branch, 9, _working_days_before(today, 4), subject="某木材加工厂")
    services.complaint_not_inspect(
        actor=approver,
        complaint=repeat,
        reason=NotInspectReason.REPEAT,
        explanation="您反映的事项已于上月核查办结并答复，本次未提供新的事实和理由，不再安排检查。",
    )
    answered = _file(branch, 10, _working_days_before(today, 8), kind=ComplaintKind.COMPLAINT, subject="某景区")
    services.complaint_accept(actor=officer, complaint=answered)
    services.complaint_answer(
        actor=officer,
        complaint=answered,
        answer="经现场核查，该景区已停止在保护区缓冲区内施工并恢复植被。感谢您的监督。",
    )
    # The ecology brigade: a report answered under the 12369 periods.
    eco_officer = User.objects.filter(username="officer-eco").first()
    if eco_officer is not None and eco_officer.agency is not None:
        eco = _file(
            eco_officer.agency,
            11,
            _working_days_before(today, 6),
            subject="景洪市某食品厂",
            facts="食品厂夜间向河道排放污水，气味刺鼻。",
        )
        services.complaint_accept(actor=eco_officer, complaint=eco)
