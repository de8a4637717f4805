"""快速预警 (行政执法监督条例 第三十七条): the warnings the rules of supervision/warning_rules.py raise, stored so that
a supervisor follows each from the day it was first found to the day it was resolved or dismissed with a reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.models import Agency


class WarningState(models.TextChoices):
    OPEN = "open", _("待处理")
    DISMISSED = "dismissed", _("已排除")
    RESOLVED = "resolved", _("已消除")


class SupervisionWarning(models.Model):
    """One thing a rule found: opened on the first run that finds it, refreshed on each later run that finds it
    again (its detail kept current), resolved by the first run that no longer finds it. A supervisor may dismiss
    it, only with a reason (supervision/warnings.py); every opening, resolution and dismissal is in the ledger."""

    rule = models.CharField(_("预警规则"), max_length=60, db_index=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="supervision_warnings", verbose_name=_("执法机关")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_warnings",
        verbose_name=_("案件"),
    )
    key = models.CharField(_("预警标识"), max_length=200)
    detail = models.TextField(_("预警内容"))
    first_found_on = models.DateField(_("首次发现日期"))
    last_found_on = models.DateField(_("最近发现日期"))
    state = models.CharField(_("状态"), max_length=10, choices=WarningState.choices, default=WarningState.OPEN)
    resolved_on = models.DateField(_("消除日期"), null=True, blank=True)
    dismissed_reason = models.TextField(_("排除理由"), blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("排除人"),
    )
    dismissed_on = models.DateField(_("排除日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("执法监督预警")
        verbose_name_plural = _("执法监督预警")
        ordering = ["-last_found_on", "-pk"]
        constraints = [
            # One live warning per thing found: a resolved one found again is a new warning, a dismissed one stays.
            models.UniqueConstraint(
                fields=["rule", "key"],
                condition=Q(state__in=["open", "dismissed"]),
                name="one_live_warning_per_rule_and_key",
            ),
            models.CheckConstraint(
                condition=~Q(state="dismissed") | (~Q(dismissed_reason="") & Q(dismissed_on__isnull=False)),
                name="warning_dismissed_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["state", "agency"], name="warning_state_agency")]

    def __str__(self) -> str:
        return f"{self.rule} {self.key}"
