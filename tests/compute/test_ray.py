"""Jobs on a `ray` pool go through the Ray Jobs API of a real local cluster."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

import mlplane
from mlplane.compute.scheduler import JobRunner
from tests.compute.conftest import RunJob, tick_until
from tests.harness.ray import ray_cluster
from tests.harness.services import require_service


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    try:
        cluster = ray_cluster()
        address = cluster.__enter__()
    except (OSError, RuntimeError, TimeoutError) as error:
        require_service("Ray", str(error))
        raise
    try:
        yield address
    finally:
        cluster.__exit__(None, None, None)


@pytest.fixture
def ray_pool(client: mlplane.Client, ray_address: str) -> str:
    client.pools.create(
        "cluster", "ray", address=ray_address, cpus=2, memory="2Gi", prices={"cpu_hour": 1.0}
    )
    return "cluster"


def test_ray_job_runs_with_its_env_and_logs(
    client: mlplane.Client, project: str, ray_pool: str, run_job: RunJob
) -> None:
    code = "import os; print('on ray', os.environ['GREETING'], os.environ['MLPLANE_JOB_ID'])"
    job = run_job(
        command=[sys.executable, "-c", code],
        pool=ray_pool,
        env={"GREETING": "hello"},
        resources={"cpu": 1, "memory": "256Mi"},
        timeout=180,
    )
    texts = [line.text for line in client.jobs.logs(job.id, project=project).lines]
    assert job.status == "SUCCEEDED", texts
    assert f"on ray hello {job.id}" in texts
    assert job.usage.cpu_seconds > 0
    assert job.usage.cost > 0


def test_ray_job_failure_and_cancel(
    client: mlplane.Client, project: str, ray_pool: str, runner: JobRunner, run_job: RunJob
) -> None:
    failed = run_job(command="exit 4", pool=ray_pool, timeout=180)
    assert failed.status == "FAILED"
    job = client.jobs.submit(project=project, command="sleep 300", pool=ray_pool)
    tick_until(runner, lambda: job.id in runner.attempts, timeout=60)
    execution = runner.attempts[job.id].execution
    assert execution.external_id == f"mlplane-{job.id}-1"
    client.jobs.cancel(job.id, project=project)
    tick_until(
        runner, lambda: client.jobs.get(job.id, project=project).status.is_terminal, timeout=120
    )
    assert client.jobs.get(job.id, project=project).status == "CANCELLED"
