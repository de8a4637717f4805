"""The inspections' navigation: the oversight page's link only for those its view lets in (the same check)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def oversees(user: Any) -> bool:
    from zhifa.inspections.oversight import may_oversee

    return bool(getattr(user, "is_authenticated", False)) and may_oversee(user)
