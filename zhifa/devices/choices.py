"""The kinds of devices, of custody events and of where a file's metadata came from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    MONITORING = "monitoring", _("在线监测设备")
    CAMERA = "camera", _("视频监控")
    DRONE = "drone", _("无人机")
    SATELLITE = "satellite", _("卫星遥感")
    BODY_CAMERA = "body_camera", _("执法记录仪")


class CustodyKind(models.TextChoices):
    """A step of a file's chain of custody (保管链): who held it from when."""

    COLLECTED = "collected", _("设备采集")
    IMPORTED = "imported", _("导入系统")
    TRANSFERRED = "transferred", _("移交")
    ATTACHED = "attached", _("附入案件")


class Origin(models.TextChoices):
    """Where a file's capture time or place came from."""

    FORM = "form", _("导入时填写")
    EXIF = "exif", _("照片 EXIF")
    NONE = "", _("无")
