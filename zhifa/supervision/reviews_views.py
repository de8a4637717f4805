"""Pages of case-file review (案卷评查): the rounds and the grades per agency, a new round, a round's files, a file's
review form with the findings pre-filled, the issued sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import RegexValidator
from django.db.models import Avg, Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.core.errors import Refusal
from zhifa.core.forms import run_service
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.ledger import blobs
from zhifa.supervision import review_criteria, reviews
from zhifa.supervision.models.reviews import FileReview, Grade, ReviewCriteria, ReviewMethod, ReviewState

MAX_VERSIONS_SHOWN = 50


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


CODE = RegexValidator(r"^[A-Za-z0-9._-]+$", _("编码只能由字母、数字、点、下划线或连字符组成"))
SECTIONS = [(section["code"], section["label"]) for section in review_criteria.DEFAULT_SHEET["sections"]]
BLANK_ITEMS, BLANK_VETOES = 5, 3  # empty rows offered below the sheet's own for new items


class CriteriaForm(forms.Form):
    """A new version of the criteria, pre-filled from the sheet in force: its items (code, part, name, points,
    points per defect) and veto items, blank rows for new ones, the cut-offs, name, source and effective date.
    Each row is checked here and named (第N项); the sheet as a whole (total 100, distinct codes) by
    review_criteria.parse through the service."""

    name = forms.CharField(label=_("评查标准名称"), max_length=review_criteria.NAME_LENGTH)
    source = forms.CharField(
        label=_("制定依据"),
        max_length=review_criteria.SOURCE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("制定或公布评查标准的文件"),
    )
    effective_from = forms.DateField(
        label=_("施行日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("不能早于今天，不能晚于一年以后"),
    )
    cutoff_excellent = forms.IntegerField(label=_("优秀分数线"), min_value=1, max_value=100)
    cutoff_pass = forms.IntegerField(label=_("合格分数线"), min_value=1, max_value=100)

    def __init__(self, current: review_criteria.Sheet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_rows = min(review_criteria.MAX_ITEMS, len(current.items) + BLANK_ITEMS)
        self.veto_rows = min(review_criteria.MAX_VETOES, len(current.vetoes) + BLANK_VETOES)
        self.initial.setdefault("name", current.name)
        self.initial.setdefault("source", current.source)
        self.initial.setdefault("cutoff_excellent", current.cutoffs[review_criteria.EXCELLENT])
        self.initial.setdefault("cutoff_pass", current.cutoffs[review_criteria.PASS])
        for index in range(self.item_rows):
            item = current.items[index] if index < len(current.items) else {}
            number = index + 1
            self.fields[f"item_{index}_code"] = forms.CharField(
                label=_("第%(n)s项 编码") % {"n": number},
                required=False,
                max_length=review_criteria.CODE_LENGTH,
                validators=[CODE],
                initial=item.get("code", ""),
            )
            self.fields[f"item_{index}_section"] = forms.ChoiceField(
                label=_("第%(n)s项 部分") % {"n": number}, choices=SECTIONS, initial=item.get("section") or "contents"
            )
            self.fields[f"item_{index}_label"] = forms.CharField(
                label=_("第%(n)s项 名称") % {"n": number},
                required=False,
                max_length=review_criteria.LABEL_LENGTH,
                initial=item.get("label", ""),
            )
            self.fields[f"item_{index}_points"] = forms.IntegerField(
                label=_("第%(n)s项 分值") % {"n": number},
                required=False,
                min_value=1,
                max_value=100,
                initial=item.get("points"),
            )
            self.fields[f"item_{index}_per_defect"] = forms.IntegerField(
                label=_("第%(n)s项 每处扣分") % {"n": number},
                required=False,
                min_value=1,
                max_value=100,
                initial=item.get("per_defect"),
            )
        for index in range(self.veto_rows):
            veto = current.vetoes[index] if index < len(current.vetoes) else {}
            number = index + 1
            self.fields[f"veto_{index}_code"] = forms.CharField(
                label=_("否决项第%(n)s项 编码") % {"n": number},
                required=False,
                max_length=review_criteria.CODE_LENGTH,
                validators=[CODE],
                initial=veto.get("code", ""),
            )
            self.fields[f"veto_{index}_label"] = forms.CharField(
                label=_("否决项第%(n)s项 名称") % {"n": number},
                required=False,
                max_length=review_criteria.LABEL_LENGTH,
                initial=veto.get("label", ""),
            )

    def head_fields(self) -> list[Any]:
        return [self[name] for name in ("name", "source", "effective_from", "cutoff_excellent", "cutoff_pass")]

    def item_fields(self) -> list[list[Any]]:
        names = ("code", "section", "label", "points", "per_defect")
        return [[self[f"item_{index}_{name}"] for name in names] for index in range(self.item_rows)]

    def veto_fields(self) -> list[list[Any]]:
        return [[self[f"veto_{index}_{name}"] for name in ("code", "label")] for index in range(self.veto_rows)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(self.item_rows):
            prefix, number = f"item_{index}_", index + 1
            label, points = data.get(f"{prefix}label"), data.get(f"{prefix}points")
            per_defect = data.get(f"{prefix}per_defect")
            typed = {name for name in ("label", "points", "per_defect") if f"{prefix}{name}" in self.errors}
            if not label and points is None and per_defect is None and not typed:
                continue  # an empty row
            if not label and "label" not in typed:
                self.add_error(f"{prefix}label", _("第%(n)s项 名称：填写了分值的评分项须写明名称") % {"n": number})
            if points is None and "points" not in typed:
                self.add_error(f"{prefix}points", _("第%(n)s项 分值：请填写") % {"n": number})
            if per_defect is None and "per_defect" not in typed:
                self.add_error(f"{prefix}per_defect", _("第%(n)s项 每处扣分：请填写") % {"n": number})
            elif per_defect is not None and points is not None and per_defect > points:
                self.add_error(
                    f"{prefix}per_defect",
                    _("第%(n)s项 每处扣分：不能超过该项分值%(points)s分") % {"n": number, "points": points},
                )
        for index in range(self.veto_rows):
            if data.get(f"veto_{index}_code") and not data.get(f"veto_{index}_label"):
                self.add_error(f"veto_{index}_label", _("否决项第%(n)s项 名称：请填写") % {"n": index + 1})
        return data

    def sheet(self) -> dict[str, Any]:
        """The sheet typed, in review_criteria's shape; a row without a code gets one from its position."""
        data = self.cleaned_data
        items = [
            {
                "code": data[f"item_{index}_code"] or f"item-{index + 1}",
                "section": data[f"item_{index}_section"],
                "label": data[f"item_{index}_label"],
                "points": data[f"item_{index}_points"],
                "per_defect": data[f"item_{index}_per_defect"],
            }
            for index in range(self.item_rows)
            if data.get(f"item_{index}_label")
        ]
        vetoes = [
            {"code": data[f"veto_{index}_code"] or f"veto.item-{index + 1}", "label": data[f"veto_{index}_label"]}
            for index in range(self.veto_rows)
            if data.get(f"veto_{index}_label")
        ]
        sections = [
            {"code": code, "label": str(label), "points": sum(i["points"] for i in items if i["section"] == code)}
            for code, label in SECTIONS
        ]
        return {
            "name": data["name"],
            "source": data["source"],
            "vetoes": vetoes,
            "sections": [section for section in sections if section["points"]],
            "items": items,
            "cutoffs": {review_criteria.EXCELLENT: data["cutoff_excellent"], review_criteria.PASS: data["cutoff_pass"]},
        }


