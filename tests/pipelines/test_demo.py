from __future__ import annotations

import mlplane
from mlplane.pipelines.demo import seed_pipeline
from mlplane.pipelines.schemas import RunState, StepState


def test_seed_pipeline_runs_twice_with_cache_hits_and_schedules(
    client: mlplane.Client, project: str
) -> None:
    seed_pipeline(client, project)
    seed_pipeline(client, project)  # idempotent: nothing more the second time
    second, first = client.pipelines.list_runs(project)
    assert [step.name for step in first.steps] == ["ingest", "prepare", "train", "evaluate"]
    assert {step.state for step in first.steps} == {StepState.SUCCEEDED}
    assert {step.state for step in second.steps} == {StepState.CACHED}
    assert second.state == RunState.SUCCEEDED
    output = client.pipelines.get_step_output(project, second.id, "evaluate")
    assert output.output_type == "dict"
    (schedule,) = client.pipelines.list_schedules(project)
    assert (schedule.name, schedule.cron) == ("churn-nightly", "0 3 * * *")
