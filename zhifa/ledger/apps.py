from __future__ import annotations

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "zhifa.ledger"
    label = "ledger"
    verbose_name = "全过程记录"

    def ready(self) -> None:
        from zhifa.ledger import checks, guard

        assert checks.signing_key_outside_data_folder  # imported for its @register (zhifa check --deploy)

        guard.connect()
