from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.compute.scheduler import JobRunner
from tests.compute.conftest import RunJob, tick_until


def _texts(client: mlplane.Client, job_id: str, project: str) -> list[str]:
    return [line.text for line in client.jobs.logs(job_id, project=project).lines]


def test_submit_job_runs_it_and_keeps_its_output(
    client: mlplane.Client, project: str, run_job: RunJob
) -> None:
    job = run_job(
        command=[
            sys.executable,
            "-c",
            "import sys; print('hello'); print('oops', file=sys.stderr)",
        ],
        name="greeting",
    )
    assert job.status == "SUCCEEDED"
    assert job.exit_code == 0
    assert job.attempt == 1
    assert job.usage.cpu_seconds > 0
    lines = client.jobs.logs(job.id, project=project).lines
    assert ("stdout", "hello") in [(line.stream, line.text) for line in lines]
    assert ("stderr", "oops") in [(line.stream, line.text) for line in lines]
    run = client.runs.get(job.run_id or "", project=project)
    assert run.status == "FINISHED"


def test_submit_job_with_shell_command_env_and_secret(
    client: mlplane.Client, project: str, run_job: RunJob, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKER_SIDE_SECRET", "s3cr3t")
    job = run_job(
        command='echo "$GREETING $PASSWORD $MLPLANE_PROJECT"',
        env={"GREETING": "hi"},
        secrets={"PASSWORD": "env:WORKER_SIDE_SECRET"},
    )
    assert job.status == "SUCCEEDED"
    assert _texts(client, job.id, project)[0] == f"hi s3cr3t {project}"
    assert "s3cr3t" not in str(job.spec.model_dump())


def test_submit_job_with_missing_secret_fails_with_reason(run_job: RunJob) -> None:
    job = run_job(command="true", secrets={"PASSWORD": "env:NOT_SET_ANYWHERE_42"})
    assert job.status == "FAILED"
    assert job.reason is not None
    assert "secrets.PASSWORD" in job.reason


def test_secret_cannot_reference_platform_settings(run_job: RunJob) -> None:
    job = run_job(command="true", secrets={"LEAK": "env:MLPLANE_DATABASE_URL"})
    assert job.status == "FAILED"
    assert job.reason is not None
    assert job.reason.startswith("secrets.LEAK")


def test_submit_job_entry_point_function(
    client: mlplane.Client, project: str, run_job: RunJob
) -> None:
    job = run_job(entry_point="platform:python_version")
    assert job.status == "SUCCEEDED"


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"command": "true", "pool": "nowhere"}, "pool"),
        ({"command": "true", "resources": {"cpu": 100000}}, "resources.cpu"),
        ({"command": "true", "resources": {"gpu": 64}}, "resources.gpu"),
        ({"command": "true", "resources": {"memory": "900Ti"}}, "resources.memory"),
        ({}, "command"),
        ({"entry_point": "no_such_module_anywhere:main"}, "entry_point"),
        ({"command": "true", "environment": {"venv": "/no/such/venv"}}, "environment.venv"),
        ({"command": "true", "spot": True}, "spot"),
    ],
)
def test_submit_job_rejects_bad_spec_naming_the_field(
    client: mlplane.Client, project: str, spec: dict[str, Any], field: str
) -> None:
    with pytest.raises(ApiError) as error:
        client.jobs.submit(project=project, **spec)
    assert error.value.status == 422
    assert field in error.value.detail
    assert client.jobs.list(project=project) == []


def test_failed_job_is_retried_then_failed(
    client: mlplane.Client, project: str, run_job: RunJob
) -> None:
    job = run_job(
        command=[sys.executable, "-c", "import sys; print('try'); sys.exit(3)"],
        retry={"max_retries": 1, "backoff_seconds": 0},
    )
    assert job.status == "FAILED"
    assert job.attempt == 2
    assert job.exit_code == 3
    assert job.reason == "exited with code 3"
    texts = _texts(client, job.id, project)
    assert texts.count("try") == 2
    assert any("retry 1 of 1" in text for text in texts)
    assert client.runs.get(job.run_id or "", project=project).status == "FAILED"


