"""The case file's page: its catalogue, retention and past exports, and the two downloads (each recorded).

Thin: the case is read through the case page's own restriction (core.scoping.restrict_cases), a case out of
scope is 404; the downloads call archives.services, which records them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from zhifa.archives import binder, selectors, services
from zhifa.cases.models import Case
from zhifa.cases.workflow import State
from zhifa.core.errors import Refusal
from zhifa.core.permissions import request_user
from zhifa.core.scoping import restrict_cases
from zhifa.ledger import blobs


def _case_for(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(restrict_cases(Case.objects.select_related("agency"), request_user(request)), pk=pk)


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
