"""Which case an API caller may reach: the same restriction as the pages (core.scoping.restrict_cases)."""

from __future__ import annotations

from django.http import HttpRequest

from zhifa.cases.models import Case
from zhifa.cases.selectors import case_or_404
from zhifa.core.permissions import request_user


def visible_case(request: HttpRequest, pk: int) -> Case:
    """The case `pk` if the caller may see it, else 404 (never 403: its existence is not told)."""
    return case_or_404(request_user(request), pk)
