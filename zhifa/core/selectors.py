"""Reads for the core pages. Each takes the actor and starts from what he may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from zhifa.core.models import Agency, User
from zhifa.core.scoping import restrict, visible_agencies


@dataclass
class AgencyNode:
    agency: Agency
    officer_count: int
    children: list[AgencyNode]


def agency_tree_for(actor: User) -> list[AgencyNode]:
    """The agencies the actor sees, as a forest, with active officer counts (two queries)."""
    agencies = list(
        visible_agencies(actor)
        .select_related("head")
        .annotate(officer_count=Count("officers", filter=Q(officers__status="active")))
        .order_by("path")
    )
    nodes = {a.pk: AgencyNode(a, a.officer_count, []) for a in agencies}
    roots: list[AgencyNode] = []
    for agency in agencies:
        node = nodes[agency.pk]
        parent = nodes.get(agency.parent_id) if agency.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def user_list_for(actor: User) -> QuerySet[User]:
    return restrict(User.objects.all(), actor).select_related("agency").prefetch_related("role_assignments")
