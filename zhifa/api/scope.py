"""Which case an API caller may reach: the same restriction as the pages (core.scoping.restrict_cases)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from zhifa.cases.models import Case
from zhifa.core.permissions import request_user
from zhifa.core.scoping import restrict_cases


def visible_case(request: HttpRequest, pk: int) -> Case:
    """The case `pk` if the caller may see it, else 404 (never 403: its existence is not told)."""
    return get_object_or_404(restrict_cases(Case.objects.select_related("agency"), request_user(request)), pk=pk)
