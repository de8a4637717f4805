"""Django's SQLite backend, with each transaction begun on the driver's connection.

Every transaction Zhifa makes on SQLite begins with `BEGIN IMMEDIATE` (settings: `transaction_mode`), so
that the writer holds the database lock from its first statement. Django sends that statement through
its cursor wrapper (placeholder rewriting, query-log and async checks, execute wrappers), which costs
more than SQLite's own BEGIN: ~7 µs of the ~31 µs an empty `transaction.atomic()` takes here, and one
record() in its own transaction is ~200 µs of Python and SQLite before the disk's sync. This backend
sends the same statement on the driver's connection inside Django's error translation; while Django
logs queries or an execute wrapper is installed, it goes through Django's cursor as before, so the log
and the wrappers see it. docs/decisions.md ("Transactions begun on the driver's connection").
"""

from __future__ import annotations

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        if self.queries_logged or self.execute_wrappers:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in django-stubs
            return
        mode = getattr(self, "transaction_mode", None)  # the OPTIONS of Django 5.1, not in django-stubs either
        statement = "BEGIN" if mode is None else f"BEGIN {mode}"
        self.validate_thread_sharing()  # as Django's cursor would
        with self.wrap_database_errors:
            self.connection.execute(statement)
