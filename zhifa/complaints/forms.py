"""The public complaint form and the staff's action forms. Bounded sizes; Chinese errors naming the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.complaints.choices import ComplaintKind, NotInspectReason
from zhifa.complaints.rules import FACTS_MAX, SUBJECT_MAX
from zhifa.core.bounds import LONG_TEXT, SHORT_TEXT
from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.core.validators import validate_mobile, validate_resident_id


class AgencyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class FilingForm(forms.Form):
    """What the complainant gives: the service cleans its data with this form (pages and the demo alike)."""

    kind = forms.ChoiceField(label=_("类别"), choices=ComplaintKind.choices, widget=forms.RadioSelect)
    domain = forms.ChoiceField(label=_("执法领域"), choices=Domain.choices)
    agency = AgencyChoiceField(
        label=_("向哪个机关投诉举报"),
        queryset=Agency.objects.order_by("path"),
        required=False,
        empty_label=_("不清楚，请按发生地和领域转办"),
        help_text=_("不清楚由哪个机关管辖的，留空并填写发生地"),
    )
    area = forms.CharField(
        label=_("发生地（区县或地名）"),
        max_length=100,
        required=False,
        help_text=_("如：景洪市、哈拉沁沟"),
    )
    subject = forms.CharField(
        label=_("被投诉举报的单位或个人"), max_length=SUBJECT_MAX, help_text=_("名称、地址等能找到对方的信息")
    )
    facts = forms.CharField(
        label=_("事实和理由"),
        max_length=FACTS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("时间、地点、经过，最多 %(n)s 字") % {"n": FACTS_MAX},
    )
    anonymous = forms.BooleanField(
        label=_("匿名举报（仅举报可以匿名；匿名的不留姓名和电话，只能凭编号和查询码查询办理情况）"), required=False
    )
    name = forms.CharField(label=_("您的姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("您的手机号码"), max_length=11, required=False)
    id_number = forms.CharField(label=_("您的身份证号（选填）"), max_length=18, required=False)

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if phone:
            validate_mobile(phone)
        return phone

    def clean_id_number(self) -> str:
        value = str(self.cleaned_data.get("id_number") or "").strip().upper()
        if value:
            validate_resident_id(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, anonymous = data.get("kind"), data.get("anonymous")
        if anonymous and kind == ComplaintKind.COMPLAINT:
            self.add_error("anonymous", _("投诉是为维护您自己的权益，须留下姓名和联系电话；只有举报可以匿名"))
        elif not anonymous:
            if not str(data.get("name") or "").strip():
                self.add_error("name", _("请填写您的姓名，或选择匿名举报"))
            if not data.get("phone") and "phone" not in self.errors:
                self.add_error("phone", _("请填写您的手机号码，以便告知受理和办理结果"))
        if not data.get("agency") and not str(data.get("area") or "").strip():
            self.add_error("area", _("请选择机关，或填写发生地以便转给有管辖权的机关"))
        return data


class HumanCheckFields(forms.Form):
    """The fields every public form adds (human_check.py): the question's answer, its signed token, and a field
    only robots fill. A public form lists it before its own form class, so its fields come last."""

    challenge_answer = forms.CharField(
        label=_("验证问题"), max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    challenge_token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    # Hidden from people by CSS and from screen readers by aria-hidden; a robot fills it.
    website = forms.CharField(label=_("网址（请勿填写）"), required=False, max_length=200)


class PublicFilingForm(HumanCheckFields, FilingForm):
    """The form on the public page: the filing, the human check and a field only robots fill."""


def _long(label: Any, required: bool = True, max_length: int = LONG_TEXT) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(forms.Form):
    reason = _long(_("理由"))


class RouteForm(forms.Form):
    to_agency = AgencyChoiceField(label=_("改派给"), queryset=Agency.objects.order_by("path"))
    reason = _long(_("改派理由"))


class TransferForm(forms.Form):
    body = forms.CharField(label=_("移送机关"), max_length=SHORT_TEXT)
    reason = _long(_("移送理由"))


class NotInspectForm(forms.Form):
    reason = forms.ChoiceField(label=_("不予检查的理由"), choices=NotInspectReason.choices)
    explanation = _long(_("向投诉举报人说明的情况"))


class AnswerForm(forms.Form):
    answer = _long(_("答复内容"))


class OpenLeadForm(forms.Form):
    title = forms.CharField(label=_("案由"), max_length=SHORT_TEXT)


def first_error(form: forms.Form) -> tuple[str | None, str]:
    """The first error of an invalid form as (field, "label：message")."""
    field, messages = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else None
    return (None if field == "__all__" else field), (f"{label}：{messages[0]}" if label else str(messages[0]))
