from __future__ import annotations

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "zhifa.desk"
    label = "desk"
    verbose_name = "工作台"
