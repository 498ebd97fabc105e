"""MLflow 3's logged models: `mlflow.sklearn.log_model` and loading the model back."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from sklearn.linear_model import LogisticRegression

pytestmark = pytest.mark.platform

FEATURES = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
LABELS = np.array([0, 0, 0, 1, 1, 1])


@pytest.fixture
def experiment_id(tracking: str, unique: Callable[[str], str]) -> str:
    experiment: str = mlflow.set_experiment(unique("models")).experiment_id
    return experiment


def test_sklearn_model_logs_and_loads_back(experiment_id: str) -> None:
    model = LogisticRegression().fit(FEATURES, LABELS)
    with mlflow.start_run() as run:
        mlflow.log_param("C", model.C)
        info = mlflow.sklearn.log_model(model, name="model")

    by_model_id = mlflow.sklearn.load_model(info.model_uri)
    by_run = mlflow.sklearn.load_model(f"runs:/{run.info.run_id}/model")
    pyfunc = mlflow.pyfunc.load_model(info.model_uri)

    expected = model.predict(FEATURES).tolist()
    assert by_model_id.predict(FEATURES).tolist() == expected
    assert by_run.predict(FEATURES).tolist() == expected
    assert pyfunc.predict(FEATURES).tolist() == expected


def test_logged_model_is_ready_and_linked_to_its_run(experiment_id: str) -> None:
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(
            LogisticRegression().fit(FEATURES, LABELS), name="classifier", params={"alpha": "1"}
        )

    logged = mlflow.get_logged_model(info.model_id)
    found = mlflow.search_logged_models(
        experiment_ids=[experiment_id], filter_string="name = 'classifier'", output_format="list"
    )
    outputs = MlflowClient().get_run(run.info.run_id).outputs

    assert logged.status == "READY"
    assert logged.source_run_id == run.info.run_id
    assert logged.experiment_id == experiment_id
    assert logged.params["alpha"] == "1"
    assert [model.model_id for model in found] == [info.model_id]
    assert [output.model_id for output in outputs.model_outputs] == [info.model_id]
    files = {item.path for item in MlflowClient().list_logged_model_artifacts(info.model_id)}
    assert {"MLmodel", "model.skops"} <= files


def test_logged_model_tags_and_params_change(experiment_id: str) -> None:
    client = MlflowClient()
    model = client.create_logged_model(experiment_id, name="tagged")

    client.set_logged_model_tags(model.model_id, {"stage": "candidate", "temp": "1"})
    client.delete_logged_model_tag(model.model_id, "temp")
    client.log_model_params(model.model_id, {"depth": "4"})
    changed = client.get_logged_model(model.model_id)
    client.delete_logged_model(model.model_id)

    assert model.status == "PENDING"
    assert changed.tags == {"stage": "candidate"}
    assert changed.params == {"depth": "4"}
    assert not mlflow.search_logged_models(
        experiment_ids=[experiment_id], filter_string="name = 'tagged'", output_format="list"
    )


def test_log_model_appends_to_the_runs_model_history(experiment_id: str, api: httpx.Client) -> None:
    run_id = MlflowClient().create_run(experiment_id).info.run_id
    for path in ("first", "second"):
        model = {
            "artifact_path": path,
            "flavors": {"python_function": {}},
            "utc_time_created": "2024-01-01 00:00:00.000000",
            "run_id": run_id,
        }
        answer = api.post(
            "/api/2.0/mlflow/runs/log-model",
            json={"run_id": run_id, "model_json": json.dumps(model)},
        )
        assert answer.status_code == 200, answer.text
    incomplete = api.post(
        "/api/2.0/mlflow/runs/log-model",
        json={"run_id": run_id, "model_json": json.dumps({"artifact_path": "x"})},
    )

    history = json.loads(MlflowClient().get_run(run_id).data.tags["mlflow.log-model.history"])
    assert [model["artifact_path"] for model in history] == ["first", "second"]
    assert incomplete.status_code == 400
    assert incomplete.json()["error_code"] == "INVALID_PARAMETER_VALUE"
