"""Pipelines on the Ray executor: steps run as Ray tasks on a real local Ray cluster."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mlplane
from mlplane.cli.main import app
from mlplane.pipelines.dsl import Pipeline
from mlplane.pipelines.loader import load_pipeline
from mlplane.pipelines.schemas import StepState
from tests.harness.ray import gcs_address, ray_cluster
from tests.harness.services import require_service

# Steps defined in a script, as users write them: they reach Ray's workers by value.
SCRIPT = """
import sys
import time
from pathlib import Path

from mlplane.pipelines.dsl import pipeline, step


@step(resources={"cpu": 1, "memory": "64Mi"})
def numbers(count: int) -> list[int]:
    return list(range(count))


@step
def square(value: int) -> int:
    return value * value


@step(retries=2, cache=False)
def flaky_total(values: list[int], counter: str) -> int:
    path = Path(counter)
    attempts = int(path.read_text()) if path.exists() else 0
    path.write_text(str(attempts + 1))
    if attempts == 0:
        raise RuntimeError("the first attempt fails")
    return sum(values)


@step(cache=False)
def where(total: int) -> dict:
    runtime = sys.modules.get("ray")
    return {"total": total, "on_ray": runtime is not None and runtime.is_initialized()}


@step(timeout=1, cache=False)
def sleepy() -> None:
    time.sleep(60)


@pipeline
def mixed(count: int = 4, counter: str = "") -> dict:
    return where(flaky_total(square.map(numbers(count)), counter))


@pipeline
def too_slow() -> None:
    return sleepy()


@step
def checked(values: list[int], flag: str) -> int:
    if not Path(flag).exists():
        raise RuntimeError("the flag file is missing")
    return sum(values)


@pipeline(project="ray-cli-pipelines")
def checked_sum(count: int = 3, flag: str = "") -> int:
    return checked(square.map(numbers(count)), flag)
"""


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    from mlplane.pipelines.ray_executor import close_ray_executor

    try:
        cluster = ray_cluster()
        dashboard = cluster.__enter__()
    except (OSError, RuntimeError, TimeoutError) as error:
        require_service("Ray", str(error))
        raise
    try:
        yield gcs_address(dashboard)
    finally:
        close_ray_executor()
        cluster.__exit__(None, None, None)


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ray-pipelines") / "pipelines.py"
    path.write_text(textwrap.dedent(SCRIPT))
    return path


def _load(script: Path, name: str) -> Pipeline:
    return load_pipeline(f"{script}:{name}")


def _attempts(client: mlplane.Client, project: str, run_id: str) -> dict[str, int]:
    return {step.name: step.attempt for step in client.pipelines.get_run(project, run_id).steps}


def test_run_pipeline_on_ray_records_the_same_steps_as_locally(
    client: mlplane.Client, project: str, ray_address: str, script: Path, tmp_path: Path
) -> None:
    mixed = _load(script, "mixed")
    on_ray = mixed.run(
        {"counter": str(tmp_path / "ray-attempts")},
        project=project,
        client=client,
        executor="ray",
        address=ray_address,
    )
    assert on_ray.state == "succeeded", on_ray.error
    assert on_ray.result == {"total": 0 + 1 + 4 + 9, "on_ray": True}
    assert (tmp_path / "ray-attempts").read_text() == "2"

    local = mixed.run(
        {"counter": str(tmp_path / "local-attempts")}, project=f"{project}-local", client=client
    )
    assert local.state == "succeeded", local.error
    assert local.result == {"total": 14, "on_ray": False}
    assert on_ray.steps == local.steps
    assert set(on_ray.steps.values()) == {StepState.SUCCEEDED}
    ray_attempts = _attempts(client, project, on_ray.run_id)
    assert ray_attempts == _attempts(client, f"{project}-local", local.run_id)
    assert ray_attempts["flaky_total"] == 2

    again = mixed.run(
        {"counter": str(tmp_path / "ray-attempts")},
        project=project,
        client=client,
        executor="ray",
        address=ray_address,
    )
    assert again.state == "succeeded", again.error
    assert again.result == on_ray.result
    assert again.steps == {
        "numbers": StepState.CACHED,
        "square": StepState.CACHED,
        "flaky_total": StepState.SUCCEEDED,
        "where": StepState.SUCCEEDED,
    }


def test_run_pipeline_on_ray_fails_a_step_past_its_timeout(
    client: mlplane.Client, project: str, ray_address: str, script: Path
) -> None:
    result = _load(script, "too_slow").run(
        project=project, client=client, executor="ray", address=ray_address
    )
    assert result.state == "failed"
    assert result.steps == {"sleepy": StepState.FAILED}
    assert result.error is not None
    assert "timeout of 1 s" in result.error


def test_run_pipeline_rejects_a_dashboard_address(
    client: mlplane.Client, project: str, script: Path
) -> None:
    with pytest.raises(ValueError, match="dashboard"):
        _load(script, "mixed").run(
            project=project, client=client, executor="ray", address="http://127.0.0.1:8265"
        )


def test_run_and_resume_on_ray_from_cli(
    home: Path, ray_address: str, script: Path, tmp_path: Path
) -> None:
    flag, on_ray = tmp_path / "flag", ["--executor", "ray", "--address", ray_address]

    def mlplane_cli(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, ["--home", str(home), "-o", "json", *args])
        return result.exit_code, result.stdout

    code, out = mlplane_cli(
        "pipelines", "run", f"{script}:checked_sum", "--param", f"flag={flag}", *on_ray
    )
    assert code == 1, out
    failed = json.loads(out)
    assert failed["steps"] == {"numbers": "succeeded", "square": "succeeded", "checked": "failed"}

    flag.write_text("ok")
    code, out = mlplane_cli(
        "pipelines", "resume", failed["run_id"], "-p", "ray-cli-pipelines", *on_ray
    )
    assert code == 0, out
    assert json.loads(out)["steps"] == {
        "numbers": "reused",
        "square": "reused",
        "checked": "succeeded",
    }


def test_scheduled_run_executes_on_the_ray_cluster_its_schedule_names(
    client: mlplane.Client, project: str, home: Path, ray_address: str, script: Path, tmp_path: Path
) -> None:
    from mlplane.core.settings import load_settings
    from mlplane.pipelines import service
    from mlplane.pipelines.launch import launch
    from mlplane.server.platform import Platform

    schedule = client.pipelines.create_schedule(
        project,
        "nightly-on-ray",
        f"{script}:mixed",
        "0 3 * * *",
        params={"counter": str(tmp_path / "scheduled-attempts")},
        executor="ray",
        address=ray_address,
    )
    platform = Platform(load_settings(home))
    try:
        with platform.db.write() as session:
            (run_id,) = service.tick_schedules(session, schedule.next_run_at)
    finally:
        platform.close()
    result = launch(project, run_id, client=client)
    assert result.state == "succeeded", result.error
    assert result.result == {"total": 14, "on_ray": True}
    run = client.pipelines.get_run(project, run_id)
    assert (run.origin, run.run_options.executor, run.run_options.address) == (
        "schedule",
        "ray",
        ray_address,
    )
