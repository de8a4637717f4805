from __future__ import annotations

from django.apps import AppConfig


class StackConfig(AppConfig):
    name = "zhifa.stack"
    label = "stack"
    verbose_name = "生产部署"
