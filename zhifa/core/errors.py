"""The one exception a service raises when a rule refuses an action."""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """An action a rule does not allow, with a Chinese message that names the rule.

    `field` names the form field at fault (or None for the whole action); `rule` cites the source,
    e.g. "行政处罚法 第四十二条".
    """

    def __init__(self, message: str, *, field: str | None = None, rule: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def __str__(self) -> str:
        return f"{self.message}（{self.rule}）" if self.rule else self.message


def form_refusal(form: Any) -> Refusal:
    """An invalid form's first error as the refusal a service raises: 「label：message」 on its field."""
    field, messages = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else None
    return Refusal(
        f"{label}：{messages[0]}" if label else str(messages[0]), field=None if field == "__all__" else field
    )


def clean_or_refuse(instance: Any, *, exclude: list[str] | None = None) -> None:
    """`full_clean()`, its first error a refusal naming the field by its verbose name (a 500 is no answer)."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        field = instance._meta.get_field(name) if name != "__all__" else None
        label = f"{field.verbose_name}：" if field is not None else ""
        raise Refusal(f"{label}{messages[0]}", field=None if name == "__all__" else name) from error


class MissingSystemDependency(RuntimeError):
    """A program or library the system installs from the distribution (fonts, Pango) is missing.

    Its message is Chinese and English and says what to install; the `zhifa` command prints it and exits 2
    instead of a traceback.
    """
