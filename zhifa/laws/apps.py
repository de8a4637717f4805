from __future__ import annotations

from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "zhifa.laws"
    label = "laws"
    verbose_name = "法律依据与裁量基准"
