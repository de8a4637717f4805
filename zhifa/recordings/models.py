"""What must be recorded in sound and picture, and the recordings themselves (音像记录).

`RecordingList` is an agency's published list of the acts it records (国办发〔2018〕118号: each agency sets its own);
`Recording` is one audio or video file of a case: numbered in the case, described, never edited — a clip or a
transcript is a new file linked to its original (seed 004).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import Case
from zhifa.core.models import Agency


class RecordingList(models.Model):
    """One version of an agency's list of acts recorded in sound and picture (音像记录事项清单): from its effective
    date, the acts recorded in full (全程音像记录) and those recorded as circumstances require (根据情况音像记录),
    and the working days allowed to get a recording onto the platform. Versions are added, never edited; an agency
    without its own follows the nearest agency above, and without any the national list (recordings/rules.py)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="recording_lists", verbose_name=_("机关"))
    effective_from = models.DateField(_("施行日期"))
    full_acts = models.JSONField(_("全程音像记录的执法行为"), default=list)
    as_required_acts = models.JSONField(_("根据情况音像记录的执法行为"), default=list, blank=True)
    upload_limit_days = models.PositiveSmallIntegerField(
        _("上传期限（工作日）"),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("执法结束后多少个工作日内将音像记录存储到系统"),
    )
    source = models.CharField(_("清单依据"), max_length=200, help_text=_("印发清单的文件名称和文号"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("音像记录事项清单")
        verbose_name_plural = _("音像记录事项清单")
        ordering = ["agency", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["agency", "effective_from"], name="one_recording_list_per_day")]

    def __str__(self) -> str:
        return f"{self.agency} 音像记录事项清单（{self.effective_from} 起）"


class Derivation(models.TextChoices):
    ORIGINAL = "original", _("原始记录")
    CLIP = "clip", _("剪辑片段")
    TRANSCRIPT = "transcript", _("文字整理稿")


class Recording(models.Model):
    """One recording of a case (or a clip or transcript made from one): its number in the case, the act it
    records, when it reached the platform against the list's limit, and what it shows. Written only by
    recordings/services.py, each change with its ledger entry; the file itself is the evidence blob `sha256`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="recordings", verbose_name=_("案件"))
    sha256 = models.CharField(max_length=64)
    # 编号: "3" for the case's third recording, "3-1" for the first clip or transcript made from it.
    number = models.PositiveIntegerField(_("编号"))
    part = models.PositiveSmallIntegerField(default=0)
    original = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived", verbose_name=_("原始记录")
    )
    derivation = models.CharField(_("类别"), max_length=20, choices=Derivation.choices, default=Derivation.ORIGINAL)
    # The act it records: its workflow name, date and ledger entry (the act's entry names the file).
    act = models.CharField(_("执法行为"), max_length=40)
    act_on = models.DateField(_("执法行为日期"))
    act_entry = models.BigIntegerField(_("执法行为的记录序号"))
    received_at = models.DateTimeField(_("存储到系统的时间"))
    due_on = models.DateField(_("应存储期限"))
    late = models.BooleanField(_("逾期存储"), default=False)
    limit_source = models.CharField(_("期限依据"), max_length=200)
    # 标注: who speaks, about what, when, with which device (seed 004: 编号、标注). Blank until described.
    speakers = models.CharField(_("被记录人员"), max_length=200, blank=True)
    subject = models.CharField(_("记录内容"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    device = models.CharField(_("记录设备"), max_length=100, blank=True)
    described_at = models.DateTimeField(_("标注时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entry_index = models.BigIntegerField(_("登记的记录序号"))

    class Meta:
        verbose_name = _("音像记录")
        verbose_name_plural = _("音像记录")
        ordering = ["case", "number", "part"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number", "part"], name="recording_number_once_per_case"),
            models.UniqueConstraint(fields=["case", "sha256"], name="recording_file_once_per_case"),
            models.CheckConstraint(
                condition=models.Q(part=0, original__isnull=True, derivation="original")
                | models.Q(part__gt=0, original__isnull=False, derivation__in=["clip", "transcript"]),
                name="recording_derived_has_original",
            ),
        ]
        indexes = [models.Index(fields=["late", "received_at"], name="recording_late")]

    def __str__(self) -> str:
        return f"{self.case_id} 音像记录 {self.label}"

    @property
    def label(self) -> str:
        return f"{self.number}-{self.part}" if self.part else str(self.number)

    @property
    def described(self) -> bool:
        return self.described_at is not None
