from __future__ import annotations

from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "zhifa.publicity"
    label = "publicity"
    verbose_name = "执法决定公开"
