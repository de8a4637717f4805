"""/audit/: the security audit trail for auditors, filtered by user, kind and date, paged."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from zhifa.audit.choices import AuditKind
from zhifa.audit.selectors import audit_events_for
from zhifa.core.choices import Role
from zhifa.core.permissions import request_user

PAGE_SIZE = 50


class AuditFilter(forms.Form):
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部")), *AuditKind.choices])
    since = forms.DateField(label=_("自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def audit_events(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not actor.has_role(Role.AUDITOR):
        raise PermissionDenied("只有审计管理员可以查看安全审计记录")
    form = AuditFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_for(
        actor,
        username=filters.get("username", ""),
        kind=filters.get("kind", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/events.html", {"form": form, "page": page, "query": query.urlencode(), "kinds": AuditKind}
    )
