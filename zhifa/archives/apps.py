from __future__ import annotations

from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "zhifa.archives"
    label = "archives"
    verbose_name = "案卷归档"
