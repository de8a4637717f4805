"""The pages of inspections: the directory of businesses (list, page, form, import), the plans, the
inspections. Thin: reads through `selectors`, changes through `services`."""

from __future__ import annotations

import shlex
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core.choices import Domain
from zhifa.core.errors import Refusal
from zhifa.core.lockout import client_address, hits
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import visible_agencies
from zhifa.documents.rendering import qr_code
from zhifa.inspections import importer, selectors, services
from zhifa.inspections.choices import DrawState, Grade, InspectionState, PlanKind, PlanState, Source
from zhifa.inspections.forms import (
    ActiveForm,
    ApproveForm,
    DrawFreezeForm,
    DrawSeedForm,
    ForCauseForm,
    ImportForm,
    PlanForm,
    TargetForm,
    plan_initial,
)
from zhifa.inspections.models import Inspection, InspectionPlan, InspectionTarget, InspectorRelation, RandomInspection
from zhifa.ledger import blobs
from zhifa.ledger.models import Checkpoint
from zhifa.personnel.models import Officer

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
    may_create = _writable_agencies(actor).exists()
    return render(request, "inspections/plan_list.html", {"page": page, "may_create": may_create})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    plan = selectors.plan_visible(actor, pk)
    if plan is None:
        raise Http404
    form = ApproveForm(request.POST if request.POST.get("do") == "approve" else None)
    may_draw = (
        plan.state == PlanState.PUBLISHED and plan.kind == PlanKind.ROUTINE and selectors.may_plan(actor, plan.agency)
    )
    draws = list(plan.joint_draws.select_related("plan").order_by("pk"))
    open_draw = next((draw for draw in draws if draw.state != DrawState.DRAWN), None)
    joint = (
        selectors.plan_list_for(actor)
        .filter(state=PlanState.PUBLISHED, kind=PlanKind.ROUTINE, year=plan.year, agency__in=_writable_agencies(actor))
        .exclude(pk=plan.pk)
    )
    freeze = DrawFreezeForm(request.POST if request.POST.get("do") == "freeze" else None, joint=joint)
    seed = DrawSeedForm(request.POST if request.POST.get("do") == "seed" else None)
    if request.method == "POST":
        action = request.POST.get("do")
        try:
            if action == "approve" and form.is_valid():
                services.plan_approve(actor=actor, plan=plan, late_reason=form.cleaned_data["late_reason"])
            elif action == "publish":
                services.plan_publish(actor=actor, plan=plan)
            elif action == "freeze" and may_draw and freeze.is_valid():
                data = freeze.cleaned_data
                announcement = services.draw_announcement(
                    kind=data["seed_kind"],
                    entries_ahead=data["entries_ahead"] or 0,
                    drand_chain=data["drand_chain"],
                    drand_round=data["drand_round"] or 0,
                    witnesses=data["witnesses"].splitlines(),
                    how=data["how"],
                    not_before=data["not_before"],
                )
                services.draw_freeze(
                    actor=actor,
                    plans=[plan, *data["joint"]],
                    announcement=announcement,
                    inspectors_per_target=data["inspectors_per_target"],
                )
            elif action == "seed" and open_draw is not None and seed.is_valid():
                drawn = services.draw_seed(actor=actor, draw=open_draw, value=seed.cleaned_data["value"])
                services.draw_run(actor=actor, draw=drawn)
            elif action == "run" and open_draw is not None:
                services.draw_run(actor=actor, draw=open_draw)
            else:
                raise _Invalid
        except Refusal as refusal:
            messages.error(request, str(refusal))
        except _Invalid:
            pass
        else:
            return redirect("inspection_plan", pk)
        if action not in ("freeze", "seed"):
            return redirect("inspection_plan", pk)
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "form": form,
            "may_approve": plan.state == PlanState.DRAFT and actor.has_role(*services.HEADS),
            "may_publish": plan.state == PlanState.APPROVED and selectors.may_plan(actor, plan.agency),
            "may_edit": plan.state == PlanState.DRAFT and selectors.may_plan(actor, plan.agency),
            "may_freeze": may_draw and open_draw is None,
            "freeze_form": freeze,
            "draws": draws,
            "open_draw": open_draw if may_draw else None,
            "seed_ready": open_draw is not None and _seed_ready(open_draw),
            "seed_form": seed,
            "checkpoint": _announced_checkpoint(open_draw if may_draw else None),
            "inspections": plan.inspections.select_related("target").order_by("planned_on")[:200],
        },
    )


