from __future__ import annotations

from collections.abc import Callable

from mlplane.serving.desired import DesiredModel
from tests.serving.conftest import Gate


def _churn(gateway: Callable[..., Gate], token: str, uri: str) -> Gate:
    return gateway([DesiredModel("churn", "1", uri, "default")], token=token)


def test_get_v1_model_status(gateway: Callable[..., Gate], token: str, columns_model: str) -> None:
    gate = _churn(gateway, token, columns_model)
    assert gate.http.get("/v1/models/churn").json() == {"name": "churn", "ready": True}


def test_predict_v1_instances_as_objects(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _churn(gateway, token, columns_model)
    answer = gate.http.post(
        "/v1/models/churn:predict",
        json={"instances": [{"age": 22.0, "income": 1.0}, {"age": 62.0, "income": 6.0}]},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"predictions": [0, 1]}


def test_predict_v1_instances_as_lists(
    gateway: Callable[..., Gate], token: str, tensor_model: str
) -> None:
    gate = _churn(gateway, token, tensor_model)
    answer = gate.http.post("/v1/models/churn:predict", json={"instances": [[62.0, 6.0]]})
    assert answer.json() == {"predictions": [1]}


def test_predict_v1_inputs_as_columns(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _churn(gateway, token, columns_model)
    answer = gate.http.post(
        "/v1/models/churn:predict", json={"inputs": {"age": [22.0], "income": [1.0]}}
    )
    assert answer.json() == {"predictions": [0]}


def test_predict_v1_missing_column_is_400_naming_it(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _churn(gateway, token, columns_model)
    answer = gate.http.post("/v1/models/churn:predict", json={"instances": [{"age": 22.0}]})
    assert answer.status_code == 400
    assert "income" in answer.json()["error"]


def test_invoke_dataframe_split(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _churn(gateway, token, columns_model)
    answer = gate.http.post(
        "/v1/models/churn:invocations",
        json={"dataframe_split": {"columns": ["age", "income"], "data": [[62.0, 6.0]]}},
    )
    assert answer.json() == {"predictions": [1]}


def test_invoke_dataframe_records(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _churn(gateway, token, columns_model)
    answer = gate.http.post(
        "/v1/models/churn:invocations",
        json={"dataframe_records": [{"age": 22.0, "income": 1.0}, {"age": 62.0, "income": 6.0}]},
    )
    assert answer.json() == {"predictions": [0, 1]}


def test_invoke_wrong_dtype_is_400_naming_the_column(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _churn(gateway, token, columns_model)
    answer = gate.http.post(
        "/v1/models/churn:invocations",
        json={"dataframe_split": {"columns": ["age", "income"], "data": [["old", 6.0]]}},
    )
    assert answer.status_code == 400
    assert "age" in answer.json()["error"]


def test_invoke_unknown_body_is_400(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _churn(gateway, token, columns_model)
    answer = gate.http.post("/v1/models/churn:invocations", json={"rows": []})
    assert answer.status_code == 400
    assert "dataframe_split" in answer.json()["error"]
