"""Issuing and revoking API tokens, each through one function with its ledger entry; and who sees which."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from zhifa.api.models import ApiToken, TokenScope
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.scoping import can_see_agency, restrict
from zhifa.ledger.services import record


def tokens_for(actor: User) -> QuerySet[ApiToken]:
    """A person's own tokens; for the security administrator also those of the people in his scope."""
    tokens = ApiToken.objects.select_related("user", "user__agency").order_by("-created_at")
    if actor.is_active and actor.has_role(Role.SECADMIN):
        return tokens.filter(user__in=restrict(User.objects.all(), actor)) | tokens.filter(user=actor)
    return tokens.filter(user=actor)


@transaction.atomic
def token_issue(*, actor: User, name: str, scope: str = "") -> tuple[ApiToken, str]:
    """A new token for the actor himself; the secret is returned once and never stored."""
    if scope not in TokenScope.values:
        raise Refusal("令牌范围无效", field="scope")
    if not actor.is_active:
        raise Refusal("账号已停用，不能签发令牌")
    name = name.strip()
    if not name:
        raise Refusal("请填写令牌用途，如“外业终端”", field="name")
    token, secret = ApiToken.issue(actor, name[:100], scope)
    facts = {"actor": actor.get_full_name(), "name": token.name}
    if token.expires_at:
        facts["expires_at"] = token.expires_at.isoformat()
    if scope:
        facts["scope"] = scope
    record(actor=actor, action="apitoken.issue", subject=actor, agency=actor.agency, facts=facts)
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> None:
    """Its owner, or the security administrator of the owner's agency, stops a token for good."""
    owner = token.user
    if owner.pk != actor.pk:
        if not (actor.is_active and actor.has_role(Role.SECADMIN)):
            raise Refusal("只有令牌的持有人或安全管理员可以停用令牌")
        if owner.agency is None or not can_see_agency(actor, owner.agency):
            raise Refusal("该令牌的持有人不在您的管辖范围内")
    if token.revoked:
        raise Refusal("该令牌已停用")
    token.revoked = True
    token.save(update_fields=["revoked"])
    record(
        actor=actor,
        action="apitoken.revoke",
        subject=owner,
        agency=owner.agency,
        facts={"actor": actor.get_full_name(), "user": owner.username, "name": token.name},
    )
