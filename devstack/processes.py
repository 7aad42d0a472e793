"""Child processes that are always stopped: own process group, SIGTERM, then SIGKILL."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

LineSink = Callable[[str, str], None]


def print_prefixed(name: str, line: str) -> None:
    sys.stdout.write(f"[{name}] {line}")
    sys.stdout.flush()


class ManagedProcess:
    """A child in its own session, so stopping it also stops whatever it spawned."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        log_file: Path | None = None,
        sink: LineSink | None = None,
        user: str | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.log_file = log_file
        self.sink = sink
        self.user = user
        self.recent: deque[str] = deque(maxlen=200)
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        self._process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            user=self.user,
        )
        self._reader = threading.Thread(
            target=self._pump_output, name=f"log-{self.name}", daemon=True
        )
        self._reader.start()

    def _pump_output(self) -> None:
        assert self._process
        assert self._process.stdout
        with contextlib.ExitStack() as stack:
            log: IO[str] | None = None
            if self.log_file:
                log = stack.enter_context(open(self.log_file, "a"))
            for raw in self._process.stdout:
                line = raw.decode("utf-8", errors="replace")
                self.recent.append(line)
                if log:
                    log.write(line)
                    log.flush()
                if self.sink:
                    self.sink(self.name, line)

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def returncode(self) -> int | None:
        return self._process.poll() if self._process else None

    def kill(self) -> None:
        """SIGKILL the whole group at once (fault-injection tests)."""
        self._signal_group(signal.SIGKILL)
        if self._process:
            self._process.wait(timeout=10)

    def stop(self, timeout: float = 10.0, sig: signal.Signals = signal.SIGTERM) -> None:
        """`sig` to the group (PostgreSQL wants SIGINT for a fast shutdown), SIGKILL after
        `timeout`."""
        if not self._process:
            return
        if self._process.poll() is None:
            self._signal_group(sig)
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self._process.wait(timeout=10)
        else:
            self._signal_group(signal.SIGKILL)  # stragglers of an exited leader
        if self._reader:
            self._reader.join(timeout=5)

    def _signal_group(self, sig: signal.Signals) -> None:
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, sig)

    def tail(self, lines: int = 40) -> str:
        return "".join(list(self.recent)[-lines:])
