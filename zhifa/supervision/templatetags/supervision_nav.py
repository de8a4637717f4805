"""The supervision pages' own navigation: each area's page, offered only to those its view lets in (the same
checks, so that no link leads to a refusal)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from zhifa.core.choices import Role
from zhifa.core.models import User

register = template.Library()


def supervision_links(actor: User) -> list[tuple[str, str]]:
    from zhifa.supervision import challenges, modes, reviews
    from zhifa.supervision.notices_views import may_read_notices
    from zhifa.supervision.overview import may_see_overview

    links: list[tuple[str, str, bool]] = [
        (_("总览"), "supervision_overview", may_see_overview(actor)),
        (_("预警"), "supervision_warnings", may_see_overview(actor)),
        (_("监督文书"), "supervision_notices", may_read_notices(actor)),
        (_("案卷评查"), "supervision_reviews", actor.has_role(*reviews.SUPERVISORS, *reviews.AGENCY_SIDE)),
        (_("监督方式"), "supervision_modes", actor.has_role(*modes.SUPERVISORS)),
        (_("复议诉讼"), "supervision_challenges", actor.has_role(*challenges.RECORDERS)),
        (_("干预留痕"), "interference_list", actor.agency is not None),
        (_("报告"), "supervision_reports", actor.agency is not None and actor.has_role(Role.SUPERVISOR, Role.APPROVER)),
    ]
    return [(label, reverse(name)) for label, name, allowed in links if allowed]


@register.inclusion_tag("supervision/_nav.html", takes_context=True)
def supervision_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    current = request.path
    links = supervision_links(request.user)
    # The longest address that starts the page's is the current one (/supervision/ is only the overview).
    matching = [url for _label, url in links if current == url or (url != "/supervision/" and current.startswith(url))]
    active = max(matching, key=len, default=None)
    return {"links": [{"label": label, "url": url, "active": url == active} for label, url in links]}
