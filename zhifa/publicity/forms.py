"""The forms of publication: the redaction to confirm, the reason not to publish, the withdrawal, the credit
repair and its answer, and the public search."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.complaints.forms import HumanCheckFields
from zhifa.core.bounds import EARLIEST_DATE
from zhifa.publicity.choices import CreditClass, RevokedBy, WithdrawalReason, WithholdReason
from zhifa.publicity.drafting import MAX_TERM_LENGTH, MAX_TERMS, Term
from zhifa.publicity.redaction.base import LABELS, Kind
from zhifa.publicity.services import NOTE_LENGTH

DATE = forms.DateInput(attrs={"type": "date"})
MONEY: dict[str, Any] = {"required": False, "min_value": 0, "max_digits": 12, "decimal_places": 2}


class ConfirmForm(forms.Form):
    """The officer's confirmation: which found terms to mask, what else to mask, and the credit class."""

    term = forms.MultipleChoiceField(label=_("自动识别的个人信息"), required=False, widget=forms.CheckboxSelectMultiple)
    extra = forms.CharField(
        label=_("另需遮盖的内容"),
        required=False,
        max_length=MAX_TERMS * (MAX_TERM_LENGTH + 1),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项：个人隐私、商业秘密等不宜公开的文字，公开时以“×”遮盖"),
    )
    credit_class = forms.ChoiceField(
        label=_("失信信息类别"),
        choices=CreditClass.choices,
        help_text=_("决定公示期限和可申请信用修复的时间（信用修复管理办法）"),
    )
    publish_minor = forms.BooleanField(
        label=_("确需公示（轻微失信信息原则上不予公示）"),
        required=False,
    )

    def __init__(self, *args: Any, terms: list[Term], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms = terms
        field = self.fields["term"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(term.text, term.text) for term in terms]
        if not self.is_bound:
            field.initial = [term.text for term in terms if term.suggested or term.required]

    def confirmed(self) -> list[Term]:
        chosen = set(self.cleaned_data.get("term") or [])
        terms = [term for term in self.terms if term.text in chosen or term.required]
        for line in (self.cleaned_data.get("extra") or "").splitlines():
            text = line.strip()
            if text:
                terms.append(Term(text, "marked", LABELS[Kind.MARKED], "执法人员标注", False, True))
        return terms


class WithholdForm(forms.Form):
    reason = forms.ChoiceField(label=_("不予公开的理由"), choices=WithholdReason.choices)
    note = forms.CharField(
        label=_("具体情形"),
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将报送司法行政部门备案"),
    )


class WithdrawForm(forms.Form):
    reason = forms.ChoiceField(label=_("撤回原因"), choices=WithdrawalReason.choices)
    revoked_by = forms.ChoiceField(label=_("作出机关"), choices=RevokedBy.choices)
    revoked_on = forms.DateField(label=_("撤销、变更或确认违法的日期"), widget=DATE, initial=timezone.localdate)
    notice = forms.CharField(
        label=_("撤回说明（向社会公开）"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_revoked_on(self) -> date:
        value: date = self.cleaned_data["revoked_on"]
        if value < EARLIEST_DATE:
            raise forms.ValidationError(_("日期过早"))
        return value


class RepairForm(forms.Form):
    applicant = forms.CharField(label=_("申请人（当事人名称或姓名）"), max_length=200)
    identity = forms.CharField(
        label=_("当事人身份证号码或统一社会信用代码"),
        max_length=30,
        help_text=_("须与处罚决定记载的当事人一致：信用修复只能由当事人申请"),
    )
    contact = forms.CharField(label=_("联系电话"), max_length=20)
    statement = forms.CharField(
        label=_("履行情况和修复理由"),
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请说明罚款是否已缴清、违法行为是否已改正等"),
    )


class PublicRepairForm(HumanCheckFields, RepairForm):
    """The form on the portal: the application, the human check, and a field only robots fill."""

    def application(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("applicant", "identity", "contact", "statement")}


class RepairAnswerForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审核结论"),
        choices=[("yes", _("准予修复，停止公示")), ("no", _("不予修复"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(label=_("答复意见"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class TrackForm(forms.Form):
    number = forms.CharField(label=_("申请编号"), max_length=20)
    code = forms.CharField(label=_("查询码"), max_length=40)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    agency = forms.IntegerField(label=_("执法机关"), required=False, widget=forms.Select)
    violation = forms.CharField(label=_("违法行为"), required=False, max_length=80, widget=forms.Select)
    decided_from = forms.DateField(label=_("决定日期自"), required=False, widget=DATE)
    decided_to = forms.DateField(label=_("至"), required=False, widget=DATE)
    fine_from = forms.DecimalField(
        label=_("罚款金额（元）自"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    fine_to = forms.DecimalField(label=_("至"), required=False, min_value=0, max_digits=12, decimal_places=2)
