"""System checks of the ledger's deployment, shown by `zhifa check --deploy`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


def _key_path() -> Path | None:
    """Where the signing key is read from: a file, or None when the PEM itself came from the environment."""
    if settings.LEDGER_KEY_PEM:
        secret = os.environ.get("ZHIFA_LEDGER_KEY_PEM_FILE")
        return Path(secret).expanduser().resolve() if secret else None
    return Path(settings.LEDGER_KEY_FILE).expanduser().resolve()


@register(Tags.security, deploy=True)
def signing_key_outside_data_folder(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Anyone holding a copy of the data folder (a backup) must not also hold the key that signs the record."""
    path = _key_path()
    if path is None or not path.is_relative_to(Path(settings.DATA_DIR).resolve()):
        return []
    return [
        Warning(
            f"全过程记录的签名私钥位于数据目录内（{path}）：持有数据目录副本（如备份）的人可以签署被改写的记录。"
            f"The ledger's signing key {path} is inside the data folder {settings.DATA_DIR}.",
            hint="请将私钥移到数据目录以外，并设置 ZHIFA_LEDGER_KEY_FILE 或 ZHIFA_LEDGER_KEY_PEM_FILE"
            "（见 docs/operations.md）。",
            id="ledger.W001",
        )
    ]
