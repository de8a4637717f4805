"""Case pages: the list, a case with its deadlines, records, timeline and actions, and a form per action.

Thin: they read through selectors and write through services.perform — the rules live in guards.py.
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from zhifa.cases import agency_settings, discretion, issuing, major, review_queue, rules, selectors, services, steps
from zhifa.cases.choices import PenaltyKind
from zhifa.cases.forms import ACTION_FORMS, action_form
from zhifa.cases.guards import late_fee_owed
from zhifa.cases.models import Case, CaseDocument, CaseSettings, MajorCatalog
from zhifa.cases.workflow import ACTIONS, CASE_STATES, STATE_LABELS, State, actions_from
from zhifa.core.choices import Domain
from zhifa.core.errors import Refusal
from zhifa.core.forms import run_service
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import can_see_agency, visible_agencies
from zhifa.desk.tasks import NEAR_DAYS
from zhifa.laws import similar
from zhifa.ledger.forms import EvidenceField
from zhifa.ledger.selectors import entries_about
from zhifa.ledger.state import subject_key
from zhifa.publicity import selectors as publicity_selectors
from zhifa.publicity import services as publicity_services
from zhifa.recordings import views as recording_views

# The documents whose number is the case's number (案号).
CASE_NUMBER_KINDS = ("filing_approval", "summary_decision")


_case_for = selectors.case_or_404


# The export of the filtered list is bounded: a larger list is narrowed by its filters first.
EXPORT_LIMIT = 10_000
EXPORT_COLUMNS = (
    _lazy("案件编号"),
    _lazy("案由"),
    _lazy("当事人"),
    _lazy("承办单位"),
    _lazy("状态"),
    _lazy("最近期限"),
    _lazy("剩余天数"),
    _lazy("承办人员"),
)


def _list_filters(request: HttpRequest, actor: User) -> dict[str, Any]:
    """The case list's filters as asked, each checked against what it may be (an unknown value is ignored)."""
    get = request.GET
    agencies = list(visible_agencies(actor).order_by("path"))
    agency = get.get("agency", "")
    state = get.get("state", "")
    year, month = get.get("year", ""), get.get("month", "")
    year_ok = year.isdigit() and 2000 <= int(year) <= 2100
    return {
        "q": get.get("q", "").strip()[:100],
        "state": state if state in STATE_LABELS else "",
        "mine": get.get("mine") == "1",
        "due": get.get("due") if get.get("due") in ("overdue", "near") else "",
        "todo": get.get("todo") == "1",
        "agency": int(agency) if agency.isdigit() and int(agency) in {a.pk for a in agencies} else None,
        "domain": get.get("domain") if get.get("domain") in Domain.values else "",
        "sort": get.get("sort") if get.get("sort") in selectors.SORTS else "deadline",
        "agencies": agencies,
        # From the supervision overview: the cases of a year (and month) by the date `dated` names.
        "year": int(year) if year_ok else None,
        "month": int(month) if year_ok and month.isdigit() and 1 <= int(month) <= 12 else None,
        "dated": get.get("dated") if get.get("dated") in selectors.DATED else "received",
    }


def _cases(actor: User, filters: dict[str, Any], today: Any) -> Any:
    return selectors.cases_for(
        actor,
        text=filters["q"],
        state=filters["state"],
        mine=filters["mine"],
        due=filters["due"],
        waiting=filters["todo"],
        agency=filters["agency"],
        domain=filters["domain"],
        sort=filters["sort"],
        today=today,
        year=filters["year"],
        month=filters["month"],
        dated=filters["dated"],
    )


def _rows(cases: Any, today: Any) -> list[dict[str, Any]]:
    cases = list(cases)
    every = [deadline for case in cases for deadline in case.deadlines.all()]
    views = dict(zip((d.pk for d in every), selectors.deadline_views(every, today), strict=True))
    rows = []
    for case in cases:
        running = sorted((views[d.pk] for d in case.deadlines.all()), key=lambda view: view.due_on)
        rows.append({"case": case, "number": selectors.case_number(case), "next": running[0] if running else None})
    return rows


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    today = timezone.localdate()
    filters = _list_filters(request, actor)
    cases = _cases(actor, filters, today)
    if request.GET.get("format") == "xlsx":
        return _export(request, cases, today)
    page = Paginator(cases, 30).get_page(request.GET.get("page"))
    # Only what the user may open is offered (the same check perform() makes).
    openers = [a.action for a in services.opening_availability(actor, today) if a.allowed]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        **filters,
        "page": page,
        "rows": _rows(page, today),
        "states": CASE_STATES,
        "domains": Domain.choices,
        "openers": openers,
        "query": query.urlencode(),
        "near_days": NEAR_DAYS,
    }
    return render(request, "cases/case_list.html", context)


