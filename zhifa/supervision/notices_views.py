"""Pages of the instruments (督办函, 意见书, 决定书, 当场纠正), of the challenges and the public 通报 list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.cases.models import Case
from zhifa.core.bounds import BoundedDateField
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.forms import run_service
from zhifa.core.models import Agency, User
from zhifa.core.permissions import request_user
from zhifa.core.scoping import restrict, restrict_cases, visible_agencies
from zhifa.ledger import blobs
from zhifa.ledger.forms import EvidenceField
from zhifa.personnel.forms import DateInput
from zhifa.personnel.models import Officer
from zhifa.supervision import challenges, notices
from zhifa.supervision.models.challenges import Litigation, Outcome, Reconsideration
from zhifa.supervision.models.notices import (
    Bulletin,
    Measure,
    NoticeKind,
    NoticeState,
    ObjectionOutcome,
    OfficerProposal,
    SupervisionNotice,
    Verdict,
)

TEXT = forms.Textarea(attrs={"rows": 4})


def _date_field(label: Any, *, required: bool = True, planned: bool = False) -> forms.DateField:
    """A date of an act (up to today), or with `planned` a date set ahead (a deadline)."""
    return BoundedDateField(label=label, widget=DateInput, required=required, planned=planned)


# ---- forms -------------------------------------------------------------------------------------------------------


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("文书种类"), choices=NoticeKind.choices)
    agency = forms.ModelChoiceField(label=_("被监督机关"), queryset=Agency.objects.none())
    case = forms.IntegerField(
        label=_("案件序号"), required=False, min_value=1, help_text=_("涉及具体案件的，填写案件页面地址中的序号")
    )
    facts = forms.CharField(label=_("发现的问题"), max_length=4000, widget=TEXT)
    request = forms.CharField(label=_("整改要求（当场纠正的，写纠正情况）"), max_length=2000, widget=TEXT)
    basis = forms.CharField(label=_("依据"), max_length=300, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = visible_agencies(actor).exclude(pk=actor.agency_id or 0).order_by("path")


class IssueForm(forms.Form):
    due_on = _date_field(_("整改报送期限"), planned=True)


class ProposeForm(forms.Form):
    government = forms.CharField(label=_("作出决定的人民政府"), max_length=100)


class ApproveForm(forms.Form):
    approval_number = forms.CharField(label=_("政府批准文号"), max_length=60)
    approved_on = _date_field(_("政府批准日期"))


class ObjectForm(forms.Form):
    reasons = forms.CharField(label=_("异议理由"), max_length=4000, widget=TEXT)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=ObjectionOutcome.choices)
    answer = forms.CharField(label=_("答复"), max_length=4000, widget=TEXT)
    due_on = _date_field(_("新的整改报送期限（可不填）"), required=False, planned=True)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("整改情况"), max_length=4000, widget=TEXT)
    evidence = EvidenceField(label=_("证明材料"))


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("审查结果"), choices=Verdict.choices)
    remarks = forms.CharField(label=_("审查意见"), max_length=2000, required=False, widget=TEXT)
    due_on = _date_field(_("退回时的新报送期限"), required=False, planned=True)


class EscalateForm(forms.Form):
    facts = forms.CharField(label=_("逾期未整改的情况"), max_length=4000, widget=TEXT)
    request = forms.CharField(label=_("拟决定事项"), max_length=2000, widget=TEXT)
    government = forms.CharField(label=_("提请的人民政府"), max_length=100)


class BulletinForm(forms.Form):
    title = forms.CharField(label=_("通报标题"), max_length=200)
    text = forms.CharField(label=_("通报内容"), max_length=6000, widget=TEXT)


class ProposalForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("执法人员"), queryset=Officer.objects.none())
    measure = forms.ChoiceField(label=_("处理建议"), choices=Measure.choices)
    reasons = forms.CharField(label=_("理由"), max_length=2000, widget=TEXT)


class ReferralForm(forms.Form):
    organ = forms.CharField(label=_("监察机关"), max_length=100)
    summary = forms.CharField(label=_("问题线索"), max_length=4000, widget=TEXT)
    referred_on = _date_field(_("移送日期"))


ACTION_FORMS: dict[str, tuple[Any, type[forms.Form]]] = {
    "issue": (_("制作并发出"), IssueForm),
    "propose": (_("提请人民政府作出决定"), ProposeForm),
    "approve": (_("登记政府批准"), ApproveForm),
    "object": (_("提出异议"), ObjectForm),
    "answer": (_("答复异议"), AnswerForm),
    "report": (_("报送整改情况"), ReportForm),
    "review": (_("审查整改情况"), ReviewForm),
    "escalate": (_("逾期未整改，提请决定书"), EscalateForm),
    "bulletin": (_("通报"), BulletinForm),
    "proposal": (_("对执法人员提出处理建议"), ProposalForm),
    "referral": (_("向监察机关移送问题线索"), ReferralForm),
}


def _form(action: str, notice: SupervisionNotice, data: Any = None) -> forms.Form:
    form = ACTION_FORMS[action][1](data=data, prefix=action)
    if action == "issue" and data is None:
        form.initial["due_on"] = notices.default_due(timezone.localdate())
    if action == "proposal":
        field = form.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Officer.objects.filter(agency__path__startswith=notice.agency.path).order_by("name")
    return form


# ---- the notices ---------------------------------------------------------------------------------------------------


def may_read_notices(actor: User) -> bool:
    return actor.has_role(Role.SUPERVISOR, Role.APPROVER) or Agency.objects.filter(head__user=actor).exists()


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not may_read_notices(actor):
        raise Http404
    kind, state, waiting = request.GET.get("kind", ""), request.GET.get("state", ""), request.GET.get("waiting", "")
    rows = notices.notices_waiting_for(actor) if waiting else notices.notices_for(actor)
    if kind in NoticeKind.values:
        rows = rows.filter(kind=kind)
    if state in NoticeState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "kinds": NoticeKind.choices,
        "states": NoticeState.choices,
        "kind": kind,
        "state": state,
        "waiting": waiting,
        "today": timezone.localdate(),
        "may_create": actor.has_role(Role.SUPERVISOR),
        "query": request.GET.urlencode(),
    }
    return render(request, "supervision/notice_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not actor.has_role(Role.SUPERVISOR):
        raise Http404
    form = NoticeForm(request.POST or None, actor=actor, initial={"case": request.GET.get("case")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case: Case | None = None
        if data["case"]:
            case = restrict_cases(Case.objects.all(), actor).filter(pk=data["case"]).first()
            if case is None:
                form.add_error("case", _("案件序号：没有您可查看的该序号案件"))
        if not form.errors:
            notice = run_service(
                form,
                lambda: notices.notice_create(
                    actor=actor,
                    kind=data["kind"],
                    agency=data["agency"],
                    case=case,
                    facts=data["facts"],
                    request=data["request"],
                    basis=data["basis"],
                ),
            )
            if notice is not None:
                return redirect("supervision_notice", pk=notice.pk)
    return render(request, "supervision/notice_form.html", {"form": form})


def _notice(actor: User, pk: int) -> SupervisionNotice:
    notice = notices.notices_for(actor).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    notice = _notice(actor, pk)
    actions = [
        {"name": name, "label": ACTION_FORMS[name][0], "form": _form(name, notice)}
        for name in notices.allowed_actions(actor, notice)
    ]
    proposals = list(notice.proposals.select_related("officer"))
    for proposal in proposals:
        proposal.may_carry_out = proposal.carried_out_on is None and (  # type: ignore[attr-defined]
            actor.has_role(Role.SYSADMIN, Role.SUPERVISOR)
            if proposal.measure == Measure.DISQUALIFY
            else notices.answers_for(actor, notice.agency)
        )
    context = {
        "notice": notice,
        "actions": actions,
        "objections": list(notice.objections.all()),
        "rectifications": list(notice.rectifications.all()),
        "bulletins": list(notice.bulletins.all()),
        "proposals": proposals,
        "referrals": list(notice.referrals.all()) if notices.is_supervisor_of(actor, notice) else [],
        "escalation": getattr(notice, "escalation", None),
        "periods": notices.PERIODS,
        "today": timezone.localdate(),
        "supervisor": notices.is_supervisor_of(actor, notice),
    }
    return render(request, "supervision/notice_detail.html", context)


def _report_errors(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as messages on the page it returns to, each naming its field."""
    for field, errors in form.errors.items():
        label = str(form.fields[field].label) if field in form.fields else ""
        for error in errors:
            text = str(error)
            messages.error(request, f"{label}：{text}" if label and not text.startswith(label) else text)


