"""The case file's page: its catalogue, retention and past exports, and the two downloads (each recorded).

Thin: the case is read through the case page's own restriction (core.scoping.restrict_cases), a case out of
scope is 404; the downloads call archives.services, which records them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhifa.archives import binder, retention, selectors, services
from zhifa.archives.choices import RetentionKind
from zhifa.archives.models import RetentionPeriod
from zhifa.cases.models import Case
from zhifa.cases.selectors import case_or_404
from zhifa.cases.workflow import State
from zhifa.core.bounds import BoundedDateField, bound_date_widgets
from zhifa.core.errors import Refusal
from zhifa.core.forms import run_service
from zhifa.core.models import Agency
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency
from zhifa.ledger import blobs
from zhifa.personnel.forms import DateInput


def _case_for(request: HttpRequest, pk: int) -> Case:
    return case_or_404(request_user(request), pk)


@login_required
@require_GET
def binder_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    context = {
        "case": case,
        "cat": binder.catalogue(case),
        "exports": selectors.exports_of(case),
        "archived": case.state == State.ARCHIVED,
    }
    return render(request, "archives/binder_page.html", context)


def download(export: services.Export) -> StreamingHttpResponse:
    """The exported file from the evidence store, re-hashed as it is sent."""
    response = StreamingHttpResponse(blobs.open_verified(export.sha256), content_type=export.content_type)
    response["Content-Length"] = str(export.size)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export(request: HttpRequest, pk: int, make: services.Exporter) -> HttpResponseBase:
    case = _case_for(request, pk)
    try:
        export = make(actor=request_user(request), case=case)
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("case_binder", case.pk)
    return download(export)


@login_required
@require_POST
def binder_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _export(request, pk, services.export_pdf)


@login_required
@require_POST
def binder_folder(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _export(request, pk, services.export_folder)


class RetentionForm(forms.Form):
    kind = forms.ChoiceField(label=_("案卷类别"), choices=RetentionKind.choices)
    years = forms.IntegerField(
        label=_("保管期限（年）"), min_value=1, max_value=100, required=False, help_text=_("留空为永久保管")
    )
    effective_from = BoundedDateField(label=_("施行日期"), widget=DateInput, planned=True)
    source = forms.CharField(label=_("依据"), max_length=200, help_text=_("本地档案保管期限表的名称和条款"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_date_widgets(self)


@login_required
def retention_page(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """An agency's retention periods by kind of case file: the one in force today with where it comes from, every
    version of its line, and (for its system administrator) a new version from a day on."""
    actor = request_user(request)
    agency = get_object_or_404(Agency, pk=agency_pk)
    if not can_see_agency(actor, agency):
        raise Http404
    may_edit = actor.has_role(*retention.EDITORS)
    form = RetentionForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            added = run_service(
                form,
                lambda: retention.retention_add(
                    actor=actor,
                    agency=agency,
                    kind=data["kind"],
                    years=data["years"],
                    effective_from=data["effective_from"],
                    source=data["source"],
                ),
            )
            if added is not None:
                messages.success(request, _("已设置案卷保管期限，并记入全过程记录"))
                return redirect("retention_page", agency.pk)
    today = timezone.localdate()
    context = {
        "agency": agency,
        "today": today,
        "in_force": [retention.in_force(agency, kind, today) for kind in RetentionKind],
        "versions": RetentionPeriod.objects.filter(agency__in=agency.upward_line())
        .select_related("agency")
        .order_by("kind", "-effective_from"),
        "form": form,
        "may_edit": may_edit,
    }
    return render(request, "archives/retention.html", context)
