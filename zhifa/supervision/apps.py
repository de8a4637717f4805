from __future__ import annotations

import importlib
import pkgutil

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhifa.supervision"
    label = "supervision"
    verbose_name = "执法监督"

    def ready(self) -> None:
        # Each area's warning rules live in its own module `rules_<area>.py` and register themselves on import
        # (supervision/warning_rules.py): the rules table is assembled here, whatever areas are installed.
        package = importlib.import_module(self.name)
        for module in pkgutil.iter_modules(package.__path__):
            if module.name.startswith("rules_"):
                importlib.import_module(f"{self.name}.{module.name}")
