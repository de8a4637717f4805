"""Forms of the core pages, and the one helper that turns a service's refusal into form errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal

T = TypeVar("T")


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service; on a refusal put its message on the form (on the field it names) and return None."""
    try:
        return call()
    except Refusal as refusal:
        field = refusal.field if refusal.field in form.fields else None
        form.add_error(field, str(refusal))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                label = form.fields[name].label if name in form.fields else None
                target = name if name in form.fields else None
                for message in messages:
                    form.add_error(target, message if target or not label else f"{label}：{message}")
        else:
            for message in error.messages:
                form.add_error(None, message)
    return None


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("界面语言"), choices=settings.LANGUAGES)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("依据"), max_length=200, help_text=_("国务院办公厅通知的名称或文号"))
    holidays = forms.CharField(
        label=_("法定节假日"),
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-06 至 2027-02-12"}
        ),
        help_text=_("每行一项：名称 开始日期 至 结束日期"),
    )
    workdays = forms.CharField(
        label=_("调休上班日"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2027-02-14 春节调休"}),
        help_text=_("每行一个日期，可附说明"),
    )
