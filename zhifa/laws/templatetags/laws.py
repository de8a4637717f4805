"""Template filters of the law's pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from zhifa.laws.numerals import amount_text

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """100000.00 → "100,000"; None → "—"."""
    return amount_text(value)
