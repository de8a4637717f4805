"""The case page's supervision panel (one include line in cases/case_detail.html): 挂牌督办 and 提级监督 of the case,
its 调阅 records, the interference records the reader may see, and the links 「记录干预」 and 「调阅案卷」."""

from __future__ import annotations

from typing import Any

from django import template

from zhifa.cases.models import Case
from zhifa.supervision import interference, modes
from zhifa.supervision.models.modes import ActKind, FocusForm

register = template.Library()


@register.inclusion_tag("supervision/mode_case_panel_body.html", takes_context=True)
def modes_case_panel(context: dict[str, Any], case: Case) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None)
    if actor is None or not actor.is_authenticated:
        return {"show": False}
    supervisor = actor.has_role(*modes.SUPERVISORS)
    matters = modes.open_listed(case)
    calls = (
        list(modes.acts_for(actor).filter(case=case, kind=ActKind.CALL_UP).select_related("actor")[:20])
        if supervisor
        else []
    )
    return {
        "show": True,
        "case": case,
        "listed": [m for m in matters if m.form == FocusForm.LISTED],
        "escalated": [m for m in matters if m.form == FocusForm.ESCALATED],
        "supervisor": supervisor,
        "calls": calls,
        "interference": interference.for_case(actor, case),
        "may_record": interference.may_record(actor, case),
        "today": context.get("today"),
        "csrf_token": context.get("csrf_token"),
    }
