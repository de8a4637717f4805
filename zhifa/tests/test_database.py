"""The suite runs on the database it was asked for, configured as the settings promise."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_database_is_the_one_asked_for():
    expected = "postgresql" if os.environ.get("ZHIFA_TEST_DB") == "postgres" else "sqlite"
    assert connection.vendor == expected


def test_the_database_is_configured_for_its_kind():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A UTF-8 ctype, or pg_trgm and full-text search see nothing in Chinese text.
            cursor.execute(
                "SELECT datctype, pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"
            )
            assert cursor.fetchone() == ("C.UTF-8", "UTF8")
        else:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone() == (1,)
            assert getattr(connection, "transaction_mode", None) == "IMMEDIATE"


def test_the_embedded_database_file_is_wal_with_full_sync(tmp_path):
    """The settings' SQLite file (not the in-memory test copy) is in WAL mode with durable commits."""
    env = {**os.environ, "ZHIFA_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA synchronous'); print(c.fetchone()[0]); c.execute('CREATE TABLE t (x)')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "zhifa.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "2"  # FULL
    with sqlite3.connect(tmp_path / "zhifa.sqlite3") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
