from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.pipelines.loader import load_pipeline
from mlplane.pipelines.runner import run_pipeline
from mlplane.pipelines.schemas import PipelineRunCreate, StepReport, StepSpec, StepState

STEPS = [
    StepSpec(name="a", step="a", function="m:a"),
    StepSpec(name="b", step="b", function="m:b", upstream=["a"]),
]


def _create(client: mlplane.Client, project: str) -> str:
    return client.pipelines.create_run(project, PipelineRunCreate(pipeline="p", steps=STEPS)).id


def test_create_run_rejects_unknown_upstream(client: mlplane.Client, project: str) -> None:
    bad = [StepSpec(name="b", step="b", function="m:b", upstream=["ghost"])]
    with pytest.raises(ApiError, match="unknown step 'ghost'") as caught:
        client.pipelines.create_run(project, PipelineRunCreate(pipeline="p", steps=bad))
    assert caught.value.status == 422
    assert client.pipelines.list_runs(project) == []


def test_report_unknown_step_changes_nothing(client: mlplane.Client, project: str) -> None:
    run_id = _create(client, project)
    reports = [
        StepReport(name="a", state=StepState.RUNNING),
        StepReport(name="ghost", state=StepState.RUNNING),
    ]
    with pytest.raises(ApiError, match="no step 'ghost'") as caught:
        client.pipelines.report_steps(project, run_id, reports)
    assert caught.value.status == 422
    assert client.pipelines.get_run(project, run_id).steps[0].state == StepState.PENDING


def test_finish_twice_conflicts(client: mlplane.Client, project: str) -> None:
    run_id = _create(client, project)
    finished = client.pipelines.finish_run(project, run_id, "failed", "stopped")
    assert [step.state for step in finished.steps] == [StepState.SKIPPED, StepState.SKIPPED]
    with pytest.raises(ApiError) as caught:
        client.pipelines.finish_run(project, run_id, "succeeded")
    assert caught.value.status == 409


def test_viewer_cannot_create_run(
    client: mlplane.Client, project: str, user_client: Callable[..., mlplane.Client]
) -> None:
    viewer = user_client("vera", project, "viewer")
    with pytest.raises(ApiError) as caught:
        _create(viewer, project)
    assert caught.value.status == 403
    run_id = _create(client, project)
    assert viewer.pipelines.get_run(project, run_id).id == run_id


def test_get_run_of_missing_project_is_not_found(client: mlplane.Client) -> None:
    with pytest.raises(ApiError) as caught:
        client.pipelines.get_run("nowhere", "x")
    assert caught.value.status == 404


def test_run_yaml_pipeline_end_to_end(client: mlplane.Client, project: str, tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text(
        """
name: yaml-flow
params: {count: 3}
steps:
  numbers: {function: "tests.pipelines.steps:numbers", args: {count: "${params.count}"}}
  square: {function: "tests.pipelines.steps:square", map: "${steps.numbers}"}
  total: {function: "tests.pipelines.steps:total", args: {values: "${steps.square}"}}
"""
    )
    result = run_pipeline(load_pipeline(str(path)), {"count": 4}, project=project, client=client)
    assert result.result == {"total": 14}
    run = client.pipelines.get_run(project, result.run_id)
    assert (run.pipeline, run.source) == ("yaml-flow", str(path))
