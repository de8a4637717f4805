from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhifa.portal"
    label = "portal"
    verbose_name = "行政执法公示平台"