def _export(request: HttpRequest, cases: Any, today: Any) -> HttpResponse:
    """The filtered list as an Excel workbook (one row per case), at most EXPORT_LIMIT rows."""
    from openpyxl import Workbook

    total = cases.count()
    if total > EXPORT_LIMIT:
        messages.error(
            request,
            _("符合条件的案件有 %(total)s 件，超过一次导出的上限 %(limit)s 件：请先用筛选条件缩小范围")
            % {"total": total, "limit": EXPORT_LIMIT},
        )
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{request.path}?{query.urlencode()}")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(_("案件"))
    sheet.append([str(column) for column in EXPORT_COLUMNS])
    for start in range(0, total, 500):  # in chunks: the prefetches run per chunk, not per case
        for row in _rows(cases[start : start + 500], today):
            case, deadline = row["case"], row["next"]
            sheet.append(
                [
                    row["number"],
                    case.title,
                    "、".join(party.name for party in case.parties.all()),
                    case.agency.name,
                    str(case.get_state_display()),
                    f"{deadline.label} {deadline.due_on:%Y-%m-%d}" if deadline else "",
                    deadline.days_left if deadline else None,
                    "、".join(a.officer.name for a in sorted(case.assignments.all(), key=lambda a: not a.is_lead)),
                ]
            )
    for letter, width in zip("ABCDEFGH", (28, 30, 24, 26, 18, 30, 10, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="cases-{today:%Y%m%d}.xlsx"'
    workbook.save(response)
    return response


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    case = _case_for(actor, pk)
    today = timezone.localdate()
    available = services.availability(actor, case, today)
    entries = list(entries_about([subject_key(case)]))
    # The step bar: the states the case went through, read from its acts in the ledger.
    path, side_acts = steps.path_of(e.action for e in entries)
    required = [State.LEGAL_REVIEW] * case.major + [State.COLLECTIVE] * case.collective
    current = State(case.state)
    documents = list(case.documents.all())
    deadlines = selectors.running_deadlines(case, today)
    context = {
        "case": case,
        # 案件编号: the number of the document that opened the case file (the filing approval, or the decision
        # taken on the spot), as on the case list; a lead not yet filed has none.
        "case_number": next((d.number for d in documents if d.kind in CASE_NUMBER_KINDS), ""),
        "state_label": STATE_LABELS[current],
        # A case that left its line (an end branch, a transfer) says so and why; the side steps on the way
        # (法制审核, 集体讨论, 听证) are drawn in the step bar.
        "off_line": current not in (*steps.MAIN_LINE, *steps.SUMMARY_LINE, *steps.FIXED_PLACE),
        "steps": steps.step_bar(case.procedure, current, path, side_acts, required=required),
        "deadlines": deadlines,
        "next_deadline": deadlines[0] if deadlines else None,
        "records": case.records.all(),
        "team": case.assignments.select_related("officer").order_by("recused_on", "-is_lead", "pk"),
        "parties": case.parties.all(),
        "availability": available,
        # The actions open to this user come first; the ones he holds the role for but may not take now, and the
        # ones waiting on someone else, fold under 「其他事项」 with their reasons.
        "usable": [a for a in available if a.allowed and a.action.name not in steps.EXCEPTIONAL_ACTIONS],
        "usable_exceptional": [a for a in available if a.allowed and a.action.name in steps.EXCEPTIONAL_ACTIONS],
        "closed_own": [a for a in available if a.role_held and not a.allowed],
        "other_count": sum(1 for a in available if not a.allowed),
        "own_actions": [a for a in available if a.role_held],
        "late_fee": late_fee_owed(case, today),
        "waiting_on_others": [a for a in available if not a.role_held],
        "entries": entries,
        "documents": documents,
        "issuable": issuing.issuable(case),
        # Once a penalty is proposed: whether the decision is major, and by which clauses of the catalog in force.
        "major_clauses": major.clauses(case, today) if case.penalty_kinds else [],
        "major_reviewed": case.records.filter(action__in=("pass_review", "review_after_hearing")).exists(),
        # The legal review's rounds and written opinions, for the handler to read what to correct.
        "review_opinions": review_queue.opinions(case),
        # 类案推送: how the closed cases most like this one were decided (no party named).
        "similar_cases": similar.similar_cases(case, actor=actor),
        # 事后公开: the decisions still to publish, with their due dates, and the publications made.
        "publication_waiting": publicity_selectors.waiting_for_case(case.pk, today),
        "publications": publicity_selectors.of_case(case.pk),
        "may_publish": publicity_services.may_publish(actor, case),
    }
    context |= recording_views.case_context(actor, case)  # what the recording list asked, and the recordings
    return render(request, "cases/case_detail.html", context)


def _action_page(request: HttpRequest, name: str, case: Case | None) -> HttpResponse:
    actor = request_user(request)
    if name not in ACTION_FORMS:
        raise Http404
    action = ACTIONS[name]
    agency = case.agency if case is not None else actor.agency
    form_class = functools.partial(action_form, name)  # the action's form, with the recording list's questions
    # The page asks the service that decides: an action closed to this user shows why, and no form to fill.
    found = services.availability(actor, case) if case is not None else services.opening_availability(actor)
    closed = next((a for a in found if a.action.name == name and not a.allowed), None)
    form: Any
    proposal = None
    if request.method == "POST" and closed is None and "preview" in request.POST and name in ASSISTED:
        # 裁量试算: nothing is performed; the form comes back drafted from the assistant's proposal.
        assert case is not None
        form, proposal = _assisted(request, form_class, case)
    elif request.method == "POST" and closed is None:
        form = form_class(request.POST, case=case, agency=agency)
        done = None
        if form.is_valid():
            done = run_service(form, lambda: services.perform(actor, name, request.POST, case=case, agency=agency))
        if done is not None:
            messages.success(request, _("已%(action)s，并记入全过程记录") % {"action": action.label})
            return redirect("case_detail", done.pk)
    else:
        form = form_class(case=case, agency=agency, actor=actor)  # the team, and the visit's officers and files
    if proposal is None and case is not None and name in ASSISTED and closed is None and case.violation is not None:
        proposal = _proposal(case, case.violation, case.circumstances, case.fine_base)
    context = {"form": form, "action": action, "case": case, "closed": closed, "assisted": name in ASSISTED}
    if proposal is not None and case is not None:
        context["proposal"] = proposal
        context["prior_violations"] = [
            {"text": discretion.describe_prior(p)} for p in discretion.prior_violations(case)
        ]
        context["no_penalty_items"] = discretion.no_penalty_items(case)
    if case is not None and name in ("pass_review", "return_review") and closed is None:
        # What the reviewer reviews, assembled: the proposal, its evidence by hash, the hearing's report, the
        # clauses that make it major, and every earlier round with what changed since.
        context["review"] = {
            "clauses": major.clauses(case, timezone.localdate()),
            "rounds": major.rounds(case),
            "evidence": case.records.exclude(files=[]).order_by("entry_index"),
            "hearing_reports": case.records.filter(action="report_hearing").order_by("entry_index"),
            "checklist": dict(major.CHECKLIST),
        }
    return render(request, "cases/action_form.html", context)


# The actions whose form the discretion assistant drafts (the investigation report, and a revised proposal).
ASSISTED = ("report", "revise_proposal")


def _proposal(case: Case, violation: Any, chosen: list[str], base: Any, on_date: Any = None) -> Any:
    try:
        return discretion.proposal_for(case, violation, on_date or timezone.localdate(), chosen, base)
    except Refusal as refusal:
        return refusal  # no rule for the act's day: the page says so


def _assisted(request: HttpRequest, form_class: Any, case: Case) -> tuple[Any, Any]:
    asked = form_class(request.POST, case=case, agency=case.agency)
    asked.is_valid()
    cleaned = getattr(asked, "cleaned_data", {})
    violation = cleaned.get("violation")
    # The form as submitted, fields of several values as lists (what services.clean does for a plain mapping).
    initial = {
        key: request.POST.getlist(key) if services.takes_many(asked.fields[key]) else value
        for key, value in request.POST.items()
        if key in asked.fields
    }
    if violation is None:
        return form_class(initial=initial, case=case, agency=case.agency), None
    chosen = list(cleaned.get("circumstances") or [])
    proposal = _proposal(case, violation, chosen, cleaned.get("base"), cleaned.get("on_date"))
    if not isinstance(proposal, Refusal):
        # Drafted anew from the circumstances ticked; the officer edits the draft before he submits.
        initial.update(
            legal_basis=proposal.legal_basis,
            penalty_basis=proposal.penalty_basis,
            discretion_reasons=proposal.paragraph,
        )
        if not initial.get("penalty_kinds"):
            initial["penalty_kinds"] = proposal.kinds
    return form_class(initial=initial, case=case, agency=case.agency), proposal


@login_required
def case_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    case = _case_for(request_user(request), pk)
    if name not in {a.name for a in actions_from(State(case.state))}:
        raise Http404
    return _action_page(request, name, case)


@login_required
def case_open(request: HttpRequest, name: str) -> HttpResponse:
    if name not in {a.name for a in actions_from(None)}:
        raise Http404
    return _action_page(request, name, None)


@login_required
@require_POST
def document_issue(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    actor = request_user(request)
    case = _case_for(actor, pk)
    entry = request.POST.get("entry", "")
    try:
        document = issuing.issue_document(
            actor, case, kind, entry=int(entry) if entry.isascii() and entry.isdigit() else None
        )
    except Refusal as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("已制作%(kind)s %(number)s") % {"kind": document.get_kind_display(), "number": document.number}
        )
    return redirect("case_detail", case.pk)


class SignedForm(forms.Form):
    evidence = EvidenceField(help_text=_lazy("打印的文书经当事人或见证人签字后，扫描或拍照上传"))


@login_required
def document_signed(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    actor = request_user(request)
    case = _case_for(actor, pk)
    document = get_object_or_404(CaseDocument, pk=document_pk, case=case)
    form = SignedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        files = list(form.cleaned_data["evidence"])
        if run_service(form, lambda: issuing.attach_signed(actor, document, files)):
            messages.success(request, _("已上传%(number)s的签字件，并记入全过程记录") % {"number": document.number})
            return redirect("case_detail", case.pk)
    return render(request, "cases/document_signed.html", {"form": form, "case": case, "document": document})


@login_required
def settings_page(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """An agency's case settings: what is in force and where it comes from; editors change its own."""
    actor = request_user(request)
    agency = get_object_or_404(Agency, pk=agency_pk)
    if not can_see_agency(actor, agency):
        raise Http404
    own = CaseSettings.objects.filter(agency=agency).first()
    form: Any
    if request.method == "POST":
        form = agency_settings.CaseSettingsForm(request.POST, instance=own)
        if form.is_valid() and run_service(form, lambda: agency_settings.update(actor, agency, request.POST)):
            messages.success(request, _("已保存办案设置，并记入全过程记录"))
            return redirect("case_settings", agency.pk)
    else:
        form = agency_settings.CaseSettingsForm(instance=own)
    in_force = agency_settings.in_force(agency)
    labels = agency_settings.CaseSettingsForm.base_fields
    rows = [
        {"label": labels[name].label, "value": getattr(in_force, name), "set_by": in_force.set_by[name]}
        for name in agency_settings.TEXT_FIELDS
    ]
    periods = [
        {
            "label": labels[field].label,
            "value": in_force.periods[period],
            "source": in_force.periods_source[period],
            "set_by": in_force.set_by[period],
        }
        for period, field in rules.SECTOR_PERIODS.items()
    ]
    kind_labels = dict(PenaltyKind.choices)
    shipped = [
        (Domain(domain).label, rules.SECTOR_HEARING_KINDS[domain])
        for domain in agency.domains
        if domain in rules.SECTOR_HEARING_KINDS
    ]
    hearing_kinds = [
        *(
            {"label": kind_labels[kind], "source": f"{domain}：{listed.source}"}
            for domain, listed in shipped
            for kind in sorted(listed.kinds)
        ),
        *({"label": kind_labels.get(kind, kind), "source": source} for kind, source in in_force.hearing_kinds.items()),
    ]
    context = {
        "agency": agency,
        "form": form,
        "rows": rows,
        "periods": periods,
        "hearing_kinds": hearing_kinds,
        "in_force": in_force,
        "may_edit": actor.has_role(*agency_settings.EDITORS),
    }
    return render(request, "cases/settings.html", context)


@login_required
def catalog_page(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """An agency's catalog of major decisions: the version in force today, its history, and (for the legal office)
    a new version from a day to come."""
    from zhifa.cases.forms import MajorCatalogForm

    actor = request_user(request)
    agency = get_object_or_404(Agency, pk=agency_pk)
    if not can_see_agency(actor, agency):
        raise Http404
    may_edit = actor.has_role(*major.EDITORS)
    form = MajorCatalogForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        added = run_service(form, lambda: major.add_version(actor, agency, request.POST)) if form.is_valid() else None
        if added is not None:
            messages.success(request, _("已发布新版目录，并记入全过程记录"))
            return redirect("major_catalog", agency.pk)
    today = timezone.localdate()
    in_force = major.catalog_in_force(agency, today)
    line = agency.upward_line()
    versions = MajorCatalog.objects.filter(agency__in=line).select_related("agency").order_by("-effective_from")
    context = {
        "agency": agency,
        "form": form,
        "in_force": in_force,
        "versions": versions,
        "may_edit": may_edit,
        "today": today,
    }
    return render(request, "cases/major_catalog.html", context)
