"""Filters shared by the list pages: the agency to narrow a list to, among those the user may see.

The markup is one for every list (docs/case-page.md, "Filters"): `templates/_agency_filter.html`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from zhifa.core.models import Agency, User
from zhifa.core.scoping import sees_subtree, visible_agencies


@dataclass(frozen=True)
class AgencyFilter:
    """The agencies offered (none when the user sees only his own) and the one chosen, if any."""

    agencies: list[Agency]
    chosen: int | None

    @property
    def offered(self) -> bool:
        return len(self.agencies) > 1


def agency_filter(request: HttpRequest, actor: User) -> AgencyFilter:
    """The `agency` parameter of the request, kept only when it names an agency the actor may see."""
    if not sees_subtree(actor):
        return AgencyFilter([], None)  # his own agency only: nothing to choose, and no query
    agencies = list(visible_agencies(actor).order_by("path"))
    raw = request.GET.get("agency", "")
    chosen = int(raw) if raw.isdecimal() and len(raw) < 12 else None
    if chosen not in {agency.pk for agency in agencies}:
        chosen = None
    return AgencyFilter(agencies, chosen)
