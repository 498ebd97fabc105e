"""`mlplane up`: start api, worker and gateway, and restart any that dies.

The api starts first and prepares the home (schema, first administrator); the worker and
gateway follow once it answers, so on a small machine the api gets the CPU to itself while
it imports. The supervisor itself imports almost nothing, which keeps start-up short.
One platform per home: an exclusive lock on `platform.lock` makes a second one refuse to
start. The addresses go to `server.json` so the SDK and CLI find the platform.
"""

from __future__ import annotations

import fcntl
import http.client
import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

from mlplane.core.settings import Settings

logger = logging.getLogger("mlplane.supervisor")

RESTART_BACKOFF = (0.5, 1.0, 2.0, 5.0, 10.0)
STABLE_AFTER = 30.0
STOP_GRACE = 10.0


class PlatformAlreadyRunning(RuntimeError):
    pass


@dataclass
class Child:
    kind: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    restarts: int = 0
    next_start: float = 0.0
    failures_in_row: int = field(default=0)

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.command, env=env)
        self.started = time.monotonic()


def acquire_home_lock(settings: Settings) -> IO[str]:
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = open(settings.lock_file, "a+")  # noqa: SIM115 - held for the platform's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        handle.close()
        where = ""
        try:
            record = json.loads(settings.server_file.read_text())
            where = f" (pid {record.get('pid')}, {record.get('url')})"
        except (OSError, ValueError):
            pass
        raise PlatformAlreadyRunning(
            f"another mlplane platform is already running on {settings.home}{where}; "
            "stop it first or pass a different --home"
        ) from error
    return handle


def _child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env["MLPLANE_HOME"] = str(settings.home)
    env["MLPLANE_DATABASE_URL"] = settings.database_url
    env["MLPLANE_ARTIFACT_ROOT"] = settings.artifact_root
    env.pop("MLPLANE_URL", None)
    return env


class Supervisor:
    def __init__(self, settings: Settings, host: str, port: int, gateway_port: int) -> None:
        self.settings = settings
        self.host = host
        self.port = port
        self.gateway_port = gateway_port
        self.stopping = False
        module = [sys.executable, "-m", "mlplane.server.processes"]
        self.children = [
            Child("api", [*module, "api", "--supervised", "--host", host, "--port", str(port)]),
            Child("worker", [*module, "worker", "--supervised"]),
            Child(
                "gateway",
                [*module, "gateway", "--supervised", "--host", host, "--port", str(gateway_port)],
            ),
        ]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"

    def start(self) -> None:
        """Start the api; `wait_healthy` starts the others once it answers."""
        self.children[0].start(_child_env(self.settings))

    def wait_healthy(self, timeout: float) -> bool:
        """Wait for the api to answer, then start the worker and gateway.

        Children that die meanwhile are restarted.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.watch_once()
            if self._api_answers():
                env = _child_env(self.settings)
                for child in self.children[1:]:
                    if child.process is None:
                        child.start(env)
                return True
            time.sleep(0.02)
        return False

    def _api_answers(self) -> bool:
        # http.client rather than httpx: importing it costs nothing at start-up.
        connection = http.client.HTTPConnection(self.host, self.port, timeout=1.0)
        try:
            connection.request("GET", "/api/v1/health")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def publish(self) -> None:
        """Record the addresses where the SDK and CLI will look for this platform."""
        record = {
            "pid": os.getpid(),
            "url": self.url,
            "gateway_url": self.gateway_url,
            "home": str(self.settings.home),
            "started_at": time.time(),
        }
        temporary = self.settings.server_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(record, indent=2))
        temporary.replace(self.settings.server_file)

    def watch_once(self) -> None:
        """Restart children that died, backing off when one keeps dying."""
        now = time.monotonic()
        env = _child_env(self.settings)
        for child in self.children:
            if child.process is None:
                continue
            if child.process.poll() is None:
                if now - child.started > STABLE_AFTER:
                    child.failures_in_row = 0
                continue
            if child.next_start == 0.0:
                delay = RESTART_BACKOFF[min(child.failures_in_row, len(RESTART_BACKOFF) - 1)]
                child.next_start = now + delay
                logger.warning(
                    "process died; restarting",
                    extra={"kind": child.kind, "code": child.process.returncode, "in_s": delay},
                )
            if now >= child.next_start:
                child.failures_in_row += 1
                child.restarts += 1
                child.next_start = 0.0
                child.start(env)

    def stop(self) -> None:
        self.stopping = True
        for child in self.children:
            if child.process is not None and child.process.poll() is None:
                child.process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        Path(self.settings.server_file).unlink(missing_ok=True)

    def run_forever(self) -> None:
        def on_signal(signum: int, _frame: FrameType | None) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        try:
            while not self.stopping:
                self.watch_once()
                time.sleep(0.2)
        finally:
            self.stop()
