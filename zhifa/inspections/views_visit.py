"""The visit's pages: the actions on an inspection's page (review, record, acts, result, tell, publish, cancel),
the answers to the business's objections, the business's own form on the code page, and the public results.

Each person is shown only the actions he may take now (`available`); the services decide again and their
refusals are shown on the field they name, with the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.lockout import client_address, hits
from zhifa.core.models import User
from zhifa.core.scoping import can_see_agency
from zhifa.inspections import forms as visit_forms
from zhifa.inspections import selectors, services, visit
from zhifa.inspections.choices import InspectionState
from zhifa.inspections.models import Inspection, InspectionObjection
from zhifa.personnel.models import Officer


def is_inspector(actor: User, inspection: Inspection) -> bool:
    return actor.has_role(Role.OFFICER.value) and Officer.objects.filter(user=actor, inspections=inspection).exists()


def _is_head(actor: User, inspection: Inspection) -> bool:
    return actor.has_role(Role.APPROVER.value) and can_see_agency(actor, inspection.agency)


def _names(files: Any) -> dict[str, str]:
    return dict(getattr(files, "names", {}))


def _on_visit_day(inspection: Inspection, value: Any) -> datetime:
    scanned = inspection.code_scanned_at
    day = timezone.localdate(scanned) if scanned else inspection.planned_on
    return timezone.make_aware(datetime.combine(day, value))


@dataclass(frozen=True)
class Action:
    label: Any
    form: type[forms.Form]
    may: Callable[[User, Inspection], bool]
    run: Callable[[User, Inspection, dict[str, Any]], Any]
    done: Any


ACTIONS: dict[str, Action] = {
    "review": Action(
        _("记录非现场检查"),
        visit_forms.ReviewForm,
        lambda actor, i: i.off_site and i.state == InspectionState.PLANNED and is_inspector(actor, i),
        lambda actor, i, data: visit.inspection_review_off_site(
            actor=actor,
            inspection=i,
            method=data["method"],
            note=data["note"],
            files=data["evidence"],
            names=_names(data["evidence"]),
        ),
        _("已记录非现场检查"),
    ),
    "visit": Action(
        _("记录现场检查笔录"),
        visit_forms.VisitForm,
        lambda actor, i: i.state == InspectionState.ON_SITE and i.recorded_at is None and is_inspector(actor, i),
        lambda actor, i, data: visit.inspection_record_visit(
            actor=actor,
            inspection=i,
            started_at=_on_visit_day(i, data["started_at"]),
            ended_at=_on_visit_day(i, data["ended_at"]),
            present=data["present"],
            findings=data["findings"],
            statement=data["statement"],
            files=data["evidence"],
            names=_names(data["evidence"]),
        ),
        _("已记录现场检查笔录"),
    ),
    "act": Action(
        _("记录询问、抽样或勘验"),
        visit_forms.ActForm,
        lambda actor, i: i.state == InspectionState.ON_SITE and i.recorded_at is not None and is_inspector(actor, i),
        lambda actor, i, data: visit.inspection_record_act(
            actor=actor,
            inspection=i,
            kind=data["kind"],
            person=data["person"],
            text=data["text"],
            files=data["evidence"],
            names=_names(data["evidence"]),
        ),
        _("已记录"),
    ),
    "result": Action(
        _("记录检查结果"),
        visit_forms.ResultForm,
        lambda actor, i: (
            (
                (i.state == InspectionState.ON_SITE and i.recorded_at is not None)
                or i.state == InspectionState.OFF_SITE_REVIEWED
            )
            and is_inspector(actor, i)
        ),
        lambda actor, i, data: visit.inspection_record_result(
            actor=actor,
            inspection=i,
            outcome=data["outcome"],
            findings=data["findings"],
            case_title=data["case_title"],
            on_date=data["on_date"],
        ),
        _("已记录检查结果"),
    ),
    "tell": Action(
        _("告知检查结果"),
        visit_forms.TellForm,
        lambda actor, i: i.state == InspectionState.RESULT_RECORDED and selectors.may_plan(actor, i.agency),
        lambda actor, i, data: visit.inspection_tell(actor=actor, inspection=i, how=data["how"]),
        _("已记录告知"),
    ),
    "publish": Action(
        _("公开检查结果"),
        forms.Form,
        lambda actor, i: i.state == InspectionState.TOLD and selectors.may_plan(actor, i.agency),
        lambda actor, i, data: visit.inspection_publish(actor=actor, inspection=i),
        _("检查结果已公开"),
    ),
    "cancel": Action(
        _("撤销检查"),
        visit_forms.CancelForm,
        lambda actor, i: i.state in (InspectionState.PLANNED, InspectionState.CODE_ISSUED) and _is_head(actor, i),
        lambda actor, i, data: visit.inspection_cancel(actor=actor, inspection=i, reason=data["reason"]),
        _("检查已撤销"),
    ),
}


def available(actor: User, inspection: Inspection) -> list[str]:
    return [name for name, action in ACTIONS.items() if action.may(actor, inspection)]


def visit_panel(actor: User, inspection: Inspection, bound: tuple[str, forms.Form] | None = None) -> dict[str, Any]:
    """What the inspection's page adds for the visit: the forms of the actions the actor may take now (a bound
    form when one came back with errors), the acts recorded, the objections with an answer form where he may."""
    names = available(actor, inspection)
    panels = [
        {
            "name": name,
            "label": ACTIONS[name].label,
            "form": bound[1] if bound and bound[0] == name else ACTIONS[name].form(prefix=name),
        }
        for name in names
    ]
    objections = [
        {
            "objection": objection,
            "form": visit_forms.AnswerForm(prefix=f"answer{objection.pk}")
            if objection.answered_at is None and visit.may_answer(actor, objection)
            else None,
        }
        for objection in inspection.objections.select_related("inspection__agency")
    ]
    today = timezone.localdate()
    media = forms.Media()
    for panel in panels:
        media += panel["form"].media
    return {
        "actions": panels,
        "media": media,
        "acts": list(inspection.acts.all()),
        "objections": objections,
        "tell_late": inspection.tell_due is not None and inspection.told_at is None and inspection.tell_due < today,
        "publish_late": inspection.publish_due is not None
        and inspection.published_at is None
        and inspection.publish_due < today,
    }


def _problem(form: forms.Form, refusal: Refusal) -> None:
    message = f"{refusal}（{refusal.rule}）" if refusal.rule else str(refusal)
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, message)


@login_required
@require_POST
def inspection_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    from zhifa.inspections.views import inspection_page

    actor = request.user
    assert isinstance(actor, User)
    inspection = selectors.inspection_visible(actor, pk) if selectors.may_read(actor) else None
    if inspection is None or name not in ACTIONS:
        raise Http404
    action = ACTIONS[name]
    if not action.may(actor, inspection):
        messages.error(request, _("您现在不能对该检查进行此操作"))
        return redirect("inspection_detail", pk)
    form = action.form(request.POST, prefix=name)
    if form.is_valid():
        try:
            action.run(actor, inspection, form.cleaned_data)
        except Refusal as refusal:
            _problem(form, refusal)
        else:
            messages.success(request, action.done)
            return redirect("inspection_detail", pk)
    return inspection_page(request, inspection, bound=(name, form), status=400)


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    assert isinstance(actor, User)
    objection = InspectionObjection.objects.select_related("inspection__agency").filter(pk=pk).first()
    if objection is None or not visit.may_answer(actor, objection):
        raise Http404
    form = visit_forms.AnswerForm(request.POST, prefix=f"answer{pk}")
    if form.is_valid():
        try:
            visit.objection_answer(actor=actor, objection=objection, answer=form.cleaned_data["answer"])
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("已答复"))
    else:
        messages.error(request, _("答复内容：请填写，最多5000字"))
    return redirect("inspection_detail", objection.inspection_id)


# --- public ------------------------------------------------------------------------------------------------------

RESULTS_PAGE = 50


def public_results(request: HttpRequest) -> HttpResponse:
    """检查结果公开 (no login): published results, newest first; searchable by the business's name or code."""
    rows = (
        Inspection.objects.filter(state=InspectionState.PUBLISHED)
        .select_related("agency", "target")
        .prefetch_related("items")
        .order_by("-published_at", "-pk")
    )
    query = request.GET.get("q", "").strip()[:100]
    if query:
        rows = rows.filter(Q(target__name__icontains=query) | Q(target__credit_code=query.upper()))
    page = Paginator(rows, RESULTS_PAGE).get_page(request.GET.get("page"))
    publish_days = visit.PERIODS["publish"].working_days
    return render(request, "inspections/public_results.html", {"page": page, "q": query, "days": publish_days})


