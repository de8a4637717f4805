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


BEGIN_CHECK = """
import sqlite3, sys
import django
django.setup()
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

path = connection.settings_dict["NAME"]
connection.ensure_connection()

def held():
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        return "locked" in str(error)
    finally:
        other.close()

print(type(connections["default"]).__module__)
print(held())
with transaction.atomic():
    print(held())
with CaptureQueriesContext(connection) as logged, transaction.atomic():
    print(held())
print([query["sql"] for query in logged.captured_queries])
holder = sqlite3.connect(path)
holder.execute("BEGIN IMMEDIATE")
connection.connection.execute("PRAGMA busy_timeout=0")
try:
    with transaction.atomic():
        pass
except OperationalError as error:
    print(type(error).__module__, error)
print(connection.in_atomic_block, connection.get_autocommit())
"""


def test_a_transaction_holds_the_write_lock_from_its_begin(tmp_path):
    """Every transaction begins IMMEDIATE, on the driver's connection (zhifa/core/sqlite) or, while queries
    are logged, through Django's cursor (so the log shows the BEGIN); a BEGIN that cannot get the lock
    fails as Django's OperationalError and leaves no transaction open."""
    env = {**os.environ, "ZHIFA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "zhifa.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", BEGIN_CHECK], env=env, capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    assert lines[0] == "zhifa.core.sqlite.base"
    assert lines[1:4] == ["False", "True", "True"]  # nobody holds the lock; then our transactions do
    assert lines[4] == "['BEGIN IMMEDIATE', 'COMMIT']"
    assert lines[5] == "django.db.utils database is locked"
    assert lines[6] == "False True"
