"""Core pages: log-in, the home page of each role, the agency tree, users and roles, the calendar."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhifa.core import services, workdays
from zhifa.core.choices import CalendarDayKind, Role
from zhifa.core.forms import CalendarYearForm, LanguageForm, run_service
from zhifa.core.models import Agency, CalendarDay, CalendarYear, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency
from zhifa.core.selectors import agency_tree_for
from zhifa.personnel.selectors import home_panels_for, reviewer_staffing


class LoginView(auth_views.LoginView):
    """The password step; a person who needs a second factor is then sent to the code step (AccountGateMiddleware)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True


def home(request: HttpRequest) -> HttpResponseBase:
    """A visitor reads the public portal's home (行政执法公示); a signed-in person his desk (the portal stays at
    /public/ for him too)."""
    if not request.user.is_authenticated:
        from zhifa.portal.views import portal_home

        return portal_home(request)
    actor = request_user(request)
    today = timezone.localdate()
    context = home_panels_for(actor, today)
    from zhifa.desk.views import desk_context  # the apps above core, asked from the home only

    context.update(desk_context(request, actor, today))
    if actor.has_role(Role.SYSADMIN):
        context["calendar_missing_years"] = workdays.years_needing_data(today)
    if actor.has_role(Role.OFFICER, Role.APPROVER, Role.SUPERVISOR):
        from zhifa.publicity.selectors import pending_for  # the apps above core, asked from the home only

        # 事后公开: decisions to publish, before their 7 or 20 working days pass.
        waiting = pending_for(actor, today)
        context["publication_waiting"] = {
            "total": len(waiting),
            "late": sum(1 for item in waiting if item.late),
            "near": sum(1 for item in waiting if item.near),
        }
    return render(request, "core/home.html", context)


@login_required
def agency_tree(request: HttpRequest) -> HttpResponse:
    return render(request, "core/agency_tree.html", {"roots": agency_tree_for(request_user(request))})


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    agency = get_object_or_404(Agency.objects.select_related("parent", "head"), pk=pk)
    if not can_see_agency(actor, agency):
        raise PermissionDenied
    # The parent and children are named; they are links only where the user may open them.
    children = list(agency.children.order_by("path"))
    for child in children:
        child.visible = can_see_agency(actor, child)  # type: ignore[attr-defined]
    parent_visible = agency.parent is not None and can_see_agency(actor, agency.parent)
    context = {
        "agency": agency,
        "children": children,
        "parent_visible": parent_visible,
        "staffing": reviewer_staffing(agency),
    }
    return render(request, "core/agency_detail.html", context)


def _require_sysadmin(user: User) -> None:
    if not user.has_role(Role.SYSADMIN):
        raise PermissionDenied


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    _require_sysadmin(actor)
    may_load = services.calendar_refusal(actor) is None
    form = CalendarYearForm(request.POST or None)
    if request.method == "POST" and not may_load:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def load() -> CalendarYear:
            return services.calendar_load_year(
                actor=actor,
                year=data["year"],
                source=data["source"],
                holidays=services.parse_schedule(data["holidays"], kind=CalendarDayKind.HOLIDAY),
                workdays=services.parse_schedule(data["workdays"], kind=CalendarDayKind.WORKDAY),
            )

        loaded = run_service(form, load)
        if loaded is not None:
            messages.success(
                request, _("已载入 %(year)s 年节假日安排，相关期限已按新安排重新计算") % {"year": loaded.year}
            )
            return redirect("calendar")
    today = timezone.localdate()
    calendar_ = workdays.load_calendar()
    years = sorted(set(workdays.PACKAGE_YEARS) | set(calendar_.loaded_years) | {today.year, today.year + 1})
    coverage = [
        {
            "year": year,
            "package": year in workdays.PACKAGE_YEARS,
            "loaded": CalendarYear.objects.filter(year=year).first(),
            "has_data": calendar_.has_data(year),
        }
        for year in reversed(years[-6:])
    ]
    context = {
        "form": form,
        "may_load": may_load,
        "coverage": coverage,
        "missing_years": workdays.years_needing_data(today),
        "overrides": CalendarDay.objects.filter(date__year__gte=today.year),
    }
    return render(request, "core/calendar.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Save the chosen language on the user (and in a cookie, for the log-in page)."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user = request_user(request)
            user.language = language
            user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            samesite="Lax",
            httponly=True,
            secure=settings.HTTPS,
            max_age=365 * 24 * 3600,
        )
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
