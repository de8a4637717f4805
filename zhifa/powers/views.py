"""The pages of the three lists: the version in force, the history with each version's changes, the form that
publishes a new version from a spreadsheet (for the legal office), and the downloads.

Staff pages for now, behind login and the agency scope as the catalog of major decisions; the public portal's
pages of the same selectors come with the portal.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency
from zhifa.powers import excel, selectors, services
from zhifa.powers.choices import ListKind
from zhifa.powers.columns import COLUMNS, displayed
from zhifa.powers.forms import PublishForm
from zhifa.powers.models import ListVersion

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_DIFFS = 20  # the newest versions shown with their changes on the list page; older ones on their own page


def _agency(actor: User, pk: int) -> Agency:
    agency = get_object_or_404(Agency, pk=pk)
    if not can_see_agency(actor, agency):
        raise Http404
    return agency


def _kind(kind: str) -> str:
    if kind not in ListKind.values:
        raise Http404
    return kind


def _rows(version: ListVersion) -> list[list[tuple[str, str]]]:
    return [displayed(version.kind, values) for values in selectors.item_values(version)]


@login_required
def list_page(request: HttpRequest, agency_pk: int, kind: str) -> HttpResponse:
    actor = request_user(request)
    agency = _agency(actor, agency_pk)
    kind = _kind(kind)
    may_edit = services.may_edit(actor, agency)
    form = PublishForm(request.POST or None, request.FILES or None, with_letters=kind == ListKind.BODIES)
    errors: list[excel.RowError] = []
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            upload = form.cleaned_data["file"]
            letters = {letter.name: letter for letter in form.cleaned_data.get("letters") or []}
            try:
                version = excel.import_version(
                    actor=actor,
                    agency=agency,
                    kind=kind,
                    upload=upload,
                    size=upload.size or 0,
                    effective_from=form.cleaned_data["effective_from"],
                    source=form.cleaned_data["source"],
                    reason=form.cleaned_data["reason"],
                    letters=letters,
                )
            except excel.ImportRefused as refused:
                errors = refused.errors
                form.add_error("file", refused.message)
            except Refusal as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            else:
                messages.success(request, _("已发布第%(number)s版，并记入全过程记录") % {"number": version.number})
                return redirect("list_page", agency.pk, kind)
    today = timezone.localdate()
    in_force = selectors.list_in_force(agency, kind, today)
    versions = list(selectors.versions_for(agency, kind))
    history: list[dict[str, Any]] = []
    for index, version in enumerate(versions):
        history.append({"version": version, "diff": selectors.diff(version) if index < HISTORY_DIFFS else None})
    context = {
        "agency": agency,
        "kind": kind,
        "label": ListKind(kind).label,
        "today": today,
        "in_force": in_force,
        "headers": [column.header for column in COLUMNS[kind]],
        "rows": _rows(in_force) if in_force else [],
        "history": history,
        "may_edit": may_edit,
        "form": form if may_edit else None,
        "errors": errors,
        "lists": ListKind.choices,
    }
    return render(request, "powers/list.html", context)


def _version(request: HttpRequest, pk: int) -> ListVersion:
    version = selectors.version_visible(request_user(request), pk)
    if version is None:
        raise Http404
    return version


@login_required
def version_page(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    context = {
        "version": version,
        "previous": selectors.previous_of(version),
        "diff": selectors.diff(version),
        "headers": [column.header for column in COLUMNS[version.kind]],
        "rows": _rows(version),
    }
    return render(request, "powers/version.html", context)


@login_required
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    response = HttpResponse(excel.export_version(version), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(excel.export_name(version))}"
    return response


@login_required
def list_template(request: HttpRequest, agency_pk: int, kind: str) -> HttpResponse:
    agency = _agency(request_user(request), agency_pk)
    kind = _kind(kind)
    response = HttpResponse(excel.template(agency, kind), content_type=XLSX)
    name = f"{agency.name}{ListKind(kind).label}-模板.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
