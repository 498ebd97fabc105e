from __future__ import annotations

import mlplane
from mlplane.compute.demo import DEMO_STUDY, TRIALS
from mlplane.compute.scheduler import JobRunner
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_compute
from tests.compute.conftest import tick_until


def test_seed_compute_makes_one_finished_job_with_logs_and_cost(
    client: mlplane.Client, runner: JobRunner
) -> None:
    seed_catalog(client)
    seed_compute(client)
    seed_compute(client)

    jobs = [job for job in client.jobs.list(project=DEMO_PROJECT) if job.name == "hello-compute"]
    assert len(jobs) == 1
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


def test_seed_compute_makes_a_study_with_a_best_trial(
    client: mlplane.Client, runner: JobRunner
) -> None:
    seed_catalog(client)
    seed_compute(client)
    seed_compute(client)

    trials = [job for job in client.jobs.list(project=DEMO_PROJECT) if job.name != "hello-compute"]
    assert len(trials) == len(TRIALS)
    tick_until(
        runner,
        lambda: all(
            client.jobs.get(job.id, project=DEMO_PROJECT).status.is_terminal for job in trials
        ),
        timeout=300,
    )
    study = client.jobs.get_study(DEMO_STUDY, project=DEMO_PROJECT)
    assert study.best is not None
    assert study.best.params == {"lr": 0.03, "depth": 4}
