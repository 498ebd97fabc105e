"""MLflow's run calls: lifecycle, tags, inputs, odd metric values, search pages, histories."""

from __future__ import annotations

import math
from collections.abc import Callable

import httpx
import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType

import mlplane

pytestmark = pytest.mark.platform


@pytest.fixture
def experiment_id(tracking: str, unique: Callable[[str], str]) -> str:
    experiment: str = mlflow.create_experiment(unique("runs"))
    return experiment


def test_update_run_ends_it_with_a_status(experiment_id: str) -> None:
    client = MlflowClient()
    run = client.create_run(experiment_id, run_name="to-end")

    client.set_terminated(run.info.run_id, status="FAILED")
    ended = client.get_run(run.info.run_id)

    assert run.info.status == "RUNNING"
    assert ended.info.status == "FAILED"
    assert ended.info.end_time is not None


def test_set_tag_on_run_name_renames_the_run(experiment_id: str) -> None:
    client = MlflowClient()
    run = client.create_run(experiment_id, run_name="before")

    client.set_tag(run.info.run_id, "mlflow.runName", "after")
    client.set_tag(run.info.run_id, "temporary", "x")
    client.delete_tag(run.info.run_id, "temporary")
    renamed = client.get_run(run.info.run_id)

    assert renamed.info.run_name == "after"
    assert renamed.data.tags["mlflow.runName"] == "after"
    assert "temporary" not in renamed.data.tags


def test_deleted_runs_show_only_in_deleted_views_until_restored(experiment_id: str) -> None:
    client = MlflowClient()
    kept = client.create_run(experiment_id).info.run_id
    removed = client.create_run(experiment_id).info.run_id

    client.delete_run(removed)
    active = {run.info.run_id for run in client.search_runs([experiment_id])}
    deleted = {
        run.info.run_id
        for run in client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)
    }
    client.restore_run(removed)
    restored = {run.info.run_id for run in client.search_runs([experiment_id])}

    assert active == {kept}
    assert deleted == {removed}
    assert client.get_run(removed).info.lifecycle_stage == "active"
    assert restored == {kept, removed}


def test_search_runs_pages_with_tokens(experiment_id: str) -> None:
    client = MlflowClient()
    made = []
    for value in range(5):
        run = client.create_run(experiment_id)
        client.log_metric(run.info.run_id, "score", float(value))
        made.append(run.info.run_id)

    pages, token = [], None
    while True:
        page = client.search_runs(
            [experiment_id], order_by=["metrics.score DESC"], max_results=2, page_token=token
        )
        pages.append([run.info.run_id for run in page])
        token = page.token
        if not token:
            break

    assert pages == [made[4:2:-1], made[2:0:-1], made[:1]]


def test_non_finite_metric_values_round_trip(experiment_id: str) -> None:
    client = MlflowClient()
    run_id = client.create_run(experiment_id).info.run_id

    client.log_metric(run_id, "nan", math.nan)
    client.log_metric(run_id, "inf", math.inf)
    client.log_metric(run_id, "ninf", -math.inf)
    metrics = client.get_run(run_id).data.metrics

    assert math.isnan(metrics["nan"])
    assert metrics["inf"] == math.inf
    assert metrics["ninf"] == -math.inf
    assert math.isnan(client.get_metric_history(run_id, "nan")[0].value)


def test_logged_dataset_inputs_come_back_with_their_context(
    experiment_id: str, admin: mlplane.Client
) -> None:
    dataset = mlflow.data.from_numpy(
        np.arange(6).reshape(3, 2), name="loans", source="s3://b/loans"
    )
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_input(dataset, context="training", tags={"split": "train"})

    inputs = MlflowClient().get_run(run.info.run_id).inputs.dataset_inputs
    found = admin.runs.search(
        project="default", experiments=[experiment_id], filter="datasets.context = 'training'"
    )

    assert len(inputs) == 1
    assert inputs[0].dataset.name == "loans"
    assert inputs[0].dataset.digest == dataset.digest
    assert {tag.key: tag.value for tag in inputs[0].tags} == {
        "mlflow.data.context": "training",
        "split": "train",
    }
    assert [native.id for native in found] == [run.info.run_id]


def test_finished_runs_still_take_metrics_as_in_mlflow(experiment_id: str) -> None:
    client = MlflowClient()
    run_id = client.create_run(experiment_id).info.run_id
    client.set_terminated(run_id)

    client.log_metric(run_id, "late", 1.0)

    assert client.get_run(run_id).data.metrics == {"late": 1.0}


def test_metric_history_bulk_interval_thins_each_run(experiment_id: str, api: httpx.Client) -> None:
    client = MlflowClient()
    run_ids = [client.create_run(experiment_id).info.run_id for _ in range(2)]
    for run_id in run_ids:
        for step in range(50):
            client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)

    answer = api.get(
        "/api/2.0/mlflow/metrics/get-history-bulk-interval",
        params={"run_ids": run_ids, "metric_key": "loss", "max_results": 10},
    )

    assert answer.status_code == 200, answer.text
    metrics = answer.json()["metrics"]
    for run_id in run_ids:
        steps = [metric["step"] for metric in metrics if metric["run_id"] == run_id]
        assert 2 <= len(steps) <= 10
        assert steps[0] == 0
        assert steps[-1] == 49
        assert steps == sorted(steps)
