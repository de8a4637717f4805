"""Officer and certificate pages. Thin: they read through selectors and write through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhifa.core import lockout
from zhifa.core.choices import Role
from zhifa.core.forms import run_service
from zhifa.core.models import User
from zhifa.core.passwords import initial_password
from zhifa.core.permissions import request_user
from zhifa.core.scoping import restrict, visible_agencies
from zhifa.ledger.selectors import entries_about
from zhifa.personnel import importer, services
from zhifa.personnel.forms import (
    AnnualReviewForm,
    CertificateActionForm,
    CertificateForm,
    ImportForm,
    LegalReviewForm,
    OfficerForm,
    OfficerLoginForm,
    OfficerSearchForm,
    ReasonForm,
)
from zhifa.personnel.models import Certificate, Officer
from zhifa.personnel.public import certificate_answer
from zhifa.personnel.rules import can_enforce, may_review
from zhifa.personnel.selectors import officer_list_for, search_officers
from zhifa.personnel.services import PERSONNEL_ROLES


def _require_personnel_admin(actor: User) -> None:
    if not actor.has_role(*PERSONNEL_ROLES):
        raise PermissionDenied


def _searched(request: HttpRequest, actor: User, today: Any) -> tuple[OfficerSearchForm, Any]:
    form = OfficerSearchForm(request.GET or None, agencies=visible_agencies(actor))
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"text": data["q"], "agency": data["agency"], "kind": data["kind"], "state": data["state"]}
    return form, search_officers(actor, today=today, **filters)


@login_required
def officer_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    today = timezone.localdate()
    form, officers = _searched(request, actor, today)
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    rows = []
    for officer in page:
        certificates = list(officer.certificates.all())
        newest = certificates[0] if certificates else None
        rows.append(
            {
                "officer": officer,
                "certificate": newest,
                "state": newest.state_on(today) if newest else "无证件",
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_manage": actor.has_role(*PERSONNEL_ROLES),
    }
    return render(request, "personnel/officer_list.html", context)


def _officer_for(actor: User, pk: int) -> Officer:
    return get_object_or_404(officer_list_for(actor), pk=pk)


@login_required
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    officer = _officer_for(actor, pk)
    today = timezone.localdate()
    certificates = list(officer.certificates.prefetch_related("events").order_by("-valid_from", "-pk"))
    for certificate in certificates:  # the QR printed on the certificate card, for the public check
        certificate.qr_svg = certificate_qr_svg(certificate.number)  # type: ignore[attr-defined]
    subjects = [f"personnel.officer:{officer.pk}"] + [f"personnel.certificate:{c.pk}" for c in certificates]
    context = {
        "entries": entries_about(subjects),
        "officer": officer,
        "certificates": [(c, c.state_on(today)) for c in certificates],
        "eligibility": can_enforce(officer, officer.agency, today),
        "review_eligibility": may_review(officer),
        "can_manage": actor.has_role(*PERSONNEL_ROLES),
        "leave_form": ReasonForm(prefix="leave"),
        "today": today,
        "is_sysadmin": actor.has_role(Role.SYSADMIN),
        "is_secadmin": actor.has_role(Role.SECADMIN),
        **_account(actor, officer),
    }
    return render(request, "personnel/officer_detail.html", context)


def _account(actor: User, officer: Officer) -> dict[str, Any]:
    """The officer's login as the account administrators see it: roles, locked, to change his password."""
    account = officer.user
    if account is None or not actor.has_role(Role.SYSADMIN, Role.SECADMIN):
        return {"account": account}
    return {
        "account": account,
        "account_roles": [str(Role(r).label) for r in sorted(account.roles)],
        "account_locked": bool(lockout.locked_users(User.objects.filter(pk=account.pk))),
    }


