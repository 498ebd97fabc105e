from __future__ import annotations

import json
import struct
from collections.abc import Callable

import numpy as np

from mlplane.serving.desired import DesiredModel
from tests.serving.conftest import Gate


def _served(gateway: Callable[..., Gate], token: str, *models: tuple[str, str]) -> Gate:
    return gateway([DesiredModel(name, "1", uri, "default") for name, uri in models], token=token)


def test_get_model_metadata_lists_signature_columns(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _served(gateway, token, ("churn", columns_model))
    answer = gate.http.get("/v2/models/churn")
    assert answer.status_code == 200
    metadata = answer.json()
    assert metadata["name"] == "churn"
    assert metadata["versions"] == ["1"]
    assert metadata["inputs"] == [
        {"name": "age", "datatype": "FP64", "shape": [-1]},
        {"name": "income", "datatype": "FP64", "shape": [-1]},
    ]
    assert metadata["outputs"] == [{"name": "prediction", "datatype": "INT64", "shape": [-1]}]
    assert gate.http.get("/v2/models/churn/versions/1/ready").json() == {
        "name": "churn",
        "ready": True,
    }


def test_get_model_metadata_unknown_model_is_404(gateway: Callable[..., Gate], token: str) -> None:
    gate = _served(gateway, token)
    answer = gate.http.get("/v2/models/missing")
    assert answer.status_code == 404
    assert "missing" in answer.json()["error"]


def test_infer_json_columns(gateway: Callable[..., Gate], token: str, columns_model: str) -> None:
    gate = _served(gateway, token, ("churn", columns_model))
    answer = gate.http.post(
        "/v2/models/churn/infer",
        json={
            "id": "req-1",
            "inputs": [
                {"name": "age", "datatype": "FP32", "shape": [2], "data": [22.0, 62.0]},
                {"name": "income", "datatype": "FP64", "shape": [2, 1], "data": [[1.0], [6.0]]},
            ],
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["id"] == "req-1"
    assert body["model_name"] == "churn"
    assert body["outputs"] == [
        {"name": "prediction", "datatype": "INT64", "shape": [2], "data": [0, 1]}
    ]


def test_infer_binary_tensor_round_trip(
    gateway: Callable[..., Gate], token: str, tensor_model: str
) -> None:
    gate = _served(gateway, token, ("tensor", tensor_model))
    data = np.array([[22.0, 1.0], [62.0, 6.0]], dtype=np.float32).tobytes()
    header = json.dumps(
        {
            "inputs": [
                {
                    "name": "input",
                    "datatype": "FP32",
                    "shape": [2, 2],
                    "parameters": {"binary_data_size": len(data)},
                }
            ],
            "outputs": [{"name": "prediction", "parameters": {"binary_data": True}}],
        }
    ).encode()
    answer = gate.http.post(
        "/v2/models/tensor/infer",
        content=header + data,
        headers={"Inference-Header-Content-Length": str(len(header))},
    )
    assert answer.status_code == 200, answer.text
    length = int(answer.headers["Inference-Header-Content-Length"])
    document = json.loads(answer.content[:length])
    (output,) = document["outputs"]
    assert output["parameters"] == {"binary_data_size": 16}
    values = np.frombuffer(answer.content[length:], dtype=np.int64)
    assert values.tolist() == [0, 1]


def test_infer_bytes_tensor_is_length_prefixed(
    gateway: Callable[..., Gate], token: str, tensor_model: str
) -> None:
    gate = _served(gateway, token, ("tensor", tensor_model))
    blob = b"".join(struct.pack("<I", len(word)) + word for word in (b"a", b"bc"))
    header = json.dumps(
        {
            "inputs": [
                {
                    "name": "input",
                    "datatype": "BYTES",
                    "shape": [1, 2],
                    "parameters": {"binary_data_size": len(blob)},
                }
            ]
        }
    ).encode()
    answer = gate.http.post(
        "/v2/models/tensor/infer",
        content=header + blob,
        headers={"Inference-Header-Content-Length": str(len(header))},
    )
    # Parsed as two strings; the float model refuses them by naming the tensor.
    assert answer.status_code == 400
    assert "input tensor" in answer.json()["error"]


def test_infer_missing_column_is_400_naming_it(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = _served(gateway, token, ("churn", columns_model))
    answer = gate.http.post(
        "/v2/models/churn/infer",
        json={"inputs": [{"name": "age", "datatype": "FP64", "shape": [1], "data": [30.0]}]},
    )
    assert answer.status_code == 400
    assert "income" in answer.json()["error"]


def test_infer_shape_not_matching_data_is_400(
    gateway: Callable[..., Gate], token: str, tensor_model: str
) -> None:
    gate = _served(gateway, token, ("tensor", tensor_model))
    answer = gate.http.post(
        "/v2/models/tensor/infer",
        json={"inputs": [{"name": "input", "datatype": "FP64", "shape": [2, 2], "data": [1.0]}]},
    )
    assert answer.status_code == 400
    assert "shape" in answer.json()["error"]


def test_infer_unknown_output_is_400(
    gateway: Callable[..., Gate], token: str, tensor_model: str
) -> None:
    gate = _served(gateway, token, ("tensor", tensor_model))
    answer = gate.http.post(
        "/v2/models/tensor/infer",
        json={
            "inputs": [{"name": "input", "datatype": "FP64", "shape": [1, 2], "data": [1.0, 2.0]}],
            "outputs": [{"name": "probabilities"}],
        },
    )
    assert answer.status_code == 400
    assert "probabilities" in answer.json()["error"]


def test_infer_without_token_is_401(gateway: Callable[..., Gate], columns_model: str) -> None:
    gate = gateway([DesiredModel("churn", "1", columns_model, "default")])
    assert gate.http.get("/v2/health/live").status_code == 200
    answer = gate.http.post("/v2/models/churn/infer", json={"inputs": []})
    assert answer.status_code == 401
    assert "token" in answer.json()["error"]
