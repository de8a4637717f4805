from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionKind(models.TextChoices):
    """The kinds of case file a retention period is set for (docs/case-file.md, "Retention")."""

    SUMMARY = "summary", _("简易程序案卷")
    ORDINARY = "ordinary", _("普通程序案卷")
    # Decided after the legal review of a major decision, a collective discussion of the heads or a hearing.
    MAJOR = "major", _("重大案件案卷（经法制审核、集体讨论或者听证）")


class ItemKind(models.TextChoices):
    """What an item of the catalogue (卷内目录) is."""

    DOCUMENT = "document", _("执法文书")
    SIGNED = "signed", _("签字件")
    EVIDENCE = "evidence", _("证据材料")
    RECORDING = "recording", _("音像记录")


class ExportKind(models.TextChoices):
    PDF = "pdf", _("PDF 案卷")
    FOLDER = "folder", _("归档文件夹（ZIP）")
