"""The platform as users run it: `mlplane up` with real child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import mlplane
from tests.harness.platform import run_platform, wait_healthy

pytestmark = pytest.mark.platform


def _wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_up_serves_health_and_rejects_anonymous_calls(tmp_path: Path) -> None:
    with run_platform(tmp_path / "home") as platform:
        assert httpx.get(f"{platform.url}/api/v1/health").json()["status"] == "ok"
        assert httpx.get(f"{platform.url}/api/v1/projects").status_code == 401
        assert httpx.get(f"{platform.gateway_url}/v2/health/live").json() == {"live": True}
        assert httpx.get(f"{platform.gateway_url}/v2").status_code == 401
        assert set(platform.children()) == {"api", "worker", "gateway"}
        assert oct(os.stat(platform.home / "admin.token").st_mode & 0o777) == "0o600"


def test_up_writes_token_once_and_sdk_finds_the_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    with run_platform(home) as platform:
        monkeypatch.setenv("MLPLANE_HOME", str(home))
        with mlplane.Client() as client:
            assert client.url == platform.url
            assert client.users.me().name == "admin"
            client.projects.create("found")
    log = platform.log.read_text()
    assert log.count(platform.token) == 1


def test_up_restarts_a_killed_child(tmp_path: Path) -> None:
    with run_platform(tmp_path / "home") as platform:
        for kind in ("api", "worker", "gateway"):
            old_pid = platform.children()[kind]
            os.kill(old_pid, signal.SIGKILL)
            _wait_for(lambda kind=kind, old=old_pid: platform.children().get(kind, old) != old)
        wait_healthy(platform.url)
        _wait_for(lambda: _answers(f"{platform.gateway_url}/v2/health/ready"))


def test_up_twice_on_one_home_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with run_platform(home):
        second = subprocess.run(
            [sys.executable, "-m", "mlplane", "--home", str(home), "up", "--port", "0"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert second.returncode == 1
    assert "already running" in second.stderr


def test_sigterm_stops_every_child(tmp_path: Path) -> None:
    with run_platform(tmp_path / "home") as platform:
        children = platform.children()
        platform.process.send_signal(signal.SIGTERM)
        platform.process.wait(timeout=30)
    for pid in children.values():
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    assert not (platform.home / "server.json").exists()


def test_kill_platform_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    home = tmp_path / "home"
    acknowledged: list[str] = []
    with run_platform(home) as platform:
        headers = {"Authorization": f"Bearer {platform.token}"}
        stop = threading.Event()

        def write() -> None:
            with httpx.Client(base_url=platform.url, headers=headers, timeout=5) as http:
                index = 0
                while not stop.is_set():
                    name = f"p{threading.get_ident() % 1000}-{index}"
                    index += 1
                    try:
                        response = http.post("/api/v1/projects", json={"name": name})
                    except httpx.TransportError:
                        return
                    if response.status_code == 201:
                        acknowledged.append(name)

        writers = [threading.Thread(target=write) for _ in range(4)]
        for writer in writers:
            writer.start()
        _wait_for(lambda: len(acknowledged) >= 40)
        # The whole process group, supervisor and children, dies at once.
        for pid in [platform.process.pid, *platform.children().values()]:
            os.kill(pid, signal.SIGKILL)
        stop.set()
        for writer in writers:
            writer.join()
        platform.process.wait()

    with run_platform(home) as restarted:
        client = mlplane.Client(restarted.url, restarted.token)
        stored = {project.name for project in client.projects.list()}
    assert set(acknowledged) <= stored
