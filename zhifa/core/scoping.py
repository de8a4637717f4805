"""The one place that decides which agencies' data an actor may see.

Every selector of enforcement data starts from `restrict(queryset, actor)`: an officer or auxiliary
sees his own agency; supervisors, approvers, legal reviewers and the administrators see their agency and
everything below it. A user with no agency sees nothing. Case files and evidence go through
`restrict_cases`, closed to the system and security administrators (三员分立).
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from zhifa.core.choices import Role
from zhifa.core.models import Agency, User

# Roles whose work concerns the agencies below their own (supervision, review, approval, audit).
SUBTREE_ROLES = frozenset(
    {Role.SUPERVISOR, Role.APPROVER, Role.LEGAL_REVIEWER, Role.AUDITOR, Role.SYSADMIN, Role.SECADMIN}
)
# The system and security administrators keep the system and its accounts running; they have no business in
# case files or evidence (三员分立), so those are closed to a person who holds no other role.
CASE_READERS = frozenset(set(Role) - {Role.SYSADMIN, Role.SECADMIN})

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


def reads_cases(actor: User) -> bool:
    return actor.is_authenticated and actor.is_active and actor.has_role(*CASE_READERS)


def restrict_cases(queryset: models.QuerySet[M], actor: User, *, via: str = "agency") -> models.QuerySet[M]:
    """`restrict` for case files and evidence: nothing for the system and security administrators."""
    if not reads_cases(actor):
        return queryset.none()
    return restrict(queryset, actor, via=via)