class _Invalid(Exception):
    """A form that did not validate: the page is shown again with its errors."""


def _seed_ready(draw: RandomInspection) -> bool:
    """Whether the announced value can exist yet: a ledger checkpoint the system knows of; a drand round or the
    witnesses' numbers the system cannot see, so always offered."""
    if draw.state != DrawState.FROZEN:
        return False
    seed = draw.announcement
    if seed.get("source") == "ledger_checkpoint":
        return Checkpoint.objects.filter(size__gte=seed["tree_size"]).exists()
    return True


def _announced_checkpoint(draw: RandomInspection | None) -> Checkpoint | None:
    """The checkpoint a draw's seed names, once signed (shown beside the seed form, to be copied and checked)."""
    if draw is None or draw.state != DrawState.FROZEN or draw.announcement.get("source") != "ledger_checkpoint":
        return None
    return Checkpoint.objects.filter(size__gte=draw.announcement["tree_size"]).order_by("pk").first()


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    page = Paginator(selectors.inspection_list_for(actor), PAGE_SIZE).get_page(request.GET.get("page"))
    may_create = _writable_agencies(actor).exists()
    return render(request, "inspections/inspection_list.html", {"page": page, "may_create": may_create})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    inspection = selectors.inspection_visible(actor, pk)
    if inspection is None:
        raise Http404
    return inspection_page(request, inspection)


