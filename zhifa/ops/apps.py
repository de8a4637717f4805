from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: backup and restore of the data folder, readiness, request ids and logs, metrics."""

    name = "zhifa.ops"
    label = "ops"
    verbose_name = "运维"
