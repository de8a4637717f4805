from __future__ import annotations

from django.apps import AppConfig


class RecordingsConfig(AppConfig):
    name = "zhifa.recordings"
    label = "recordings"
    verbose_name = "音像记录"
