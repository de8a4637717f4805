from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhifa.jobs"
    label = "jobs"
    verbose_name = "后台任务"
