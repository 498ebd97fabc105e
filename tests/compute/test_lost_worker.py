"""A worker killed mid-job: its lease expires and another worker retries or fails the job."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import mlplane
from mlplane.compute.schemas import Job
from tests.harness.platform import RunningPlatform, run_platform


def _wait(check: Callable[[], bool], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the condition was not met in time"
        time.sleep(0.2)


def _kill_worker(platform: RunningPlatform) -> int:
    worker = platform.children()["worker"]
    os.kill(worker, signal.SIGKILL)
    _wait(lambda: platform.children().get("worker") not in (None, worker))
    return worker


def _job_processes(job_id: str) -> list[int]:
    """Processes on this machine started for a job (they carry its id in their environment)."""
    marker = f"MLPLANE_JOB_ID={job_id}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_killed_worker_job_is_retried_then_failed_never_stuck(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"MLPLANE_COMPUTE_LEASE_SECONDS": "3"}
    with (
        run_platform(home, env=env) as platform,
        mlplane.Client(platform.url, platform.token) as client,
    ):
        client.projects.create("lost")
        job = client.jobs.submit(
            project="lost", command="sleep 600", retry={"max_retries": 1, "backoff_seconds": 0}
        )

        def attempt_running(number: int) -> Callable[[], bool]:
            def check() -> bool:
                current = client.jobs.get(job.id, project="lost")
                return current.status == "RUNNING" and current.attempt == number

            return check

        _wait(attempt_running(1))
        _kill_worker(platform)

        # The restarted worker finds the expired lease and retries the job.
        _wait(attempt_running(2))
        lines = [line.text for line in client.jobs.logs(job.id, project="lost").lines]
        assert any("lost: worker" in text and "retry 1 of 1" in text for text in lines)

        _kill_worker(platform)
        _wait(lambda: client.jobs.get(job.id, project="lost").status.is_terminal)
        ended: Job = client.jobs.get(job.id, project="lost")
        assert ended.status == "FAILED"
        assert ended.reason is not None
        assert ended.reason.startswith("lost: worker")
        assert client.runs.get(ended.run_id or "", project="lost").status == "FAILED"
        # The attempts died with their workers: nothing of the job is left running.
        _wait(lambda: not _job_processes(job.id), timeout=15)
