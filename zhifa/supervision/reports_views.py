"""Pages of the reports: the list (the agency's own reports; for a supervisor, who owes what and who is late), one
report (figures, narrative, submission, review), its PDF, Word file and export, and the public list of accepted
annual reports (统计年报 made public: 国办发〔2018〕118号)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from zhifa.core.errors import Refusal
from zhifa.core.forms import run_service
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency
from zhifa.documents.word import CONTENT_TYPE as DOCX
from zhifa.supervision import report_documents, report_export, reports
from zhifa.supervision.models.reports import AnnualReport, ReportKind, ReportState


class CreateForm(forms.Form):
    kind = forms.ChoiceField(label="报告种类", choices=ReportKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度",
        coerce=int,
        choices=[(0, "—（统计年报）"), (1, "一"), (2, "二"), (3, "三"), (4, "四")],
        required=False,
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


def narrative_form(report: AnnualReport, data: Any = None) -> forms.Form:
    form = forms.Form(data, initial=report.narrative)
    for key, heading in reports.NARRATIVE[report.kind]:
        form.fields[key] = forms.CharField(
            label=heading,
            required=False,
            max_length=reports.NARRATIVE_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
    return form


def _act(request: HttpRequest, call: Callable[[], AnnualReport]) -> AnnualReport | None:
    """A step without a form (refresh, submit, accept): its refusal shown as a message."""
    try:
        return call()
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return None


def _visible(request: HttpRequest, pk: int) -> AnnualReport:
    actor = request_user(request)
    report = get_object_or_404(AnnualReport.objects.select_related("agency", "addressed_to"), pk=pk)
    if not can_see_agency(actor, report.agency):
        raise Http404
    return report


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    today = timezone.localdate()
    if actor.agency is None:
        raise PermissionDenied
    tracking = []
    if actor.has_role("supervisor"):
        for kind in (ReportKind.QUARTERLY, ReportKind.ANNUAL):
            # The last report due (late ones show), else the next one (days left).
            year, quarter = reports.latest_due(kind, today) or reports.next_due(kind, today)
            tracking.append(
                {
                    "kind": ReportKind(kind).label,
                    "period": f"{year}年度" if kind == ReportKind.ANNUAL else f"{year}年第{quarter}季度",
                    "due_on": reports.due_of(kind, year, quarter),
                    "duties": reports.duties(actor, kind, year, quarter, today),
                }
            )
    year, quarter = reports.next_due(ReportKind.QUARTERLY, today)
    context = {
        "reports": reports.reports_for(actor)[:200],
        "tracking": tracking,
        "may_create": reports.may_write(actor, actor.agency),
        "create_form": CreateForm(initial={"kind": ReportKind.QUARTERLY, "year": year, "quarter": quarter}),
        "schedule": reports.SCHEDULE,
        "today": today,
    }
    return render(request, "supervision/report_list.html", context)


@login_required
@require_POST
def report_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if actor.agency is None:
        raise PermissionDenied
    form = CreateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        agency = actor.agency
        report = run_service(
            form,
            lambda: reports.report_create(
                actor=actor,
                agency=agency,
                kind=data["kind"],
                year=data["year"],
                quarter=data.get("quarter") or 0,
                today=timezone.localdate(),
            ),
        )
        if report is not None:
            return redirect("supervision_report", report.pk)
    for error in form.errors.values():
        messages.error(request, "；".join(str(message) for message in error))
    return redirect("supervision_reports")


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    report = _visible(request, pk)
    today = timezone.localdate()
    writable = reports.may_write(actor, report.agency) and report.editable
    reviewable = reports.may_review(actor, report) and report.state == ReportState.SUBMITTED
    text_form = narrative_form(report)
    return_form = ReturnForm()
    if request.method == "POST":
        step = request.POST.get("step", "")
        done: Any = None
        if step == "write" and writable:
            text_form = narrative_form(report, request.POST)
            if text_form.is_valid():
                done = run_service(
                    text_form,
                    lambda: reports.report_write(actor=actor, report=report, narrative=text_form.cleaned_data),
                )
        elif step in ("refresh", "submit") and writable:
            service = reports.report_refresh if step == "refresh" else reports.report_submit
            done = _act(request, lambda: service(actor=actor, report=report, today=today))
        elif step == "accept" and reviewable:
            done = _act(request, lambda: reports.report_accept(actor=actor, report=report, today=today))
        elif step == "return" and reviewable:
            return_form = ReturnForm(request.POST)
            if return_form.is_valid():
                reason = return_form.cleaned_data["reason"]
                done = run_service(
                    return_form,
                    lambda: reports.report_return(actor=actor, report=report, reason=reason, today=today),
                )
        else:
            raise PermissionDenied
        if done is not None:
            messages.success(request, "已保存")
            return redirect("supervision_report", report.pk)
    context = {
        "report": report,
        "sections": report_documents.sections(report),
        "narrative": report_documents.narrative(report),
        "agencies": report_documents.document_context(report)["agencies"],
        "chart_labels": report_documents.CHART_LABELS,
        "writable": writable,
        "reviewable": reviewable,
        "text_form": text_form,
        "return_form": return_form,
        "days_left": (report.due_on - (report.submitted_on or today)).days,
    }
    return render(request, "supervision/report_detail.html", context)


def _attachment(body: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _visible(request, pk)
    name = f"{report.agency.name}{report.period_label}"
    if fmt == "pdf":
        return _attachment(report_documents.render_pdf(report), "application/pdf", f"{name}.pdf")
    if fmt == "docx":
        return _attachment(report_documents.render_docx(report), DOCX, f"{name}.docx")
    raise Http404


@login_required
@require_GET
def report_export_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = _visible(request, pk)
    if fmt == "json":
        return JsonResponse(report_export.as_json(report), json_dumps_params={"ensure_ascii": False})
    if fmt == "csv":
        return _attachment(report_export.as_csv(report).encode("utf-8-sig"), "text/csv; charset=utf-8", f"{pk}.csv")
    raise Http404


def _published() -> Any:
    return AnnualReport.objects.filter(kind=ReportKind.ANNUAL, published_on__isnull=False).select_related("agency")


@require_GET
def public_reports(request: HttpRequest) -> HttpResponse:
    """The accepted annual reports, newest first: what the public reads (the text and the figures as submitted)."""
    return render(request, "supervision/report_public.html", {"reports": _published()[:500]})


@require_GET
def public_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(_published(), pk=pk)
    return _attachment(
        report_documents.render_pdf(report), "application/pdf", f"{report.agency.name}{report.period_label}.pdf"
    )


reports_urls: list[URLPattern] = [
    path("supervision/reports/", report_list, name="supervision_reports"),
    path("supervision/reports/new", report_new, name="supervision_report_new"),
    path("supervision/reports/<int:pk>/", report_detail, name="supervision_report"),
    path("supervision/reports/<int:pk>/report.<str:fmt>", report_file, name="supervision_report_file"),
    path("supervision/reports/<int:pk>/export.<str:fmt>", report_export_view, name="supervision_report_export"),
    path("public/supervision/annual-reports/", public_reports, name="supervision_public_reports"),
    path("public/supervision/annual-reports/<int:pk>.pdf", public_report_pdf, name="supervision_public_report_pdf"),
]
