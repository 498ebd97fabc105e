"""A plain MLflow training script logs to mlplane, and reads back what it logged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import mlflow
import pytest
from mlflow import MlflowClient

import mlplane
from tests.tracking.mlflow.training_script import train

pytestmark = pytest.mark.platform


@pytest.fixture
def trained(
    tracking: str, unique: Callable[[str], str], tmp_path: Path
) -> tuple[str, dict[str, str]]:
    name = unique("fraud")
    return name, train(name, tmp_path)


def test_training_script_records_runs_params_metrics_and_tags(
    trained: tuple[str, dict[str, str]],
) -> None:
    _, runs = trained
    client = MlflowClient()
    parent = client.get_run(runs["parent"])
    child = client.get_run(runs["lr-0.1"])

    assert parent.info.status == "FINISHED"
    assert parent.info.end_time is not None
    assert parent.info.end_time >= parent.info.start_time
    assert parent.info.run_name == "sweep"
    assert parent.info.lifecycle_stage == "active"
    assert parent.info.artifact_uri.startswith("mlflow-artifacts:/")
    assert parent.data.tags["team"] == "risk"
    assert parent.data.tags["dataset"] == "loans-2024"
    assert parent.data.tags["mlflow.runName"] == "sweep"
    assert parent.data.tags["mlflow.user"]
    assert parent.data.tags["mlflow.source.name"]
    assert parent.data.params == {"optimizer": "sgd"}
    assert parent.data.metrics == {"throughput": 15.0}
    assert child.data.params == {"learning_rate": "0.1", "epochs": "5"}
    assert set(child.data.metrics) == {"loss", "accuracy"}
    assert child.data.tags["mlflow.parentRunId"] == runs["parent"]


def test_metric_history_keeps_every_step(trained: tuple[str, dict[str, str]]) -> None:
    _, runs = trained
    history = MlflowClient().get_metric_history(runs["lr-0.1"], "loss")

    assert [metric.step for metric in history] == [0, 1, 2, 3, 4]
    losses = [metric.value for metric in history]
    assert losses == sorted(losses, reverse=True)
    assert MlflowClient().get_run(runs["lr-0.1"]).data.metrics["loss"] == losses[-1]


def test_search_runs_filters_and_orders_into_a_dataframe(
    trained: tuple[str, dict[str, str]],
) -> None:
    name, runs = trained
    frame = mlflow.search_runs(
        experiment_names=[name],
        filter_string="params.epochs = '5' and metrics.loss < 1",
        order_by=["params.learning_rate DESC"],
    )

    assert list(frame["run_id"]) == [runs["lr-0.1"], runs["lr-0.01"]]
    assert list(frame["params.learning_rate"]) == ["0.1", "0.01"]
    assert "metrics.loss" in frame.columns
    assert set(frame["tags.mlflow.parentRunId"]) == {runs["parent"]}


def test_search_runs_finds_nested_runs_by_parent_tag(trained: tuple[str, dict[str, str]]) -> None:
    name, runs = trained
    experiment = mlflow.get_experiment_by_name(name)
    children = MlflowClient().search_runs(
        [experiment.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{runs['parent']}'",
        order_by=["attributes.run_name ASC"],
    )

    assert [run.info.run_name for run in children] == ["lr-0.01", "lr-0.1"]


def test_artifacts_download_as_logged(trained: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    _, runs = trained
    listed = {item.path for item in MlflowClient().list_artifacts(runs["parent"])}
    folder = Path(
        mlflow.artifacts.download_artifacts(run_id=runs["parent"], dst_path=str(tmp_path / "out"))
    )

    assert listed == {"report.txt", "plots", "config"}
    assert (folder / "report.txt").read_text() == "validation report\n"
    assert (folder / "plots" / "roc.csv").read_text().startswith("fpr,tpr")
    assert mlflow.artifacts.load_dict(f"runs:/{runs['parent']}/config/data.json") == {
        "features": ["age", "income"],
        "target": "default",
    }


def test_runs_logged_through_mlflow_show_in_the_native_sdk(
    trained: tuple[str, dict[str, str]], admin: mlplane.Client
) -> None:
    name, runs = trained
    found = admin.runs.search(
        project="default", experiments=[name], filter="metrics.accuracy > 0", order_by=["name"]
    )

    assert [run.id for run in found] == [runs["lr-0.01"], runs["lr-0.1"]]
    assert found[1].params["learning_rate"] == "0.1"
    assert found[1].parent_run_id == runs["parent"]
    native_files = {
        entry.path for entry in admin.runs.list_artifacts(runs["parent"], project="default")
    }
    assert "report.txt" in native_files
