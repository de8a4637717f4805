"""What every page's header needs: the navigation the user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from zhifa.core.choices import Role
from zhifa.core.scoping import reads_cases


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    from zhifa.cases.review_figures import may_see_figures  # core is imported by cases, not the reverse

    items = [
        (_("工作台"), reverse("home")),
        (_("执法机关"), reverse("agency_tree")),
        (_("执法人员"), reverse("officer_list")),
    ]
    if reads_cases(user):  # the system and security administrators read no case file (三员分立)
        items.append((_("案件"), reverse("case_list")))
        if user.has_role(Role.LEGAL_REVIEWER):
            items.append((_("法制审核"), reverse("review_queue")))
        # Publishing decisions (事后公开) and following it: the officers and heads, and their supervisors.
        if user.has_role(Role.OFFICER, Role.APPROVER, Role.SUPERVISOR):
            items.append((_("决定公开"), reverse("publicity_desk")))
        from zhifa.supervision.overview import may_see_overview

        if may_see_overview(user):  # 执法监督: the supervisors, and the heads over their own agencies
            items.append((_("执法监督"), reverse("supervision_overview")))
        if may_see_figures(user):
            items.append((_("法制审核统计"), reverse("review_figures")))
            # The same people follow whether like cases get like fines (laws/consistency.py).
            items.append((_("同案不同罚"), reverse("laws_consistency")))
    from zhifa.inspections.selectors import may_read as reads_inspections

    if reads_inspections(user):  # 涉企行政检查: the officers and heads who inspect, and their supervisors
        items.append((_("检查"), reverse("inspection_targets")))
    if reads_cases(user) or user.has_role(Role.SYSADMIN):  # 非现场执法: devices (kept by the administrator) and imports
        items.append((_("设备取证"), reverse("device_list")))
    from zhifa.complaints.selectors import reads_complaints

    if reads_complaints(user):
        items.append((_("投诉举报"), reverse("complaint_list")))
    # The law, the benchmarks and the no-penalty lists are every member of staff's reading.
    items.append((_("法律依据"), reverse("laws_violations")))
    if user.has_role(Role.SYSADMIN, Role.SECADMIN):
        items.append((_("用户与角色"), reverse("user_list")))
    if user.has_role(Role.SYSADMIN):
        items.append((_("工作日历"), reverse("calendar")))
    if user.has_role(Role.AUDITOR):
        items.append((_("安全审计"), reverse("audit_events")))
        items.append((_("账号与角色变更"), reverse("account_changes")))
    current = request.path
    # The item whose address is the longest prefix of the page's is the active one (/cases/reviews/ is not 案件).
    matching = [url for _label, url in items if current == url or (url != "/" and current.startswith(url))]
    active = max(matching, key=len, default=None)
    nav_items: list[dict[str, Any]] = [{"label": label, "url": url, "active": url == active} for label, url in items]
    from django.utils import timezone

    from zhifa.desk.selectors import counts_for  # the desk's queues: one query each, once per request

    counts = counts_for(request, timezone.localdate())
    nav_items[0]["todo"], nav_items[0]["overdue"] = counts.todo, counts.overdue
    return {"nav_items": nav_items}
