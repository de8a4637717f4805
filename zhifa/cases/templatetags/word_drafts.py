"""`{% word_drafts %}`: the Word drafts the signed-in user may download on a case page (cases/docx_views.py)."""

from __future__ import annotations

from typing import Any

from django import template

from zhifa.cases.docx_views import DraftLink, draft_links
from zhifa.core.models import User

register = template.Library()


@register.simple_tag(takes_context=True)
def word_drafts(context: dict[str, Any]) -> list[DraftLink]:
    """From the case page's `case`, `documents` and `issuable`, for `request.user`."""
    user = context["request"].user
    if not isinstance(user, User) or "case" not in context:
        return []
    return draft_links(user, context["case"], list(context.get("documents") or []), list(context.get("issuable") or []))