def inspection_page(
    request: HttpRequest, inspection: Inspection, *, bound: tuple[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The inspection's page; `bound`: an action's form that came back with errors (views_visit)."""
    from zhifa.inspections.documents import documents_panel
    from zhifa.inspections.views_visit import visit_panel

    actor = request_user(request)
    show_code = inspection.state == InspectionState.CODE_ISSUED and _may_show_code(actor, inspection)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "qr": code_qr_svg(inspection.code_token) if show_code else "",
            "code_url": code_url(inspection.code_token) if show_code else "",
            "may_issue": inspection.state == InspectionState.PLANNED
            and not inspection.off_site
            and selectors.may_plan(actor, inspection.agency),
            **visit_panel(actor, inspection, bound),
            **documents_panel(actor, inspection),
        },
        status=status,
    )


# --- plans: the form (draw up, edit while draft) ---------------------------------------------------------------


def _chosen_agency(request: HttpRequest, agencies: QuerySet[Agency], fallback: Agency | None) -> Agency:
    """The agency the form is for, whose item list (and inspector pool) it offers: the one asked (?agency=, kept
    in the address the form posts to), the actor's own, or the first he may write for."""
    wanted = request.GET.get("agency", "")
    chosen = agencies.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if chosen is None and fallback is not None and agencies.filter(pk=fallback.pk).exists():
        chosen = fallback
    chosen = chosen or agencies.order_by("path").first()
    if chosen is None:
        raise Http404
    return chosen


def _refused(form: Any, refusal: Refusal) -> None:
    field = refusal.field if refusal.field in form.fields else None
    message = str(refusal)
    if refusal.rule and refusal.rule not in message:
        message = f"{message}（{refusal.rule}）"
    form.add_error(field, message)


def _plan_form(request: HttpRequest, plan: InspectionPlan | None) -> HttpResponse:
    actor = _reader(request)
    agencies = _writable_agencies(actor)
    if plan is None:
        agency = _chosen_agency(request, agencies, actor.agency)
        initial: dict[str, Any] = {"year": timezone.localdate().year + 1, "kind": PlanKind.ROUTINE}
    else:
        if plan.state != PlanState.DRAFT or not selectors.may_plan(actor, plan.agency):
            raise Http404
        agency, initial = plan.agency, plan_initial(plan)
    items = selectors.items_in_force(agency, timezone.localdate())
    form = PlanForm(request.POST or None, initial=initial, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            if plan is None:
                plan = services.plan_create(actor=actor, agency=agency, **form.values())
            else:
                plan = services.plan_update(actor=actor, plan=plan, **form.values())
        except Refusal as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("已保存"))
            return redirect("inspection_plan", plan.pk)
    return render(request, "inspections/plan_form.html", {"form": form, "plan": plan, "agency": agency, "items": items})


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    return _plan_form(request, None)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_visible(_reader(request), pk)
    if plan is None:
        raise Http404
    return _plan_form(request, plan)


# --- for-cause inspections: the form ---------------------------------------------------------------------------

SEARCH_LIMIT = 20


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    """A for-cause inspection (有因检查): first the business (a bounded search, or from its page), then the form."""
    actor = _reader(request)
    agencies = _writable_agencies(actor)
    if not agencies.exists():
        raise Http404
    target_pk = request.GET.get("target", "")
    target = selectors.target_visible(actor, int(target_pk)) if target_pk.isdigit() else None
    if target is None:
        text = request.GET.get("q", "").strip()[:50]
        found = list(selectors.search_targets(actor, text=text)[:SEARCH_LIMIT]) if text else []
        return render(request, "inspections/inspection_pick.html", {"q": text, "found": found, "limit": SEARCH_LIMIT})
    fallback = actor.agency if actor.agency is not None else target.agency
    agency = _chosen_agency(request, agencies, fallback)
    today = timezone.localdate()
    related = set(
        InspectorRelation.objects.filter(target__credit_code=target.credit_code).values_list("officer_id", flat=True)
    )
    pool = [
        (
            member.officer.pk,
            f"{member.officer.name}（{member.officer.agency.name}）"
            + (_("（有登记的回避关系）") if member.officer.pk in related else ""),
        )
        for member in selectors.inspector_pool(agency, today)
    ]
    items = selectors.items_in_force(agency, today)
    form = ForCauseForm(
        request.POST or None,
        initial={"planned_on": today},
        items=items,
        officers=pool,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officers = list(Officer.objects.filter(pk__in=data["officers"]).select_related("agency"))
        try:
            inspection = services.inspection_create(
                actor=actor,
                agency=agency,
                target=target,
                source=Source.FOR_CAUSE,
                cause=data["cause"],
                reason=data["reason"],
                item_codes=data["items"],
                officers=officers,
                planned_on=data["planned_on"],
                off_site=data["off_site"],
            )
        except Refusal as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("已登记"))
            return redirect("inspection_detail", inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form, "target": target, "agency": agency})


# --- the visit: the code, the officer's phone page, the public page --------------------------------------------


def code_url(token: str) -> str:
    """The address the inspection code's QR carries (ZHIFA_PUBLIC_URL: the portal's public address)."""
    return f"{settings.ZHIFA_PUBLIC_URL.rstrip('/')}{reverse('inspection_code_public', args=[token])}"


def code_qr_svg(token: str) -> str:
    """The QR code of the public page of the code: the documents' QR helper (same error correction)."""
    return str(qr_code(code_url(token)).svg_inline(scale=4))


def _may_show_code(actor: User, inspection: Inspection) -> bool:
    """The code is shown to the officers of the inspection and to those who may issue it, nobody else."""
    return selectors.may_plan(actor, inspection.agency) or any(
        officer.user_id == actor.pk for officer in inspection.officers.all()
    )


@login_required
@require_POST
def inspection_code(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    inspection = selectors.inspection_visible(actor, pk)
    if inspection is None:
        raise Http404
    try:
        services.inspection_issue_code(actor=actor, inspection=inspection)
    except Refusal as refusal:
        messages.error(request, f"{refusal}（{refusal.rule}）" if refusal.rule else str(refusal))
    else:
        messages.success(request, _("已生成检查码"))
    target = request.POST.get("next", "")
    return redirect("inspection_mine" if target == "mine" else "inspection_detail", *([] if target == "mine" else [pk]))


@login_required
def inspection_mine(request: HttpRequest) -> HttpResponse:
    """The inspector's phone page: his inspections today and to come, each with its code to show at the door."""
    actor = request_user(request)
    today = timezone.localdate()
    rows = [
        {
            "inspection": inspection,
            "qr": code_qr_svg(inspection.code_token)
            if inspection.state == InspectionState.CODE_ISSUED and inspection.code_token
            else "",
            "may_issue": inspection.state == InspectionState.PLANNED
            and not inspection.off_site
            and selectors.may_plan(actor, inspection.agency),
        }
        for inspection in selectors.officer_inspections(actor, today)
    ]
    return render(request, "inspections/inspection_mine.html", {"rows": rows, "today": today})


SCANS_PER_HOUR_PER_ADDRESS = 30


@never_cache
@require_http_methods(["GET", "POST"])
def public_code(request: HttpRequest, token: str) -> HttpResponse:
    """检查码核验 (no login): what the record says of the inspection — body, officers and their certificates,
    items and their basis, source and kind of cause (never the complaint's details), day, and whether the code
    was scanned; the business confirms the officers' arrival with a POST (扫码入企), recorded once."""
    inspection = selectors.inspection_by_code(token)
    if inspection is None:
        return render(request, "inspections/public_code.html", {"inspection": None}, status=404)
    status, problem, recorded = 200, "", None
    if request.method == "POST":
        address = client_address(request)
        if request.user.is_authenticated:
            # The business confirms, not the officers: a staff session cannot confirm its own visit.
            status, problem = 403, _("工作人员登录状态下不能代替企业确认，请企业使用自己的手机扫码确认。")
        elif hits(f"zhifa:inspection-scan:{address}", 3600) > SCANS_PER_HOUR_PER_ADDRESS:
            status, problem = 429, _("确认次数过多，请稍后再试。")
        else:
            try:
                scan = services.inspection_record_scan(
                    token=token,
                    network=services.network_of(address),
                    agent=services.agent_family(str(request.META.get("HTTP_USER_AGENT", ""))),
                )
            except Refusal as refusal:
                status, problem = 409, str(refusal)
            else:
                inspection, recorded = selectors.inspection_by_code(token), scan.recorded
    assert inspection is not None
    return public_code_page(request, inspection, problem=problem, recorded=recorded, status=status)


def public_code_page(
    request: HttpRequest,
    inspection: Inspection,
    *,
    problem: str = "",
    recorded: bool | None = None,
    status: int = 200,
    objection_form: Any = None,
    filed: Any = None,
) -> HttpResponse:
    """The code's public page: the record, the result once told, the business's objections and their answers,
    and the form to object or complain (views_visit.public_objection)."""
    from zhifa.inspections.forms import ObjectionForm

    officers = selectors.certificates_shown(list(inspection.officers.all()), inspection.agency, inspection.planned_on)
    return render(
        request,
        "inspections/public_code.html",
        {
            "inspection": inspection,
            "officers": officers,
            "items": inspection.items.all(),
            "problem": problem,
            "recorded": recorded,
            "may_confirm": inspection.state == InspectionState.CODE_ISSUED
            and inspection.code_scanned_at is None
            and inspection.planned_on <= timezone.localdate(),
            "told": inspection.told_at is not None,
            "objections": list(inspection.objections.all()),
            "objection_form": (objection_form or ObjectionForm())
            if inspection.state != InspectionState.CANCELLED and not request.user.is_authenticated
            else None,
            "filed": filed,
        },
        status=status,
    )


# --- the draw's public page (双随机、一公开) --------------------------------------------------------------------


def public_draw(request: HttpRequest, pk: int) -> HttpResponse:
    """A draw, public from its freezing: the plans, the inputs' hash and its ledger entry, the inputs file, the
    seed's source named in advance; then the seed, the result's hash, the result list and the shortfalls."""
    draw = selectors.draw_public(pk)
    if draw is None:
        raise Http404
    seed_value = draw.seed_value
    return render(
        request,
        "inspections/public_draw.html",
        {
            "draw": draw,
            "plans": draw.plans.select_related("agency").prefetch_related("items").order_by("pk"),
            "rows": selectors.draw_rows(draw),
            "command": (
                f"python -m zhifa_draw recompute published.json --seed-value {shlex.quote(seed_value)} "
                f"--expect-inputs-sha256 {draw.inputs_sha256} --expect-result-sha256 {draw.result_sha256}"
            )
            if draw.result_sha256
            else "",
        },
    )


def public_draw_file(request: HttpRequest, pk: int, which: str) -> HttpResponseBase:
    """The published inputs file (or the result) of a draw, re-hashed before it is sent."""
    draw = selectors.draw_public(pk)
    if draw is None:
        raise Http404
    digest = draw.inputs_sha256
    if which == "result":
        if not draw.result_sha256:
            raise Http404
        digest = draw.result_sha256
    problem = blobs.verify(digest)
    if problem is not None:
        return HttpResponse(f"文件已损坏或缺失：{problem}", status=409, content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(blobs.open_verified(digest), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}-{which}-{digest[:12]}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