def test_job_over_its_timeout_is_stopped(run_job: RunJob) -> None:
    job = run_job(command="sleep 60", timeout_seconds=1)
    assert job.status == "FAILED"
    assert job.reason is not None
    assert job.reason.startswith("timed out")


def test_job_over_its_memory_is_stopped(run_job: RunJob) -> None:
    code = "import time; block = bytearray(300 * 1024 * 1024); time.sleep(60)"
    job = run_job(command=[sys.executable, "-c", code], resources={"memory": "100Mi"})
    assert job.status == "FAILED"
    assert job.reason is not None
    assert job.reason.startswith("out of memory")


def _process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cancel_running_job_stops_its_process_tree(
    client: mlplane.Client, project: str, runner: JobRunner
) -> None:
    job = client.jobs.submit(project=project, command="sleep 120 & sleep 120; wait")
    tick_until(runner, lambda: job.id in runner.attempts)
    execution = runner.attempts[job.id].execution
    pgid = int(execution.external_id.rsplit(":", 1)[1])
    assert _process_group_alive(pgid)
    client.jobs.cancel(job.id, project=project)
    tick_until(runner, lambda: client.jobs.get(job.id, project=project).status.is_terminal)
    ended = client.jobs.get(job.id, project=project)
    assert ended.status == "CANCELLED"
    assert ended.reason is not None
    assert "cancelled" in ended.reason
    tick_until(runner, lambda: not _process_group_alive(pgid), timeout=15)
    assert client.runs.get(ended.run_id or "", project=project).status == "KILLED"


def test_cancel_queued_job_ends_it_at_once(client: mlplane.Client, project: str) -> None:
    job = client.jobs.submit(project=project, command="true")
    cancelled = client.jobs.cancel(job.id, project=project)
    assert cancelled.status == "CANCELLED"
    assert cancelled.finished_at is not None


def test_list_jobs_filters_and_pages(client: mlplane.Client, project: str) -> None:
    made = [client.jobs.submit(project=project, command="true", name=f"j{i}") for i in range(3)]
    client.jobs.cancel(made[0].id, project=project)
    assert [job.name for job in client.jobs.list(project=project)] == ["j2", "j1", "j0"]
    assert [job.name for job in client.jobs.list(project=project, status=["QUEUED"])] == [
        "j2",
        "j1",
    ]
    page = client.transport.json(
        "GET", f"/api/v1/projects/{project}/jobs", params={"max_results": 2}
    )
    assert len(page["items"]) == 2
    assert page["next_page_token"]


def test_viewer_cannot_submit_or_cancel(
    client: mlplane.Client, project: str, user_client: Callable[..., mlplane.Client]
) -> None:
    job = client.jobs.submit(project=project, command="true")
    viewer = user_client("vera", project, "viewer")
    with pytest.raises(ApiError) as error:
        viewer.jobs.submit(project=project, command="true")
    assert error.value.status == 403
    with pytest.raises(ApiError) as error:
        viewer.jobs.cancel(job.id, project=project)
    assert error.value.status == 403
    assert viewer.jobs.get(job.id, project=project).status == "QUEUED"


def test_job_run_is_the_run_tracked_inside_the_job(
    client: mlplane.Client, project: str, run_job: RunJob
) -> None:
    script = (
        "import mlplane\n"
        "with mlplane.start_run() as run:\n"
        "    mlplane.log_metric('accuracy', 0.9)\n"
        "    print('run', run.id)\n"
    )
    job = run_job(command=[sys.executable, "-c", script], params={"lr": 0.1}, timeout=120)
    assert job.status == "SUCCEEDED", _texts(client, job.id, project)
    assert f"run {job.run_id}" in _texts(client, job.id, project)
    run = client.runs.get(job.run_id or "", project=project)
    assert run.metrics["accuracy"].value == pytest.approx(0.9)
    assert run.params == {"lr": "0.1"}
    assert run.status == "FINISHED"
