from __future__ import annotations

from django.apps import AppConfig


class PowersConfig(AppConfig):
    name = "zhifa.powers"
    label = "powers"
    verbose_name = "执法主体、权责与检查事项清单"
