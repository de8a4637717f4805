"""Logins, logouts and failed logins, from Django's own signals.

A signal is the right hook here: these are not enforcement state (no ledger entry, no service), and the
login views (ours, the admin's, django-axes') all send them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from zhifa.audit.choices import AuditKind
from zhifa.audit.services import audit_record
from zhifa.core.models import User


def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(kind=AuditKind.LOGIN, request=request, user=user, status=None)


def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    audit_record(kind=AuditKind.LOGOUT, request=request, user=user)


def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))
    # The person the name belongs to, when it exists, so his agency's auditor sees the attempt.
    known = User.objects.filter(username=username).select_related("agency").first()
    audit_record(
        kind=AuditKind.LOGIN_FAILED,
        request=request,
        user=known,
        username=username,
        detail="" if known is not None else "用户名不存在",
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="zhifa-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="zhifa-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="zhifa-audit-login-failed")