def _criteria_agency(actor: User) -> Agency | None:
    """Whose criteria the actor reads: a supervisor his own agency's (those he reviews by); the head of a reviewed
    agency those of the agency above his (by which his files are reviewed)."""
    if actor.agency is None:
        return None
    if actor.has_role(*reviews.SUPERVISORS):
        return actor.agency
    if actor.has_role(*reviews.AGENCY_SIDE):
        return actor.agency.parent or actor.agency
    return None


@login_required
@require_http_methods(["GET", "POST"])
def criteria_page(request: HttpRequest) -> HttpResponse:
    """评查标准: the sheet in force, the versions published by the supervisor's agency (in force, to come, replaced),
    and, for a supervisor, the form that publishes a new version (行政执法监督条例 第十八条)."""
    actor = request_user(request)
    agency = _criteria_agency(actor)
    if agency is None:
        raise Http404
    today = timezone.localdate()
    sheet, in_force = review_criteria.in_force(agency, today)
    may_publish = actor.has_role(*reviews.SUPERVISORS)
    form = None
    if may_publish:
        form = CriteriaForm(sheet, request.POST or None, initial={"effective_from": today})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            published = run_service(
                form,
                lambda: reviews.criteria_publish(
                    actor=actor, sheet=form.sheet(), effective_from=data["effective_from"]
                ),
            )
            if published is not None:
                messages.success(
                    request, _("已发布评查标准，自%(day)s起施行") % {"day": f"{published.effective_from:%Y-%m-%d}"}
                )
                return redirect("supervision_review_criteria")
    elif request.method == "POST":
        raise Http404
    versions = [
        (version, review_criteria.parse(version.sheet, f"{version.effective_from:%Y-%m-%d}"))
        for version in ReviewCriteria.objects.filter(agency=agency)
        .select_related("created_by")
        .order_by("-effective_from")[:MAX_VERSIONS_SHOWN]
    ]
    context = {
        "agency": agency,
        "sheet": sheet,
        "in_force": in_force,
        "inherited": in_force is not None and in_force.agency_id != agency.pk,
        "versions": versions,
        "today": today,
        "form": form,
    }
    return render(request, "supervision/review_criteria.html", context)


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
    agency = _criteria_agency(actor)
    sheet, version = review_criteria.in_force(agency, timezone.localdate()) if agency else (None, None)
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
    path("supervision/reviews/criteria/", criteria_page, name="supervision_review_criteria"),
    path("supervision/reviews/<int:pk>/", round_detail, name="supervision_review_round"),
    path("supervision/reviews/file/<int:pk>/", review_detail, name="supervision_review_file"),
    path("supervision/reviews/file/<int:pk>/sheet.pdf", review_sheet, name="supervision_review_sheet"),
    path("supervision/reviews/file/<int:pk>/<slug:action>/", review_act, name="supervision_review_act"),
]
