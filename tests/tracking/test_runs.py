from __future__ import annotations

import time

import pytest

import mlplane
from mlplane.tracking.schemas import Experiment, Run


def test_create_run_records_who_where_and_when(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    before = int(time.time() * 1000)
    created = client.runs.create(
        experiment.id,
        project=project,
        name="first",
        tags={"team": "risk"},
        source_name="train.py",
        source_type="LOCAL",
        git_commit="a" * 40,
        git_dirty=True,
    )

    assert len(created.id) == 32
    assert created.name == "first"
    assert created.status == "RUNNING"
    assert created.user == "admin"
    assert before <= created.start_time <= int(time.time() * 1000)
    assert created.end_time is None
    assert created.tags == {"team": "risk"}
    assert (created.source_name, created.source_type) == ("train.py", "LOCAL")
    assert (created.git_commit, created.git_dirty) == ("a" * 40, True)
    assert created.artifact_uri == f"{experiment.artifact_location}/{created.id}/artifacts"


def test_create_run_without_name_gets_a_readable_one(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    created = client.runs.create("baseline", project=project)

    assert len(created.name.split("-")) == 3


def test_create_run_can_create_its_experiment(client: mlplane.Client, project: str) -> None:
    created = client.runs.create("fresh", project=project, create_experiment=True)

    assert client.experiments.get("fresh", project=project).id == created.experiment_id


def test_create_run_in_missing_experiment_is_404(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.create("nowhere", project=project)

    assert caught.value.status == 404
    assert client.experiments.list(project=project) == []


def test_create_run_in_deleted_experiment_is_409(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    client.experiments.delete(experiment.id, project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.create(experiment.id, project=project)

    assert caught.value.status == 409


def test_create_nested_run_points_to_parent(client: mlplane.Client, project: str, run: Run) -> None:
    child = client.runs.create(run.experiment_id, project=project, parent_run_id=run.id)

    assert child.parent_run_id == run.id
    assert client.runs.list(project=project, filter=f"attributes.parent_run_id = '{run.id}'")


def test_create_run_with_unknown_parent_is_422(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.create(experiment.id, project=project, parent_run_id="f" * 32)

    assert caught.value.status == 422
    assert "parent_run_id" in caught.value.detail
    assert client.runs.list(project=project) == []


def test_create_run_name_tag_becomes_its_name(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    created = client.runs.create(
        experiment.id, project=project, tags={"mlflow.runName": "from-tag", "team": "x"}
    )

    assert created.name == "from-tag"
    assert created.tags == {"team": "x"}


def test_get_run_in_other_project_is_404(client: mlplane.Client, project: str, run: Run) -> None:
    client.projects.create("elsewhere")

    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.get(run.id, project="elsewhere")

    assert caught.value.status == 404


def test_end_run_sets_status_and_end_time(client: mlplane.Client, project: str, run: Run) -> None:
    ended = client.runs.update(run.id, project=project, status="FAILED")

    assert ended.status == "FAILED"
    assert ended.end_time is not None
    assert ended.end_time >= run.start_time


def test_update_run_renames_and_sets_explicit_end_time(
    client: mlplane.Client, project: str, run: Run
) -> None:
    updated = client.runs.update(
        run.id, project=project, name="renamed", status="FINISHED", end_time=run.start_time + 5
    )

    assert (updated.name, updated.status, updated.end_time) == (
        "renamed",
        "FINISHED",
        run.start_time + 5,
    )


def test_update_run_end_time_before_start_is_422(
    client: mlplane.Client, project: str, run: Run
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.update(run.id, project=project, end_time=run.start_time - 1)

    assert caught.value.status == 422
    assert client.runs.get(run.id, project=project).end_time is None


def test_update_run_with_unknown_status_is_422(
    client: mlplane.Client, project: str, run: Run
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.update(run.id, project=project, status="DONE")

    assert caught.value.status == 422
    assert "status" in caught.value.detail


def test_reopen_run_clears_end_time(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.end(run.id, project=project)

    reopened = client.runs.update(run.id, project=project, status="RUNNING")

    assert reopened.status == "RUNNING"
    assert reopened.end_time is None


def test_delete_and_restore_run(client: mlplane.Client, project: str, run: Run) -> None:
    deleted = client.runs.delete(run.id, project=project)
    listed_while_deleted = client.runs.list(project=project)
    restored = client.runs.restore(run.id, project=project)

    assert deleted.lifecycle == "deleted"
    assert listed_while_deleted == []
    assert restored.lifecycle == "active"
    assert [item.id for item in client.runs.list(project=project)] == [run.id]


def test_update_deleted_run_is_409(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.delete(run.id, project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.update(run.id, project=project, status="FINISHED")

    assert caught.value.status == 409
    assert "deleted" in caught.value.detail


def test_restore_run_of_deleted_experiment_is_409(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.experiments.delete(run.experiment_id, project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.restore(run.id, project=project)

    assert caught.value.status == 409
    assert client.runs.get(run.id, project=project).lifecycle == "deleted"


def test_viewer_reads_runs_but_cannot_write(viewer: mlplane.Client, project: str, run: Run) -> None:
    assert viewer.runs.get(run.id, project=project).name == "run-1"

    for attempt in (
        lambda: viewer.runs.create(run.experiment_id, project=project),
        lambda: viewer.runs.log_metric(run.id, "loss", 1.0, project=project),
        lambda: viewer.runs.end(run.id, project=project),
        lambda: viewer.runs.delete(run.id, project=project),
    ):
        with pytest.raises(mlplane.ApiError) as caught:
            attempt()
        assert caught.value.status == 403


def test_editor_creates_and_logs(editor: mlplane.Client, project: str, run: Run) -> None:
    created = editor.runs.create(run.experiment_id, project=project)
    editor.runs.log_metric(created.id, "loss", 0.5, project=project)

    assert created.user == "eddie"
    assert editor.runs.get(created.id, project=project).metrics["loss"].value == 0.5


def test_mutations_are_audited(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.log_metric(run.id, "loss", 1.0, project=project)
    client.runs.end(run.id, project=project)

    actions = {event.action for event in client.audit.list(project=project)}

    assert {"create_run", "log_batch", "update_run"} <= actions


def test_create_run_retried_with_idempotency_key_makes_one_run(
    client: mlplane.Client, project: str, experiment: Experiment
) -> None:
    url = f"/api/v1/projects/{project}/runs"
    body = {"experiment": experiment.id, "name": "once"}
    headers = {"Idempotency-Key": "train-42"}

    first = client.transport.http.post(url, json=body, headers=headers)
    second = client.transport.http.post(url, json=body, headers=headers)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert [run.name for run in client.runs.list(project=project)] == ["once"]
