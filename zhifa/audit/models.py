"""The security audit trail (安全审计): logins, logouts, failed logins and refused requests.

Append-only: database triggers refuse UPDATE, DELETE and TRUNCATE (guard.py), as on the ledger's tables,
so an administrator cannot remove a line through the application, the admin site or a database shell.
Each row snapshots the names it shows (no foreign keys): deleting a user or an agency touches nothing here.

Against someone who drops the triggers, the rows form a hash chain (`chain` = SHA-256 of the previous
row's chain and this row's values), and `zhifa audit seal` writes the chain's head into the signed ledger:
a deleted, edited or inserted row before a seal no longer matches it (`zhifa audit verify`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.audit.choices import AuditKind


class AuditEvent(models.Model):
    """One security-relevant event, as it happened."""

    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("类型"), max_length=20, choices=AuditKind.choices)
    # As typed for a failed login (the name may not exist); the user's username otherwise.
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    # The user's agency path when the event happened: auditors see their subtree (scoping.py).
    agency_path = models.CharField(max_length=255, blank=True, db_index=True)
    address = models.CharField(_("来源地址"), max_length=45, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(_("请求路径"), max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    chain = models.CharField(max_length=64)

    class Meta:
        db_table = "audit_event"
        ordering = ["-at", "-pk"]
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"
