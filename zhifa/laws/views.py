"""The law's pages for staff: violations and their rules by date, legal texts, no-penalty lists, an agency's
benchmarks (with the upload for those who may publish), and the consistency analytics for supervisors.

Thin: reads through laws.selectors and laws.consistency, writes through laws.spreadsheet / laws.services. The
templates take `base_template`, so that the public portal can show the same pages in its own frame.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.models import Agency
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency
from zhifa.laws import consistency, selectors, spreadsheet
from zhifa.laws.choices import TextLevel
from zhifa.laws.forms import BenchmarkImportForm, ConsistencyPeriodForm, SearchForm, day_from
from zhifa.laws.models import LegalText, Violation
from zhifa.laws.services import may_publish

PAGE_SIZE = 50
STAFF = {"base_template": "base.html"}


def _own_agency(request: HttpRequest) -> Agency | None:
    agency = request_user(request).agency
    return agency if isinstance(agency, Agency) else None


@login_required
def violation_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    q = domain = ""
    if form.is_valid():
        q, domain = form.cleaned_data["q"], form.cleaned_data["domain"]
    page = Paginator(selectors.violation_list(domain=domain, q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **STAFF,
        "form": form,
        "page": page,
        "q": q,
        "domain": domain,
        "domains": selectors.domain_counts(),
        "agency": _own_agency(request),
        "may_see_consistency": consistency.may_see_consistency(request_user(request)),
    }
    return render(request, "laws/violation_list.html", context)


@login_required
def violation_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        violation = selectors.violation_with_rules(code)
    except Violation.DoesNotExist as missing:
        raise Http404 from missing
    today = timezone.localdate()
    on_date = day_from(request.GET, today)
    agency = _own_agency(request)
    view = selectors.violation_view(violation, agency=agency, on_date=on_date)
    return render(request, "laws/violation_detail.html", {**STAFF, "view": view, "today": today, "agency": agency})


@login_required
def text_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:50]
    level = request.GET.get("level", "")
    level = level if level in TextLevel.values else ""
    context = {**STAFF, "texts": selectors.legal_texts(text=text, level=level), "q": text, "level": level}
    context["levels"] = TextLevel.choices
    return render(request, "laws/text_list.html", context)


@login_required
def text_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        text = selectors.legal_text_with_versions(code)
    except LegalText.DoesNotExist as missing:
        raise Http404 from missing
    return render(request, "laws/text_detail.html", {**STAFF, "text": text, "today": timezone.localdate()})


@login_required
def no_penalty(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {**STAFF, "lists": selectors.no_penalty_lists(today), "today": today}
    return render(request, "laws/no_penalty.html", context)


def _agency_for(request: HttpRequest, agency_pk: int) -> Agency:
    agency = get_object_or_404(Agency, pk=agency_pk)
    if not can_see_agency(request_user(request), agency):
        raise Http404
    return agency


@login_required
def agency_benchmarks_page(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """The benchmarks the agency follows today, whose each is; the upload for those who may publish."""
    actor = request_user(request)
    agency = _agency_for(request, agency_pk)
    may_edit = may_publish(actor, agency)
    form = BenchmarkImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            result = spreadsheet.import_benchmarks(
                actor=actor,
                agency=agency,
                upload=data["file"],
                effective_from=data["effective_from"],
                source=data["source"],
            )
            if result.ok:
                messages.success(
                    request,
                    _("已发布 %(added)s 项裁量基准新版，并记入全过程记录；%(same)s 项与当日执行的基准相同，未发布新版")
                    % {"added": len(result.added), "same": result.unchanged},
                )
                return redirect("laws_benchmarks", agency.pk)
    today = timezone.localdate()
    context: dict[str, Any] = {
        **STAFF,
        "agency": agency,
        "today": today,
        "followed": selectors.agency_benchmarks(agency, today),
        "may_edit": may_edit,
        "form": form,
        "result": result,
    }
    return render(request, "laws/agency_benchmarks.html", context)


@login_required
def benchmarks_export(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = _agency_for(request, agency_pk)
    today = timezone.localdate()
    response = HttpResponse(spreadsheet.export_workbook(agency, today), content_type=spreadsheet.CONTENT_TYPE)
    name = f"benchmarks-{agency.pk}-{today.isoformat()}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def _period(params: Any, today: date) -> tuple[ConsistencyPeriodForm, date, date]:
    """The period asked for, or this year up to today (also when the dates asked for are not valid)."""
    default = {"start": date(today.year, 1, 1), "end": today}
    form = ConsistencyPeriodForm(params if params else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


@login_required
def consistency_page(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not consistency.may_see_consistency(actor):
        raise Http404
    today = timezone.localdate()
    form, start, end = _period(request.GET, today)
    result = consistency.consistency_for(actor, start, end, today)
    charts = [
        {"id": f"chart-{index}", "data_id": f"chart-{index}-data", "data": group.chart()}
        for index, group in enumerate(result.groups)
    ]
    context = {"form": form, "result": result, "groups": list(zip(result.groups, charts, strict=True))}
    return render(request, "laws/consistency.html", context)
