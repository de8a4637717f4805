from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


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
        post_migrate.connect(_reinstall_tallies, sender=self)


def _reinstall_tallies(using: str = "default", **kwargs: Any) -> None:
    # SQLite alters a table by copying it into a new one, which drops its triggers: after any migration, the case
    # table's tally triggers are put back (and the counts recounted) if a remake removed them (supervision/tallies.py).
    from zhifa.supervision import tallies

    tallies.ensure_installed(using)
