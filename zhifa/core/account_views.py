"""Account pages: one's own password, second factor and API tokens; the administrators' user pages
(create a login, roles, password reset, unlock, second-factor reset); the auditor's list of account changes.

Each page calls the service that decides; a refusal comes back on the form in Chinese.
"""

from __future__ import annotations

import json
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa.api import tokens
from zhifa.core import lockout, services
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.forms import (
    USERS_PER_PAGE,
    CodeForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleForm,
    TokenForm,
    UserCreateForm,
    UserFilterForm,
    filter_users,
    run_service,
)
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency, visible_agencies
from zhifa.core.selectors import ACCOUNT_ACTIONS, account_changes_for, user_list_for

ACCOUNT_ADMINS = (Role.SYSADMIN, Role.SECADMIN)


def _require(user: User, *roles: str) -> None:
    if not user.is_active or not user.has_role(*roles):
        raise PermissionDenied


def _next_url(request: HttpRequest, default: str = "/") -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return default


def _back(request: HttpRequest) -> str:
    """Where an account action returns: the page it was taken from (an officer's page), else the user list."""
    return _next_url(request, reverse("user_list"))


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        old, new = data["old_password"], data["password"]
        run_service(form, lambda: services.user_change_password(actor=actor, old_password=old, password=new))
        if not form.errors:  # the service did not refuse
            update_session_auth_hash(request, actor)  # stay logged in with the new password
            messages.success(request, _("密码已修改"))
            return redirect("home")
    return render(request, "registration/password_change.html", {"form": form, "forced": actor.must_change_password})


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of the login: the code from the person's authenticator."""
    actor = request_user(request)
    device = TOTPDevice.objects.filter(user=actor, confirmed=True).first()
    if device is None:
        return redirect("two_factor_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # TOTPDevice throttles: each wrong code doubles the wait before the next is checked.
        allowed, _info = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"].strip()):
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确或已过期，请输入验证器应用当前显示的 6 位数字"))
    return render(request, "registration/two_factor.html", {"form": form, "next": _next_url(request)})


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: a QR code to scan, then a first code to prove it works."""
    actor = request_user(request)
    has_device = TOTPDevice.objects.filter(user=actor, confirmed=True).exists()
    if has_device and not actor.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware's
        # Replacing the authenticator needs the current one: a stolen password must not enrol a new phone.
        return redirect("two_factor")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=_("验证器应用"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        run_service(form, lambda: services.two_factor_confirm(actor=actor, device=device, token=token))
        if not form.errors:
            otp_login(request, device)
            messages.success(request, _("二次验证已启用，今后登录时须输入验证器显示的验证码"))
            return redirect("home")
    # The otpauth:// address (issuer from OTP_TOTP_ISSUER), drawn as an inline SVG: no image request, no CDN.
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    secret = _base32(device)
    return render(request, "registration/two_factor_enrol.html", {"form": form, "qr_svg": qr_svg, "secret": secret})


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """One's API tokens (and, for the security administrator, those of his scope); a new one shown once."""
    actor = request_user(request)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        issued = run_service(form, lambda: tokens.token_issue(actor=actor, name=form.cleaned_data["name"]))
        if issued is not None:
            secret = issued[1]
            form = TokenForm()
    context = {"tokens": tokens.tokens_for(actor), "form": form, "secret": secret, "days": settings.API_TOKEN_DAYS}
    response = render(request, "core/token_list.html", context)
    response["Cache-Control"] = "no-store"  # the secret is on this page once
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    token = get_object_or_404(tokens.tokens_for(actor), pk=pk)
    try:
        tokens.token_revoke(actor=actor, token=token)
        messages.success(request, _("令牌“%(name)s”已停用") % {"name": token.name})
    except Refusal as refusal:
        messages.error(request, str(refusal))
    return redirect("token_list")


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    _require(actor, *ACCOUNT_ADMINS)
    users = user_list_for(actor).select_related("officer")
    chosen = UserFilterForm(request.GET or None, agencies=visible_agencies(actor))
    locked_ids = [user.pk for user, _by_name, _addresses in lockout.locked_users(users)]
    if chosen.is_valid():
        users = filter_users(users, chosen.cleaned_data, locked_ids)
    # A province has tens of thousands of logins: one page at a time, the filters kept in the page links.
    page = Paginator(users.order_by("agency__path", "username"), USERS_PER_PAGE).get_page(request.GET.get("page"))
    shown = [user.pk for user in page]
    kept = request.GET.copy()
    kept.pop("page", None)
    context: dict[str, Any] = {
        "users": page,
        "page": page,
        "filters": chosen,
        "query": kept.urlencode(),
        "role_choices": Role.choices,
        "is_sysadmin": actor.has_role(Role.SYSADMIN),
        "is_secadmin": actor.has_role(Role.SECADMIN),
        "locked": {
            user.pk: (by_name, addresses)
            for user, by_name, addresses in lockout.locked_users(User.objects.filter(pk__in=shown))
        },
        "enrolled": set(TOTPDevice.objects.filter(user__in=shown, confirmed=True).values_list("user_id", flat=True)),
        "agencies": visible_agencies(actor) if actor.has_role(Role.SECADMIN) else Agency.objects.none(),
    }
    return render(request, "core/user_list.html", context)


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    _require(actor, Role.SYSADMIN)
    form = UserCreateForm(request.POST or None, agencies=visible_agencies(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(
            form,
            lambda: services.user_create(
                actor=actor,
                username=data["username"],
                full_name=data["full_name"],
                agency=data["agency"],
                roles=[],
                password=data["password"],
            ),
        )
        if created is not None:
            messages.success(request, _("已创建用户 %(user)s；角色请由安全管理员授予") % {"user": created.username})
            return redirect("user_list")
    return render(request, "core/user_form.html", {"form": form, "title": _("创建用户")})


def _target(request: HttpRequest, pk: int) -> tuple[User, User]:
    actor = request_user(request)
    _require(actor, Role.SECADMIN)
    return actor, get_object_or_404(user_list_for(actor), pk=pk)


@login_required
@require_POST
def user_role(request: HttpRequest, pk: int, change: str) -> HttpResponse:
    actor, user = _target(request, pk)
    if change not in {"grant", "revoke"}:
        raise PermissionDenied
    form = RoleForm(request.POST)
    if form.is_valid():
        service = services.user_grant_role if change == "grant" else services.user_revoke_role
        role = form.cleaned_data["role"]
        run_service(form, lambda: service(actor=actor, user=user, role=role))
    _report(request, form, _("已更新 %(user)s 的角色") % {"user": user})
    return redirect("user_list")


def _report(request: HttpRequest, form: Any, success: str) -> None:
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        messages.success(request, success)


@login_required
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _target(request, pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        run_service(form, lambda: services.user_reset_password(actor=actor, user=user, password=password))
        if not form.errors:
            messages.success(request, _("已重置 %(user)s 的密码，本人下次登录时须修改") % {"user": user})
            return redirect(_back(request))
    title = _("重置密码：%(user)s") % {"user": user}
    return render(request, "core/user_form.html", {"form": form, "title": title, "back": _back(request)})


@login_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _target(request, pk)
    _act(request, lambda: services.user_unlock(actor=actor, user=user), _("已解除 %(user)s 的锁定") % {"user": user})
    return redirect(_back(request))


@login_required
@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor, user = _target(request, pk)
    done = _("已重置 %(user)s 的二次验证，本人下次登录时重新设置") % {"user": user}
    _act(request, lambda: services.user_reset_two_factor(actor=actor, user=user), done)
    return redirect("user_list")


@login_required
@require_POST
def agency_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    _require(actor, Role.SECADMIN)
    agency = get_object_or_404(Agency, pk=pk)
    if not can_see_agency(actor, agency):
        raise PermissionDenied
    required = request.POST.get("required") == "on"
    done = _("已更新 %(agency)s 的二次验证要求") % {"agency": agency}
    _act(request, lambda: services.agency_require_two_factor(actor=actor, agency=agency, required=required), done)
    return redirect("user_list")


def _act(request: HttpRequest, call: Any, success: str) -> None:
    try:
        call()
        messages.success(request, success)
    except Refusal as refusal:
        messages.error(request, str(refusal))


@login_required
def account_changes(request: HttpRequest) -> HttpResponse:
    """For the audit administrator: every change of logins, roles, passwords, lockouts and second factors."""
    actor = request_user(request)
    _require(actor, Role.AUDITOR)
    rows = []
    for entry in account_changes_for(actor)[:500]:
        facts = json.loads(entry.facts.facts) if hasattr(entry, "facts") else {}
        if not isinstance(facts, dict):  # facts erased under the personal-data rules leave the entry itself
            facts = {}
        role = facts.get("role", "")
        rows.append(
            {
                "entry": entry,
                "label": ACCOUNT_ACTIONS.get(entry.action, entry.action),
                "actor": entry.actor_name or facts.get("actor", ""),
                "user": facts.get("user") or facts.get("username") or entry.subject,
                "role": Role(role).label if role in Role.values else role,
            }
        )
    return render(request, "core/account_changes.html", {"rows": rows})
