"""The supervisors' page of inspections (/inspections/oversight/): coverage of the directories, the overdue tasks
and the caps, read through `oversight`. Shown to supervisors and heads only (403 to anyone else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.permissions import request_user
from zhifa.core.scoping import visible_agencies
from zhifa.inspections import oversight
from zhifa.inspections.choices import Source


def chosen_year(value: str, allowed: list[int], default: int) -> int:
    return int(value) if value.isdigit() and int(value) in allowed else default


@login_required
def oversight_page(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not oversight.may_oversee(actor):
        raise PermissionDenied(_("只有执法监督人员和机关负责人可以查看检查监督情况"))
    today = timezone.localdate()
    years = oversight.years_for(today)
    year = chosen_year(request.GET.get("year", ""), years, today.year)
    agencies = list(visible_agencies(actor).order_by("path"))
    wanted = request.GET.get("agency", "")
    agency = next((a for a in agencies if str(a.pk) == wanted), None)
    result = oversight.oversight_for(actor, year, today, agency=agency)
    tasks = {tasks.key: tasks for tasks in result.tasks}
    titles = (
        ("untold", _("检查结果未按期告知企业"), _("告知期限")),
        ("unpublished", _("检查结果未按期公开"), _("公开期限")),
        ("not_visited", _("计划检查日期已过仍无检查结果"), _("计划检查日期")),
        ("unanswered", _("企业异议、投诉未按期答复"), _("答复期限")),
    )
    return render(
        request,
        "inspections/oversight.html",
        {
            "o": result,
            "totals": result.totals,
            "chart": result.chart(),
            "years": years,
            "agencies": agencies,
            "agency": agency,
            "sources": Source.choices,
            "task_lists": [(tasks[key], title, due) for key, title, due in titles],
        },
    )
