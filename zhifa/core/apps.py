from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zhifa.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from zhifa.core.forms import install_chinese_field_errors

        install_chinese_field_errors()  # Django's own field errors in Chinese, naming the field (core/forms.py)
