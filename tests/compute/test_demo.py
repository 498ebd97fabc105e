from __future__ import annotations

import mlplane
from mlplane.compute.scheduler import JobRunner
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_compute
from tests.compute.conftest import tick_until


def test_seed_compute_makes_one_finished_job_with_logs_and_cost(
    client: mlplane.Client, runner: JobRunner
) -> None:
    seed_catalog(client)
    seed_compute(client)
    seed_compute(client)

    jobs = client.jobs.list(project=DEMO_PROJECT)
    assert [job.name for job in jobs] == ["hello-compute"]
    tick_until(
        runner,
        lambda: client.jobs.get(jobs[0].id, project=DEMO_PROJECT).status.is_terminal,
        timeout=120,
    )
    job = client.jobs.get(jobs[0].id, project=DEMO_PROJECT)
    texts = [line.text for line in client.jobs.logs(job.id, project=DEMO_PROJECT).lines]
    assert job.status == "SUCCEEDED", texts
    assert texts[0] == "step 0: loss 1.000"
    assert texts[-1] == "done"
    assert job.usage.cost > 0
    run = client.runs.get(job.run_id or "", project=DEMO_PROJECT)
    assert run.metrics["loss"].step == 4
    assert client.cost.project(DEMO_PROJECT).total > 0
