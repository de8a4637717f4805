from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhifa.audit"
    label = "audit"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from zhifa.audit import signals

        signals.connect()
