from __future__ import annotations

from collections.abc import Callable

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.compute.scheduler import JobRunner
from tests.compute.conftest import tick_until


def test_default_local_pool_reports_machine_capacity(client: mlplane.Client) -> None:
    pools = client.pools.list()
    local = next(pool for pool in pools if pool.name == "local")
    assert local.kind == "local"
    assert local.capacity.cpus >= 1
    assert local.capacity.memory_bytes > 0
    assert local.free.cpus == local.capacity.cpus


def test_pool_state_counts_running_and_queued_jobs(
    client: mlplane.Client, project: str, runner: JobRunner
) -> None:
    client.pools.create("tiny", "local", cpus=1, memory="1Gi")
    first = client.jobs.submit(project=project, command="sleep 60", pool="tiny")
    second = client.jobs.submit(project=project, command="sleep 60", pool="tiny")
    tick_until(runner, lambda: first.id in runner.attempts)
    pool = client.pools.get("tiny")
    assert (pool.used.cpus, pool.free.cpus, pool.used.jobs, pool.queued_jobs) == (1, 0, 1, 1)
    waiting = client.jobs.get(second.id, project=project)
    assert waiting.status == "QUEUED"
    assert waiting.reason == "waiting for pool 'tiny': needs 1 CPUs, 0 of 1 free"


def test_queue_starts_higher_priority_first(
    client: mlplane.Client, project: str, runner: JobRunner
) -> None:
    client.pools.create("tiny", "local", cpus=1, memory="1Gi")
    low = client.jobs.submit(project=project, command="sleep 60", pool="tiny", priority=0)
    high = client.jobs.submit(project=project, command="sleep 60", pool="tiny", priority=10)
    tick_until(runner, lambda: bool(runner.attempts))
    assert list(runner.attempts) == [high.id]
    assert client.jobs.get(low.id, project=project).status == "QUEUED"


def test_project_quota_holds_jobs_with_a_visible_reason(
    client: mlplane.Client, project: str, runner: JobRunner
) -> None:
    quota = client.jobs.set_quota(project=project, max_jobs=1, max_cpus=4)
    assert (quota.max_jobs, quota.max_cpus, quota.max_gpus) == (1, 4, None)
    first = client.jobs.submit(project=project, command="sleep 60")
    second = client.jobs.submit(project=project, command="sleep 60")
    tick_until(runner, lambda: first.id in runner.attempts)
    runner.tick()
    assert second.id not in runner.attempts
    waiting = client.jobs.get(second.id, project=project)
    assert waiting.reason == "project quota: 1 of 1 concurrent jobs running"
    assert client.jobs.quota(project=project).used.jobs == 1
    client.jobs.cancel(first.id, project=project)
    tick_until(runner, lambda: second.id in runner.attempts)


def test_job_bigger_than_quota_is_rejected(client: mlplane.Client, project: str) -> None:
    client.jobs.set_quota(project=project, max_cpus=1)
    with pytest.raises(ApiError) as error:
        client.jobs.submit(project=project, command="true", resources={"cpu": 2})
    assert error.value.status == 422
    assert "resources.cpu" in error.value.detail


def test_only_administrators_set_quotas_and_pools(
    client: mlplane.Client, project: str, user_client: Callable[..., mlplane.Client]
) -> None:
    owner = user_client("olga", project, "admin")
    with pytest.raises(ApiError) as error:
        owner.jobs.set_quota(project=project, max_jobs=100)
    assert error.value.status == 403
    with pytest.raises(ApiError) as error:
        owner.pools.create("mine", "local")
    assert error.value.status == 403
    assert owner.jobs.quota(project=project).max_jobs is None


def test_ray_pool_needs_address_and_capacity(client: mlplane.Client) -> None:
    with pytest.raises(ApiError) as error:
        client.pools.create("cluster", "ray", cpus=4, memory="8Gi")
    assert error.value.status == 422
    assert "address" in error.value.detail
    with pytest.raises(ApiError) as error:
        client.pools.create("cluster", "ray", address="http://127.0.0.1:8265")
    assert error.value.status == 422
    assert "cpus" in error.value.detail


def test_update_pool_changes_capacity_and_prices(client: mlplane.Client) -> None:
    client.pools.create("tiny", "local", cpus=1, memory="1Gi")
    pool = client.pools.update("tiny", cpus=2, prices={"cpu_hour": 0.5, "spot_factor": 0.3})
    assert pool.capacity.cpus == 2
    assert (pool.prices.cpu_hour, pool.prices.spot_factor) == (0.5, 0.3)
    with pytest.raises(ApiError) as error:
        client.pools.create("tiny", "local")
    assert error.value.status == 409
