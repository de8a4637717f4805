"""Forms of the core pages, and the one helper that turns a service's refusal into form errors."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.passwords import MAX_LENGTH

T = TypeVar("T")


# --- Field errors in Chinese, naming the field --------------------------------------------------------------------
# Django's zh-hans messages do not name the field ("这个字段是必填项。") and some read badly ("确保该变量包含不超过 3
# 字符 (目前字符数 4)。", "确认总共不超过 3 个数字."). Every form of the project reports the errors Django itself
# raises in these words instead, with the field's label and the rule; a message a form or a validator chose itself
# (error_messages=, our validators, a service's refusal) is left as it is. Installed once by CoreConfig.ready.

_REQUIRED = {"required", "blank", "null"}
# Codes raised by Django's validators (MaxLengthValidator and the rest): never customised in this project.
_VALIDATOR_MESSAGES = {
    "max_length": _("{label}最多 {limit_value} 个字符，现为 {show_value} 个"),
    "min_length": _("{label}至少 {limit_value} 个字符，现为 {show_value} 个"),
    "max_value": _("{label}不能大于 {limit_value}"),
    "min_value": _("{label}不能小于 {limit_value}"),
    "step_size": _("{label}须为 {limit_value} 的整数倍"),
    "max_digits": _("{label}最多 {max} 位数字"),
    "max_decimal_places": _("{label}最多 {max} 位小数"),
    "max_whole_digits": _("{label}的整数部分最多 {max} 位"),
    "unique": _("{label}与已有记录重复，请更换"),
}
# "invalid" says what the field expects, by the kind of field.
_INVALID: tuple[tuple[type[forms.Field], Any], ...] = (
    (forms.DateTimeField, _("{label}不是有效的日期和时间，应形如 2026-12-06 14:30")),
    (forms.DateField, _("{label}不是有效日期，应形如 2026-12-06")),
    (forms.TimeField, _("{label}不是有效时间，应形如 14:30")),
    (forms.DecimalField, _("{label}应为数字")),  # before IntegerField: Decimal- and FloatField derive from it
    (forms.FloatField, _("{label}应为数字")),
    (forms.IntegerField, _("{label}应为整数")),
    (forms.EmailField, _("{label}不是有效的电子邮件地址")),
    (forms.URLField, _("{label}不是有效的网址")),
    (forms.FileField, _("{label}：未收到文件，请重新选择后提交")),
)
_FILE_MESSAGES = {
    "max_length": _("{label}：文件名最多 {max} 个字符，现为 {length} 个"),
    "empty": _("{label}：上传的文件是空的"),
    "missing": _("{label}：未收到文件，请重新选择后提交"),
    "invalid_image": _("{label}：不是有效的图片文件"),
}


def _django_default(field: forms.Field, code: str) -> bool:
    """Whether the field's message for `code` is Django's own (not one the form or field class chose)."""
    chosen = field.error_messages.get(code)
    defaults = [
        getattr(klass, "default_error_messages", {}).get(code)
        for klass in type(field).__mro__
        if klass.__module__.startswith("django.")
    ]
    return chosen is not None and any(chosen is default or chosen == default for default in defaults if default)


def _required_message(field: forms.Field, label: str) -> str:
    if isinstance(field, forms.FileField):
        return _("请上传{label}").format(label=label)
    if isinstance(field, forms.BooleanField):
        return _("请勾选“{label}”").format(label=label)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return _("请选择{label}").format(label=label)
    return _("请填写{label}").format(label=label)


def field_error_message(field: forms.Field, label: str, error: ValidationError) -> ValidationError:
    """The error in Chinese naming the field, when it is one of Django's own; otherwise the error unchanged."""
    code, params = error.code or "", dict(error.params or {})
    params.setdefault("label", label)
    template: Any = None
    if code in _REQUIRED and (code != "required" or _django_default(field, code)):
        return ValidationError(_required_message(field, label), code="required")
    if isinstance(field, forms.FileField) and code in _FILE_MESSAGES and _django_default(field, code):
        template = _FILE_MESSAGES[code]
    elif code in _VALIDATOR_MESSAGES and not isinstance(field, forms.FileField):
        template = _VALIDATOR_MESSAGES[code]
    elif code in {"invalid_choice", "invalid_pk_value", "invalid_list"} and _django_default(field, code):
        template = (
            _("{label}：所选“{value}”不在可选范围内，请重新选择")
            if params.get("value") not in (None, "")
            else _("{label}：所选项不在可选范围内，请重新选择")
        )
    elif code in {"invalid", "invalid_date", "invalid_time", "overflow"} and _django_default(field, code):
        template = next((message for kind, message in _INVALID if isinstance(field, kind)), _("{label}格式不正确"))
    if template is None:
        return error
    try:
        return ValidationError(str(template).format(**params), code=code)
    except (KeyError, IndexError, ValueError):  # a parameter Django did not give: keep its own message
        return error


def _named(form: forms.BaseForm, name: str, errors: Iterable[ValidationError]) -> list[ValidationError]:
    field = form.fields[name]
    label = str(field.label) if field.label else name
    return [field_error_message(field, label, error) for error in errors]


def install_chinese_field_errors() -> None:
    """Wrap BaseForm.add_error (every field error passes through it, from cleaning and from a model's validation)."""
    original = forms.BaseForm.add_error
    if getattr(original, "zhifa_chinese", False):
        return

    @functools.wraps(original)
    def add_error(self: forms.BaseForm, field: str | None, error: Any) -> None:
        if isinstance(error, ValidationError):
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {
                        name: _named(self, name, errors) if name in self.fields else errors
                        for name, errors in error.error_dict.items()
                    }
                )
            elif field is not None and field in self.fields:
                error = ValidationError(_named(self, field, error.error_list))
        original(self, field, error)

    add_error.zhifa_chinese = True  # type: ignore[attr-defined]
    forms.BaseForm.add_error = add_error  # type: ignore[method-assign]


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


USERS_PER_PAGE = 50


class UserFilterForm(forms.Form):
    """The user list's filters: a name, the agency, a role, a state of the login."""

    STATES = [
        ("locked", _("已锁定")),
        ("inactive", _("已停用")),
        ("must_change", _("待改密码")),
        ("no_role", _("暂无角色")),
    ]

    q = forms.CharField(label=_("用户名或姓名"), max_length=50, required=False)
    agency = forms.ModelChoiceField(label=_("所属机关"), queryset=Agency.objects.none(), required=False)
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("全部")), *Role.choices], required=False)
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *STATES], required=False)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("path")  # type: ignore[attr-defined]
        self.fields["agency"].empty_label = _("全部")  # type: ignore[attr-defined]


def filter_users(users: QuerySet[User], chosen: dict[str, Any], locked_ids: list[int]) -> QuerySet[User]:
    """`users` narrowed by the filters chosen (UserFilterForm's cleaned data); `locked_ids`: the users locked now."""
    if chosen.get("q"):
        text = chosen["q"].strip()
        users = users.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    if chosen.get("agency") is not None:
        users = users.filter(agency__path__startswith=chosen["agency"].path)
    if chosen.get("role"):
        users = users.filter(role_assignments__role=chosen["role"]).distinct()
    state = chosen.get("state")
    if state == "locked":
        users = users.filter(pk__in=locked_ids)
    elif state == "inactive":
        users = users.filter(is_active=False)
    elif state == "must_change":
        users = users.filter(must_change_password=True)
    elif state == "no_role":
        users = users.filter(role_assignments__isnull=True)
    return users


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
