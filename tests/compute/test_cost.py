from __future__ import annotations

import sys

import pytest

import mlplane
from mlplane.client.errors import ApiError
from tests.compute.conftest import RunJob

HOUR = 3600.0


def test_job_cost_is_resource_seconds_at_pool_prices(
    client: mlplane.Client, project: str, run_job: RunJob
) -> None:
    client.pools.create(
        "priced", "local", cpus=2, memory="4Gi", prices={"cpu_hour": 3.6, "gb_hour": 7.2}
    )
    job = run_job(
        command=[sys.executable, "-c", "import time; time.sleep(1)"],
        pool="priced",
        resources={"cpu": 2, "memory": "1Gi"},
    )
    assert job.status == "SUCCEEDED"
    usage = job.usage
    assert usage.cpu_seconds == pytest.approx(2 * usage.gb_seconds)
    assert usage.cpu_seconds >= 2
    assert usage.cost == pytest.approx(
        usage.cpu_seconds / HOUR * 3.6 + usage.gb_seconds / HOUR * 7.2
    )

    report = client.cost.project(project, days=7)
    assert report.jobs == 1
    assert report.total == pytest.approx(usage.cost)
    assert len(report.days) == 1
    assert report.days[0].cost == pytest.approx(usage.cost)
    assert report.days[0].cpu_hours == pytest.approx(usage.cpu_seconds / HOUR)
    assert client.cost.platform(days=7).by_project == {project: pytest.approx(usage.cost)}


def test_spot_jobs_pay_the_spot_factor(
    client: mlplane.Client, project: str, run_job: RunJob
) -> None:
    client.pools.create(
        "spotty", "local", cpus=1, memory="1Gi", prices={"cpu_hour": 1.0, "spot_factor": 0.25}
    )
    job = run_job(
        command="sleep 0.5", pool="spotty", spot=True, resources={"cpu": 1, "memory": "1Mi"}
    )
    expected = (job.usage.cpu_seconds + job.usage.gb_seconds * 0) / HOUR * 0.25
    assert job.usage.cost == pytest.approx(expected)


def test_cost_rejects_bad_window(client: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError) as error:
        client.cost.project(project, days=0)
    assert error.value.status == 422
