"""Pages of the modes of supervision (/supervision/modes/…), the interference records (/supervision/interference/…)
and the public evaluation pages (/public/supervision/evaluations/…). Thin: services in modes.py and interference.py
decide; the forms only carry what the person typed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhifa.cases.models import Case
from zhifa.complaints.models import Complaint
from zhifa.core.errors import Refusal
from zhifa.core.forms import run_service
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import reads_cases, restrict, restrict_cases, visible_agencies
from zhifa.ledger.forms import EvidenceField
from zhifa.supervision import interference, modes
from zhifa.supervision.models.modes import (
    ActKind,
    FocusForm,
    FocusMatter,
    FocusState,
    InterferenceManner,
    LeadSource,
    PlanState,
    SpecialPlan,
    SupervisionMode,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _supervisor_only(actor: User) -> None:
    if not actor.has_role(*modes.SUPERVISORS):
        raise Http404


def _case(actor: User, pk: int) -> Case:
    return get_object_or_404(restrict_cases(Case.objects.select_related("agency"), actor), pk=pk)


# ---- forms ------------------------------------------------------------------------------------------------------


class PlanForm(forms.Form):
    title = forms.CharField(label=_("方案名称"), max_length=200)
    scope = forms.CharField(label=_("监督范围"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000)
    text = forms.CharField(label=_("方案正文"), widget=forms.Textarea(attrs={"rows": 10}), max_length=50_000)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)


class ApproveForm(forms.Form):
    approved_by = forms.CharField(label=_("批准机关"), max_length=200, help_text=_("如：某某省人民政府"))
    approval_number = forms.CharField(label=_("批准文号"), max_length=100)
    approved_on = forms.DateField(label=_("批准日期"), widget=DATE)


class ListForm(forms.Form):
    reason = forms.CharField(label=_("督办事由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000)
    deadline = forms.DateField(label=_("办结期限"), widget=DATE)
    lead_source = forms.ChoiceField(label=_("线索来源"), choices=LeadSource.choices)
    lead_reference = forms.CharField(
        label=_("线索编号"), max_length=100, required=False, help_text=_("12345 工单号、涉企诉求编号等")
    )


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("提级理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000)
    lead_source = forms.ChoiceField(label=_("线索来源"), choices=LeadSource.choices)
    lead_reference = forms.CharField(label=_("线索编号"), max_length=100, required=False)


class CloseForm(forms.Form):
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000)


class ActForm(forms.Form):
    kind = forms.ChoiceField(label=_("监督措施"), choices=ActKind.choices)
    mode = forms.ChoiceField(label=_("监督方式"), choices=SupervisionMode.choices)
    agency = forms.ModelChoiceField(label=_("被监督机关"), queryset=Agency.objects.none())
    case = forms.IntegerField(label=_("案件编号（系统内序号）"), required=False, help_text=_("调阅案卷时必填"))
    plan = forms.ModelChoiceField(label=_("专项方案"), queryset=SpecialPlan.objects.none(), required=False)
    matter = forms.ModelChoiceField(label=_("重点事项"), queryset=FocusMatter.objects.none(), required=False)
    done_on = forms.DateField(label=_("日期"), widget=DATE)
    participants = forms.CharField(label=_("参加人员"), max_length=200)
    counterpart = forms.CharField(
        label=_("对象"), max_length=200, required=False, help_text=_("约谈的负责人、暗访的地点等")
    )
    summary = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5_000)

    def __init__(self, actor: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = visible_agencies(actor)  # type: ignore[attr-defined]
        self.fields["plan"].queryset = modes.plans_for(actor).filter(state=PlanState.APPROVED)  # type: ignore[attr-defined]
        self.fields["matter"].queryset = modes.matters_for(actor).filter(state=FocusState.OPEN)  # type: ignore[attr-defined]


class EvaluationForm(forms.Form):
    title = forms.CharField(label=_("评议名称"), max_length=200)
    period = forms.CharField(label=_("评议期间"), max_length=50, help_text=_("如：2026年度"))
    standards = forms.CharField(
        label=_("评议标准"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_("指标、分值和评分办法"),
    )
    process = forms.CharField(label=_("评议过程"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5_000)

    def __init__(self, actor: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = list(visible_agencies(actor).exclude(pk=actor.agency_id or 0))
        for agency in self.agencies:
            self.fields[f"score_{agency.pk}"] = forms.DecimalField(
                label=_("%(name)s 得分") % {"name": agency.name}, required=False, min_value=0, max_value=100
            )
            self.fields[f"conclusion_{agency.pk}"] = forms.CharField(
                label=_("%(name)s 结论") % {"name": agency.name}, required=False, max_length=200
            )

    def results(self) -> list[modes.ResultLine]:
        lines = []
        for agency in self.agencies:
            score = self.cleaned_data.get(f"score_{agency.pk}")
            conclusion = self.cleaned_data.get(f"conclusion_{agency.pk}") or ""
            if score is None and not conclusion:
                continue
            if score is None:
                raise Refusal(f"{agency.name} 得分：填写结论的须同时填写得分", field=f"score_{agency.pk}")
            try:
                lines.append(modes.ResultLine(agency, Decimal(score), conclusion))
            except InvalidOperation as error:
                raise Refusal(f"{agency.name} 得分：应为数字", field=f"score_{agency.pk}") from error
        return lines


class InterferenceForm(forms.Form):
    """The person is found by a bounded search (interference_people, supervision-picker.js), which fills the
    hidden `person_user_id`; without the script the recorder types the exact username. A province has tens of
    thousands of accounts: no list of them all is ever sent."""

    person_user = forms.CharField(
        label=_("干预人（系统用户）"),
        max_length=150,
        required=False,
        help_text=_(
            "干预人是本系统用户的，输入姓名或用户名搜索后选择（未启用脚本时请输入准确的用户名）；"
            "不是本系统用户的，此处留空，在下方填写姓名"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-picker": "person"}),
    )
    person_user_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person_name = forms.CharField(label=_("干预人姓名"), max_length=50, required=False)
    person_post = forms.CharField(label=_("干预人单位职务"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("干预时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    manner = forms.ChoiceField(label=_("干预方式"), choices=InterferenceManner.choices)
    request = forms.CharField(label=_("干预内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5_000)
    evidence = EvidenceField(help_text=_("通话录音、便条照片、短信截图等；上传后不可删改"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_user"].widget.attrs["data-picker-url"] = reverse("interference_people")

    def clean(self) -> dict[str, Any]:
        """`person_user` becomes the account: the one picked from the search (its id), else the active account
        whose username is exactly what was typed, else an error naming the field; empty → None."""
        data = super().clean() or {}
        text = (data.get("person_user") or "").strip()
        chosen = data.pop("person_user_id", None)
        person: User | None = None
        if text:
            active = User.objects.filter(is_active=True)
            person = (active.filter(pk=chosen).first() if chosen else None) or active.filter(username=text).first()
            if person is None:
                self.add_error(
                    "person_user",
                    _(
                        "干预人（系统用户）：没有用户名为“%(text)s”的在用账号。请输入姓名或用户名搜索后选择，"
                        "或输入准确的用户名；干预人不是本系统用户的，请留空并填写干预人姓名"
                    )
                    % {"text": text[:50]},
                )
        data["person_user"] = person
        return data


PICKER_RESULTS = 20
PICKER_QUERY_LENGTH = 50


def picker_query_too_short(text: str) -> bool:
    """A search needs 2 characters, or 1 that is not ASCII (a Chinese surname): one letter matches everyone."""
    return len(text) < (2 if text.isascii() else 1)


# ---- staff pages --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def modes_index(request: HttpRequest) -> HttpResponse:
    """监督方式: the special plans, the key-point matters, the latest acts and the evaluations published."""
    actor = request_user(request)
    _supervisor_only(actor)
    today = timezone.localdate()
    matters = list(modes.matters_for(actor).order_by("state", "deadline", "-pk")[:100])
    context = {
        "today": today,
        "provincial": actor.agency is not None and modes.is_provincial(actor.agency),
        "plans": modes.plans_for(actor)[:50],
        "listed": [m for m in matters if m.form == FocusForm.LISTED],
        "escalated": [m for m in matters if m.form == FocusForm.ESCALATED],
        "acts": modes.acts_for(actor)[:50],
        "evaluations": restrict(modes.published_evaluations(), actor)[:20],
        "complaints": restrict(Complaint.objects.filter(closed_on__isnull=True), actor, via="handling_agency")[:20],
    }
    return render(request, "supervision/modes_index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    _supervisor_only(actor)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = run_service(form, lambda: modes.plan_draft(actor=actor, **form.cleaned_data))
        if plan is not None:
            return redirect("supervision_plan", plan.pk)
    return render(request, "supervision/mode_form.html", {"form": form, "title": _("制定专项监督方案")})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    _supervisor_only(actor)
    plan = get_object_or_404(modes.plans_for(actor), pk=pk)
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():  # noqa: SIM102 - the service runs only on a valid form
        if run_service(form, lambda: modes.plan_approve(actor=actor, plan=plan, **form.cleaned_data)) is not None:
            messages.success(request, _("已登记政府批准，可依方案开展专项监督"))
            return redirect("supervision_plan", plan.pk)
    return render(request, "supervision/mode_plan.html", {"plan": plan, "form": form, "acts": plan.acts.all()})


def _subject(actor: User, request: HttpRequest) -> tuple[Case | None, Complaint | None]:
    case = complaint = None
    if request.GET.get("case", "").isdigit():
        case = _case(actor, int(request.GET["case"]))
    if request.GET.get("complaint", "").isdigit():
        complaint = get_object_or_404(
            restrict(Complaint.objects.all(), actor, via="handling_agency"), pk=int(request.GET["complaint"])
        )
    if case is None and complaint is None:
        raise Http404
    return case, complaint


@login_required
@require_http_methods(["GET", "POST"])
def focus_list(request: HttpRequest) -> HttpResponse:
    """挂牌督办 of the case (?case=) or the complaint (?complaint=)."""
    actor = request_user(request)
    _supervisor_only(actor)
    case, complaint = _subject(actor, request)
    initial = {"lead_source": LeadSource.COMPLAINT} if complaint else {}
    form = ListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        matter = run_service(
            form, lambda: modes.focus_list(actor=actor, case=case, complaint=complaint, **form.cleaned_data)
        )
        if matter is not None:
            return redirect("supervision_matter", matter.pk)
    subject = case.title if case else complaint.number  # type: ignore[union-attr]
    return render(request, "supervision/mode_form.html", {"form": form, "title": _("挂牌督办"), "subject": subject})


@login_required
@require_http_methods(["GET", "POST"])
def focus_escalate(request: HttpRequest, case_pk: int) -> HttpResponse:
    actor = request_user(request)
    _supervisor_only(actor)
    case = _case(actor, case_pk)
    form = EscalateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matter = run_service(form, lambda: modes.focus_escalate(actor=actor, case=case, **form.cleaned_data))
        if matter is not None:
            return redirect("supervision_matter", matter.pk)
    return render(request, "supervision/mode_form.html", {"form": form, "title": _("提级监督"), "subject": case.title})


@login_required
@require_http_methods(["GET", "POST"])
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    _supervisor_only(actor)
    matter = get_object_or_404(modes.matters_for(actor), pk=pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():  # noqa: SIM102 - the service runs only on a valid form
        if run_service(form, lambda: modes.focus_close(actor=actor, matter=matter, **form.cleaned_data)) is not None:
            return redirect("supervision_matter", matter.pk)
    context = {
        "matter": matter,
        "form": form,
        "acts": matter.acts.select_related("actor"),
        "today": timezone.localdate(),
    }
    return render(request, "supervision/mode_matter.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def act_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    _supervisor_only(actor)
    form = ActForm(actor, request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        case_pk = data.pop("case")
        case = (
            restrict_cases(Case.objects.select_related("agency"), actor).filter(pk=case_pk).first() if case_pk else None
        )
        if case_pk and case is None:
            form.add_error("case", _("案件：没有找到该案件，或不在您的管辖范围内"))
        elif run_service(form, lambda: modes.act_record(actor=actor, case=case, **data)) is not None:
            messages.success(request, _("监督措施已记录"))
            return redirect("supervision_modes")
    return render(request, "supervision/mode_form.html", {"form": form, "title": _("记录监督措施")})


@login_required
@require_POST
def call_up(request: HttpRequest, case_pk: int) -> HttpResponse:
    """调阅案卷 from the case page: the reading itself is recorded (who read which case, when)."""
    actor = request_user(request)
    _supervisor_only(actor)
    case = _case(actor, case_pk)
    matter = next((m for m in modes.open_listed(case) if m.agency_id == case.agency_id), None)
    try:
        modes.act_record(
            actor=actor,
            kind=ActKind.CALL_UP,
            mode=SupervisionMode.FOCUS if matter else SupervisionMode.ROUTINE,
            matter=matter,
            agency=case.agency,
            case=case,
            done_on=timezone.localdate(),
            participants=actor.full_name or actor.username,
            summary=(request.POST.get("summary") or "").strip() or "调阅案卷",
        )
        messages.success(request, _("已记录调阅"))
    except Refusal as refusal:
        messages.error(request, str(refusal))
    return redirect("case_detail", case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    _supervisor_only(actor)
    form = EvaluationForm(actor, request.POST or None)
    if request.method == "POST" and form.is_valid():

        def publish() -> Any:
            results = form.results()
            fields = {k: form.cleaned_data[k] for k in ("title", "period", "standards", "process")}
            return modes.evaluation_publish(actor=actor, results=results, **fields)

        evaluation = run_service(form, publish)
        if evaluation is not None:
            return redirect("public_evaluation", evaluation.pk)
    return render(request, "supervision/mode_form.html", {"form": form, "title": _("公布执法质效评议")})


# ---- interference records ----------------------------------------------------------------------------------------


@login_required
@require_GET
def interference_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    context = {
        "records": interference.interference_for(actor)[:200],
        "counts": interference.counts_by_agency(actor),
    }
    return render(request, "supervision/interference_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def interference_new(request: HttpRequest, case_pk: int) -> HttpResponse:
    actor = request_user(request)
    case = _case(actor, case_pk)
    if not interference.may_record(actor, case):
        raise Http404
    form = InterferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["files"] = data.pop("evidence")
        row = run_service(form, lambda: interference.interference_record(actor=actor, case=case, **data))
        if row is not None:
            messages.success(request, _("干预情况已记录，记录不可修改或删除"))
            return redirect("interference_detail", row.pk)
    return render(request, "supervision/interference_form.html", {"form": form, "case": case})


@login_required
@require_GET
def interference_people(request: HttpRequest) -> JsonResponse:
    """The person picker's search: at most 20 active accounts whose name contains, or whose username begins with,
    what was typed (at least 2 characters, 1 Chinese); for each only the id to submit, the name, the agency and
    the post (职务) — never the username, contacts or roles. For the staff who may record an interference."""
    actor = request_user(request)
    if not reads_cases(actor):
        raise Http404
    text = (request.GET.get("q") or "").strip()[:PICKER_QUERY_LENGTH]
    if picker_query_too_short(text):
        error = str(_("请至少输入2个字符（中文1个字）"))
        return JsonResponse({"results": [], "error": error}, status=400, json_dumps_params={"ensure_ascii": False})
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(full_name__icontains=text) | Q(username__istartswith=text))
        .exclude(pk=actor.pk)  # 不能记录本人
        .select_related("agency", "officer")
        .order_by("full_name", "username")[:PICKER_RESULTS]
    )
    results = [
        {
            "id": person.pk,
            "name": person.full_name or person.username,
            "agency": person.agency.name if person.agency else "",
            "post": getattr(getattr(person, "officer", None), "position", "") or "",
        }
        for person in people
    ]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def interference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    row = get_object_or_404(interference.interference_for(actor).select_related("person_user"), pk=pk)
    return render(request, "supervision/interference_detail.html", {"row": row})


# ---- public pages (监督条例 第十九条: standards, process and results published) ------------------------------------


@require_GET
def public_evaluations(request: HttpRequest) -> HttpResponse:
    crumbs = [{"label": _("执法质效评议"), "url": None}]
    context = {"evaluations": modes.published_evaluations()[:200], "breadcrumbs": crumbs}
    return render(request, "supervision/mode_public_list.html", context)


@require_GET
def public_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(modes.published_evaluations(), pk=pk)
    crumbs = [
        {"label": _("执法质效评议"), "url": reverse("public_evaluations")},
        {"label": evaluation.title, "url": None},
    ]
    context = {"evaluation": evaluation, "results": evaluation.results.all(), "breadcrumbs": crumbs}
    return render(request, "supervision/mode_public_evaluation.html", context)


modes_urls: list[URLPattern] = [
    path("supervision/modes/", modes_index, name="supervision_modes"),
    path("supervision/modes/plans/new/", plan_new, name="supervision_plan_new"),
    path("supervision/modes/plans/<int:pk>/", plan_detail, name="supervision_plan"),
    path("supervision/modes/listed/new/", focus_list, name="supervision_list"),
    path("supervision/modes/escalate/<int:case_pk>/", focus_escalate, name="supervision_escalate"),
    path("supervision/modes/matters/<int:pk>/", matter_detail, name="supervision_matter"),
    path("supervision/modes/acts/new/", act_new, name="supervision_act_new"),
    path("supervision/modes/call-up/<int:case_pk>/", call_up, name="supervision_call_up"),
    path("supervision/modes/evaluations/new/", evaluation_new, name="supervision_evaluation_new"),
    path("supervision/interference/", interference_list, name="interference_list"),
    path("supervision/interference/new/<int:case_pk>/", interference_new, name="interference_new"),
    path("supervision/interference/people/", interference_people, name="interference_people"),
    path("supervision/interference/<int:pk>/", interference_detail, name="interference_detail"),
    path("public/supervision/evaluations/", public_evaluations, name="public_evaluations"),
    path("public/supervision/evaluations/<int:pk>/", public_evaluation, name="public_evaluation"),
]
