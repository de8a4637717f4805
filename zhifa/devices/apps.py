from __future__ import annotations

from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "zhifa.devices"
    label = "devices"
    verbose_name = "非现场执法设备与取证"