OBJECTIONS_PER_HOUR_PER_ADDRESS = 10


@never_cache
@require_POST
def public_objection(request: HttpRequest, token: str) -> HttpResponse:
    """The business objects to the result or complains about the inspection, from its code (no login)."""
    from zhifa.inspections.views import public_code_page

    inspection = selectors.inspection_by_code(token)
    if inspection is None:
        raise Http404
    form = visit_forms.ObjectionForm(request.POST)
    if request.user.is_authenticated:
        # Staff must not file in the business's name (as with the scan at the door).
        return public_code_page(
            request, inspection, problem=str(_("工作人员登录状态下不能代替企业提出异议或投诉。")), status=403
        )
    address = client_address(request)
    if hits(f"zhifa:inspection-objection:{address}", 3600) > OBJECTIONS_PER_HOUR_PER_ADDRESS:
        return public_code_page(request, inspection, problem=str(_("提交次数过多，请稍后再试。")), status=429)
    if form.is_valid():
        try:
            filed = visit.objection_file(
                token=token,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                contact=form.cleaned_data["contact"],
                network=services.network_of(address),
            )
        except Refusal as refusal:
            _problem(form, refusal)
        else:
            return public_code_page(request, selectors.inspection_by_code(token) or inspection, filed=filed)
    return public_code_page(request, inspection, objection_form=form, status=400)
