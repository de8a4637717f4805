from __future__ import annotations

from django.apps import AppConfig


class PersonnelConfig(AppConfig):
    name = "zhifa.personnel"
    label = "personnel"
    verbose_name = "执法人员"
