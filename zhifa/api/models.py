"""API tokens: one or more per user, stored as SHA-256 of the secret so a database copy reveals none."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "zf_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenScope(models.TextChoices):
    """What a token may do. Empty: whatever its holder may (every endpoint). A scoped token reaches only its own
    endpoints: a monitoring platform's token posts readings and reads nothing."""

    HOLDER = "", _("按持有人的权限")
    READINGS = "devices.readings", _("仅上报在线监测数据")


class ApiToken(models.Model):
    """A bearer token for the API; expires after API_TOKEN_DAYS, refused once revoked or its user locked."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    key_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("已停用"), default=False)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    scope = models.CharField(_("范围"), max_length=40, choices=TokenScope.choices, blank=True, default="")

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @classmethod
    def issue(cls, user: models.Model, name: str, scope: str = "") -> tuple[ApiToken, str]:
        """A new token; the secret is returned once and never stored."""
        secret = PREFIX + secrets.token_urlsafe(32)
        expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
        token = cls.objects.create(user=user, name=name, key_sha256=digest(secret), expires_at=expires_at, scope=scope)
        return token, secret

    @property
    def expired(self) -> bool:
        # No expiry is treated as expired: every token is issued with one (and migration 0003 gave old ones theirs).
        return self.expires_at is None or self.expires_at <= timezone.now()
