"""The desk (工作台) as the signed-in home page shows it: three tabs, 待办 / 已办 / 逾期, each one click from the form
that does the work. The page itself is core.views.home; this builds its part."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest

from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.core.scoping import reads_cases
from zhifa.desk import selectors
from zhifa.desk.tasks import NEAR_DAYS

TABS = ("todo", "done", "overdue")


def desk_context(request: HttpRequest, actor: User, today: date) -> dict[str, Any]:
    tab = request.GET.get("tab", "")
    counts = selectors.counts_for(request, today, fresh=True)
    context: dict[str, Any] = {"desk_counts": counts, "near_days": NEAR_DAYS}
    if tab not in TABS:
        # Open on what needs doing: the work waiting, else what has passed, else what was done.
        # A supervisor's 待办 is the overview of what is late below him.
        tab = "todo" if counts.todo or not counts.overdue or actor.has_role(Role.SUPERVISOR) else "overdue"
    context["desk_tab"] = tab
    if tab == "todo":
        context["tasks"] = selectors.tasks_for(actor, today)
        if actor.has_role(Role.SYSADMIN, Role.SECADMIN):
            context["admin_desk"] = selectors.admin_desk(actor, today)
        context["inspection_tasks"] = selectors.inspections_waiting(actor, today)
        if actor.has_role(*selectors.NOTICE_ROLES):
            context["notices"] = list(selectors.notices_waiting(actor).select_related("agency")[: selectors.LIST_LIMIT])
        if actor.has_role(Role.SUPERVISOR) and reads_cases(actor):
            context["overview"] = selectors.supervision_overview(actor, today)
    elif tab == "overdue":
        context["urgent"] = selectors.urgent_deadlines(actor, today)
        if actor.has_role(Role.SYSADMIN):
            context["admin_desk"] = selectors.admin_desk(actor, today, with_locks=False)
    else:
        context["done"] = selectors.done_by(actor)
    return context