@login_required
def officer_create(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    _require_personnel_admin(actor)
    form = OfficerForm(request.POST or None, agencies=visible_agencies(actor))
    if request.method == "POST" and form.is_valid():
        officer = run_service(form, lambda: services.officer_create(actor=actor, **form.cleaned_data))
        if officer is not None:
            messages.success(request, _("已登记执法人员 %(name)s") % {"name": officer.name})
            return redirect("officer_detail", pk=officer.pk)
    return render(request, "personnel/form.html", {"form": form, "title": _("登记执法人员")})


@login_required
def officer_leave(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    _require_personnel_admin(actor)
    officer = _officer_for(actor, pk)
    form = ReasonForm(request.POST or None, prefix="leave")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.officer_leave(
                actor=actor, officer=officer, left_on=data["on_date"], reason=data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("%(name)s 已离岗，其执法证件已注销") % {"name": officer.name})
            return redirect("officer_detail", pk=officer.pk)
    title = _("办理离岗：%(name)s") % {"name": officer.name}
    return render(request, "personnel/form.html", {"form": form, "title": title, "officer": officer})


@login_required
def officer_legal_review(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    _require_personnel_admin(actor)
    officer = _officer_for(actor, pk)
    initial = {
        "legal_qualification": officer.legal_qualification,
        "qualification_number": officer.qualification_number,
        "legal_review_since": officer.legal_review_since,
    }
    form = LegalReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form, lambda: services.officer_set_legal_review(actor=actor, officer=officer, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, _("已登记 %(name)s 的法制审核资格") % {"name": officer.name})
            return redirect("officer_detail", pk=officer.pk)
    title = _("法制审核资格：%(name)s") % {"name": officer.name}
    return render(request, "personnel/form.html", {"form": form, "title": title, "officer": officer})


@login_required
def certificate_issue(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    _require_personnel_admin(actor)
    officer = _officer_for(actor, pk)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        certificate = run_service(
            form, lambda: services.certificate_issue(actor=actor, officer=officer, **form.cleaned_data)
        )
        if certificate is not None:
            messages.success(request, _("已核发执法证件 %(number)s") % {"number": certificate.number})
            return redirect("officer_detail", pk=officer.pk)
    title = _("核发执法证件：%(name)s") % {"name": officer.name}
    return render(request, "personnel/form.html", {"form": form, "title": title, "officer": officer})


_ACTIONS: dict[str, tuple[str, type[AnnualReviewForm] | type[CertificateActionForm]]] = {
    "review": ("证件年审", AnnualReviewForm),
    "suspend": ("暂扣证件", CertificateActionForm),
    "reinstate": ("恢复证件", CertificateActionForm),
    "revoke": ("注销证件", CertificateActionForm),
}


def _certificate_call(action: str, actor: User, certificate: Certificate, data: dict[str, Any]) -> Callable[[], Any]:
    if action == "review":
        return lambda: services.certificate_annual_review(
            actor=actor,
            certificate=certificate,
            reviewed_on=data["reviewed_on"],
            result=data["result"],
            opinion=data["opinion"],
            files=data["evidence"],
        )
    service = {
        "suspend": services.certificate_suspend,
        "reinstate": services.certificate_reinstate,
        "revoke": services.certificate_revoke,
    }[action]
    return lambda: service(
        actor=actor, certificate=certificate, on_date=data["on_date"], reason=data["reason"], files=data["evidence"]
    )


@login_required
def certificate_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_user(request)
    _require_personnel_admin(actor)
    if action not in _ACTIONS:
        raise Http404
    certificate = get_object_or_404(
        restrict(Certificate.objects.select_related("officer__agency"), actor, via="officer__agency"), pk=pk
    )
    label, form_class = _ACTIONS[action]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, _certificate_call(action, actor, certificate, form.cleaned_data))
        if done is not None:
            messages.success(
                request, _("%(action)s已办理：%(number)s") % {"action": label, "number": certificate.number}
            )
            return redirect("officer_detail", pk=certificate.officer.pk)
    title = f"{label}：{certificate.number}（{certificate.officer.name}）"
    context = {"form": form, "title": title, "officer": certificate.officer}
    return render(request, "personnel/form.html", context)


@login_required
def officer_import(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    _require_personnel_admin(actor)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = importer.import_officers(actor=actor, upload=form.cleaned_data["file"])
        if result.ok:
            counts = {"count": len(result.officers), "updated": len(result.updated), "unchanged": result.unchanged}
            messages.success(
                request, _("已导入 %(count)s 名人员，更新 %(updated)s 名，%(unchanged)s 名无变化") % counts
            )
            return redirect("officer_list")
    return render(request, "personnel/import.html", {"form": form, "result": result})


@login_required
def officer_export(request: HttpRequest) -> HttpResponse:
    """The filtered officer list as an Excel workbook, in the import's columns (personnel/importer.py)."""
    actor = request_user(request)
    _require_personnel_admin(actor)  # the file holds full ID numbers and mobile numbers
    today = timezone.localdate()
    _form, officers = _searched(request, actor, today)
    officers = officers.select_related("user")[: importer.MAX_ROWS]
    content = importer.export_workbook(officers, today)
    services.officer_list_export(actor=actor, count=len(officers), query=request.GET.urlencode()[:500])
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''officers-{today.isoformat()}.xlsx"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def officer_create_login(request: HttpRequest, pk: int) -> HttpResponse:
    """The system administrator makes a login for a registered officer; roles come from the security administrator."""
    actor = request_user(request)
    if not actor.has_role(Role.SYSADMIN):
        raise PermissionDenied
    officer = _officer_for(actor, pk)
    if officer.user_id is not None:
        messages.info(request, _("%(name)s 已有登录账号") % {"name": officer.name})
        return redirect("officer_detail", pk=officer.pk)
    form = OfficerLoginForm(request.POST or None, initial={"username": _proposed_username(officer)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        generated = not data["password"]
        password = data["password"] or initial_password()
        user = run_service(
            form,
            lambda: services.officer_create_login(
                actor=actor, officer=officer, username=data["username"].strip(), password=password
            ),
        )
        if user is not None:
            if not generated:
                messages.success(
                    request, _("已为 %(name)s 创建登录账号 %(user)s") % {"name": officer.name, "user": user.username}
                )
                return redirect("officer_detail", pk=officer.pk)
            context = {"officer": officer, "account": user, "password": password}
            response = render(request, "personnel/login_created.html", context)
            response["Cache-Control"] = "no-store"  # the initial password is on this page once
            return response
    title = _("创建登录账号：%(name)s") % {"name": officer.name}
    return render(request, "personnel/login_form.html", {"form": form, "title": title, "officer": officer})


def _proposed_username(officer: Officer) -> str:
    """The newest certificate's number, else the mobile number, else "officer<id>": unique and known to him."""
    certificates = list(officer.certificates.all())
    candidates = [c.number for c in certificates] + [officer.phone, f"officer{officer.pk}"]
    for candidate in candidates:
        if candidate and not User.objects.filter(username=candidate).exists():
            return candidate
    return f"officer{officer.pk}"


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _require_personnel_admin(request_user(request))
    response = HttpResponse(
        importer.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''officer-import-template.xlsx"
    return response


# 事中公示: no login; the officer shows the certificate, anyone reads it (personnel/public.py).
@require_GET
def certificate_check(request: HttpRequest, number: str = "") -> HttpResponse:
    asked = (number or request.GET.get("number", "")).strip()[:60]
    today = timezone.localdate()
    context: dict[str, Any] = {"asked": asked, "today": today}
    if asked:
        context["answer"] = certificate_answer(asked, today)
    return render(
        request, "public/certificate_check.html", context, status=404 if asked and not context["answer"] else 200
    )


def certificate_check_url(number: str) -> str:
    """The address the certificate's QR code carries (ZHIFA_PUBLIC_URL: the portal's public address)."""
    return f"{settings.ZHIFA_PUBLIC_URL.rstrip('/')}{reverse('certificate_check_number', args=[number])}"


def certificate_qr_svg(number: str) -> str:
    return str(segno.make(certificate_check_url(number), error="m").svg_inline(scale=3))
