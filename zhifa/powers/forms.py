"""The form that publishes a new version of a list from a spreadsheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from zhifa.core.bounds import BoundedDateField
from zhifa.powers.services import LEAD_TIME


class _Many(forms.ClearableFileInput):
    allow_multiple_selected = True


class LettersField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    widget = _Many

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(LettersField, self).clean(one, initial) for one in data]
        return [super().clean(data, initial)] if data else []


class PublishForm(forms.Form):
    effective_from = BoundedDateField(
        label=_("施行日期"), planned=True, span=LEAD_TIME, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=_("发布文件"), max_length=200, help_text=_("印发清单的文件名称和文号"))
    reason = forms.CharField(label=_("调整理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("清单 Excel 文件（.xlsx）"))

    def __init__(self, *args: Any, with_letters: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_letters:
            self.fields["letters"] = LettersField(
                label=_("委托书"),
                required=False,
                help_text=_(
                    "受委托组织的委托书（PDF 或图片），文件名与表中“委托书文件名”一致；已存入的可只填其 SHA-256"
                ),
            )
