"""The fields of each case action: one form per action, used by the pages, the API and the services.

Forms check the shape of the input (a date, an amount, a choice); the rules live in guards.py and run in
the services. `ACTION_FORMS[name](case=..., data=...)` gives the form for an action.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.cases import discretion, rules
from zhifa.cases.choices import (
    AppraisalKind,
    ContestChannel,
    CriminalOutcome,
    DefenceAnswer,
    EvidenceKind,
    LeadSource,
    NoPenaltyGround,
    PartyKind,
    PenaltyKind,
    PreservationMeasure,
    RecusalApplicant,
    ReviewConclusion,
    SeizureMeasure,
    ServiceMethod,
)
from zhifa.cases.guards import territory
from zhifa.cases.major import CHECKLIST
from zhifa.cases.models import Case
from zhifa.core.bounds import LONG_TEXT, SHORT_TEXT, TRANSCRIPT_TEXT, BoundedDateField, bound_date_widgets
from zhifa.core.choices import Domain, Role
from zhifa.core.models import User
from zhifa.laws.models import NoPenaltyItem, Violation
from zhifa.ledger.forms import EvidenceField, EvidenceFiles
from zhifa.personnel.forms import DateInput
from zhifa.personnel.models import Officer


def _officers_of(case: Case | None, agency: Any = None) -> Any:
    """Officers who may be chosen for an act: active ones of the case's agency line."""
    where = case.agency if case is not None else agency
    if where is None:
        return Officer.objects.none()
    # The agency's own line: itself, the agencies above it and those below it — never a sibling's
    # (personnel.rules.same_line); the guards still check each person's certificate on the day.
    line = Q(agency__path__startswith=where.path) | Q(agency__in=[where, *where.ancestors()])
    return Officer.objects.filter(line, status="active").select_related("agency").order_by("name")


def visit_carry_over(actor: User, case: Case, today: date) -> tuple[list[int], EvidenceFiles]:
    """The officers and files of the actor's last record on this case today, for his next record of the visit.

    An officer on a site visit records an inspection, then an interview, then a sampling, with the same
    colleagues and often the same photos. The visit is read from the records themselves (the last ones this
    user made on this case dated today), not from the session: it survives a lost phone session, a reload
    or a second device, and what is offered is what the signed record says.
    """
    officers: list[int] = []
    files = EvidenceFiles()
    for record in case.records.filter(created_by=actor, on_date=today).order_by("-entry_index")[:20]:
        if not officers and record.officers:
            officers = [person["id"] for person in record.officers if isinstance(person, dict) and "id" in person]
        if not files and record.files:
            files = EvidenceFiles(record.files, (record.data or {}).get("file_names") or {})
        if officers and files:
            break
    return officers, files


