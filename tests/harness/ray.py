"""A local Ray cluster: `ray start --head --block` on free ports, stopped with its processes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from tests.harness.ports import free_port


def ray_executable() -> str | None:
    beside = Path(sys.executable).parent / "ray"
    return str(beside) if beside.exists() else shutil.which("ray")


def _cluster_processes(temp_dir: str, gcs_port: int) -> list[int]:
    """Ray's processes for this cluster (they name its own temporary folder), and what its
    jobs started (their environment points at its GCS port)."""
    in_command = temp_dir.encode()
    in_environment = b"RAY_ADDRESS=", f":{gcs_port}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if in_command in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
                continue
            for variable in (entry / "environ").read_bytes().split(b"\0"):
                if variable.startswith(in_environment[0]) and variable.endswith(in_environment[1]):
                    found.append(int(entry.name))
                    break
        except OSError:
            continue
    return found


def _wait_dashboard(address: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ray start exited with {process.returncode}")
        try:
            # The version answers first; jobs can be submitted once their API lists them.
            if httpx.get(f"{address}/api/jobs/", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the Ray dashboard at {address} did not answer in {timeout} s")


@contextmanager
def ray_cluster(num_cpus: int = 2, timeout: float = 180.0) -> Iterator[str]:
    """Yield the dashboard address (for the Jobs API) of a fresh single-node cluster."""
    executable = ray_executable()
    if executable is None:
        raise RuntimeError("ray is not installed (pip install 'mlplane[ray]')")
    # Short: Ray puts unix sockets under it, and their paths are limited to 107 bytes.
    temp_dir = tempfile.mkdtemp(prefix="mlpray-", dir="/tmp")
    dashboard_port, gcs_port = free_port(), free_port()
    log = open(Path(temp_dir) / "start.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            executable,
            "start",
            "--head",
            "--block",
            f"--port={gcs_port}",
            "--dashboard-host=127.0.0.1",
            f"--dashboard-port={dashboard_port}",
            f"--ray-client-server-port={free_port()}",
            f"--dashboard-agent-listen-port={free_port()}",
            f"--metrics-export-port={free_port()}",
            f"--runtime-env-agent-port={free_port()}",
            f"--num-cpus={num_cpus}",
            "--num-gpus=0",
            "--object-store-memory=100000000",
            f"--temp-dir={temp_dir}",
            "--include-dashboard=true",
            "--disable-usage-stats",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"},
    )
    address = f"http://127.0.0.1:{dashboard_port}"
    try:
        _wait_dashboard(address, process, timeout)
        yield address
    finally:
        for signum in (signal.SIGTERM, signal.SIGKILL):
            if process.poll() is None:
                os.killpg(process.pid, signum)
            for pid in _cluster_processes(temp_dir, gcs_port):
                with suppress(ProcessLookupError):
                    os.kill(pid, signum)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                continue
        log.close()
        shutil.rmtree(temp_dir, ignore_errors=True)


def gcs_address(dashboard: str) -> str:
    """The cluster address the dashboard at `dashboard` was started with (its command line)."""
    port = dashboard.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        if f"--port={port}" in arguments:
            for argument in arguments:
                if argument.startswith("--gcs-address="):
                    return argument.partition("=")[2]
    raise RuntimeError(f"no Ray dashboard process listens on {dashboard}")
