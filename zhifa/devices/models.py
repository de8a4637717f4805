"""Evidence from devices (非现场执法): an agency's devices, the files imported from them with their source
metadata, each file's chain of custody, and the readings monitoring stations post through the API.

Every change goes through services.py, which records it in the ledger in the same transaction; the custody
events and readings point to the ledger entry that proves them (`entry_index`). docs/devices.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Domain
from zhifa.devices.choices import CustodyKind, DeviceKind, Origin


def _degrees(label: Any) -> Any:
    """WGS-84 degrees kept to six places (about 0.1 m): what a GNSS receiver gives, and what the ledger's facts
    write as text (canonical JSON has no floats). Typed Any: a Decimal or None, which the stubs' field cannot say."""
    return models.DecimalField(label, max_digits=9, decimal_places=6, null=True, blank=True)


class Device(models.Model):
    """A device of an agency that produces evidence: a monitoring station, a camera, a drone, a satellite feed.

    Agency data, kept by the agency's system administrator (services.device_save). `limits` are the
    monitoring station's configured limits per parameter, {"COD": {"limit": "50", "unit": "mg/L", "source": …}},
    used when a reading brings none.
    """

    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("设备类型"), max_length=20, choices=DeviceKind.choices)
    identifier = models.CharField(_("设备编号"), max_length=64)
    name = models.CharField(_("设备名称"), max_length=200)
    operator = models.CharField(_("运维（运营）单位"), max_length=200, blank=True)
    # The unit a monitoring station watches (排污单位): the party of a lead its readings open.
    party_name = models.CharField(_("被监测单位"), max_length=200, blank=True)
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices, default=Domain.ECOLOGY)
    longitude = _degrees(_("经度"))
    latitude = _degrees(_("纬度"))
    address = models.CharField(_("安装地点"), max_length=200, blank=True)
    limits = models.JSONField(_("限值"), default=dict, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("取证设备")
        verbose_name_plural = _("取证设备")
        ordering = ["agency", "kind", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "identifier"], name="devices_identifier_once_per_agency"),
            models.CheckConstraint(
                condition=(Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180))
                & (Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90)),
                name="devices_device_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.identifier}）"


class DeviceImport(models.Model):
    """Files an officer imported from a device, with the source metadata he gave (services.import_files).

    The custodian now (`holder_user` / `holder_agency`) moves with each custody event; `case` is the case the
    files went into as evidence (a lead opened from them, or an open case), after which the case file holds them.
    """

    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="imports")
    operator = models.CharField(_("操作人员或单位"), max_length=200)
    longitude = _degrees(_("经度"))
    latitude = _degrees(_("纬度"))
    address = models.CharField(_("地点"), max_length=200, blank=True)
    captured_at = models.DateTimeField(_("采集时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("导入时间"))
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entry_index = models.BigIntegerField()

    class Meta:
        verbose_name = _("设备取证导入")
        verbose_name_plural = _("设备取证导入")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.device} · {self.imported_at:%Y-%m-%d %H:%M}"


class ImportedFile(models.Model):
    """One file of an import with its own metadata: the EXIF read on the server, and the capture time and place
    the record keeps — from the form, else from the EXIF (`*_origin` says which) — and any disagreement."""

    device_import = models.ForeignKey(DeviceImport, on_delete=models.PROTECT, related_name="files")
    sha256 = models.CharField(max_length=64)
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    # {"taken_at": "…", "offset": "+08:00", "latitude": "…", "longitude": "…", "make": "…", "model": "…"}: only
    # what the photo carried, as text.
    exif = models.JSONField(default=dict, blank=True)
    captured_at = models.DateTimeField(_("采集时间"), null=True, blank=True)
    captured_at_origin = models.CharField(max_length=10, choices=Origin.choices, blank=True)
    longitude = _degrees(_("经度"))
    latitude = _degrees(_("纬度"))
    place_origin = models.CharField(max_length=10, choices=Origin.choices, blank=True)
    # Chinese sentences, one per disagreement between the form and the EXIF (both values are kept).
    flags = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("导入文件")
        verbose_name_plural = _("导入文件")
        ordering = ["device_import", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["device_import", "sha256"], name="devices_file_once_per_import"),
        ]

    def __str__(self) -> str:
        return self.name or self.sha256[:12]


class CustodyEvent(models.Model):
    """A step of one file's chain of custody (保管链): from `at`, `holder_name` held it, until the next step.

    Written by the service that makes the change, beside the ledger entry that proves it (`entry_index`);
    the holder's name is a snapshot, so the chain reads the same after people and agencies change.
    """

    file = models.ForeignKey(ImportedFile, on_delete=models.PROTECT, related_name="custody")
    kind = models.CharField(_("环节"), max_length=20, choices=CustodyKind.choices)
    at = models.DateTimeField(_("时间"))
    holder_name = models.CharField(_("保管人"), max_length=200)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(_("说明"), max_length=500, blank=True)
    entry_index = models.BigIntegerField()

    class Meta:
        verbose_name = _("保管环节")
        verbose_name_plural = _("保管环节")
        ordering = ["file", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.holder_name}"


class Reading(models.Model):
    """One automatic monitoring reading a device posted (/api/v1/devices/readings), kept whether or not it was
    over its limit; `case` is the lead it opened or joined (services.reading_receive: the lead rule)."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="readings")
    reading_id = models.CharField(_("读数编号"), max_length=64)
    parameter = models.CharField(_("监测项目"), max_length=40)
    value = models.DecimalField(_("监测值"), max_digits=16, decimal_places=4)
    unit = models.CharField(_("单位"), max_length=20)
    limit = models.DecimalField(_("限值"), max_digits=16, decimal_places=4)
    limit_source = models.CharField(_("限值来源"), max_length=200)
    measured_at = models.DateTimeField(_("监测时间"))
    over = models.BooleanField(_("超标"))
    opened_lead = models.BooleanField(default=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entry_index = models.BigIntegerField()

    class Meta:
        verbose_name = _("监测读数")
        verbose_name_plural = _("监测读数")
        ordering = ["-measured_at", "-pk"]
        constraints = [
            # A replay of the same reading finds this row and answers as the first time (idempotency).
            models.UniqueConstraint(fields=["device", "reading_id"], name="devices_reading_once_per_device"),
        ]
        indexes = [models.Index(fields=["device", "parameter", "case"], name="devices_reading_episode")]

    def __str__(self) -> str:
        return f"{self.device.identifier} {self.parameter}={self.value}{self.unit}"
