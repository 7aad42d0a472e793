"""Redis, PostgreSQL and the pinned Dapr binaries, for local runs and tests."""

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from devstack.ports import is_listening
from devstack.processes import LineSink, ManagedProcess

REPO_ROOT = Path(__file__).resolve().parent.parent
DAPR_VERSION = "1.18.2"
TOOLS_DIR = REPO_ROOT / ".tools"


class StackError(RuntimeError):
    """Something did not come up; the message names it and shows its last log lines."""


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise StackError(f"timed out after {timeout:.0f}s waiting for {what}")


def _daprd_version(path: Path) -> str | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def dapr_binary(name: str) -> Path:
    """The pinned `daprd`/`scheduler`: ~/.dapr/bin when it is the pinned version, else .tools."""
    installed = Path.home() / ".dapr" / "bin" / name
    if installed.exists() and _daprd_version(installed) == DAPR_VERSION:
        return installed
    built = TOOLS_DIR / f"dapr-{DAPR_VERSION}" / name
    if built.exists():
        return built
    raise StackError(f"{name} {DAPR_VERSION} not found: run `make setup` (builds it into {built})")


def redis_process(
    port: int, data_dir: Path, sink: LineSink | None, log_file: Path | None
) -> ManagedProcess:
    data_dir.mkdir(parents=True, exist_ok=True)
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    argv = [
        server,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--save", "",
        # Acknowledged writes survive a Redis restart (the fault tests restart it).
        "--appendonly", "yes",
        "--appendfsync", "always",
        "--protected-mode", "yes",
    ]  # fmt: skip
    return ManagedProcess("redis", argv, sink=sink, log_file=log_file)


def start_redis(
    port: int, data_dir: Path, sink: LineSink | None, log_file: Path | None
) -> ManagedProcess:
    process = redis_process(port, data_dir, sink, log_file)
    process.start()
    wait_until(lambda: is_listening(port), 15, f"redis on port {port}")
    return process


class PostgresCluster:
    """A throw-away PostgreSQL cluster in a folder, run as the `postgres` user (it refuses root)."""

    def __init__(self, data_dir: Path, port: int, sink: LineSink | None = None) -> None:
        self.data_dir = data_dir
        self.port = port
        self.sink = sink
        self.process: ManagedProcess | None = None
        self._bin = Path(
            os.environ.get("PG_BIN")
            or next(
                iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), "/usr/bin"
            )
        )

    @property
    def user(self) -> str | None:
        return "postgres" if os.geteuid() == 0 else None

    def url(self, database: str = "todo") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self, database: str = "todo") -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(self.data_dir, self.user, self.user)
        if not (self.data_dir / "PG_VERSION").exists():
            initialised = subprocess.run(
                [str(self._bin / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                 "--auth=trust", "--no-sync", "-E", "UTF8"],
                capture_output=True, text=True, user=self.user,
            )  # fmt: skip
            if initialised.returncode != 0:
                raise StackError(f"initdb failed: {initialised.stderr}")
        self.process = ManagedProcess(
            "postgres",
            [str(self._bin / "postgres"), "-D", str(self.data_dir), "-p", str(self.port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.data_dir}",
             "-c", "fsync=on", "-c", "max_connections=200"],
            sink=self.sink, user=self.user,
        )  # fmt: skip
        self.process.start()
        wait_until(lambda: is_listening(self.port), 30, f"postgres on port {self.port}")
        wait_until(self._accepting_connections, 30, f"postgres on port {self.port} to accept")
        self.create_database(database)

    def create_database(self, database: str) -> str:
        """Create the database unless it exists; returns its asyncpg URL."""
        created = subprocess.run(
            [str(self._bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             database],
            capture_output=True, text=True,
        )  # fmt: skip
        if created.returncode != 0 and "already exists" not in created.stderr:
            raise StackError(f"createdb failed: {created.stderr}")
        return self.url(database)

    def _accepting_connections(self) -> bool:
        ready = subprocess.run(
            [str(self._bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True,
        )
        return ready.returncode == 0

    def stop(self) -> None:
        if self.process:
            self.process.stop(timeout=20)
