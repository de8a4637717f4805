"""Forms of the inspections pages. The rules themselves live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.inspections.choices import Grade


class TargetForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("名录库所属机关"), queryset=Agency.objects.none())
    name = forms.CharField(label=_("名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    address = forms.CharField(label=_("地址"), max_length=300)
    domain = forms.ChoiceField(label=_("执法领域"), choices=Domain.choices)
    risk_grade = forms.ChoiceField(label=_("风险等级"), choices=Grade.choices)
    credit_grade = forms.ChoiceField(label=_("信用等级"), choices=Grade.choices)

    def __init__(self, *args: object, agencies: object = None, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies  # type: ignore[assignment]
        if editing:
            del self.fields["agency"]


class ActiveForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500)


class ImportForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("名录库所属机关"), queryset=Agency.objects.none())
    file = forms.FileField(label=_("Excel（.xlsx）或 CSV 文件"))

    def __init__(self, *args: object, agencies: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies  # type: ignore[assignment]


class ApproveForm(forms.Form):
    late_reason = forms.CharField(
        label=_("事后补批理由"), max_length=500, required=False, help_text=_("计划开始后批准的（紧急情况），须写明理由")
    )
