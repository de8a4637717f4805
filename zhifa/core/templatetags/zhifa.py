"""Small display helpers for deadlines, certificate states and bar charts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from zhifa.core.choices import Domain

register = template.Library()

_STATE_CODES = {
    "有效": "valid",
    "即将到期": "expiring",
    "年审将到期": "review_due",
    "年审逾期": "review_overdue",
    "已过期": "expired",
    "暂扣": "suspended",
    "注销": "revoked",
    "无证件": "none",
    "未生效": "none",
}


@register.simple_tag
def days_left(due: date, today: date) -> SafeString:
    """ "还有 N 天" before a date, "已逾期 N 天" after it, coloured by urgency."""
    days = (due - today).days
    if days < 0:
        return format_html('<span class="due overdue">已逾期 {} 天</span>', -days)
    if days == 0:
        return format_html('<span class="due due-soon">今天到期</span>')
    css = "due-soon" if days <= 30 else "due-later"
    return format_html('<span class="due {}">还有 {} 天</span>', css, days)


@register.filter
def state_on(certificate: Any, day: date) -> str:
    return str(certificate.state_on(day))


@register.filter
def state_code(label: str) -> str:
    return _STATE_CODES.get(label, "")


@register.filter
def domain_labels(codes: list[str]) -> list[str]:
    return [str(Domain(code).label) if code in Domain.values else code for code in codes or []]


@register.filter
def action_label(action: str) -> str:
    from zhifa.ledger.labels import action_label as label

    return label(action)


@register.filter
def hexdigest(value: bytes | memoryview) -> str:
    return bytes(value).hex()


@register.simple_tag
def bar_width(count: int, counts: dict[str, int]) -> int:
    largest = max(counts.values(), default=0)
    return round(100 * count / largest) if largest else 0
