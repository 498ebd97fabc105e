"""MLflow's error codes and statuses, as its clients rely on them."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

pytestmark = pytest.mark.platform


@pytest.fixture
def run_id(tracking: str, unique: Callable[[str], str]) -> str:
    experiment_id = mlflow.create_experiment(unique("errors"))
    created: str = MlflowClient().create_run(experiment_id).info.run_id
    return created


def test_unknown_run_is_resource_does_not_exist(tracking: str, api: httpx.Client) -> None:
    with pytest.raises(MlflowException) as raised:
        MlflowClient().get_run("0123456789abcdef0123456789abcdef")
    answer = api.get("/api/2.0/mlflow/runs/get", params={"run_id": "nope"})

    assert raised.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert answer.status_code == 404
    assert answer.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert "nope" in answer.json()["message"]


def test_changing_a_param_value_is_invalid_parameter_value(run_id: str) -> None:
    client = MlflowClient()
    client.log_param(run_id, "lr", "0.1")

    with pytest.raises(MlflowException) as raised:
        client.log_param(run_id, "lr", "0.2")

    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"
    assert client.get_run(run_id).data.params == {"lr": "0.1"}


def test_a_batch_over_the_limits_is_refused_whole(run_id: str, api: httpx.Client) -> None:
    metrics = [{"key": "m", "value": 1.0, "timestamp": 1, "step": step} for step in range(1001)]
    too_many = api.post(
        "/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, "metrics": metrics}
    )
    long_value = api.post(
        "/api/2.0/mlflow/runs/log-batch",
        json={"run_id": run_id, "params": [{"key": "p", "value": "x" * 6001}]},
    )

    for answer in (too_many, long_value):
        assert answer.status_code == 400
        assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert MlflowClient().get_run(run_id).data.metrics == {}
    assert MlflowClient().get_run(run_id).data.params == {}


def test_a_body_that_is_not_json_is_bad_request(run_id: str, api: httpx.Client) -> None:
    answer = api.post(
        "/api/2.0/mlflow/runs/log-batch",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert answer.status_code == 400
    assert answer.json()["error_code"] == "BAD_REQUEST"


def test_a_deleted_run_takes_nothing(run_id: str) -> None:
    client = MlflowClient()
    client.delete_run(run_id)

    with pytest.raises(MlflowException) as raised:
        client.log_metric(run_id, "m", 1.0)

    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"


def test_an_endpoint_the_server_does_not_serve_is_endpoint_not_found(api: httpx.Client) -> None:
    answer = api.post("/api/2.0/mlflow/no-such/endpoint", json={})

    assert answer.status_code == 404
    assert answer.json()["error_code"] == "ENDPOINT_NOT_FOUND"