class ActionForm(forms.Form):
    on_date = BoundedDateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)

    def __init__(
        self, *args: Any, case: Case | None = None, agency: Any = None, actor: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        bound_date_widgets(self)
        self.case = case
        for name in ("officers", "lead", "others", "declared", "chair"):
            if name in self.fields:
                self.fields[name].queryset = _officers_of(case, agency)  # type: ignore[attr-defined]
        if not self.is_bound:
            self._prefill(case, actor)
        if "named" in self.fields:
            on_team = case.assignments.active().values("officer") if case is not None else []
            self.fields["named"].queryset = Officer.objects.filter(pk__in=on_team).order_by("name")  # type: ignore[attr-defined]
        for name in ("approved_by", "participants"):
            if name in self.fields:
                where = case.agency if case is not None else agency
                approvers = User.objects.filter(role_assignments__role=Role.APPROVER.value, is_active=True)
                if where is not None:
                    approvers = approvers.filter(agency__in=[where, *where.ancestors()])
                self.fields[name].queryset = approvers.distinct()  # type: ignore[attr-defined]

    def _prefill(self, case: Case | None, actor: User | None) -> None:
        """A new form starts with the case team ticked (or, opening a case, the user himself), and within one
        visit with the officers and files of the user's previous record today (visit_carry_over)."""
        officers: list[int] = []
        files = EvidenceFiles()
        if case is not None:
            officers = list(case.assignments.active().values_list("officer_id", flat=True))
            if actor is not None:
                carried, files = visit_carry_over(actor, case, timezone.localdate())
                officers = carried or officers
        elif actor is not None:
            officers = list(Officer.objects.filter(user=actor).values_list("pk", flat=True))
        if "officers" in self.fields and officers:
            choosable = set(
                self.fields["officers"].queryset.filter(pk__in=officers).values_list("pk", flat=True)  # type: ignore[attr-defined]
            )
            self.initial.setdefault("officers", [pk for pk in officers if pk in choosable])
        if "evidence" in self.fields and files:
            self.initial.setdefault("evidence", files)


def _text(label: Any, *, required: bool = True, rows: int = 3, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _money(label: Any, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=12, decimal_places=2)


def _officers() -> forms.ModelMultipleChoiceField[Officer]:
    return forms.ModelMultipleChoiceField(
        label=_("在场执法人员"),
        queryset=Officer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("至少两名持有效执法证件的执法人员；执法辅助人员不计入"),
    )


class LeadForm(ActionForm):
    domain = forms.ChoiceField(label=_("执法领域"), choices=Domain.choices)
    source = forms.ChoiceField(label=_("案源"), choices=LeadSource.choices)
    title = forms.CharField(label=_("案由"), max_length=SHORT_TEXT)
    summary = _text(_("案源情况"), rows=4)
    received_on = BoundedDateField(label=_("发现或受理日期"), widget=DateInput, initial=timezone.localdate)
    act_ended_on = BoundedDateField(
        label=_("违法行为终了日期"), widget=DateInput, required=False, help_text=_("不清楚的留空")
    )
    party_kind = forms.ChoiceField(label=_("当事人类型"), choices=PartyKind.choices, required=False)
    party_name = forms.CharField(label=_("当事人姓名或名称"), max_length=SHORT_TEXT, required=False)
    party_id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    party_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    party_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    party_address = forms.CharField(label=_("住所或地址"), max_length=SHORT_TEXT, required=False)
    evidence = EvidenceField()


class FileForm(ActionForm):
    violation = forms.ModelChoiceField(
        label=_("涉嫌的违法行为"),
        queryset=Violation.objects.none(),
        required=False,
        help_text=_("立案审批表所载的违法行为；调查终结时可更正"),
    )
    act_ended_on = BoundedDateField(
        label=_("违法行为终了日期"),
        widget=DateInput,
        required=False,
        help_text=_("登记案源时未填写的，立案时必须填写：据此核查是否超过追责时效"),
    )
    grave_harm = forms.BooleanField(
        label=_("涉及公民生命健康安全、金融安全且有危害后果"),
        required=False,
        help_text=_("追责时效为五年（行政处罚法 第三十六条）"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.case is None:
            return
        self.fields["violation"].queryset = discretion.violations_for(self.case.domain)  # type: ignore[attr-defined]
        # The consequence that lengthens the period is the one of the rule for the act's date: an ecology act that
        # ended from 2026-08-15 is asked about pollution and ecological damage (生态环境法典 第一千零五十四条).
        later = [rule for rule in rules.PRESCRIPTIONS if rule.domains and self.case.domain in rule.domains]
        if later:
            field = self.fields["grave_harm"]
            first = rules.PRESCRIPTIONS[0]
            field.label = _("有危害后果，追责时效为五年")
            field.help_text = "；".join(
                [
                    f"违法行为终了于{rule.applies_from.year}年{rule.applies_from.month}月{rule.applies_from.day}日以后的：{rule.harm}（{rule.source}）"
                    for rule in later
                ]
                + [f"此前的：{first.harm}（{first.source}）"]
            )


class ReasonForm(ActionForm):
    reason = _text(_("理由"))


class AssignForm(ActionForm):
    lead = forms.ModelChoiceField(label=_("主办人"), queryset=Officer.objects.none())
    others = forms.ModelMultipleChoiceField(
        label=_("协办人员"), queryset=Officer.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    declared = forms.ModelMultipleChoiceField(
        label=_("已签署回避声明"),
        queryset=Officer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("每名承办人员声明与本案没有直接利害关系（行政处罚法 第四十三条）"),
    )


class RecusalRequestForm(ActionForm):
    applicant = forms.ChoiceField(label=_("申请人"), choices=RecusalApplicant.choices)
    named = forms.ModelMultipleChoiceField(
        label=_("申请回避的执法人员"),
        queryset=Officer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选人员不是本案现有的承办人员")},
    )
    reason = _text(_("申请理由"), help_text=_("与本案有直接利害关系或者有其他关系可能影响公正执法的情形"))
    evidence = EvidenceField(required=False, help_text=_("书面申请或口头申请的笔录"))


class RecusalDecisionForm(ActionForm):
    granted = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("yes", _("同意回避")), ("no", _("不予回避"))],
        coerce=lambda value: value == "yes",  # only "yes" or "no" get past the choices
    )
    lead = forms.ModelChoiceField(
        label=_("新的主办人"), queryset=Officer.objects.none(), required=False, help_text=_("主办人回避时指定")
    )
    others = forms.ModelMultipleChoiceField(
        label=_("增派的承办人员"),
        queryset=Officer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("回避后承办人员不足两名的，须增派"),
    )
    declared = forms.ModelMultipleChoiceField(
        label=_("已签署回避声明"),
        queryset=Officer.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("新承办人员声明与本案没有直接利害关系"),
    )
    reason = _text(_("理由"))


class EvidenceForm(ActionForm):
    officers = _officers()
    kind = forms.ChoiceField(label=_("证据种类"), choices=EvidenceKind.choices)
    summary = _text(_("证据名称及证明事项"))
    evidence = EvidenceField(required=False)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def _time(label: Any, *, required: bool = False) -> forms.TimeField:
    return forms.TimeField(label=label, required=required, widget=TimeInput)


SPEAKER = re.compile(r"^\s*([^：:\s][^：:]{0,19})[：:]\s*(.*)$")


def parse_statements(text: str) -> list[list[str]]:
    """Turn typed turns ("问：…", "答：…", or "主持人：…") into [speaker, text] pairs.

    A line that starts with a speaker and a colon opens a turn; other lines continue the turn before.
    """
    turns: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = SPEAKER.match(line)
        if match:
            turns.append([match.group(1).strip(), match.group(2).strip()])
        elif turns:
            turns[-1][1] = f"{turns[-1][1]}\n{line.strip()}".strip()
        else:
            raise forms.ValidationError(_("每段应以说话人和冒号开头，如“问：”“答：”“主持人：”"))
    return turns


class StatementsField(forms.CharField):
    """Questions and answers, or a hearing's turns, typed one turn a paragraph; cleaned to [speaker, text]."""

    def __init__(self, label: Any, *, help_text: Any) -> None:
        super().__init__(
            label=label,
            required=False,
            max_length=TRANSCRIPT_TEXT,
            widget=forms.Textarea(attrs={"rows": 10}),
            help_text=help_text,
        )

    def clean(self, value: Any) -> list[list[str]]:
        if value is not None and not isinstance(value, str):
            raise forms.ValidationError(_("应为文字，每段一行"))
        text = super().clean(value)
        return parse_statements(text) if text else []


class TimedForm(ActionForm):
    """An act done over a span of time on the spot, whose record the system can print for signature."""

    started_at = _time(_("开始时间"))
    ended_at = _time(_("结束时间"))
    # The fields that, when given, let the system print the record; times are needed then.
    record_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        started, ended = data.get("started_at"), data.get("ended_at")
        wants_record = any(data.get(name) for name in self.record_fields)
        if wants_record or started or ended:
            for name, value in (("started_at", started), ("ended_at", ended)):
                if value is None and name not in self.errors:
                    self.add_error(name, _("制作笔录须填写起止时间"))
        if started and ended and ended <= started:
            self.add_error("ended_at", _("结束时间应晚于开始时间"))
        return data


class InterviewForm(TimedForm):
    officers = _officers()
    interviewee = forms.CharField(label=_("被询问人"), max_length=100)
    interviewee_role = forms.ChoiceField(
        label=_("被询问人身份"),
        choices=[(v, v) for v in ("当事人", "证人", "委托代理人", "法定代表人", "其他")],
        initial="当事人",
        required=False,
    )
    interviewee_id = forms.CharField(label=_("被询问人身份证号"), max_length=18, required=False)
    interviewee_address = forms.CharField(label=_("被询问人住址"), max_length=SHORT_TEXT, required=False)
    interviewee_phone = forms.CharField(label=_("被询问人电话"), max_length=20, required=False)
    place = forms.CharField(label=_("询问地点"), max_length=SHORT_TEXT, required=False)
    summary = _text(_("询问要点"), rows=3)
    transcript = StatementsField(
        _("问答内容"),
        help_text=_("每段以“问：”或“答：”开头。填写后可由系统制作询问笔录，打印后由被询问人核对签名"),
    )
    evidence = EvidenceField(help_text=_("询问的录音录像；已有纸质笔录的，上传经被询问人核对签名的扫描件"))
    record_fields = ("transcript",)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("transcript") and not str(data.get("place") or "").strip():
            self.add_error("place", _("制作询问笔录须填写询问地点"))
        return data


class InspectionForm(TimedForm):
    officers = _officers()
    place = forms.CharField(label=_("检查（勘验）地点"), max_length=SHORT_TEXT)
    present_person = forms.CharField(
        label=_("现场负责人或见证人"),
        max_length=100,
        required=False,
        help_text=_("姓名及身份。填写起止时间和在场人，即可由系统制作现场检查（勘验）笔录"),
    )
    summary = _text(_("检查情况"), rows=5)
    extracted = _text(_("现场提取的证据"), required=False, rows=2, help_text=_("照片、样品、测量数据等，每行一项"))
    evidence = EvidenceField(help_text=_("照片、录音录像；已有纸质笔录的，上传签名的扫描件"))
    record_fields = ("present_person",)


class PreserveForm(ActionForm):
    officers = _officers()
    items = _text(_("先行登记保存的物品清单"))
    approved_by = forms.ModelChoiceField(label=_("批准的负责人"), queryset=User.objects.none())
    evidence = EvidenceField()


INVENTORY_SEPARATOR = re.compile(r"\s*[，,]\s*")


def parse_inventory(text: str) -> list[list[str]] | None:
    """Lines "名称，数量[，规格或存放地点]" as [name, quantity, note]; None when a line names no quantity.

    The seizure decision and the inventory list each thing by name and quantity (行政强制法 第二十四条).
    """
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = INVENTORY_SEPARATOR.split(line.strip(), maxsplit=2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            return None
        rows.append([parts[0], parts[1], parts[2] if len(parts) > 2 else ""])
    return rows or None


class SeizeForm(ActionForm):
    officers = _officers()
    items = _text(
        _("查封、扣押的场所、设施或者财物清单"),
        help_text=_(
            "每行一项：名称，数量，规格或存放地点（如“油锯，1台，斯蒂尔MS180”）。写明数量即可由系统制作决定书和清单"
        ),
    )
    # What the decision states besides the items (行政强制法 第二十四条): optional here, needed to print it.
    measure = forms.ChoiceField(label=_("措施"), choices=[("", "—"), *SeizureMeasure.choices], required=False)
    reason = _text(_("查封、扣押的理由"), required=False, rows=2, help_text=_("涉嫌违法的事实"))
    basis = _text(_("查封、扣押的依据"), required=False, rows=2, help_text=_("据以查封、扣押的法律、法规条款"))
    place = forms.CharField(label=_("实施地点"), max_length=SHORT_TEXT, required=False)
    approved_by = forms.ModelChoiceField(
        label=_("批准的负责人"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("情况紧急、当场实施的，留空，并于二十四小时内报告负责人补办批准"),
    )
    emergency = forms.BooleanField(label=_("情况紧急，需要当场实施（行政强制法 第十九条）"), required=False)
    evidence = EvidenceField(help_text=_("须包含执法记录仪全程录像（行政强制法 第十八条；全过程记录）"))


class AppraisalStartForm(ActionForm):
    kind = forms.ChoiceField(label=_("送检事项"), choices=AppraisalKind.choices)
    items = _text(_("送检的物品"), rows=2)
    institution = forms.CharField(label=_("检测、检验、检疫或者鉴定机构"), max_length=SHORT_TEXT)
    ends_on = BoundedDateField(
        label=_("期间届满日"),
        widget=DateInput,
        planned=True,
        help_text=_("书面告知当事人的期间的最后一日；此期间不计入查封、扣押期间（行政强制法 第二十五条第三款）"),
    )
    evidence = EvidenceField(required=False, help_text=_("送检凭证、委托书"))


class AppraisalEndForm(ActionForm):
    result = _text(_("检测、检验、检疫或者鉴定结论"), rows=3)
    evidence = EvidenceField(required=True, label=_("检测、检验、检疫或者鉴定报告"))


class PreservedDecisionForm(ActionForm):
    measure = forms.ChoiceField(label=_("处理决定"), choices=PreservationMeasure.choices)
    items = _text(
        _("涉及的物品"),
        required=False,
        rows=2,
        help_text=_("本决定处理尚未处理的全部先行登记保存物品；留空即照登记的清单，可分别写明各物品的处理方式"),
    )
    reason = _text(_("理由"))
    # Checked by the guard head_approved, whose refusal names the rule (行政处罚法 第五十六条).
    approved_by = forms.ModelChoiceField(label=_("批准的负责人"), queryset=User.objects.none(), required=False)
    evidence = EvidenceField(required=False, help_text=_("记录、复制、拍照、录像的材料，退还物品的签收单"))


class SeizureApprovalForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("负责人意见"),
        choices=[
            ("approve", _("同意，补办批准")),
            ("release", _("不应当采取，立即解除（行政强制法 第十九条）")),
        ],
    )
    opinion = _text(_("意见"), required=False)


class ReportForm(ActionForm):
    violation = forms.ModelChoiceField(
        label=_("违法行为"),
        queryset=Violation.objects.none(),
        required=False,
        help_text=_("据此按行为时的规定（从旧兼从轻）确定依据和裁量基准；选择后点“裁量试算”列出裁量情节"),
    )
    circumstances = forms.MultipleChoiceField(
        label=_("裁量情节"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("裁量基准各档的适用情形和法定从轻、减轻、从重、不予处罚情节（行政处罚法 第三十条至第三十三条）"),
    )
    base = forms.DecimalField(
        label=_("倍数罚的基数（元）"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("罚款为某一数额的倍数的（如滥伐林木价值的三至五倍），填写该数额"),
    )
    facts_found = _text(_("违法事实"), rows=5)
    legal_basis = _text(
        _("违反的法律规定"),
        required=False,
        rows=2,
        help_text=_("当事人违反的法律、法规、规章条款；选择违法行为的可留空，按行为时的规定填写"),
    )
    penalty_basis = _text(
        _("处罚依据"), required=False, rows=2, help_text=_("据以给予处罚的法律、法规、规章条款；选择违法行为的可留空")
    )
    penalty_kinds = forms.MultipleChoiceField(
        label=_("处罚种类"),
        choices=PenaltyKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("裁量建议为不予处罚的可不选，由负责人决定不予处罚"),
    )
    fine = _money(_("罚款金额（元）"))
    confiscated = _money(_("没收违法所得和非法财物的价值（元）"))
    penalty_text = _text(_("拟处罚内容"), rows=2)
    discretion_reasons = _text(
        _("裁量说理"),
        required=False,
        rows=4,
        help_text=_("适用的裁量基准及从轻、减轻、从重的情节；选择违法行为的可留空，由系统按裁量基准起草"),
    )
    departure_reason = _text(
        _("偏离裁量建议的理由"),
        required=False,
        rows=2,
        help_text=_("拟处罚的种类或数额不在裁量建议档次内的，写明理由；法制审核可见（国办发〔2022〕27号）"),
    )
    major = forms.BooleanField(
        label=_("认定为重大执法决定（须法制审核）"),
        required=False,
        help_text=_(
            "涉及重大公共利益，或者案情疑难复杂、涉及多个法律关系等目录所列、须由承办人员认定的情形"
            "（行政处罚法 第五十八条）。目录按罚没数额、处罚种类和听证认定的，系统自动认定，不勾选也须法制审核"
        ),
    )
    collective = forms.BooleanField(label=_("情节复杂或重大违法行为（须负责人集体讨论）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A case reported again (after a return, or a revised proposal) comes with the proposal it had.
        if self.case is not None and not self.is_bound and self.case.facts_found:
            for name in ("facts_found", "legal_basis", "penalty_basis", "penalty_kinds", "fine", "confiscated"):
                self.initial.setdefault(name, getattr(self.case, name))
            for name in ("penalty_text", "discretion_reasons", "major", "collective", "departure_reason"):
                self.initial.setdefault(name, getattr(self.case, name))
            self.initial.setdefault("circumstances", self.case.circumstances)
        if self.case is not None:
            self.initial.setdefault("violation", self.case.violation_id)
            violations = discretion.violations_for(self.case.domain)
            self.fields["violation"].queryset = violations  # type: ignore[attr-defined]
            # The circumstances of the violation chosen (on this submission, else the case's) and the day asked.
            chosen = self.data.get(self.add_prefix("violation")) if self.is_bound else self.initial.get("violation")
            violation = violations.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
            self.fields["circumstances"].choices = discretion.choices_for(  # type: ignore[attr-defined]
                self.case, violation, self._day_asked()
            )

    def _day_asked(self) -> date:
        """The report's day as submitted (the proposal is for that day), else today."""
        given = self.data.get(self.add_prefix("on_date")) if self.is_bound else None
        if isinstance(given, date):
            return given
        try:
            return date.fromisoformat(str(given))
        except ValueError:
            return timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("violation") is None:
            # Without a violation from the list, the officer writes the basis himself (第五十九条).
            for name in ("legal_basis", "penalty_basis"):
                if not str(data.get(name) or "").strip():
                    self.add_error(name, _("未选择违法行为的，请填写此项"))
        return data


class FurtherExtensionForm(ActionForm):
    days = forms.IntegerField(label=_("继续延长的天数"), min_value=1, max_value=365)
    reason = _text(_("理由"), help_text=_("案情特别复杂或者有其他特殊情况，经延期仍不能作出决定的情形"))
    evidence = EvidenceField(help_text=_("负责人集体讨论的记录"))


class RevisionForm(ReportForm):
    reason = _text(_("变更的理由"), help_text=_("如：补充调查认定了新的违法事实，拟加重处罚，须重新告知"))


class CollectiveForm(ActionForm):
    """The heads' collective discussion (行政处罚法 第五十七条第二款): who sat, what they concluded, the minutes."""

    participants = forms.ModelMultipleChoiceField(
        label=_("参加讨论的负责人"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本机关负责人，至少二人"),
    )
    conclusion = forms.ChoiceField(
        label=_("讨论结论"),
        choices=[
            ("agree", _("同意拟处罚意见")),
            ("amend", _("修改拟处罚意见后作出决定")),
            ("no_penalty", _("不予行政处罚")),
        ],
    )
    minutes = _text(_("讨论意见"), rows=4, help_text=_("各负责人的意见及结论"))
    # What the heads decided to impose, when they changed the proposal (修改): the decision must be this one.
    penalty_kinds = forms.MultipleChoiceField(
        label=_("修改后的处罚种类"), choices=PenaltyKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    fine = _money(_("修改后的罚款金额（元）"))
    confiscated = _money(_("修改后的没收价值（元）"))
    penalty_text = _text(_("修改后的处罚内容"), required=False, rows=2)
    departure_reason = _text(
        _("偏离裁量建议的理由"),
        required=False,
        rows=2,
        help_text=_("修改后的处罚不在裁量建议档次内的，写明理由（国办发〔2022〕27号）"),
    )
    evidence = EvidenceField(help_text=_("集体讨论记录（经参加人签名）"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("conclusion") == "amend" and not data.get("penalty_kinds"):
            self.add_error("penalty_kinds", _("修改拟处罚意见的，请填写修改后的处罚"))
        if data.get("conclusion") == "amend" and not str(data.get("penalty_text") or "").strip():
            self.add_error("penalty_text", _("修改拟处罚意见的，请写明修改后的处罚内容"))
        return data


class MajorFilingForm(ActionForm):
    filed_with = forms.CharField(
        label=_("备案机关"), max_length=SHORT_TEXT, help_text=_("如：本级人民政府司法行政部门、上级主管部门")
    )
    evidence = EvidenceField(help_text=_("备案报告、处罚决定书及回执"))


class ReviewForm(ActionForm):
    """The legal review's written opinion: the checklist, a conclusion and the reasons (行政处罚法 第五十八条)."""

    conclusions: tuple[str, ...] = ()
    conclusion = forms.ChoiceField(label=_("审核结论"), choices=ReviewConclusion.choices)
    checked = forms.MultipleChoiceField(
        label=_("审核事项（符合的勾选）"),
        choices=[(key, label) for key, label in CHECKLIST],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    problems = _text(_("存在的问题"), required=False, rows=3, help_text=_("未勾选的事项逐项写明问题"))
    amendments = _text(_("修改意见"), required=False, rows=2, help_text=_("修改后同意的，写明须修改的内容"))
    opinion = _text(_("审核意见"), rows=4, help_text=_("书面写明审核意见及理由"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["conclusion"]
        field.choices = [(v, label) for v, label in ReviewConclusion.choices if v in self.conclusions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        conclusion = data.get("conclusion")
        checked = set(data.get("checked") or [])
        missing = [key for key, _label in CHECKLIST if key not in checked]
        problems = str(data.get("problems") or "").strip()
        if conclusion == ReviewConclusion.APPROVE and missing:
            self.add_error("checked", _("同意的，各审核事项均应符合；有问题的请选择修改后同意或者退回"))
        if conclusion == ReviewConclusion.AMEND and not str(data.get("amendments") or "").strip():
            self.add_error("amendments", _("修改后同意的，请写明修改意见"))
        if missing and not problems:
            self.add_error("problems", _("请写明未勾选事项存在的问题"))
        if conclusion in (ReviewConclusion.RETURN, ReviewConclusion.DISAPPROVE) and not missing:
            self.add_error("checked", _("退回或者不同意的，请指明不符合的审核事项"))
        return data


class PassReviewForm(ReviewForm):
    conclusions = (ReviewConclusion.APPROVE, ReviewConclusion.AMEND)


class ReturnReviewForm(ReviewForm):
    conclusions = (ReviewConclusion.RETURN, ReviewConclusion.DISAPPROVE)


class OpinionForm(ActionForm):
    opinion = _text(_("意见"), required=False)


class NoPenaltyForm(ActionForm):
    ground = forms.ChoiceField(label=_("不予处罚的情形"), choices=NoPenaltyGround.choices)
    list_item = forms.ModelChoiceField(
        label=_("适用的不予处罚清单事项"),
        queryset=NoPenaltyItem.objects.none(),
        required=False,
        help_text=_("首违不罚、轻微违法不罚清单中涵盖本案违法行为的事项"),
    )
    reason = _text(_("理由"))
    education = _text(
        _("对当事人的教育"), required=False, help_text=_("教育的方式和内容；不满十四周岁的，写明责令监护人加以管教")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.case is not None:
            items = [item.pk for item in discretion.no_penalty_items(self.case)]
            self.fields["list_item"].queryset = NoPenaltyItem.objects.filter(pk__in=items)  # type: ignore[attr-defined]


def _announcement_reason() -> forms.CharField:
    return _text(
        _("公告送达的理由"),
        required=False,
        rows=2,
        help_text=_("当事人下落不明，或者用其他方式无法送达的情形；自公告之日起经过三十日视为送达"),
    )


class NotifyForm(ActionForm):
    rights_stated = forms.BooleanField(
        label=_("告知书已载明拟处罚内容及事实、理由、依据，并告知陈述、申辩和要求听证的权利"), required=False
    )
    method = forms.ChoiceField(
        label=_("送达方式"), choices=ServiceMethod.choices, initial=ServiceMethod.DIRECT, required=False
    )
    consent = forms.BooleanField(label=_("当事人已书面同意电子送达"), required=False)
    announcement_reason = _announcement_reason()
    evidence = EvidenceField(required=False, help_text=_("已送达的告知书及回证"))


class StatementForm(ActionForm):
    content = _text(_("陈述、申辩内容"), required=False, rows=4)
    # Each right is waived on its own, and only by the party's signed written statement (uploaded below).
    waived_statement = forms.BooleanField(label=_("当事人书面明确放弃陈述、申辩"), required=False)
    waived_hearing = forms.BooleanField(label=_("当事人书面明确放弃要求听证"), required=False)
    adopted = forms.BooleanField(label=_("陈述、申辩的事实、理由成立，予以采纳"), required=False)
    evidence = EvidenceField(required=False, help_text=_("书面陈述、申辩，或当事人签名的放弃声明"))


class HearingNoticeForm(ActionForm):
    hearing_on = BoundedDateField(label=_("听证日期"), widget=DateInput, planned=True)
    hearing_time = _time(_("听证时间"), required=True)
    place = forms.CharField(label=_("听证地点"), max_length=SHORT_TEXT)
    chair = forms.ModelChoiceField(label=_("听证主持人"), queryset=Officer.objects.none())
    hearing_officers = forms.CharField(label=_("听证员"), max_length=100, required=False, help_text=_("多人用顿号分隔"))
    clerk = forms.CharField(label=_("书记员"), max_length=50, required=False)
    closed_reason = forms.ChoiceField(
        label=_("是否公开"),
        choices=[
            ("", _("公开举行")),
            ("state_secret", _("涉及国家秘密，不公开")),
            ("trade_secret", _("涉及商业秘密，不公开")),
            ("privacy", _("涉及个人隐私，不公开")),
        ],
        required=False,
        help_text=_("除涉及国家秘密、商业秘密或者个人隐私依法予以保密外，听证公开举行（第六十四条第三项）"),
    )


class ChairChallengeForm(ActionForm):
    reason = _text(_("当事人申请回避的理由"), help_text=_("主持人与本案有直接利害关系或者有其他关系可能影响公正的情形"))
    evidence = EvidenceField(required=False, help_text=_("当事人的书面申请，或口头申请的记录"))


class ChairChallengeDecisionForm(ActionForm):
    granted = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("yes", _("同意回避，另行指定主持人")), ("no", _("申请理由不成立，不予回避"))],
        coerce=lambda value: value == "yes",
    )
    chair = forms.ModelChoiceField(
        label=_("新的听证主持人"), queryset=Officer.objects.none(), required=False, help_text=_("同意回避时指定")
    )
    reason = _text(_("理由"))


class HearingReportForm(ActionForm):
    findings = _text(
        _("听证认定的事实和证据"), rows=4, help_text=_("调查人员和当事人对事实、证据、依据的意见及质证情况")
    )
    opinion = _text(_("主持人的处理意见及理由"), rows=3)
    evidence = EvidenceField(help_text=_("听证主持人签名的听证报告扫描件"))


class HearingForm(TimedForm):
    outcome = forms.ChoiceField(
        label=_("听证情况"),
        choices=[
            ("held", _("已举行听证")),
            ("absent", _("当事人无正当理由拒不出席或中途退出，视为放弃听证（第六十四条第六项）")),
        ],
    )
    summary = _text(_("听证要点"), required=False)
    attendees = forms.CharField(
        label=_("出席的当事人及委托代理人"), max_length=SHORT_TEXT, required=False, help_text=_("多人用顿号分隔")
    )
    statements = StatementsField(
        _("听证笔录内容"),
        help_text=_("每段以说话人和冒号开头，如“主持人：”“调查人员：”“当事人：”。填写后可由系统制作听证笔录"),
    )
    evidence = EvidenceField(required=False, help_text=_("听证的录音录像，或经当事人核对签字的听证笔录扫描件"))
    record_fields = ("statements",)


class DecideForm(ActionForm):
    penalty_kinds = forms.MultipleChoiceField(
        label=_("处罚种类"), choices=PenaltyKind.choices, widget=forms.CheckboxSelectMultiple
    )
    fine = _money(_("罚款金额（元）"))
    confiscated = _money(_("没收违法所得和非法财物的价值（元）"))
    penalty_text = _text(_("处罚内容"), rows=2)
    discretion_reasons = _text(_("裁量说理"), rows=4)
    departure_reason = _text(
        _("偏离裁量建议的理由"),
        required=False,
        rows=2,
        help_text=_("决定的处罚不在裁量建议档次内的，写明理由；调查终结报告已写明的可留空（国办发〔2022〕27号）"),
    )
    # 复核: the party's statement and defence are answered in writing before the decision (第四十五条第一款).
    defence_answer = forms.ChoiceField(
        label=_("对陈述、申辩的复核意见"), choices=[("", "—"), *DefenceAnswer.choices], required=False
    )
    defence_reasons = _text(_("复核理由"), required=False, rows=3, help_text=_("当事人提出陈述、申辩的，须写明"))
    hearing_report_read = forms.BooleanField(
        label=_("已阅听证报告"),
        required=False,
        help_text=_("举行听证的案件，根据听证笔录和听证报告作出决定（第六十五条）"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.case is not None and not self.is_bound:
            for name in ("penalty_kinds", "fine", "confiscated", "penalty_text", "discretion_reasons"):
                self.initial.setdefault(name, getattr(self.case, name))
            self.initial.setdefault("departure_reason", self.case.departure_reason)


class ServeForm(ActionForm):
    method = forms.ChoiceField(label=_("送达方式"), choices=ServiceMethod.choices)
    consent = forms.BooleanField(label=_("当事人已书面同意电子送达"), required=False)
    announcement_reason = _announcement_reason()
    evidence = EvidenceField(help_text=_("送达回证、邮寄回执、电子送达记录或公告"))


class DeferForm(ActionForm):
    applied = forms.BooleanField(label=_("当事人已提出书面申请"), required=False)
    new_due = BoundedDateField(label=_("缴纳期限延至"), widget=DateInput, planned=True)
    reason = _text(_("理由"))


class PaymentForm(ActionForm):
    amount = _money(_("缴纳罚款金额（元）"), required=True)
    late_fee = _money(_("缴纳加处罚款金额（元）"), required=False)
    receipt = forms.CharField(label=_("缴款凭证号"), max_length=60)
    evidence = EvidenceField(required=False)


class CourtForm(ActionForm):
    demand_served_on = BoundedDateField(label=_("催告书送达日期"), widget=DateInput, required=False)
    court = forms.CharField(label=_("申请执行的人民法院"), max_length=100)


class OnTheSpotForm(ActionForm):
    """当场处罚 (简易程序): what the officers found, told the party and heard, and the penalty; the act itself makes
    the numbered decision to print and hand over (行政处罚法 第五十一条、第五十二条)."""

    officers = _officers()
    decided_at = _time(_("时间"), required=True)
    place = forms.CharField(label=_("地点"), max_length=SHORT_TEXT, help_text=_("违法行为发生和当场处罚的地点"))
    area = forms.CharField(
        label=_("所属管辖区域"),
        max_length=SHORT_TEXT,
        required=False,
        widget=forms.Select,
        help_text=_("违法行为发生地在本机关的哪个管辖区域（行政处罚法 第二十二条）"),
    )
    domain = forms.ChoiceField(label=_("执法领域"), choices=Domain.choices)
    title = forms.CharField(label=_("案由"), max_length=SHORT_TEXT)
    act_ended_on = BoundedDateField(
        label=_("违法行为发生（终了）日期"),
        widget=DateInput,
        required=False,
        help_text=_("据此核查是否超过追责时效（行政处罚法 第三十六条）"),
    )
    party_kind = forms.ChoiceField(label=_("当事人类型"), choices=PartyKind.choices)
    party_name = forms.CharField(label=_("当事人姓名或名称"), max_length=SHORT_TEXT)
    party_id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    party_credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    party_address = forms.CharField(label=_("住所或地址"), max_length=SHORT_TEXT, required=False)
    party_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    facts_found = _text(_("违法事实"))
    violation = forms.ModelChoiceField(
        label=_("违法行为"),
        queryset=Violation.objects.order_by("domain", "name"),
        required=False,
        help_text=_("选择的，依据按行为时的规定（从旧兼从轻）填写，并核对处罚种类和法定幅度"),
    )
    legal_basis = _text(_("违反的法律规定"), required=False, rows=2, help_text=_("未选择违法行为的须填写"))
    penalty_basis = _text(_("处罚依据"), required=False, rows=2, help_text=_("留空的，与违反的法律规定相同"))
    penalty_kinds = forms.MultipleChoiceField(
        label=_("处罚种类"),
        choices=[(PenaltyKind.WARNING, PenaltyKind.WARNING.label), (PenaltyKind.FINE, PenaltyKind.FINE.label)],
        widget=forms.CheckboxSelectMultiple,
    )
    fine = _money(_("罚款金额（元）"))
    certificates_shown = forms.BooleanField(label=_("已向当事人出示执法证件"), required=False)
    # 陈述、申辩 (行政处罚法 第四十四条、第四十五条、第六十二条)
    told = forms.BooleanField(
        label=_("已告知当事人拟作出的处罚内容及事实、理由、依据，并告知其陈述、申辩的权利"), required=False
    )
    statement = _text(_("当事人的陈述、申辩"), required=False, rows=3)
    no_statement = forms.BooleanField(label=_("当事人未提出陈述、申辩"), required=False)
    defence_answer = forms.ChoiceField(
        label=_("对陈述、申辩的复核意见"), choices=[("", "—"), *DefenceAnswer.choices], required=False
    )
    defence_reasons = _text(_("复核理由"), required=False, rows=2, help_text=_("当事人提出陈述、申辩的，须写明"))
    party_receipt = forms.ChoiceField(
        label=_("当事人签收"),
        choices=[("", "—"), ("signed", _("当事人签收")), ("refused", _("当事人拒绝签收（在决定书上注明）"))],
        required=False,
        help_text=_("签名后的决定书可在案件页上传签字件"),
    )
    collected = forms.BooleanField(label=_("当场收缴罚款"), required=False)
    hard_to_collect = forms.BooleanField(label=_("不当场收缴事后难以执行"), required=False)
    evidence = EvidenceField(required=False, help_text=_("现场照片或执法记录仪录像"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = kwargs.get("agency")
        areas = territory(agency) if agency is not None else []
        area = self.fields["area"]
        if areas:
            area.widget.choices = [("", "—"), *((name, name) for name in areas)]
        else:  # an agency that lists no areas is not limited by them (guards.jurisdiction)
            area.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("violation") is None and not str(data.get("legal_basis") or "").strip():
            self.add_error("legal_basis", _("未选择违法行为的，请填写此项"))
        return data


class HandoverForm(ActionForm):
    receipt = forms.CharField(label=_("交款凭证号"), max_length=60)


class CloseForm(ActionForm):
    summary = _text(_("结案报告"), required=False)


# 移送 (行政处罚法 第二十七条、第五十七条第一款第四项). Names and lists are optional here: the guards say which
# is missing and under which rule.


def _line(label: Any, *, help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=SHORT_TEXT, required=False, help_text=help_text)


class JurisdictionTransferForm(ActionForm):
    receiver = _line(_("接收移送的机关"), help_text=_("有管辖权的行政机关全称"))
    reason = _text(_("移送理由"), help_text=_("本机关无管辖权的事实和依据"))


class TransferReportForm(ActionForm):
    suspected_crime = _line(_("涉嫌罪名"), help_text=_("如：滥伐林木罪"))
    report = _text(
        _("涉嫌犯罪案件情况的调查报告"),
        required=False,
        rows=5,
        help_text=_("违法事实涉及的金额、情节、后果，及其达到的刑事追诉标准"),
    )
    items = _text(_("涉案物品清单"), required=False, help_text=_("每行一项；没有涉案物品的，填写“无”"))
    tested = forms.BooleanField(label=_("涉案物品经过检验、鉴定"), required=False)
    evidence = EvidenceField(required=False, help_text=_("检验报告或者鉴定结论，及其他有关涉嫌犯罪的材料"))


class JudiciaryTransferForm(ActionForm):
    receiver = _line(_("接收移送的公安机关"), help_text=_("同级公安机关全称"))
    procuratorate = _line(_("抄送的人民检察院"))
    hand_over_seized = forms.BooleanField(label=_("查封、扣押的财物一并移送（行政强制法 第二十一条）"), required=False)
    party_told = forms.BooleanField(label=_("已书面告知当事人财物一并移送"), required=False)
    opinion = _text(_("负责人意见"), required=False)


class JudiciaryRefusalForm(ActionForm):
    notice_number = _line(_("不予立案通知书文号"))
    reason = _text(_("不予立案的理由"))
    evidence = EvidenceField(required=False, help_text=_("不予立案通知书"))


class ContestForm(ActionForm):
    channel = forms.ChoiceField(label=_("提请方式"), choices=ContestChannel.choices)
    reason = _text(_("理由"), help_text=_("认为依法应当由公安机关立案的理由"))
    evidence = EvidenceField(required=False)


class JudiciaryAcceptForm(ActionForm):
    notice_number = _line(_("立案通知书文号"))
    evidence = EvidenceField(required=False, help_text=_("立案通知书，及签字的移送书回执"))


class ReturnForm(ActionForm):
    reason = _text(_("移回的理由"), help_text=_("不需要追究刑事责任或者免予刑事处罚，但应当给予行政处罚"))
    evidence = EvidenceField(required=False, help_text=_("司法机关的移送函及其决定"))


class CriminalOutcomeForm(ActionForm):
    outcome = forms.ChoiceField(label=_("刑事处理结果"), choices=CriminalOutcome.choices)
    organ = _line(_("作出处理的司法机关"))
    document_number = _line(_("判决书或者决定书文号"))
    sentence = _line(_("判处的刑罚"), help_text=_("如：有期徒刑一年，缓刑二年，并处罚金"))
    criminal_fine = _money(_("判处的罚金（元）"))
    credited = _money(_("判决折抵的罚款（元）"), required=False)
    evidence = EvidenceField(required=False, help_text=_("判决书、不起诉决定书或者撤销案件决定书"))


def action_form(name: str, *args: Any, case: Case | None = None, agency: Any = None, **kwargs: Any) -> ActionForm:
    """The form of action `name`, with the questions the recording list in force asks of it (recordings/forms.py)."""
    from zhifa.recordings.forms import add_act_fields

    form = ACTION_FORMS[name](*args, case=case, agency=agency, **kwargs)
    add_act_fields(form, name, case.agency if case is not None else agency)
    return form


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "register_lead": LeadForm,
    "file": FileForm,
    "decline": ReasonForm,
    "assign": AssignForm,
    "request_recusal": RecusalRequestForm,
    "decide_recusal": RecusalDecisionForm,
    "add_evidence": EvidenceForm,
    "record_interview": InterviewForm,
    "record_inspection": InspectionForm,
    "preserve_evidence": PreserveForm,
    "decide_preserved": PreservedDecisionForm,
    "seize": SeizeForm,
    "start_appraisal": AppraisalStartForm,
    "end_appraisal": AppraisalEndForm,
    "extend_seizure": ReasonForm,
    "release_seizure": ReasonForm,
    "approve_seizure": SeizureApprovalForm,
    "report": ReportForm,
    "revise_proposal": RevisionForm,
    "terminate": ReasonForm,
    "extend_decision": ReasonForm,
    "extend_review": ReasonForm,
    "extend_decision_further": FurtherExtensionForm,
    "submit_review": OpinionForm,
    "pass_review": PassReviewForm,
    "return_review": ReturnReviewForm,
    "submit_approval": OpinionForm,
    "refer_collective": OpinionForm,
    "record_collective": CollectiveForm,
    "file_major_penalty": MajorFilingForm,
    "approve": OpinionForm,
    "decide_no_penalty": NoPenaltyForm,
    "notify": NotifyForm,
    "record_statement": StatementForm,
    "request_hearing": OpinionForm,
    "notify_hearing": HearingNoticeForm,
    "challenge_chair": ChairChallengeForm,
    "decide_chair_challenge": ChairChallengeDecisionForm,
    "hold_hearing": HearingForm,
    "report_hearing": HearingReportForm,
    "review_after_hearing": OpinionForm,
    "decide": DecideForm,
    "serve": ServeForm,
    "defer_payment": DeferForm,
    "record_payment": PaymentForm,
    "apply_to_court": CourtForm,
    "decide_on_the_spot": OnTheSpotForm,
    "report_summary": OpinionForm,
    "hand_over_cash": HandoverForm,
    "close": CloseForm,
    "archive": OpinionForm,
    "transfer_jurisdiction": JurisdictionTransferForm,
    "propose_transfer": TransferReportForm,
    "decline_transfer": ReasonForm,
    "transfer_to_judiciary": JudiciaryTransferForm,
    "judiciary_refuses": JudiciaryRefusalForm,
    "contest_refusal": ContestForm,
    "judiciary_accepts": JudiciaryAcceptForm,
    "resume_after_refusal": OpinionForm,
    "return_from_judiciary": ReturnForm,
    "resume_execution": ReasonForm,
    "record_criminal_outcome": CriminalOutcomeForm,
}


class MajorCatalogForm(forms.Form):
    """A new version of the catalog of major decisions (cases/major.py)."""

    effective_from = BoundedDateField(label=_("施行日期"), widget=DateInput, planned=True)
    source = forms.CharField(label=_("目录依据"), max_length=200, help_text=_("印发目录的文件名称和文号"))
    fine_citizen = _money(_("罚款数额：公民（元）"))
    fine_organisation = _money(_("罚款数额：法人或者其他组织（元）"))
    confiscation_citizen = _money(_("没收数额：公民（元）"))
    confiscation_organisation = _money(_("没收数额：法人或者其他组织（元）"))
    inclusive = forms.BooleanField(label=_("数额含本数（目录写“以上”）"), required=False, initial=True)
    penalty_kinds = forms.MultipleChoiceField(
        label=_("列入目录的处罚种类"),
        choices=PenaltyKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    after_hearing = forms.BooleanField(
        label=_("经过听证程序的（行政处罚法 第五十八条第一款第二项）"), required=False, initial=True
    )
    outside_benchmark = forms.BooleanField(
        label=_("不按裁量基准处罚或者减轻处罚的（国办发〔2022〕27号）"), required=False, initial=True
    )
    other_clauses = forms.CharField(
        label=_("其他情形"),
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("目录所列须由承办人员认定的其他情形，每行一项"),
    )

    def clean_other_clauses(self) -> list[str]:
        lines = [line.strip() for line in str(self.cleaned_data.get("other_clauses") or "").splitlines()]
        return [line for line in lines if line][:50]
