"""Runs recorded straight into the home's database, as a script does with no platform up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.pipelines.local_recorder import LocalRecorder, pipeline_client
from mlplane.pipelines.schemas import RunState, StepState
from tests.pipelines import steps


@pytest.fixture
def recorder(client: mlplane.Client, home: Path) -> Iterator[LocalRecorder]:
    client.health()  # the in-process app has prepared the home
    made = LocalRecorder(home)
    yield made
    made.close()


def test_run_recorded_locally_reads_back_through_the_api(
    client: mlplane.Client, recorder: LocalRecorder
) -> None:
    result = steps.fan_out.run({"count": 3}, project="recorded", client=recorder)
    assert result.state == RunState.SUCCEEDED
    assert result.result == 0 + 1 + 4
    run = client.pipelines.get_run("recorded", result.run_id)
    assert run.state == RunState.SUCCEEDED
    assert {step.name: step.state for step in run.steps} == {
        "numbers": StepState.SUCCEEDED,
        "square": StepState.SUCCEEDED,
        "total": StepState.SUCCEEDED,
    }
    assert run.tracking_run_id is not None
    again = steps.fan_out.run({"count": 3}, project="recorded", client=recorder)
    assert set(again.steps.values()) == {StepState.CACHED}


def test_local_recorder_audits_what_it_changes(
    client: mlplane.Client, recorder: LocalRecorder
) -> None:
    result = steps.fan_out.run({"count": 2}, project="audited", client=recorder)
    actions = {event.action for event in client.audit.list(project="audited")}
    assert {"create_project", "create_pipeline_run", "report_steps", "finish_pipeline_run"} <= (
        actions
    )
    finished = client.audit.list(action="finish_pipeline_run", project="audited")[0]
    assert finished.resource == f"/api/v1/projects/audited/pipeline-runs/{result.run_id}/finish"
    assert (finished.actor, finished.status_code) == ("admin", 200)


def test_local_recorder_answers_errors_as_the_api_does(
    client: mlplane.Client, project: str, recorder: LocalRecorder
) -> None:
    with pytest.raises(ApiError) as missing:
        recorder.pipelines.get_run(project, "nope")
    assert missing.value.status == 404
    with pytest.raises(ApiError) as refused:
        recorder.pipelines.finish_run(project, "nope", "succeeded")
    assert refused.value.status == 404
    failures = client.audit.list(action="finish_pipeline_run", outcome="failure")
    assert [event.status_code for event in failures] == [404]


def test_pipeline_client_talks_to_a_platform_when_given_its_address(home: Path) -> None:
    found = pipeline_client("http://127.0.0.1:9", "token", home)
    assert isinstance(found, mlplane.Client)