def _run(actor: User, notice: SupervisionNotice, action: str, data: dict[str, Any]) -> Any:
    if action == "issue":
        return notices.notice_issue(actor=actor, notice=notice, due_on=data["due_on"])
    if action == "propose":
        return notices.notice_propose(actor=actor, notice=notice, government=data["government"])
    if action == "approve":
        return notices.notice_approve(
            actor=actor, notice=notice, approval_number=data["approval_number"], approved_on=data["approved_on"]
        )
    if action == "object":
        return notices.notice_object(actor=actor, notice=notice, reasons=data["reasons"])
    if action == "answer":
        return notices.notice_answer(
            actor=actor, notice=notice, outcome=data["outcome"], answer=data["answer"], due_on=data["due_on"]
        )
    if action == "report":
        return notices.notice_report(actor=actor, notice=notice, report=data["report"], files=list(data["evidence"]))
    if action == "review":
        return notices.notice_review(
            actor=actor, notice=notice, verdict=data["verdict"], remarks=data["remarks"], due_on=data["due_on"]
        )
    if action == "escalate":
        return notices.notice_escalate(
            actor=actor, notice=notice, facts=data["facts"], request=data["request"], government=data["government"]
        )
    if action == "bulletin":
        return notices.bulletin_publish(actor=actor, notice=notice, title=data["title"], text=data["text"])
    if action == "proposal":
        return notices.proposal_make(
            actor=actor, notice=notice, officer=data["officer"], measure=data["measure"], reasons=data["reasons"]
        )
    if action == "referral":
        return notices.referral_record(
            actor=actor, notice=notice, organ=data["organ"], summary=data["summary"], referred_on=data["referred_on"]
        )
    raise Http404


