from __future__ import annotations

from pathlib import Path

import pytest

import mlplane
from mlplane.pipelines.loader import load_pipeline
from mlplane.pipelines.runner import PipelineFailed, run_pipeline
from mlplane.pipelines.schemas import RunState, StepState
from tests.pipelines import steps


def test_run_fan_out_records_run_and_steps(client: mlplane.Client, project: str) -> None:
    result = steps.fan_out.run({"count": 4}, project=project, client=client)
    assert result.state == RunState.SUCCEEDED
    assert result.result == 0 + 1 + 4 + 9
    run = client.pipelines.get_run(project, result.run_id)
    assert run.state == RunState.SUCCEEDED
    assert [(step.name, step.state) for step in run.steps] == [
        ("numbers", StepState.SUCCEEDED),
        ("square", StepState.SUCCEEDED),
        ("total", StepState.SUCCEEDED),
    ]
    assert run.steps[1].upstream == ["numbers"]
    assert run.steps[1].output_type == "list"
    output = client.pipelines.get_step_output(project, result.run_id, "square")
    assert output.output_format == "json"


def test_run_points_steps_at_its_platform_and_project(
    client: mlplane.Client,
    project: str,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Warm workers keep the environment they started with; each step is told anew.
    monkeypatch.setenv("MLPLANE_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.delenv("MLPLANE_PROJECT", raising=False)
    result = steps.where_steps_run.run({}, project=project, client=client)
    assert result.result == {"MLPLANE_HOME": str(home.resolve()), "MLPLANE_PROJECT": project}


def test_run_creates_tracking_run_with_params(client: mlplane.Client, project: str) -> None:
    result = steps.fan_out.run({"count": 2}, project=project, client=client)
    run = client.pipelines.get_run(project, result.run_id)
    assert run.tracking_run_id is not None
    tracked = client.runs.get(run.tracking_run_id, project=project)
    assert tracked.params == {"count": "2"}
    assert tracked.status == "FINISHED"


def test_run_parallel_branches(client: mlplane.Client, project: str) -> None:
    result = steps.branches.run({"count": 3, "factor": 5}, project=project, client=client)
    assert result.result == {"doubled": 6, "scaled": 15}


def test_second_run_hits_cache(client: mlplane.Client, project: str) -> None:
    first = steps.fan_out.run({"count": 3}, project=project, client=client)
    second = steps.fan_out.run({"count": 3}, project=project, client=client)
    assert set(first.steps.values()) == {StepState.SUCCEEDED}
    assert set(second.steps.values()) == {StepState.CACHED}
    assert second.result == first.result
    run = client.pipelines.get_run(project, second.run_id)
    assert run.steps[0].source_run_id == first.run_id


def test_changed_param_misses_cache(client: mlplane.Client, project: str) -> None:
    steps.fan_out.run({"count": 3}, project=project, client=client)
    changed = steps.fan_out.run({"count": 4}, project=project, client=client)
    assert changed.steps["numbers"] == StepState.SUCCEEDED
    assert changed.result == 14


def test_changed_code_misses_cache(client: mlplane.Client, project: str, tmp_path: Path) -> None:
    template = """
from mlplane.pipelines.dsl import pipeline, step

@step
def base(count: int) -> list[int]:
    return list(range(count))

@step
def summed(values: list[int]) -> int:
    return sum(values) {extra}

@pipeline
def edited(count: int = 3) -> int:
    return summed(base(count))
"""
    first_file, second_file = tmp_path / "first.py", tmp_path / "second.py"
    first_file.write_text(template.format(extra=""))
    second_file.write_text(template.format(extra="+ 100"))
    first = run_pipeline(load_pipeline(f"{first_file}:edited"), {}, project=project, client=client)
    second = run_pipeline(
        load_pipeline(f"{second_file}:edited"), {}, project=project, client=client
    )
    assert first.result == 3
    assert second.steps == {"base": StepState.CACHED, "summed": StepState.SUCCEEDED}
    assert second.result == 103


def test_step_without_cache_always_runs(client: mlplane.Client, project: str) -> None:
    steps.without_cache.run({}, project=project, client=client)
    again = steps.without_cache.run({}, project=project, client=client)
    assert again.steps == {"numbers": StepState.CACHED, "uncached_total": StepState.SUCCEEDED}


def test_step_retries_until_success(client: mlplane.Client, project: str, tmp_path: Path) -> None:
    counter = str(tmp_path / "attempts")
    result = steps.retrying.run({"counter": counter, "failures": 2}, project=project, client=client)
    assert result.result == 3
    run = client.pipelines.get_run(project, result.run_id)
    assert run.steps[0].attempt == 3


def test_step_fails_after_retries(client: mlplane.Client, project: str, tmp_path: Path) -> None:
    counter = str(tmp_path / "attempts")
    with pytest.raises(PipelineFailed, match="attempt 3 fails"):
        run_pipeline(
            steps.retrying, {"counter": counter, "failures": 5}, project=project, client=client
        ).raise_for_state()
    assert (tmp_path / "attempts").read_text() == "3"


def test_step_timeout_fails_step(client: mlplane.Client, project: str) -> None:
    result = steps.timing_out.run({}, project=project, client=client)
    assert result.state == RunState.FAILED
    run = client.pipelines.get_run(project, result.run_id)
    assert run.steps[0].state == StepState.FAILED
    assert "longer than its timeout of 0.5 s" in (run.steps[0].error or "")


def test_resume_runs_from_failed_step(client: mlplane.Client, project: str, tmp_path: Path) -> None:
    counter, flag = tmp_path / "counted", tmp_path / "flag"
    params = {"counter": str(counter), "flag": str(flag), "count": 4}
    failed = steps.resumable.run(params, project=project, client=client)
    assert failed.state == RunState.FAILED
    assert failed.steps == {"counted": StepState.SUCCEEDED, "fail_unless": StepState.FAILED}
    flag.write_text("fixed")
    resumed = steps.resumable.resume(failed.run_id, project=project, client=client)
    assert resumed.state == RunState.SUCCEEDED
    assert resumed.steps == {"counted": StepState.REUSED, "fail_unless": StepState.SUCCEEDED}
    assert resumed.result == 6
    assert counter.read_text() == "1"
    run = client.pipelines.get_run(project, resumed.run_id)
    assert run.resumed_from == failed.run_id
    assert run.params == params


def test_failed_branch_skips_only_its_dependents(
    client: mlplane.Client, project: str, tmp_path: Path
) -> None:
    result = steps.resumable.run(
        {"counter": str(tmp_path / "c"), "flag": str(tmp_path / "absent")},
        project=project,
        client=client,
    )
    run = client.pipelines.get_run(project, result.run_id)
    assert run.state == RunState.FAILED
    assert "step 'fail_unless' failed: ValueError" in (run.error or "")


def test_list_runs_filters_by_pipeline(client: mlplane.Client, project: str) -> None:
    steps.fan_out.run({"count": 1}, project=project, client=client)
    steps.branches.run({}, project=project, client=client)
    runs = client.pipelines.list_runs(project, pipeline="fan_out")
    assert [run.pipeline for run in runs] == ["fan_out"]
