"""Forms of the law's pages: the search, the day asked about, an agency's benchmark upload, the analytics' period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhifa.cases.review_views import PeriodForm
from zhifa.core.bounds import SHORT_TEXT, BoundedDateField
from zhifa.core.choices import Domain
from zhifa.laws.consistency import MAX_DAYS
from zhifa.laws.selectors import QUERY_LENGTH


class SearchForm(forms.Form):
    q = forms.CharField(label=_("名称或关键词"), required=False, max_length=QUERY_LENGTH)
    domain = forms.ChoiceField(label=_("执法领域"), required=False, choices=[("", _("全部")), *Domain.choices])


class DayForm(forms.Form):
    on = BoundedDateField(label=_("日期"), planned=True, widget=forms.DateInput(attrs={"type": "date"}))


def day_from(params: Any, today: date) -> date:
    """The day asked for (`?on=`), or today when none or not a valid one is asked."""
    form = DayForm(params)
    if params.get("on") and form.is_valid():
        day: date = form.cleaned_data["on"]
        return day
    return today


# A benchmark of a few hundred rules in tiers is well under 1 MB; the limit keeps a wrong file from filling memory.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class BenchmarkImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大：裁量基准文件不得超过 5 MB"))
        return upload

    effective_from = BoundedDateField(label=_("施行日期"), planned=True, widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label=_("印发文件"), max_length=SHORT_TEXT, help_text=_("印发裁量基准的文件名称和文号"))


class ConsistencyPeriodForm(PeriodForm):
    """The review figures' period, at most ten years long."""

    def clean(self) -> dict[str, date]:
        data = super().clean()
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > MAX_DAYS:
            self.add_error("start", _("统计期间不超过十年"))
        return data