@login_required
@require_POST
def notice_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = request_user(request)
    notice = _notice(actor, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = _form(action, notice, request.POST)
    result = None
    if form.is_valid():
        result = run_service(form, lambda: _run(actor, notice, action, form.cleaned_data))
    if result is None:
        _report_errors(request, form)
        return redirect("supervision_notice", pk=pk)
    messages.success(request, _("已办理：%(action)s") % {"action": ACTION_FORMS[action][0]})
    if action == "escalate":
        return redirect("supervision_notice", pk=result.pk)
    return redirect("supervision_notice", pk=pk)


@login_required
@require_POST
def proposal_carry_out(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    proposal = OfficerProposal.objects.filter(notice__in=notices.notices_for(actor), pk=pk).first()
    if proposal is None:
        raise Http404
    try:
        notices.proposal_carry_out(actor=actor, proposal=proposal)
        messages.success(request, _("处理建议已执行"))
    except Refusal as refusal:
        messages.error(request, str(refusal))
    return redirect("supervision_notice", pk=proposal.notice_id)


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> FileResponse:
    notice = _notice(request_user(request), pk)
    if not notice.sha256:
        raise Http404
    response = FileResponse(blobs.open_verified(notice.sha256), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.sha256[:12]}.pdf"'
    return response


# ---- challenges ----------------------------------------------------------------------------------------------------


class ReconsiderationForm(forms.Form):
    case = forms.IntegerField(label=_("案件序号"), min_value=1)
    body = forms.CharField(label=_("行政复议机关"), max_length=100)
    applied_on = _date_field(_("申请日期"))


class LitigationForm(forms.Form):
    case = forms.IntegerField(label=_("案件序号"), min_value=1)
    court = forms.CharField(label=_("人民法院"), max_length=100)
    filed_on = _date_field(_("立案日期"))
    head_required = forms.BooleanField(label=_("须负责人出庭应诉"), required=False)
    head_required_reason = forms.CharField(label=_("须出庭的原因"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结果"), choices=Outcome.choices)
    decided_on = _date_field(_("决定或裁判日期"))


class OpinionForm(forms.Form):
    received_on = _date_field(_("收到行政复议意见书日期"))
    text = forms.CharField(label=_("意见书要点"), max_length=2000, widget=TEXT)


class OpinionAnswerForm(forms.Form):
    answered_on = _date_field(_("报送纠正情况日期"))


class HearingForm(forms.Form):
    hearing_on = _date_field(_("开庭日期"))
    head_appeared = forms.BooleanField(label=_("负责人出庭应诉"), required=False)


CHALLENGE_FORMS: dict[str, type[forms.Form]] = {
    "reconsideration": ReconsiderationForm,
    "litigation": LitigationForm,
    "reconsideration_decide": OutcomeForm,
    "reconsideration_opinion": OpinionForm,
    "reconsideration_opinion_answer": OpinionAnswerForm,
    "litigation_hearing": HearingForm,
    "litigation_decide": OutcomeForm,
}


def _may_record_challenges(actor: User) -> bool:
    return actor.has_role(*challenges.RECORDERS)


@login_required
def challenge_list(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    if not _may_record_challenges(actor):
        raise Http404
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2999:
        year = timezone.localdate().year
    reconsiderations, litigations = challenges.challenges_for(actor)
    context = {
        "year": year,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
        "rates": challenges.correction_rates(actor, year),
        "reconsiderations": reconsiderations,
        "litigations": litigations,
        "forms": {name: form(prefix=name) for name, form in CHALLENGE_FORMS.items()},
        "opinion_days": challenges.OPINION_DAYS,
    }
    return render(request, "supervision/challenge_list.html", context)


def _challenge_row(actor: User, model: type[Reconsideration] | type[Litigation], pk: int) -> Any:
    row = restrict(model.objects.select_related("case", "agency"), actor).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def _challenge_run(actor: User, action: str, data: dict[str, Any], pk: int | None) -> Any:
    if action in ("reconsideration", "litigation"):
        case = restrict_cases(Case.objects.all(), actor).filter(pk=data["case"]).first()
        if case is None:
            raise Refusal("案件序号：没有您可查看的该序号案件", field="case")
        if action == "reconsideration":
            return challenges.reconsideration_record(
                actor=actor, case=case, body=data["body"], applied_on=data["applied_on"]
            )
        return challenges.litigation_record(
            actor=actor,
            case=case,
            court=data["court"],
            filed_on=data["filed_on"],
            head_required=data["head_required"],
            head_required_reason=data["head_required_reason"],
        )
    assert pk is not None
    if action.startswith("reconsideration_"):
        row = _challenge_row(actor, Reconsideration, pk)
        if action == "reconsideration_decide":
            return challenges.reconsideration_decide(
                actor=actor, row=row, outcome=data["outcome"], decided_on=data["decided_on"]
            )
        if action == "reconsideration_opinion":
            return challenges.reconsideration_opinion(
                actor=actor, row=row, received_on=data["received_on"], text=data["text"]
            )
        return challenges.reconsideration_opinion_answer(actor=actor, row=row, answered_on=data["answered_on"])
    row = _challenge_row(actor, Litigation, pk)
    if action == "litigation_hearing":
        return challenges.litigation_hearing(
            actor=actor, row=row, hearing_on=data["hearing_on"], head_appeared=data["head_appeared"]
        )
    return challenges.litigation_decide(actor=actor, row=row, outcome=data["outcome"], decided_on=data["decided_on"])


@login_required
@require_POST
def challenge_act(request: HttpRequest, action: str, pk: int | None = None) -> HttpResponse:
    actor = request_user(request)
    if not _may_record_challenges(actor) or action not in CHALLENGE_FORMS:
        raise Http404
    prefix = action if pk is None else f"{action}-{pk}"
    form = CHALLENGE_FORMS[action](data=request.POST, prefix=prefix)
    result = None
    if form.is_valid():
        result = run_service(form, lambda: _challenge_run(actor, action, form.cleaned_data, pk))
    if result is None:
        _report_errors(request, form)
    else:
        messages.success(request, _("已登记"))
    return redirect("supervision_challenges")


# ---- 通报 on the public site ------------------------------------------------------------------------------------


def public_bulletins(request: HttpRequest) -> HttpResponse:
    rows = Bulletin.objects.select_related("notice__issuer", "notice__agency").order_by("-published_on", "-pk")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "supervision/notice_bulletins_public.html", {"page": page})


notices_urls: list[URLPattern] = [
    path("supervision/notices/", notice_list, name="supervision_notices"),
    path("supervision/notices/new/", notice_new, name="supervision_notice_new"),
    path("supervision/notices/<int:pk>/", notice_detail, name="supervision_notice"),
    path("supervision/notices/<int:pk>/document.pdf", notice_pdf, name="supervision_notice_pdf"),
    path("supervision/notices/<int:pk>/<slug:action>/", notice_act, name="supervision_notice_act"),
    path("supervision/proposals/<int:pk>/carry-out/", proposal_carry_out, name="supervision_proposal_carry_out"),
    path("supervision/challenges/", challenge_list, name="supervision_challenges"),
    path("supervision/challenges/<slug:action>/", challenge_act, name="supervision_challenge_new"),
    path("supervision/challenges/<slug:action>/<int:pk>/", challenge_act, name="supervision_challenge_act"),
    path("public/supervision/bulletins/", public_bulletins, name="public_supervision_bulletins"),
]
