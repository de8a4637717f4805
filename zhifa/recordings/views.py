"""Recording pages: an agency's list of acts recorded, and on a case a recording attached after its act, annotated,
or followed by a clip or transcript. Thin: they read through selectors and write through recordings/services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.cases.models import Case
from zhifa.cases.selectors import case_or_404
from zhifa.cases.workflow import State
from zhifa.core.choices import Role
from zhifa.core.forms import run_service
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency
from zhifa.recordings import rules, selectors, services
from zhifa.recordings.forms import AttachForm, DeriveForm, DescriptionForm, RecordingListForm
from zhifa.recordings.models import Recording, RecordingList

_case_for = case_or_404


def may_record(actor: User, case: Case) -> bool:
    """Whether the page offers the recording forms: an officer on the case's team, the case not archived (the
    services decide; this only keeps out links that would be refused)."""
    if case.state == State.ARCHIVED or not actor.has_role(Role.OFFICER.value):
        return False
    return services.on_team(actor, case) is not None


def case_context(actor: User, case: Case) -> dict[str, Any]:
    """What the case page shows of the recordings (cases/views.case_detail)."""
    return {
        "recording_acts": selectors.required_acts(case, timezone.localdate()),
        "recordings": selectors.recordings_of(case),
        "may_record": may_record(actor, case),
    }


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"recordings/{template}", context)


@login_required
def attach_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    case = _case_for(actor, pk)
    if not may_record(actor, case):
        raise Http404
    acts = [
        (item.act.entry_index, f"{item.act.on_date:%Y-%m-%d} {item.label}")
        for item in selectors.required_acts(case, timezone.localdate())
    ]
    form = AttachForm(request.POST or None, acts=acts, initial={"act": request.GET.get("act")})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.recording_attach(
                actor=actor,
                case=case,
                act_entry=form.cleaned_data["act"],
                files=form.cleaned_data["evidence"],
                on_date=form.cleaned_data["on_date"],
            ),
        )
        if done is not None:
            messages.success(request, _("已补充上传音像记录，并记入全过程记录"))
            return redirect("case_detail", case.pk)
    return _page(request, "attach.html", {"case": case, "form": form, "heading": _("补充上传音像记录")})


def _recording_for(actor: User, pk: int) -> Recording:
    recording = get_object_or_404(Recording.objects.select_related("case__agency", "original"), pk=pk)
    _case_for(actor, recording.case_id)  # 404 outside the actor's cases
    if not may_record(actor, recording.case):
        raise Http404
    return recording


@login_required
def describe_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    recording = _recording_for(actor, pk)
    initial = {name: getattr(recording, name) for name in services.DESCRIPTION_FIELDS}
    for name in ("started_at", "ended_at"):
        if initial[name] is not None:
            initial[name] = timezone.localtime(initial[name]).strftime("%Y-%m-%dT%H:%M")
    form = DescriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: services.recording_describe(actor=actor, recording=recording, data=request.POST)
        )
        if done is not None:
            messages.success(request, _("已标注第%(number)s号音像记录，并记入全过程记录") % {"number": recording.label})
            return redirect("case_detail", recording.case_id)
    heading = _("标注第%(number)s号音像记录") % {"number": recording.label}
    return _page(
        request, "describe.html", {"recording": recording, "case": recording.case, "form": form, "heading": heading}
    )


@login_required
def derive_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    original = _recording_for(actor, pk)
    form = DeriveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["evidence"]
        if len(files) != 1:
            form.add_error("evidence", _("请上传一个文件"))
        else:
            digest = files[0]
            done = run_service(
                form,
                lambda: services.recording_derive(
                    actor=actor,
                    original=original,
                    sha256=digest,
                    derivation=form.cleaned_data["derivation"],
                    name=getattr(files, "names", {}).get(digest, ""),
                    data=request.POST,
                ),
            )
            if done is not None:
                messages.success(request, _("已登记第%(number)s号，并记入全过程记录") % {"number": done.label})
                return redirect("case_detail", original.case_id)
    heading = _("添加剪辑片段或文字整理稿")
    return _page(
        request, "derive.html", {"recording": original, "case": original.case, "form": form, "heading": heading}
    )


@login_required
def list_page(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """An agency's list of acts recorded: the version in force today, its history, and (for the legal office) a new
    version from a day to come."""
    actor = request_user(request)
    agency = get_object_or_404(Agency, pk=agency_pk)
    if not can_see_agency(actor, agency):
        raise Http404
    may_edit = actor.has_role(*services.LIST_EDITORS)
    form = RecordingListForm(request.POST or None, initial=_initial(agency))
    if request.method == "POST":
        if not may_edit:
            raise Http404
        done = run_service(form, lambda: services.list_publish(actor=actor, agency=agency, data=request.POST))
        if done is not None:
            messages.success(request, _("已发布音像记录事项清单新版，并记入全过程记录"))
            return redirect("recording_list", agency.pk)
    today = timezone.localdate()
    in_force = rules.in_force(agency, today)
    versions = RecordingList.objects.filter(agency__in=agency.upward_line()).select_related("agency")
    context = {
        "agency": agency,
        "form": form,
        "in_force": in_force,
        "in_force_full": rules.action_labels(in_force.full),
        "in_force_as_required": rules.action_labels(in_force.as_required),
        "versions": [
            (v, rules.action_labels(v.full_acts), rules.action_labels(v.as_required_acts))
            for v in versions.order_by("-effective_from")
        ],
        "may_edit": may_edit,
        "today": today,
    }
    return _page(request, "list.html", context)


def _initial(agency: Agency) -> dict[str, Any]:
    current = rules.in_force(agency, timezone.localdate())
    return {
        "full_acts": sorted(current.full),
        "as_required_acts": sorted(current.as_required),
        "upload_limit_days": current.upload_limit_days,
    }
