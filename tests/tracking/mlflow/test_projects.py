"""Which project an MLflow client logs into, and the audit trail of what it did."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import mlflow
import pytest
from mlflow import MlflowClient

import mlplane

pytestmark = pytest.mark.platform


def test_the_project_header_chooses_the_project(
    api: httpx.Client, admin: mlplane.Client, unique: Callable[[str], str]
) -> None:
    project, name = unique("team"), unique("scoped")
    admin.projects.create(project)
    headers = {"X-Mlplane-Project": project}

    created = api.post("/api/2.0/mlflow/experiments/create", json={"name": name}, headers=headers)
    in_project = api.get(
        "/api/2.0/mlflow/experiments/get-by-name",
        params={"experiment_name": name},
        headers=headers,
    )
    in_default = api.get(
        "/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": name}
    )

    assert created.status_code == 200, created.text
    assert in_project.json()["experiment"]["experiment_id"] == created.json()["experiment_id"]
    assert in_default.status_code == 404
    assert admin.experiments.get(name, project=project).id == created.json()["experiment_id"]


def test_mlflow_workspace_logs_into_the_project_of_that_name(
    tracking: str,
    admin: mlplane.Client,
    unique: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, name = unique("workspace"), unique("ws")
    admin.projects.create(project)
    monkeypatch.setenv("MLFLOW_WORKSPACE", project)

    mlflow.set_experiment(name)
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 2.0)

    native = admin.runs.get(run.info.run_id, project=project)
    assert native.metrics["m"].value == 2.0
    assert mlflow.get_experiment_by_name(name) is not None


def test_mlflow_calls_are_audited_and_searches_are_not(
    tracking: str, admin: mlplane.Client, unique: Callable[[str], str]
) -> None:
    name = unique("audited")
    experiment_id = mlflow.create_experiment(name)
    run_id = MlflowClient().create_run(experiment_id).info.run_id
    MlflowClient().search_runs([experiment_id])

    events = admin.audit.list(project="default", limit=50)
    created = [event for event in events if event.action == "create_run"]
    searches = [event for event in events if event.action == "search_runs"]

    assert created
    assert created[0].resource == "/api/2.0/mlflow/runs/create"
    assert created[0].actor == "admin"
    assert not searches
    assert MlflowClient().get_run(run_id).info.user_id == "admin"
