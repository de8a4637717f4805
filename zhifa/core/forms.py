"""Forms of the core pages, and the one helper that turns a service's refusal into form errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.passwords import MAX_LENGTH

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


class _NewPasswordMixin(forms.Form):
    password = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        max_length=MAX_LENGTH,
    )
    password2 = forms.CharField(
        label=_("再次输入新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        max_length=MAX_LENGTH,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的新密码不一致"))
        return data


class PasswordChangeForm(_NewPasswordMixin):
    old_password = forms.CharField(
        label=_("原密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
        max_length=MAX_LENGTH,
    )
    field_order = ["old_password", "password", "password2"]


class PasswordResetForm(_NewPasswordMixin):
    """The security administrator's reset: a temporary password the person must change at his next login."""


class UserCreateForm(_NewPasswordMixin):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("所属机关"), queryset=None)
    field_order = ["username", "full_name", "agency", "password", "password2"]

    def __init__(self, *args: object, agencies: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["password"].label = _("初始密码")
        self.fields["password"].help_text = _("本人首次登录时须修改")


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("如“外业终端”“省级平台对接”"))


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
