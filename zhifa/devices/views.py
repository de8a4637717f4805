"""The pages of evidence from devices: the agency's devices, the import form, the imports and one import's page.
Thin: reads through `selectors`, changes through `services`; an import outside the reader's view is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhifa.core.bounds import BoundedDateField, bound_date_widgets
from zhifa.core.choices import Role
from zhifa.core.forms import run_service
from zhifa.core.models import User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import visible_agencies
from zhifa.devices import selectors, services
from zhifa.devices.choices import DeviceKind
from zhifa.devices.forms import AttachForm, DeviceForm, ImportForm, LeadFromImportForm, TransferForm
from zhifa.devices.models import CustodyEvent, Device, DeviceImport
from zhifa.personnel.forms import DateInput

PAGE_SIZE = 50


def _keeper(actor: User) -> bool:
    return actor.is_active and actor.has_role(*services.DEVICE_KEEPERS) and actor.agency is not None


def _import(actor: User, pk: int) -> DeviceImport:
    found = selectors.import_visible(actor, pk)
    if found is None:
        raise Http404
    return found


@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    keeper = _keeper(actor)
    if not (selectors.may_read(actor) or keeper):
        raise Http404
    devices = selectors.devices_for(actor).order_by("agency__path", "kind", "identifier")
    readings = selectors.readings_for(actor)[:20]
    context = {"devices": devices, "readings": readings, "may_edit": keeper}
    return render(request, "devices/device_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def device_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = request_user(request)
    if not _keeper(actor):
        raise Http404
    device = None
    if pk is not None:
        device = selectors.devices_for(actor).filter(pk=pk).first()
        if device is None:
            raise Http404
    agencies = list(visible_agencies(actor).order_by("path"))
    initial: dict[str, Any] = {}
    if device is not None:
        initial = {name: getattr(device, name) for name in DeviceForm.base_fields if name != "limits"}
        initial["limits"] = services.limits_text(device.limits)
    form = DeviceForm(request.POST or None, initial=initial)
    agency = device.agency if device is not None else actor.agency
    if device is None and request.method == "POST":
        agency = next((a for a in agencies if str(a.pk) == request.POST.get("agency")), actor.agency)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved = run_service(form, lambda: _save(actor, agency, data, device))
        if saved is not None:
            messages.success(request, _("已保存并记入全过程记录"))
            return redirect("device_list")
    context = {"form": form, "device": device, "agencies": agencies, "agency": agency}
    return render(request, "devices/device_form.html", context)


def _save(actor: User, agency: Any, data: dict[str, Any], device: Device | None) -> Device:
    data["limits"] = services.parse_limits(data.get("limits") or "")
    return services.device_save(actor=actor, agency=agency, data=data, device=device)


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not selectors.may_read(actor):
        raise Http404
    imports = selectors.imports_for(actor).order_by("-imported_at", "-pk")
    page = Paginator(imports, PAGE_SIZE).get_page(request.GET.get("page"))
    may_import = actor.has_role(*services.IMPORTERS)
    readable = selectors.readable_cases(actor, [i.case_id for i in page.object_list])
    return render(
        request, "devices/import_list.html", {"page": page, "may_import": may_import, "readable_cases": readable}
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not (selectors.may_read(actor) and actor.has_role(*services.IMPORTERS)):
        raise Http404
    form = ImportForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = services.SourceMetadata(
            operator=data["operator"],
            longitude=data.get("longitude"),
            latitude=data.get("latitude"),
            address=data.get("address") or "",
            captured_at=data.get("captured_at"),
            note=data.get("note") or "",
        )
        files = data["evidence"]
        done = run_service(
            form,
            lambda: services.import_files(
                actor=actor, device=data["device"], files=list(files), names=files.names, source=source
            ),
        )
        if done is not None:
            messages.success(request, _("已导入并记入全过程记录"))
            return redirect("device_import", pk=done.pk)
    return render(request, "devices/import_form.html", {"form": form})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    device_import = _import(actor, pk)
    files = list(device_import.files.all())
    events = list(CustodyEvent.objects.filter(file__device_import=device_import).order_by("file_id", "at", "pk"))
    for row in files:
        chain = [event for event in events if event.file_id == row.pk]
        # Who held it from when to when: each holder until the next step (the last one until now).
        until: list[Any] = [later.at for later in chain[1:]] + [None]
        setattr(row, "chain", list(zip(chain, until, strict=True)))  # noqa: B010 - an attribute for the page only
    holding = services.may_hold(actor, device_import)
    context = {
        "item": device_import,
        "files": files,
        "holding": holding,
        "may_lead": holding and actor.has_role(Role.OFFICER, Role.AUXILIARY),
        "cases": list(selectors.cases_to_attach(actor)[:50]) if holding and actor.has_role(Role.OFFICER) else [],
        "readable_cases": selectors.readable_cases(
            actor, [device_import.case_id, *(event.case_id for event in events)]
        ),
    }
    return render(request, "devices/import_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    device_import = _import(actor, pk)
    if not services.may_hold(actor, device_import):
        raise Http404
    form = TransferForm(request.POST or None, device_import=device_import, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.custody_transfer(
                actor=actor,
                device_import=device_import,
                to_user=data.get("to_user"),
                to_agency=data.get("to_agency"),
                note=data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("已移交并记入保管链"))
            if selectors.import_visible(actor, pk) is None:
                return redirect("device_imports")
            return redirect("device_import", pk=pk)
    return render(request, "devices/import_action.html", {"item": device_import, "form": form, "title": _("移交")})


@login_required
@require_http_methods(["GET", "POST"])
def import_lead(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    device_import = _import(actor, pk)
    if not services.may_hold(actor, device_import):
        raise Http404
    initial = {"domain": device_import.device.domain, "title": f"{device_import.device.name}发现的问题"}
    form = LeadFromImportForm(request.POST or None, agency=actor.agency, actor=actor, initial=initial)
    if request.method == "POST":
        case = run_service(
            form,
            lambda: services.import_open_lead(actor=actor, device_import=device_import, data=request.POST.dict()),
        )
        if case is not None:
            messages.success(request, _("已登记案源，文件作为证据附入"))
            return redirect("case_detail", pk=case.pk)
    return render(
        request, "devices/import_action.html", {"item": device_import, "form": form, "title": _("登记案源（监测发现）")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_attach(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    actor = request_user(request)
    device_import = _import(actor, pk)
    case = selectors.cases_to_attach(actor).filter(pk=case_pk).first()
    if case is None or not services.may_hold(actor, device_import):
        raise Http404
    initial = {"kind": "electronic", "summary": f"{device_import.device.name}采集的文件（设备取证导入第 {pk} 号）"}
    form = AttachForm(request.POST or None, case=case, actor=actor, initial=initial)
    if request.method == "POST":
        data = {**request.POST.dict(), "officers": request.POST.getlist("officers")}
        done = run_service(
            form, lambda: services.import_attach(actor=actor, device_import=device_import, case=case, data=data)
        )
        if done is not None:
            messages.success(request, _("已作为证据附入案件"))
            return redirect("case_detail", pk=case.pk)
    context = {"item": device_import, "form": form, "case": case, "title": _("附入案件")}
    return render(request, "devices/import_action.html", context)


class RecordingAttachForm(forms.Form):
    """The act a body camera's export filmed, among the acts of the case the recording list names."""

    act = forms.TypedChoiceField(label=_("所记录的执法行为"), coerce=int)
    on_date = BoundedDateField(label=_("上传日期"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args: Any, acts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_date_widgets(self)
        self.fields["act"].choices = acts  # type: ignore[attr-defined]


@login_required
def import_attach_recording(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """A body camera's export attached to the act it filmed, as that act's recording (recordings/)."""
    from zhifa.recordings.selectors import required_acts

    actor = request_user(request)
    device_import = _import(actor, pk)
    case = selectors.cases_to_attach(actor).filter(pk=case_pk).first()
    if (
        case is None
        or not services.may_hold(actor, device_import)
        or device_import.device.kind != DeviceKind.BODY_CAMERA
    ):
        raise Http404
    acts = [
        (item.act.entry_index, f"{item.act.on_date:%Y-%m-%d} {item.label}")
        for item in required_acts(case, timezone.localdate())
    ]
    form = RecordingAttachForm(request.POST or None, acts=acts)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.import_attach_recording(
                actor=actor,
                device_import=device_import,
                case=case,
                act_entry=form.cleaned_data["act"],
                on_date=form.cleaned_data["on_date"],
            ),
        )
        if done is not None:
            messages.success(request, _("已作为执法行为的音像记录附入案件"))
            return redirect("case_detail", pk=case.pk)
    context = {"item": device_import, "form": form, "case": case, "title": _("作为执法行为的音像记录附入")}
    return render(request, "devices/import_action.html", context)
