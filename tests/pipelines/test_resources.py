"""The local executor honours the resources steps declare: CPUs, memory and GPUs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mlplane
from mlplane.cli.main import app
from mlplane.compute.machine import MachineResources, machine_resources
from mlplane.pipelines.dsl import Pipeline
from mlplane.pipelines.resources import StepRefused
from mlplane.pipelines.schemas import RunState, StepState
from mlplane.pipelines.workers import WorkerPool
from tests.pipelines import resource_steps

GiB = 1024**3


@pytest.fixture
def two_cpu_pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(size=4, capacity=MachineResources(cpus=2, memory_bytes=8 * GiB, gpus=1))
    yield pool
    pool.close()


def test_pool_runs_at_once_only_the_steps_its_cpus_hold(
    client: mlplane.Client, project: str, two_cpu_pool: WorkerPool, tmp_path: Path
) -> None:
    folder = tmp_path / "running"
    folder.mkdir()
    result = resource_steps.whole_cpus.run(
        {"folder": str(folder), "width": 4}, project=project, client=client, executor=two_cpu_pool
    )
    assert result.state == RunState.SUCCEEDED, result.error
    # Four one-CPU steps on two CPUs: two at a time, never more.
    assert max(result.result) == 2


def test_pool_runs_fractional_cpu_steps_side_by_side(
    client: mlplane.Client, project: str, two_cpu_pool: WorkerPool, tmp_path: Path
) -> None:
    folder = tmp_path / "running"
    folder.mkdir()
    result = resource_steps.half_cpus.run(
        {"folder": str(folder), "width": 4}, project=project, client=client, executor=two_cpu_pool
    )
    assert result.state == RunState.SUCCEEDED, result.error
    assert max(result.result) == 4


def test_step_over_its_memory_limit_fails_with_the_reason(
    client: mlplane.Client, project: str
) -> None:
    result = resource_steps.over_memory.run({"megabytes": 300}, project=project, client=client)
    assert result.state == RunState.FAILED
    assert result.steps == {"greedy": StepState.FAILED}
    assert result.error is not None
    assert "exceeded its memory limit of 100 MiB" in result.error
    step = client.pipelines.get_run(project, result.run_id).steps[0]
    assert step.error is not None
    assert step.error.startswith("MemoryError: the step exceeded its memory limit of 100 MiB")


def test_step_within_its_memory_limit_succeeds(client: mlplane.Client, project: str) -> None:
    result = resource_steps.over_memory.run({"megabytes": 5}, project=project, client=client)
    assert result.state == RunState.SUCCEEDED, result.error
    assert result.result == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("pipeline", "reason"),
    [
        (resource_steps.too_many_cpus, "step 'enormous' asks for 100000 CPUs but the local"),
        (resource_steps.too_much_memory, "step 'forgetful' asks for 1000 TiB of memory"),
        (resource_steps.bad_resources, "step 'vague' has invalid resources: cpu: 'lots'"),
    ],
)
def test_run_refuses_a_step_the_machine_cannot_hold(
    client: mlplane.Client, project: str, pipeline: Pipeline, reason: str
) -> None:
    with pytest.raises(StepRefused, match=reason):
        pipeline.run(project=project, client=client)
    assert client.pipelines.list_runs(project) == []


def test_refusal_names_what_the_machine_has(client: mlplane.Client, project: str) -> None:
    cpus = machine_resources().cpus
    with pytest.raises(StepRefused, match=f"the local executor has {cpus:g}$"):
        resource_steps.too_many_cpus.run(project=project, client=client)


def test_cli_run_refuses_a_step_the_machine_cannot_hold(home: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "--home",
            str(home),
            "pipelines",
            "run",
            "tests.pipelines.resource_steps:too_many_cpus",
            "-p",
            "refused",
        ],
    )
    assert result.exit_code == 2
    assert "step 'enormous' asks for 100000 CPUs" in result.stderr


def test_gpu_step_sees_only_the_gpus_it_was_given(
    client: mlplane.Client, project: str, two_cpu_pool: WorkerPool
) -> None:
    result = resource_steps.on_a_gpu.run(project=project, client=client, executor=two_cpu_pool)
    assert result.state == RunState.SUCCEEDED, result.error
    given, after = result.result
    assert given == "0"
    # A step that asks for no GPU runs with the environment the workers started with.
    assert after == os.environ.get("CUDA_VISIBLE_DEVICES")


def test_create_run_refuses_unparsable_resources(client: mlplane.Client, project: str) -> None:
    from mlplane.client.errors import ApiError

    body = {
        "pipeline": "p",
        "steps": [{"name": "s", "step": "s", "function": "m:s", "resources": {"memory": "a lot"}}],
    }
    with pytest.raises(ApiError) as refused:
        client.transport.request("POST", f"/api/v1/projects/{project}/pipeline-runs", json=body)
    assert refused.value.status == 422
    assert "step 's' has invalid resources: memory" in refused.value.detail
