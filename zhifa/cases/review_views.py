"""The legal review's pages: the reviewer's queue, and the figures for supervisors and agency heads.

Thin: the queue reads through cases.review_queue, the figures through cases.review_figures (as the API does).
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import ReviewConclusion
from zhifa.cases.review_figures import figures_for, may_see_figures
from zhifa.cases.review_queue import review_queue, reviewed_by
from zhifa.core.bounds import BoundedDateField
from zhifa.core.choices import Role
from zhifa.core.filters import agency_filter
from zhifa.core.permissions import request_user


def may_see_queue(user: object) -> bool:
    has_role = getattr(user, "has_role", None)
    return bool(has_role and has_role(Role.LEGAL_REVIEWER))


@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not may_see_queue(actor):
        raise Http404
    today = timezone.localdate()
    labels = dict(ReviewConclusion.choices)
    chosen = agency_filter(request, actor)
    context = {
        "agency_filter": chosen,
        "waiting": review_queue(actor, today, agency=chosen.chosen),
        "recent": [{"record": r, "conclusion": labels.get(r.data.get("conclusion"), "")} for r in reviewed_by(actor)],
        "today": today,
    }
    return render(request, "cases/review_queue.html", context)


class PeriodForm(forms.Form):
    start = BoundedDateField(label=_("自"), widget=forms.DateInput(attrs={"type": "date"}))
    end = BoundedDateField(label=_("至"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, date]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data


def period_from(params: object, today: date) -> tuple[PeriodForm, date, date]:
    """The period asked for, or this year up to today (also when the dates asked for are not valid)."""
    default = {"start": date(today.year, 1, 1), "end": today}
    form = PeriodForm(params if params else None, initial=default)  # type: ignore[arg-type]
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


@login_required
def figures_page(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not may_see_figures(actor):
        raise Http404
    today = timezone.localdate()
    form, start, end = period_from(request.GET, today)
    figures = figures_for(actor, start, end, today)
    top = figures.rows[0] if figures.rows else None
    by_agency = {row.agency.name: row.done for row in figures.rows}
    reason_counts = {label: count for _key, label, count in top.reasons} if top else {}
    context = {"form": form, "figures": figures, "top": top, "by_agency": by_agency, "reason_counts": reason_counts}
    return render(request, "cases/review_figures.html", context)
