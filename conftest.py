"""Test harness: the database pass, the browser, and personas.

`pytest` runs everything on SQLite. `python -m zhifa.testing.postgres` starts a throwaway PostgreSQL
server and runs pytest again against it (DATABASE_URL, ZHIFA_TEST_DB=postgres), keeping only the tests
that touch the database.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

TEST_DB = os.environ.get("ZHIFA_TEST_DB", "sqlite")
# `make test` runs the date-sensitive tests again with the clock moved (a day in Spring Festival 2027, a leap
# day): a test that leans on the real date fails there rather than on some future day in CI.
TEST_CLOCK = os.environ.get("ZHIFA_TEST_CLOCK", "")
CHROMIUM = "/usr/bin/chromium"
DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}
# Fixtures that set the clock to a fixed day before the test reads it (zhifa/inspections' `ground`): their tests
# run alike under any clock, so the moved-clock passes leave them out as they do the dateless ones.
FIXED_CLOCK_FIXTURES = {"ground"}

# Playwright's sync API keeps an event loop running in the main thread for the rest of the session,
# and Django's ORM refuses to run beside one unless told it is safe — which it is: the loop is
# Playwright's, not Django's. (The deployment check test removes this from its environment.)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _flush_under_maintenance() -> None:
    """Transactional tests empty every table afterwards; the ledger's triggers must let that through."""
    from django.test import TransactionTestCase

    from zhifa.ledger.guard import maintenance

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self: TransactionTestCase) -> None:
        with maintenance():
            original(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


_flush_under_maintenance()


def _one_request_at_a_time_on_sqlite() -> None:
    """On SQLite the test database lives in memory, and the live server's threads share its one connection: a page
    that loads several files at once (a case's photo thumbnails) beside a form's POST would interleave their
    transactions on that connection ("no such savepoint"). The live server therefore answers one request at a time
    there, as a real installation's separate connections need not. PostgreSQL keeps the threaded server as it is."""
    if TEST_DB == "postgres":
        return
    import threading

    from django.core.handlers.wsgi import WSGIHandler

    original = WSGIHandler.__call__
    lock = threading.RLock()

    def __call__(self: WSGIHandler, environ: Any, start_response: Any) -> Any:
        with lock:
            return original(self, environ, start_response)

    WSGIHandler.__call__ = __call__  # type: ignore[method-assign]


_one_request_at_a_time_on_sqlite()


def pytest_configure(config: pytest.Config) -> None:
    if TEST_CLOCK:
        moved = datetime.fromisoformat(TEST_CLOCK)
        if moved.tzinfo is None:
            raise pytest.UsageError("ZHIFA_TEST_CLOCK needs a time zone, e.g. 2027-02-08T10:00:00+08:00")
        # Ticking, so that timeouts and durations still pass; tests that set their own date override it.
        time_machine.travel(moved, tick=True).start()


def pytest_report_header(config: pytest.Config) -> str:
    return f"zhifa: database {TEST_DB}, clock {TEST_CLOCK or 'real'}"


def _uses_db(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DB_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under a moved clock, leave out the tests whose subprocesses keep the real one and the slow ones that never
    read the date (they ran in the first pass); on the PostgreSQL pass, run only the tests that touch the database,
    and on the others leave out those about PostgreSQL itself."""
    if TEST_CLOCK:
        once = [
            item
            for item in items
            if item.get_closest_marker("real_clock")
            or item.get_closest_marker("dateless")
            or FIXED_CLOCK_FIXTURES & set(getattr(item, "fixturenames", ()))
        ]
        if once:
            config.hook.pytest_deselected(items=once)
            items[:] = [item for item in items if item not in once]
    if TEST_DB != "postgres":
        only_postgres = [item for item in items if item.get_closest_marker("postgres")]
        if only_postgres:
            config.hook.pytest_deselected(items=only_postgres)
            items[:] = [item for item in items if item not in only_postgres]
        return
    keep = [item for item in items if _uses_db(item)]
    dropped = [item for item in items if not _uses_db(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, headless; Playwright cannot download its own browser here."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh (make test does)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def world(db: None) -> Any:
    """Personas: a bureau with two branches, another bureau elsewhere, and the people in them."""
    from zhifa.testing.factories import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    """Argon2 is deliberately slow; tests that are not about passwords use a fast hasher."""
    if "argon2" in request.keywords:
        return
    if TEST_DB == "sqlite" or _uses_db(request.node):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _chinese_after_each_test() -> Any:
    """A page seen by an English user activates English in the thread (UserLanguageMiddleware); the next test
    must not inherit it (a service's refusal would then name roles in English)."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The login rate limit counts in Django's cache, per process: each test starts with no attempts counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login` stands for a finished login, which for an administrator includes his code.

    Tests of the login itself post to the login and code pages instead (zhifa/core/tests/test_two_factor.py).
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        from zhifa.testing.two_factor import pass_second_factor

        pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def evidence(settings: Any, tmp_path: Path) -> Path:
    """A fresh evidence store (a local folder) and upload spool for one test; returns the store's folder."""
    location = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(location)}},
    }
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    return location


@pytest.fixture(scope="session")
def migrated_data_folder(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A data folder with a freshly migrated SQLite database, for tests whose subprocesses need one.

    `zhifa migrate` on an empty file takes ~10 s; it runs once per session, as on a new machine (a data folder
    that does not exist yet, the shell's usual umask), and each test gets a copy: `migrated_data_folder(into)`
    copies the folder's files into `into` and returns it; `migrated_data_folder.template` is the folder migrate
    made, which core/tests/test_headers.py checks is private. What a copy holds is what a `migrate` would have
    left there.
    """
    import shutil
    import subprocess
    import sys

    template = tmp_path_factory.mktemp("migrated") / "fresh" / "var"
    strip = ("ZHIFA_", "DATABASE_URL", "DJANGO_", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(strip)}
    env["ZHIFA_DATA_DIR"] = str(template)
    before = os.umask(0o022)  # whatever the shell's umask, the process makes its own files private
    try:
        subprocess.run([sys.executable, "-m", "zhifa", "migrate", "-v0", "--noinput"], env=env, check=True, timeout=300)
    finally:
        os.umask(before)

    class Copies:
        def __init__(self) -> None:
            self.template = template

        def __call__(self, into: Path) -> Path:
            shutil.copytree(template, into, dirs_exist_ok=True)
            return into

    return Copies()
