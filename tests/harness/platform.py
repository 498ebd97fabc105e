"""A real platform: `mlplane up` as a child process on free ports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.harness.ports import free_port


@dataclass
class RunningPlatform:
    process: subprocess.Popen[bytes]
    home: Path
    url: str
    gateway_url: str
    token: str
    log: Path

    def children(self) -> dict[str, int]:
        """kind -> pid of the supervisor's live children."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            ppid = next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("PPid:")
            )
            if ppid == self.process.pid and b"mlplane.server.processes" in command:
                kind = command[command.index(b"mlplane.server.processes") + 1].decode()
                found[kind] = int(entry.name)
        return found


def wait_healthy(url: str, timeout: float = 60.0, path: str = "/api/v1/health") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}{path}", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not become healthy in {timeout} s")


def _published_record(home: Path, pid: int, timeout: float = 30.0) -> dict[str, str]:
    """The addresses this platform published (a killed one may have left its own behind)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            record: dict[str, str] = json.loads((home / "server.json").read_text())
        except (OSError, ValueError):
            record = {}
        if record.get("pid") == pid:
            return record
        time.sleep(0.05)
    raise TimeoutError(f"the platform (pid {pid}) did not publish server.json")


@contextmanager
def run_platform(
    home: Path, *extra: str, env: dict[str, str] | None = None
) -> Iterator[RunningPlatform]:
    port, gateway_port = free_port(), free_port()
    log = home.parent / f"{home.name}-up.log"
    child_env = {**os.environ, **(env or {})}
    child_env.pop("MLPLANE_URL", None)
    child_env.pop("MLPLANE_TOKEN", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlplane",
            "--home",
            str(home),
            "up",
            "--port",
            str(port),
            "--gateway-port",
            str(gateway_port),
            *extra,
        ],
        stdout=open(log, "ab"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
        env=child_env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        record = _published_record(home, process.pid)
        token = (home / "admin.token").read_text().strip()
        # The gateway starts once the api answers; tests may talk to it straight away.
        wait_healthy(record["gateway_url"], path="/v2/health/ready")
        yield RunningPlatform(process, home, record["url"], record["gateway_url"], token, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
