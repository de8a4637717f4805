"""The one place that decides which agencies' data an actor may see.

Every selector of enforcement data starts from `restrict(queryset, actor)`: an officer or auxiliary
sees his own agency; supervisors, approvers, legal reviewers, auditors and system administrators see
their agency and everything below it. A user with no agency sees nothing.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from zhifa.core.choices import Role
from zhifa.core.models import Agency, User

# Roles whose work concerns the agencies below their own (supervision, review, approval, audit).
SUBTREE_ROLES = frozenset({Role.SUPERVISOR, Role.APPROVER, Role.LEGAL_REVIEWER, Role.AUDITOR, Role.SYSADMIN})

M = TypeVar("M", bound=models.Model)


def sees_subtree(actor: User) -> bool:
    return actor.has_role(*SUBTREE_ROLES)


def visible_agencies(actor: User) -> models.QuerySet[Agency]:
    if not actor.is_authenticated or actor.agency is None:
        return Agency.objects.none()
    if sees_subtree(actor):
        return Agency.objects.filter(path__startswith=actor.agency.path)
    return Agency.objects.filter(pk=actor.agency.pk)


def restrict(queryset: models.QuerySet[M], actor: User, *, via: str = "agency") -> models.QuerySet[M]:
    """`queryset` narrowed to rows whose agency (reached through the lookup `via`) the actor may see."""
    if not actor.is_authenticated or actor.agency is None:
        return queryset.none()
    if sees_subtree(actor):
        return queryset.filter(**{f"{via}__path__startswith": actor.agency.path})
    return queryset.filter(**{via: actor.agency})


def can_see_agency(actor: User, agency: Agency) -> bool:
    if actor.agency is None:
        return False
    if sees_subtree(actor):
        return agency.is_within(actor.agency)
    return agency.pk == actor.agency.pk
