"""The supervisor's overview (/supervision/) and the warnings (/supervision/warnings/): read through overview.py, the
warnings' dismissal through warnings.warning_dismiss."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import restrict, visible_agencies
from zhifa.supervision import warnings as warnings_module
from zhifa.supervision.models.warnings import SupervisionWarning, WarningState
from zhifa.supervision.overview import STAGES, may_see_overview, overview_for, years_for
from zhifa.supervision.warning_rules import RULES


def _overview_reader(request: HttpRequest) -> User:
    actor = request_user(request)
    if not may_see_overview(actor):
        raise Http404
    return actor


def _int(value: str, allowed: set[int] | list[int]) -> int | None:
    return int(value) if value.isdigit() and int(value) in allowed else None


@login_required
def overview_page(request: HttpRequest) -> HttpResponse:
    actor = _overview_reader(request)
    today = timezone.localdate()
    year = _int(request.GET.get("year", ""), years_for(today)) or today.year
    agencies = list(visible_agencies(actor).order_by("path").values_list("pk", "name"))
    agency = _int(request.GET.get("agency", ""), {pk for pk, _name in agencies})
    result = overview_for(actor, year, today, agency_id=agency)
    context = {
        "o": result,
        "chart": result.chart(),
        "agencies": agencies,
        "agency": agency,
        "stages": [(stage, label) for stage, (_field, label) in STAGES.items()],
        "rules": RULES,
        "warnings_by_rule": [(RULES.get(code), code, count) for code, count in result.warnings_by_rule],
        "may_dismiss": actor.has_role(*warnings_module.DISMISSERS),
        # Reversed once: the agency table has a row per agency and up to ten links in each.
        "urls": {
            "cases": reverse("case_list"),
            "warnings": reverse("supervision_warnings"),
            "officers": reverse("officer_list"),
            "publicity": reverse("publicity_desk"),
        },
    }
    return render(request, "supervision/overview.html", context)


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    actor = _overview_reader(request)
    get = request.GET
    agencies = list(visible_agencies(actor).order_by("path").values_list("pk", "name"))
    chosen = {
        "rule": get.get("rule") if get.get("rule") in RULES else "",
        "agency": _int(get.get("agency", ""), {pk for pk, _name in agencies}),
        "state": get.get("state") if get.get("state") in WarningState.values or get.get("state") == "all" else "open",
    }
    warnings = restrict(SupervisionWarning.objects.all(), actor).select_related("agency", "case", "dismissed_by")
    if chosen["rule"]:
        warnings = warnings.filter(rule=chosen["rule"])
    if chosen["agency"] is not None:
        warnings = warnings.filter(agency_id=chosen["agency"])
    if chosen["state"] != "all":
        warnings = warnings.filter(state=chosen["state"])
    page = Paginator(warnings.order_by("agency__path", "rule", "-last_found_on", "pk"), 50).get_page(get.get("page"))
    query = get.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        **chosen,
        "page": page,
        "rows": [(warning, RULES.get(warning.rule)) for warning in page],
        "rules": sorted(RULES.values(), key=lambda rule: rule.code),
        "agencies": agencies,
        "states": WarningState.choices,
        "query": query.urlencode(),
        "may_dismiss": actor.has_role(*warnings_module.DISMISSERS),
        "reason_max": warnings_module.REASON_MAX,
    }
    return render(request, "supervision/warnings.html", context)


@login_required
@require_POST
def warning_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _overview_reader(request)
    warning = get_object_or_404(restrict(SupervisionWarning.objects.all(), actor), pk=pk)
    reason = request.POST.get("reason", "")[: 2 * warnings_module.REASON_MAX]
    try:
        warnings_module.warning_dismiss(actor=actor, warning=warning, reason=reason, today=timezone.localdate())
    except Refusal as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("预警已排除，理由已记录"))
    return redirect(f"{reverse('supervision_warnings')}?state=all&agency={warning.agency_id}#warning-{warning.pk}")


overview_urls: list[URLPattern] = [
    path("supervision/", overview_page, name="supervision_overview"),
    path("supervision/warnings/", warning_list, name="supervision_warnings"),
    path("supervision/warnings/<int:pk>/dismiss/", warning_dismiss, name="supervision_warning_dismiss"),
]
