"""A worker's job loop over the same home and database as the in-process `client`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import mlplane
from mlplane.compute.scheduler import JobRunner
from mlplane.compute.schemas import Job
from mlplane.core.settings import load_settings
from mlplane.server.platform import Platform

RunJob = Callable[..., Job]


@pytest.fixture
def runner(client: mlplane.Client, home: Path) -> Iterator[JobRunner]:
    client.health()  # the in-process app has migrated the database
    platform = Platform(load_settings(home))
    job_runner = JobRunner(platform)
    yield job_runner
    for attempt in job_runner.attempts.values():
        attempt.execution.stop()
    platform.close()


def tick_until(runner: JobRunner, check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the condition was not met in time"
        runner.tick()
        time.sleep(0.1)


@pytest.fixture
def run_job(client: mlplane.Client, runner: JobRunner, project: str) -> RunJob:
    """Submit a job to the test project and run the worker loop until it has ended."""

    def run(timeout: float = 60.0, **spec: Any) -> Job:
        job = client.jobs.submit(project=project, **spec)
        tick_until(
            runner,
            lambda: client.jobs.get(job.id, project=project).status.is_terminal,
            timeout,
        )
        return client.jobs.get(job.id, project=project)

    return run


@pytest.fixture
def worker_thread(runner: JobRunner) -> Iterator[None]:
    """The job loop ticking beside the test, as the worker process would."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            runner.tick()
            time.sleep(0.1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)
