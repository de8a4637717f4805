"""Reads for the core pages. Each takes the actor and starts from what he may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from zhifa.core.models import Agency, User

if TYPE_CHECKING:
    from zhifa.ledger.models import Entry
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


# The recorded changes of logins, roles and their security, with their Chinese names.
ACCOUNT_ACTIONS = {
    "user.create": "创建用户",
    "user.grant_role": "授予角色",
    "user.revoke_role": "撤销角色",
    "user.change_password": "本人修改密码",
    "user.reset_password": "重置密码",
    "user.unlock": "解除登录锁定",
    "user.enrol_two_factor": "启用二次验证",
    "user.reset_two_factor": "重置二次验证",
    "agency.require_two_factor": "设置二次验证要求",
    "apitoken.issue": "签发 API 令牌",
    "apitoken.revoke": "停用 API 令牌",
}


def account_changes_for(actor: User) -> QuerySet[Entry]:
    """Ledger entries of account changes in the actor's agency subtree, newest first, with their facts."""
    from zhifa.ledger.models import Entry

    return restrict(Entry.objects.filter(action__in=ACCOUNT_ACTIONS), actor).select_related("facts").order_by("-index")
