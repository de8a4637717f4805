"""Pages of case-file review (案卷评查): the rounds and the grades per agency, a new round, a round's files, a file's
review form with the findings pre-filled, the issued sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core.errors import Refusal
from zhifa.core.forms import run_service
from zhifa.core.permissions import request_user
from zhifa.ledger import blobs
from zhifa.supervision import review_criteria, reviews
from zhifa.supervision.models.reviews import FileReview, Grade, ReviewMethod, ReviewState


class RoundForm(forms.Form):
    title = forms.CharField(label=_("评查活动名称"), max_length=reviews.TITLE_LENGTH)
    period_from = forms.DateField(label=_("结案日期自"), widget=forms.DateInput(attrs={"type": "date"}))
    period_to = forms.DateField(label=_("结案日期至"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("抽取方式"), choices=ReviewMethod.choices)
    ratio = forms.DecimalField(
        label=_("抽取比例（%）"), min_value=Decimal(1), max_value=Decimal(100), decimal_places=1, required=False
    )
    min_per_agency = forms.IntegerField(label=_("每个机关至少（件）"), min_value=0, max_value=50, initial=1)
    case_ids = forms.CharField(
        label=_("选定的案件编号"),
        required=False,
        max_length=2000,
        help_text=_("选定案卷时填写，以逗号分隔"),
    )

    def clean_case_ids(self) -> list[int]:
        raw = self.cleaned_data.get("case_ids", "").replace("，", ",")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError(_("案件编号应为数字，以逗号分隔")) from error


def _score_form(sheet: review_criteria.Sheet, review: FileReview, data: Any = None) -> forms.Form:
    """One points field and one reason per criterion, one box and reason per veto item; pre-filled from the
    reviewer's last scoring, or else from the findings."""
    if review.deductions or review.vetoes or review.score is not None:
        taken = {line["code"]: (Decimal(line["points"]), line["note"]) for line in review.deductions}
        vetoed = {veto["code"]: veto["note"] for veto in review.vetoes}
    else:
        taken, vetoed = reviews.prefill(review, sheet)
    form = forms.Form(data=data)
    for veto in sheet.vetoes:
        code = veto["code"]
        form.fields[f"veto_{code}"] = forms.BooleanField(label=veto["label"], required=False, initial=code in vetoed)
        form.fields[f"vetonote_{code}"] = forms.CharField(
            label=_("理由"), required=False, max_length=reviews.NOTE_LENGTH, initial=vetoed.get(code, "")
        )
    for item in sheet.items:
        code = item["code"]
        points, note = taken.get(code, (Decimal(0), ""))
        form.fields[f"points_{code}"] = forms.DecimalField(
            label=f"{item['label']}（{item['points']}分）",
            min_value=Decimal(0),
            max_value=Decimal(item["points"]),
            decimal_places=1,
            initial=points,
        )
        form.fields[f"note_{code}"] = forms.CharField(
            label=_("扣分理由"), required=False, max_length=reviews.NOTE_LENGTH, initial=note
        )
    form.fields["note"] = forms.CharField(
        label=_("评查意见"), required=False, max_length=reviews.NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    form.fields["note"].initial = review.note
    return form


def _rows(sheet: review_criteria.Sheet, form: forms.Form) -> dict[str, list[tuple[Any, Any]]]:
    return {
        "vetoes": [(form[f"veto_{veto['code']}"], form[f"vetonote_{veto['code']}"]) for veto in sheet.vetoes],
        "items": [(form[f"points_{item['code']}"], form[f"note_{item['code']}"]) for item in sheet.items],
    }


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("异议及理由"), max_length=reviews.OBJECTION_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("异议是否成立"),
        choices=[("no", _("不成立，维持评查结果")), ("yes", _("成立，重新评分"))],
        coerce=lambda value: value == "yes",
    )
    text = forms.CharField(
        label=_("答复意见"), max_length=reviews.NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


@login_required
def review_index(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not actor.has_role(*reviews.SUPERVISORS, *reviews.AGENCY_SIDE):
        raise Http404
    rounds = list(reviews.rounds_for(actor).select_related("agency").annotate(files=Count("reviews")))
    results = list(reviews.results_for(actor).select_related("round", "case", "agency")[:200])
    # Grades per agency over the rounds the supervisor sees: a small summary.
    summary = (
        FileReview.objects.filter(round__in=[r.pk for r in rounds])
        .exclude(grade="")
        .values("agency__name")
        .annotate(
            files=Count("pk"),
            excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)),
            passed=Count("pk", filter=Q(grade=Grade.PASS)),
            failed=Count("pk", filter=Q(grade=Grade.FAIL)),
            average=Avg("score"),
        )
        .order_by("agency__name")
    )
    sheet, version = review_criteria.in_force(actor.agency, timezone.localdate()) if actor.agency else (None, None)
    context = {
        "rounds": rounds,
        "results": results,
        "summary": summary,
        "sheet": sheet,
        "version": version,
        "may_open": actor.has_role(*reviews.SUPERVISORS),
    }
    return render(request, "supervision/reviews.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not actor.has_role(*reviews.SUPERVISORS):
        raise Http404
    form = RoundForm(request.POST or None, initial={"method": ReviewMethod.RANDOM, "ratio": 10, "min_per_agency": 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ratio = data["ratio"] / 100 if data["ratio"] is not None else None
        opened = run_service(
            form,
            lambda: reviews.round_open(
                actor=actor,
                title=data["title"],
                period_from=data["period_from"],
                period_to=data["period_to"],
                method=data["method"],
                ratio=ratio,
                min_per_agency=data["min_per_agency"],
                case_ids=data["case_ids"],
            ),
        )
        if opened is not None:
            return redirect("supervision_review_round", pk=opened.pk)
    return render(request, "supervision/review_round_new.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    round_ = reviews.rounds_for(actor).filter(pk=pk).select_related("agency").first()
    if round_ is None:
        raise Http404
    files = list(round_.reviews.select_related("case", "agency").order_by("agency__path", "case_id"))
    return render(request, "supervision/review_round.html", {"round": round_, "files": files})


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    review = reviews.review_for(actor, pk)
    if review is None:
        raise Http404
    reviewing = actor.has_role(*reviews.SUPERVISORS) and review.round.agency.is_within(actor.agency)  # type: ignore[arg-type]
    sheet, _version = review_criteria.in_force(review.round.agency, review.reviewed_on or timezone.localdate())
    form = _score_form(sheet, review) if reviewing and review.state != ReviewState.ISSUED else None
    context = {
        "review": review,
        "sheet": sheet,
        "form": form,
        "rows": _rows(sheet, form) if form is not None else None,
        "taken": {line["code"]: line for line in review.deductions},
        "reviewing": reviewing,
        "objection_form": ObjectionForm() if reviews.may_object(actor, review) else None,
        "answer_form": AnswerForm() if reviewing and review.objection and review.answered_on is None else None,
    }
    return render(request, "supervision/review_file.html", context)


@login_required
@require_POST
def review_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_user(request)
    review = reviews.review_for(actor, pk)
    if review is None:
        raise Http404
    try:
        if action == "score":
            sheet, _version = review_criteria.in_force(review.round.agency, timezone.localdate())
            form = _score_form(sheet, review, request.POST)
            if not form.is_valid():
                field, errors = next(iter(form.errors.items()))
                label = form.fields[field].label if field in form.fields else ""
                raise Refusal(f"{label}：{errors[0]}" if label else str(errors[0]))
            data = form.cleaned_data
            reviews.review_score(
                actor=actor,
                review=review,
                deductions={
                    item["code"]: (data[f"points_{item['code']}"], data[f"note_{item['code']}"]) for item in sheet.items
                },
                vetoes={
                    veto["code"]: data[f"vetonote_{veto['code']}"]
                    for veto in sheet.vetoes
                    if data[f"veto_{veto['code']}"]
                },
                note=data["note"],
            )
            messages.success(request, "已评分")
        elif action == "issue":
            reviews.review_issue(actor=actor, review=review)
            messages.success(request, "已出具评查表")
        elif action == "object":
            objection = ObjectionForm(request.POST)
            if not objection.is_valid():
                raise Refusal("请填写异议及理由（不超过500字）", field="text")
            reviews.review_object(actor=actor, review=review, text=objection.cleaned_data["text"])
            messages.success(request, "已提出异议")
        elif action == "answer":
            answer = AnswerForm(request.POST)
            if not answer.is_valid():
                raise Refusal("请填写答复意见", field="text")
            data = answer.cleaned_data
            reviews.review_answer(actor=actor, review=review, upheld=data["upheld"], text=data["text"])
            messages.success(request, "已答复异议")
        else:
            raise Http404
    except Refusal as refusal:
        messages.error(request, str(refusal))
    return redirect("supervision_review_file", pk=pk)


@login_required
def review_sheet(request: HttpRequest, pk: int) -> FileResponse:
    review = reviews.review_for(request_user(request), pk)
    if review is None or not review.sheet_sha256:
        raise Http404
    response = FileResponse(blobs.open_verified(review.sheet_sha256), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="review-sheet-{review.pk}.pdf"'
    return response


reviews_urls = [
    path("supervision/reviews/", review_index, name="supervision_reviews"),
    path("supervision/reviews/new/", round_new, name="supervision_review_new"),
    path("supervision/reviews/<int:pk>/", round_detail, name="supervision_review_round"),
    path("supervision/reviews/file/<int:pk>/", review_detail, name="supervision_review_file"),
    path("supervision/reviews/file/<int:pk>/sheet.pdf", review_sheet, name="supervision_review_sheet"),
    path("supervision/reviews/file/<int:pk>/<slug:action>/", review_act, name="supervision_review_act"),
]
