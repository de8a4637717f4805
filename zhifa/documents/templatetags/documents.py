"""Filters the document templates use to write amounts, dates and counts the Chinese way (formatting.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template

from zhifa.documents import formatting

register = template.Library()


@register.filter
def yuan(amount: Decimal) -> str:
    return formatting.yuan(amount)


@register.filter
def yuan_capitals(amount: Decimal) -> str:
    return formatting.yuan_in_capitals(amount)


@register.filter
def cn_date(day: date) -> str:
    return formatting.chinese_date(day)


@register.filter
def cn_datetime(moment: datetime) -> str:
    return formatting.chinese_datetime(moment)


@register.filter
def count_cn(number: int) -> str:
    return formatting.count_in_chinese(number)


@register.filter
def heading_lines(text: str, per_line: int) -> list[str]:
    return formatting.heading_lines(text, per_line)
