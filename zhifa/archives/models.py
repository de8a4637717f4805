"""The case file's retention periods (保管期限), as each agency sets them.

Nothing else is stored here: a case file is assembled from the case's records and documents when it is
asked for (binder.py), and every export is an entry in the ledger with the exported file in the evidence store.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.archives.choices import RetentionKind
from zhifa.core.models import Agency


class RetentionPeriod(models.Model):
    """One version of an agency's retention period for a kind of case file: from `effective_from`, files of
    `kind` archived by the agency (or an agency below it without its own) are kept `years` years, or for ever
    when `years` is empty. Versions are added, never edited; without any, the national default applies
    (archives/retention.py `NATIONAL`)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="retention_periods", verbose_name=_("机关")
    )
    kind = models.CharField(_("案卷类别"), max_length=20, choices=RetentionKind.choices)
    years = models.PositiveSmallIntegerField(
        _("保管年限"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("留空为永久保管"),
    )
    effective_from = models.DateField(_("施行日期"))
    source = models.CharField(_("依据"), max_length=200, help_text=_("规定保管期限的文件名称和条款"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案卷保管期限")
        verbose_name_plural = _("案卷保管期限")
        ordering = ["agency", "kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "effective_from"], name="one_retention_version_per_day"),
            models.CheckConstraint(condition=Q(kind__in=RetentionKind.values), name="retention_kind_known"),
            models.CheckConstraint(
                condition=Q(years__isnull=True) | Q(years__gte=1, years__lte=100), name="retention_years_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.get_kind_display()}（{self.effective_from} 起）"

    def clean(self) -> None:
        if not self.source.strip():
            raise ValidationError({"source": _("请填写规定保管期限的依据")})
