"""A throwaway PostgreSQL server for the test suite: initdb in a temporary folder, a Unix socket in it.

`python -m zhifa.testing.postgres [pytest arguments]` starts one, runs the suite's database tests
against it, and removes it. The database must be chosen before Django reads its settings, which is
why this wraps pytest rather than living in a fixture.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the `postgres`
system user (created by Debian's package). The cluster is made with a UTF-8 locale so that text
search and trigram indexes see Chinese characters.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed; scripts/system-deps.sh installs them."""


def server_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found; run scripts/system-deps.sh")


class ThrowawayPostgres:
    """Start with `start()`, which returns Django DATABASES settings; `stop()` removes everything."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "data"
        self.bindir = server_bindir()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            owner = "postgres"
            try:
                pwd.getpwnam(owner)
            except KeyError:
                owner = "nobody"
            shutil.chown(base, user=owner)
            self.prefix = ["runuser", "-u", owner, "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, text=True)

    def start(self, *, durable: bool = False, settings: dict[str, str] | None = None) -> dict[str, Any]:
        """`durable`: PostgreSQL's own defaults (fsync, synchronous commit, full page writes) instead of the test
        suite's, for benchmarks whose figures depend on the commit's flush (bench/writers_bench.py). `settings`:
        more server settings (`-c name=value`)."""
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "zhifa",
            "--auth=trust",
            "--locale=C.UTF-8",
            "-E",
            "UTF8",
            "--no-sync",
        )
        # Durability settings are off: this cluster lives for one test run. Crash tests start their own.
        options = f"-k {self.base} -c listen_addresses=''"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        for name, value in (settings or {}).items():
            options += f" -c {name}={value}"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.base / "log"),
            "-w",
            "start",
        )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "postgres",
            "USER": "zhifa",
            "HOST": str(self.base),
            "PORT": "",
        }

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self) -> str:
        return f"postgres://zhifa@{quote(str(self.base), safe='')}/postgres"


def main(argv: list[str]) -> int:
    server = ThrowawayPostgres(Path(tempfile.mkdtemp(prefix="zhifa-pg-")))
    try:
        server.start()
        env = {**os.environ, "DATABASE_URL": server.url(), "ZHIFA_TEST_DB": "postgres"}
        return subprocess.run([sys.executable, "-m", "pytest", *argv], env=env, check=False).returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
