"""The numbering of enforcement documents: one counter per agency, year and kind (numbering.py uses it)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.models import Agency
from zhifa.documents.choices import DocumentKind


class DocumentSequence(models.Model):
    """The last number issued for one agency's documents of one kind in one year (文号的流水号).

    Changed only by `numbering.next_number`, which locks the row for the rest of the caller's transaction.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("行政执法机关"))
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("文书种类"), max_length=30, choices=DocumentKind.choices)
    last = models.PositiveIntegerField(_("已用到的序号"), default=0)

    class Meta:
        verbose_name = _("文书编号序列")
        verbose_name_plural = _("文书编号序列")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "kind"], name="documents_sequence_once"),
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="documents_sequence_kind_known"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2999), name="documents_sequence_year_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.kind} {self.year}: {self.last}"
