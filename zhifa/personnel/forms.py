"""Forms of the officer and certificate pages. The rules themselves live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.core.bounds import PLANNED_DATE_SPAN, BoundedDateField
from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.core.passwords import MAX_LENGTH
from zhifa.ledger.forms import EvidenceField
from zhifa.personnel.choices import Gender, OfficerKind, ReviewResult
from zhifa.personnel.selectors import CERTIFICATE_STATES


class DateInput(forms.DateInput):
    """The browser's date picker; its value must be ISO 8601 whatever the language's date format is."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class OfficerSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名、证件号或职务"), required=False)
    agency = forms.ModelChoiceField(label=_("机关"), queryset=Agency.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("人员类别"), choices=[("", _("全部")), *OfficerKind.choices], required=False)
    state = forms.ChoiceField(
        label=_("证件状态"), choices=[("", _("全部")), *CERTIFICATE_STATES.items()], required=False
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class OfficerForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("所属机关"), queryset=Agency.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, min_length=18)
    kind = forms.ChoiceField(label=_("人员类别"), choices=OfficerKind.choices)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=11, required=False)
    legal_qualification = forms.BooleanField(label=_("具有法律职业资格"), required=False)
    qualification_number = forms.CharField(label=_("法律职业资格证书编号"), max_length=40, required=False)
    legal_review_since = BoundedDateField(label=_("法制审核起始日期"), widget=DateInput, required=False)

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class LegalReviewForm(forms.Form):
    """A reviewer's qualification and the day he began legal review (行政处罚法 第五十八条第二款)."""

    legal_qualification = forms.BooleanField(label=_("具有法律职业资格"), required=False)
    qualification_number = forms.CharField(label=_("法律职业资格证书编号"), max_length=40, required=False)
    legal_review_since = BoundedDateField(
        label=_("法制审核起始日期"),
        widget=DateInput,
        required=False,
        help_text=_("2021年7月15日前已从事法制审核、未取得法律职业资格的人员，可继续从事；此后初次从事的须取得资格"),
    )


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("证件编号"), max_length=40)
    issuing_body = forms.CharField(label=_("发证机关"), max_length=100)
    valid_from = BoundedDateField(label=_("有效期起"), widget=DateInput, planned=True)
    # Its own limit is five years after valid_from (the service says so, citing the rule); this only bounds typos.
    valid_until = BoundedDateField(label=_("有效期至"), widget=DateInput, planned=True, span=2 * PLANNED_DATE_SPAN)
    domains = forms.MultipleChoiceField(
        label=_("执法领域"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )


class ReasonForm(forms.Form):
    on_date = BoundedDateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class CertificateActionForm(ReasonForm):
    """Suspend, reinstate or revoke: the reason, and the documents behind it (e.g. the decision to suspend)."""

    evidence = EvidenceField()


class AnnualReviewForm(forms.Form):
    reviewed_on = BoundedDateField(label=_("年审日期"), widget=DateInput, initial=timezone.localdate)
    result = forms.ChoiceField(label=_("年审结论"), choices=ReviewResult.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("意见"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = EvidenceField(label=_("年审材料"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class OfficerLoginForm(forms.Form):
    """A login for an officer: the user name (proposed), and an initial password set here or made by the system."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录时输入；可用字母、数字和 _ . @ + -，已按证件编号或手机号建议"),
    )
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        strip=False,
        max_length=MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("留空则由系统生成，创建后只显示一次；本人首次登录时须修改"),
    )
    password2 = forms.CharField(
        label=_("再次输入初始密码"),
        required=False,
        strip=False,
        max_length=MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("password") or data.get("password2")) and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的初始密码不一致"))
        return data
