"""The public pages (file a complaint, track it) and the staff's list and page. Thin: services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.complaints import human_check, rules, selectors, services
from zhifa.complaints.choices import ComplaintState
from zhifa.complaints.forms import (
    AnswerForm,
    NotInspectForm,
    OpenLeadForm,
    PublicFilingForm,
    ReasonForm,
    RouteForm,
    TransferForm,
    first_error,
)
from zhifa.complaints.models import Complaint
from zhifa.complaints.workflow import ACTIONS
from zhifa.core.errors import Refusal
from zhifa.core.lockout import client_address, hits
from zhifa.core.permissions import request_user

_FILED_SESSION_KEY = "zhifa_complaint_filed"


def _channels() -> list[tuple[str, str]]:
    return [
        ("本页在线提交", "提交后得到投诉举报编号和查询码，凭二者查询受理、办理和答复情况"),
        ("12345 政务服务便民热线", "各地统一的政务服务热线，转交有管辖权的机关办理"),
        ("12315 市场监管投诉举报", "市场监管领域"),
        ("12369 生态环境举报", "生态环境领域"),
        ("来信来访", "向有管辖权的执法机关书面投诉举报"),
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def public_file(request: HttpRequest) -> HttpResponse:
    """投诉举报: the channels, and the form. No login."""
    status = 200
    # Every showing of the form asks a new question: one answered (rightly or not) is used up.
    challenge = human_check.make_challenge()
    form = PublicFilingForm(data=request.POST) if request.method == "POST" else PublicFilingForm()
    if request.method == "POST":
        address = client_address(request)
        posts = hits(f"zhifa:complaint-posts:{address}", 3600)
        if posts > rules.POSTS_PER_HOUR_PER_ADDRESS:
            form.add_error(None, "提交过于频繁，请一小时后再试，或拨打 12345 热线")
            status = 429
        elif request.POST.get("website"):
            # A robot filled the field people do not see: answer as if refused, record nothing.
            form.add_error(None, "提交未成功，请重试")
            status = 400
        else:
            problem = human_check.check(
                request.POST.get("challenge_token", ""), request.POST.get("challenge_answer", "")
            )
            if problem is not None:
                form.add_error("challenge_answer", problem)
                status = 400
            elif not form.is_valid():
                status = 400
            else:
                try:
                    filed = services.complaint_file(data=request.POST, client_address=address)
                except Refusal as refusal:
                    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
                    status = 429 if refusal.field in (None, "phone") else 400
                else:
                    # Shown once on the next page, then forgotten: the code is not kept anywhere in clear.
                    request.session[_FILED_SESSION_KEY] = [filed.complaint.number, filed.code]
                    return redirect("complaint_filed")
    context = {"form": form, "challenge": challenge, "channels": _channels()}
    return render(request, "complaints/public_file.html", context, status=status)


@never_cache
def public_filed(request: HttpRequest) -> HttpResponse:
    """The tracking number and the query code, shown once."""
    shown = request.session.pop(_FILED_SESSION_KEY, None)
    if not shown:
        return redirect("complaint_track")
    number, code = shown
    complaint = Complaint.objects.select_related("handling_agency").get(number=number)
    context = {"complaint": complaint, "code": services.format_code(code), "dues": _public_dues(complaint)}
    return render(request, "complaints/public_filed.html", context)


def _public_dues(complaint: Complaint) -> list[Any]:
    return selectors.running_dues(complaint, timezone.localdate())


@never_cache
@require_http_methods(["GET", "POST"])
def public_track(request: HttpRequest) -> HttpResponse:
    """查询: number and query code → state, dates, due dates, the notice or the answer. POST keeps the code out
    of addresses and logs."""
    context: dict[str, Any] = {"number": "", "complaint": None, "asked": False}
    status = 200
    if request.method == "POST":
        address = client_address(request)
        context["number"] = str(request.POST.get("number", "")).strip()[:20]
        context["asked"] = True
        if hits(f"zhifa:complaint-track:{address}", 3600) > rules.TRACKS_PER_HOUR_PER_ADDRESS:
            context["limited"] = True
            status = 429
        else:
            complaint = selectors.complaint_for_tracking(context["number"], str(request.POST.get("code", "")))
            if complaint is None:
                status = 404
            else:
                context["complaint"] = complaint
                context["steps"] = complaint.steps.all()
                context["dues"] = _public_dues(complaint)
    return render(request, "complaints/public_track.html", context, status=status)


# ---- staff -----------------------------------------------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not selectors.reads_complaints(actor):
        raise Http404
    state = request.GET.get("state", "")
    today = timezone.localdate()
    page = Paginator(selectors.complaints_for(actor, state=state), 30).get_page(request.GET.get("page"))
    # The subject may name the complainant: those who may not read the identity read it scrubbed.
    rows = [
        {
            "complaint": c,
            "dues": selectors.running_dues(c, today),
            "subject": c.subject if selectors.may_see_identity(actor, c) else services.scrub(c.subject, c),
        }
        for c in page
    ]
    context = {"page": page, "rows": rows, "states": ComplaintState.choices, "state": state}
    return render(request, "complaints/complaint_list.html", context)


ACTION_FORMS: dict[str, type[forms.Form] | None] = {
    "accept": None,
    "refuse": ReasonForm,
    "route": RouteForm,
    "transfer": TransferForm,
    "open_lead": OpenLeadForm,
    "not_inspect": NotInspectForm,
    "answer": AnswerForm,
}


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    complaint = selectors.complaint_for(request_user(request), pk)
    if complaint is None:
        raise Http404
    return complaint


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    complaint = _complaint(request, pk)
    allowed = services.allowed_actions(actor, complaint)
    actions = []
    for name in allowed:
        form_class = ACTION_FORMS[name]
        actions.append({"action": ACTIONS[name], "form": form_class(prefix=name) if form_class else None})
    periods = services.periods_for(complaint.handling_agency, complaint.domain)
    identity = selectors.may_see_identity(actor, complaint)

    # The free text may name the complainant: those who may not read the identity read it scrubbed.
    def shown(text: str) -> str:
        return text if identity else services.scrub(text, complaint)

    steps = list(complaint.steps.select_related("actor", "from_agency", "to_agency"))
    for step in steps:
        step.note = shown(step.note)
    context = {
        "complaint": complaint,
        "identity": identity,
        "subject": shown(complaint.subject),
        "facts": shown(complaint.facts),
        "refuse_reason": shown(complaint.refuse_reason),
        "notice": shown(complaint.notice),
        "answer": shown(complaint.answer),
        "actions": actions,
        "dues": selectors.running_dues(complaint, timezone.localdate()),
        "periods": periods.values(),
        "steps": steps,
    }
    return render(request, "complaints/complaint_detail.html", context)


@login_required
@require_POST
def complaint_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_user(request)
    complaint = _complaint(request, pk)
    if action not in ACTIONS:
        raise Http404
    form_class = ACTION_FORMS[action]
    form = form_class(data=request.POST, prefix=action) if form_class else None
    try:
        if form is not None and not form.is_valid():
            field, message = first_error(form)
            raise Refusal(message, field=field)
        data = form.cleaned_data if form is not None else {}
        if action == "accept":
            services.complaint_accept(actor=actor, complaint=complaint)
        elif action == "refuse":
            services.complaint_refuse(actor=actor, complaint=complaint, reason=data["reason"])
        elif action == "route":
            services.complaint_route(
                actor=actor, complaint=complaint, to_agency=data["to_agency"], reason=data["reason"]
            )
        elif action == "transfer":
            services.complaint_transfer(actor=actor, complaint=complaint, body=data["body"], reason=data["reason"])
        elif action == "open_lead":
            services.complaint_open_lead(actor=actor, complaint=complaint, title=data["title"])
        elif action == "not_inspect":
            services.complaint_not_inspect(
                actor=actor, complaint=complaint, reason=data["reason"], explanation=data["explanation"]
            )
        elif action == "answer":
            services.complaint_answer(actor=actor, complaint=complaint, answer=data["answer"])
    except Refusal as refusal:
        messages.error(request, str(refusal))
    if selectors.complaint_for(actor, pk) is None:  # routed out of the actor's scope
        return redirect("complaint_list")
    return redirect("complaint_detail", pk=pk)
