"""Pages of publication: the staff desk (what waits, what was withheld and why, withdrawals, credit repairs),
the officer's confirmation of a decision's redaction, and the public's decisions, search and credit repair."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhifa.cases.models import Case
from zhifa.complaints import human_check
from zhifa.core.errors import Refusal
from zhifa.core.filters import agency_filter
from zhifa.core.forms import run_service
from zhifa.core.lockout import client_address, hits
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import reads_cases, restrict_cases
from zhifa.laws.models import Violation
from zhifa.ledger import blobs
from zhifa.ledger.labels import action_label
from zhifa.ledger.selectors import entries_about
from zhifa.publicity import drafting, selectors, services
from zhifa.publicity.choices import PublicationState, RepairState
from zhifa.publicity.forms import (
    ConfirmForm,
    PublicRepairForm,
    RepairAnswerForm,
    SearchForm,
    TrackForm,
    WithdrawForm,
    WithholdForm,
)
from zhifa.publicity.models import CreditRepair, Publication
from zhifa.publicity.rules import credit_class
from zhifa.publicity.search import Results, Search, search

# A party files one application, maybe corrects it once or twice; tracking is a few looks: more is a script.
REPAIR_POSTS_PER_HOUR = 10


# Staff ---------------------------------------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not reads_cases(actor):
        raise PermissionDenied
    today = timezone.localdate()
    chosen = agency_filter(request, actor)
    publications = selectors.publications_for(actor)
    waiting = selectors.pending_for(actor, today)
    repairs = selectors.open_repairs_for(actor)
    if chosen.chosen is not None:  # the list narrowed to one of the agencies the user sees
        publications = publications.filter(agency_id=chosen.chosen)
        waiting = [w for w in waiting if w.record.case.agency_id == chosen.chosen]
        repairs = repairs.filter(publication__agency_id=chosen.chosen)
    context = {
        "agency_filter": chosen,
        "today": today,
        "waiting": waiting,
        # The button to publish shows only on the decisions this person may publish.
        "publishable": services.publishable(actor, [w.record.case_id for w in waiting]),
        "withheld": publications.filter(state=PublicationState.WITHHELD).order_by("-decided_on")[:100],
        "published": publications.filter(state=PublicationState.PUBLISHED).order_by("-published_on", "-pk")[:50],
        "withdrawn": publications.filter(state=PublicationState.WITHDRAWN).order_by("-withdrawn_on")[:50],
        "repairs": repairs,
    }
    return render(request, "publicity/desk.html", context)


def _case_for(actor: User, case_id: int) -> Case:
    case = restrict_cases(Case.objects.select_related("agency", "violation"), actor).filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


@login_required
def prepare(request: HttpRequest, case_id: int, entry: int) -> HttpResponse:
    """The officer reads what would be published, confirms or extends the masking, and publishes — or records
    why the decision is not published."""
    actor = request_user(request)
    case = _case_for(actor, case_id)
    existing = Publication.objects.filter(decision_entry=entry, case=case).first()
    if existing is not None:
        return redirect("publicity_detail", pk=existing.pk)
    draft = _draft(case, entry)
    may = services.may_publish(actor, case)
    form = ConfirmForm(request.POST or None, terms=draft.terms, initial={"credit_class": credit_class(case).value})
    withhold = WithholdForm(prefix="withhold")
    preview = None
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if form.is_valid():
            confirmed = form.confirmed()
            if "publish" in request.POST:
                published = run_service(
                    form,
                    lambda: services.publication_publish(
                        actor=actor,
                        case=case,
                        decision_entry=entry,
                        confirmed=confirmed,
                        credit_class=form.cleaned_data["credit_class"],
                        publish_minor=form.cleaned_data["publish_minor"],
                    ),
                )
                if published is not None:
                    messages.success(request, f"已公开：{published.number or published.violation}")
                    return redirect("publicity_detail", pk=published.pk)
            else:
                preview = draft.fields.redacted(confirmed)
    waiting = next(
        (w for w in selectors.waiting_for_case(case.pk, timezone.localdate()) if w.record.entry_index == entry), None
    )
    context = {
        "case": case,
        "draft": draft,
        "form": form,
        "withhold": withhold,
        "preview": preview,
        "may": may,
        "waiting": waiting,
    }
    return render(request, "publicity/prepare.html", context)


def _draft(case: Case, entry: int) -> drafting.Draft:
    try:
        return drafting.draft(case, entry)
    except Refusal as refusal:
        raise Http404(str(refusal)) from refusal


@login_required
@require_POST
def withhold(request: HttpRequest, case_id: int, entry: int) -> HttpResponse:
    actor = request_user(request)
    case = _case_for(actor, case_id)
    form = WithholdForm(request.POST, prefix="withhold")
    done = None
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.publication_withhold(
                actor=actor,
                case=case,
                decision_entry=entry,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
        )
    if done is not None:
        messages.success(request, "已登记不予公开及其理由")
        return redirect("publicity_detail", pk=done.pk)
    draft = _draft(case, entry)
    confirm = ConfirmForm(terms=draft.terms, initial={"credit_class": credit_class(case).value})
    context = {
        "case": case,
        "draft": draft,
        "form": confirm,
        "withhold": form,
        "may": services.may_publish(actor, case),
    }
    return render(request, "publicity/prepare.html", context, status=400)


def _publication_for(actor: User, pk: int) -> Publication:
    publication = selectors.publications_for(actor).filter(pk=pk).first()
    if publication is None:
        raise Http404
    return publication


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    publication = _publication_for(actor, pk)
    may = services.may_publish(actor, publication.case)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.publication_withdraw(actor=actor, publication=publication, **form.cleaned_data),
            )
            if done is not None:
                messages.success(request, "已撤回，门户显示撤回说明")
                return redirect("publicity_detail", pk=pk)
    context = {
        "publication": publication,
        "form": form,
        "may_withdraw": may and publication.state == PublicationState.PUBLISHED,
        "entries": [(e, action_label(e.action)) for e in entries_about([f"publicity.publication:{publication.pk}"])],
        "repairs": publication.repairs.all(),
        "today": timezone.localdate(),
    }
    return render(request, "publicity/detail.html", context, status=400 if form.errors else 200)


@login_required
def repair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    repair = selectors.repairs_for(actor).filter(pk=pk).first()
    if repair is None:
        raise Http404
    may = services.may_answer_repair(actor, repair.publication) and repair.state == RepairState.SUBMITTED
    form = RepairAnswerForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.repair_answer(
                    actor=actor, repair=repair, approve=form.cleaned_data["approve"], answer=form.cleaned_data["answer"]
                ),
            )
            if done is not None:
                messages.success(request, f"已答复：{done.get_state_display()}")
                return redirect("publicity_repair", pk=pk)
    return render(request, "publicity/repair.html", {"repair": repair, "form": form, "may": may})


# Public --------------------------------------------------------------------------------------------------------


def _page(request: HttpRequest) -> int:
    """The page asked for; anything not a small number is the first page (never an error that drops the filters)."""
    asked = request.GET.get("page", "")
    return int(asked) if asked.isascii() and asked.isdigit() and len(asked) <= 4 else 1


def public_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = SearchForm(request.GET or None)
    agencies = list(Agency.objects.order_by("path").only("pk", "name", "path"))
    violations = list(Violation.objects.order_by("domain", "code").only("code", "name"))
    agency_field = form.fields["agency"]
    agency_field.widget.choices = [("", "全部")] + [(a.pk, a.name) for a in agencies]
    violation_field = form.fields["violation"]
    violation_field.widget.choices = [("", "全部")] + [(v.code, v.name) for v in violations]
    asked = Search()
    unknown_agency = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        agency = next((a for a in agencies if a.pk == data.get("agency")), None)
        unknown_agency = data.get("agency") is not None and agency is None
        asked = Search(
            text=data.get("q") or "",
            agency=agency,
            violation=data.get("violation") or "",
            decided_from=data.get("decided_from"),
            decided_to=data.get("decided_to"),
            fine_from=data.get("fine_from"),
            fine_to=data.get("fine_to"),
        )
    if unknown_agency or (form.is_bound and not form.is_valid()):
        results = Results([], 1, 0, False, False, [])
    else:
        results = search(asked, today=today, page=_page(request))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "results": results,
        "unknown_agency": unknown_agency,
        # A query whose every word is one character (杨) has no searchable word: say so rather than "0 found".
        "no_words": bool(asked.text.strip()) and not results.words,
        "query": query.urlencode(),
        "withdrawn": selectors.withdrawn(today, limit=10),
        "today": today,
    }
    return render(request, "publicity/public_list.html", context, status=400 if form.is_bound and form.errors else 200)


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = selectors.public_publication(pk)
    if publication is None:
        raise Http404
    today = timezone.localdate()
    shown = selectors.shown(publication, today)
    context = {
        "publication": publication,
        "shown": shown,
        "today": today,
        "repair_refusal": services.repair_refusal(publication, today) if shown else None,
    }
    # A decision no longer shown answers 410: it was published and has gone, with why.
    return render(
        request,
        "publicity/public_detail.html",
        context,
        status=200 if shown or publication.state == PublicationState.WITHDRAWN else 410,
    )


def public_document(request: HttpRequest, pk: int) -> FileResponse:
    publication = selectors.public_publication(pk)
    if (
        publication is None
        or not publication.published_sha256
        or not selectors.shown(publication, timezone.localdate())
    ):
        raise Http404
    chunks = blobs.open_verified(publication.published_sha256)
    response = FileResponse(chunks, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{publication.published_sha256[:12]}.pdf"'
    return response


def public_repair(request: HttpRequest, pk: int) -> HttpResponse:
    """The party's credit-repair application: the party's own identity number, a human check, a rate limit."""
    publication = selectors.public_publication(pk)
    if publication is None:
        raise Http404
    today = timezone.localdate()
    refusal = services.repair_refusal(publication, today)
    form = PublicRepairForm(request.POST or None)
    filed = None
    status = 200
    if request.method == "POST" and refusal is None:
        status = 400
        if hits(f"zhifa:repair-posts:{client_address(request)}", 3600) > REPAIR_POSTS_PER_HOUR:
            form.add_error(None, "提交过于频繁，请一小时后再试")
            status = 429
        elif request.POST.get("website"):
            form.add_error(None, "提交未成功，请重试")  # a robot filled the field people do not see
        else:
            problem = human_check.check(
                request.POST.get("challenge_token", ""), request.POST.get("challenge_answer", "")
            )
            if problem is not None:
                form.add_error("challenge_answer", problem)
            elif form.is_valid():
                filed = run_service(form, lambda: services.repair_apply(publication=publication, **form.application()))
                status = 200 if filed is not None else 400
    context = {
        "publication": publication,
        "form": form,
        "refusal": refusal,
        "filed": filed,
        # Every showing of the form asks a new question: one answered (rightly or not) is used up.
        "challenge": human_check.make_challenge(),
    }
    return render(request, "publicity/public_repair.html", context, status=status)


def public_repair_track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    repair: CreditRepair | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        if hits(f"zhifa:repair-track:{client_address(request)}", 3600) > REPAIR_POSTS_PER_HOUR:
            form.add_error(None, "查询过于频繁，请一小时后再试")
            status = 429
        else:
            repair = services.repair_tracked(form.cleaned_data["number"], form.cleaned_data["code"])
            if repair is None:
                form.add_error(None, "申请编号或查询码不正确")
    return render(request, "publicity/public_repair_track.html", {"form": form, "repair": repair}, status=status)
