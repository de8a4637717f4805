"""The pages of inspections: the directory of businesses (list, page, form, import), the plans, the
inspections. Thin: reads through `selectors`, changes through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhifa.core.choices import Domain
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import visible_agencies
from zhifa.inspections import importer, selectors, services
from zhifa.inspections.choices import Grade, PlanState
from zhifa.inspections.forms import ActiveForm, ApproveForm, ImportForm, TargetForm
from zhifa.inspections.models import InspectionTarget

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reader(request: HttpRequest) -> User:
    actor = request_user(request)
    if not selectors.may_read(actor):
        raise Http404
    return actor


def _writable_agencies(actor: User) -> Any:
    return visible_agencies(actor) if actor.has_role(*services.PLANNERS) else Agency.objects.none()


def _target(actor: User, pk: int) -> InspectionTarget:
    target = selectors.target_visible(actor, pk)
    if target is None:
        raise Http404
    return target


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    text = request.GET.get("q", "").strip()[:50]
    domain = request.GET.get("domain", "")
    grade = request.GET.get("grade", "")
    agency_pk = request.GET.get("agency", "")
    agencies = list(visible_agencies(actor).order_by("path"))
    agency = next((a for a in agencies if str(a.pk) == agency_pk), None)
    show = request.GET.get("active", "1")
    active = {"1": True, "0": False}.get(show)
    targets = selectors.search_targets(actor, text=text, domain=domain, grade=grade, agency=agency, active=active)
    page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    grades = [
        (f"{kind}:{g}", label % {"grade": g})
        for kind, label in (("risk", _("风险%(grade)s类")), ("credit", _("信用%(grade)s类")))
        for g in Grade
    ]
    return render(
        request,
        "inspections/target_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "q": text,
            "domain": domain,
            "grade": grade,
            "agency": agency,
            "agencies": agencies,
            "active": show,
            "domains": Domain.choices,
            "grades": grades,
            "may_edit": _writable_agencies(actor).exists(),
        },
    )


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    target = _target(actor, pk)
    year = timezone.localdate().year
    inspections = list(selectors.inspections_of(actor, target, year).order_by("planned_on", "pk"))
    # The cap as it binds the agency whose directory holds the business, and each other agency that inspected it.
    bodies = {target.agency_id: target.agency} | {i.agency_id: i.agency for i in inspections}
    caps = [(agency, selectors.cap_state(target, agency, year)) for agency in bodies.values()]
    return render(
        request,
        "inspections/target_detail.html",
        {
            "target": target,
            "year": year,
            "inspections": inspections,
            "caps": caps,
            "relations": target.relations.select_related("officer").order_by("officer__name"),
            "may_edit": selectors.may_plan(actor, target.agency),
            "active_form": ActiveForm(),
        },
    )


def _target_form(request: HttpRequest, target: InspectionTarget | None) -> HttpResponse:
    actor = _reader(request)
    agencies = _writable_agencies(actor)
    if target is not None and not selectors.may_plan(actor, target.agency):
        raise Http404
    if target is None and not agencies.exists():
        raise Http404
    initial = {name: getattr(target, name) for name in services.TARGET_FIELDS} if target else {"agency": actor.agency}
    form = TargetForm(request.POST or None, initial=initial, agencies=agencies, editing=target is not None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.TARGET_FIELDS}
        try:
            if target is None:
                target = services.target_create(actor=actor, agency=form.cleaned_data["agency"], values=values)
            else:
                target = services.target_update(actor=actor, target=target, values=values)
        except Refusal as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal))
        else:
            messages.success(request, _("已保存"))
            return redirect("inspection_target", target.pk)
    return render(request, "inspections/target_form.html", {"form": form, "target": target})


@login_required
def target_new(request: HttpRequest) -> HttpResponse:
    return _target_form(request, None)


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _target_form(request, _target(_reader(request), pk))


@login_required
@require_POST
def target_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    target = _target(actor, pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写理由（500字以内）"))
        return redirect("inspection_target", pk)
    try:
        services.target_set_active(
            actor=actor, target=target, active=not target.active, reason=form.cleaned_data["reason"]
        )
    except Refusal as refusal:
        messages.error(request, str(refusal))
    return redirect("inspection_target", pk)


@login_required
def target_import(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    agencies = _writable_agencies(actor)
    if not agencies.exists():
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, agencies=agencies, initial={"agency": actor.agency})
    errors: list[importer.RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            done = importer.targets_import(
                actor=actor,
                agency=form.cleaned_data["agency"],
                name=upload.name or "",
                upload=upload,
                size=upload.size or 0,
            )
        except importer.ImportRefused as refused:
            errors = refused.errors
            form.add_error("file", refused.message)
        except Refusal as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("已导入：新增 %(created)d 户，更新 %(updated)d 户，未变 %(unchanged)d 户")
                % {"created": done.created, "updated": done.updated, "unchanged": done.unchanged},
            )
            return redirect("inspection_targets")
    return render(
        request,
        "inspections/target_import.html",
        {"form": form, "errors": errors, "columns": importer.COLUMNS, "max_rows": importer.MAX_ROWS},
    )


@login_required
def target_template(request: HttpRequest) -> HttpResponse:
    _reader(request)
    response = HttpResponse(importer.template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''inspection-targets.xlsx"
    return response


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    plans = selectors.plan_list_for(actor)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/plan_list.html", {"page": page})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    plan = selectors.plan_visible(actor, pk)
    if plan is None:
        raise Http404
    form = ApproveForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "approve" and form.is_valid():
                services.plan_approve(actor=actor, plan=plan, late_reason=form.cleaned_data["late_reason"])
            elif request.POST.get("do") == "publish":
                services.plan_publish(actor=actor, plan=plan)
        except Refusal as refusal:
            messages.error(request, str(refusal))
        return redirect("inspection_plan", pk)
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "form": form,
            "may_approve": plan.state == PlanState.DRAFT and actor.has_role(*services.HEADS),
            "may_publish": plan.state == PlanState.APPROVED and selectors.may_plan(actor, plan.agency),
            "inspections": plan.inspections.select_related("target").order_by("planned_on")[:200],
        },
    )


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    page = Paginator(selectors.inspection_list_for(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/inspection_list.html", {"page": page})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    inspection = selectors.inspection_visible(actor, pk)
    if inspection is None:
        raise Http404
    return render(request, "inspections/inspection_detail.html", {"inspection": inspection})
