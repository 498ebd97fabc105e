from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import mlplane
from mlplane.registry.packaging.load import load_model
from mlplane.serving.desired import DesiredModel
from tests.serving.conftest import Gate, SlowPredictor


def test_gateway_follows_served_models_in_the_database(
    gateway: Callable[..., Gate],
    token: str,
    client: mlplane.Client,
    project: str,
    columns_model: str,
) -> None:
    client.serving.add("churn", columns_model, project=project)
    gate = gateway(None, token=token)
    assert gate.http.get("/v2/models/churn/ready").status_code == 200
    client.serving.remove("churn", project=project)
    gate.sync()
    assert gate.http.get("/v2/models/churn/ready").status_code == 404


def test_new_version_loads_beside_the_old_one(
    gateway: Callable[..., Gate], token: str, columns_model: str, tensor_model: str
) -> None:
    gate = gateway([DesiredModel("churn", "1", columns_model, "default")], token=token)
    gate.models.append(DesiredModel("churn", "2", tensor_model, "default"))
    gate.sync()
    latest = gate.http.get("/v2/models/churn").json()
    assert latest["versions"] == ["2"]
    assert latest["inputs"][0]["name"] == "input"
    pinned = gate.http.get("/v2/models/churn/versions/1").json()
    assert [tensor["name"] for tensor in pinned["inputs"]] == ["age", "income"]


def test_model_that_cannot_load_leaves_the_others_serving(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = gateway(
        [
            DesiredModel("broken", "1", "/nonexistent/model", "default"),
            DesiredModel("churn", "1", columns_model, "default"),
        ],
        token=token,
    )
    assert gate.http.get("/v2/models/broken/ready").status_code == 404
    assert gate.http.get("/v2/models/churn/ready").status_code == 200
    loader = gate.http.app.state.loader  # type: ignore[attr-defined]
    assert ("broken", "1") in loader.failures


class _Refusing:
    """A model that loads but cannot answer: its warm-up fails."""

    def __init__(self, uri: str) -> None:
        inner = load_model(uri)
        self.signature = inner.signature
        self.flavor = inner.flavor

    def predict(self, inputs: object) -> object:
        raise RuntimeError("the model lost its weights")


def test_model_failing_its_warm_up_is_not_served(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = gateway(
        [DesiredModel("churn", "1", columns_model, "default")],
        token=token,
        load=lambda desired: _Refusing(desired.uri),
    )
    assert gate.http.get("/v2/models/churn/ready").status_code == 404
    loader = gate.http.app.state.loader  # type: ignore[attr-defined]
    assert "lost its weights" in loader.failures[("churn", "1")]


def test_deployment_weights_split_requests_without_a_version(
    gateway: Callable[..., Gate], token: str, columns_model: str, tensor_model: str
) -> None:
    gate = gateway(
        [
            DesiredModel("churn", "1", columns_model, "default", deployment="churn", weight=100),
            DesiredModel("churn", "2", tensor_model, "default", deployment="churn", weight=0),
        ],
        token=token,
    )
    body = {"inputs": {"age": [62.0], "income": [6.0]}}
    for _ in range(20):
        answer = gate.http.post("/v1/models/churn:predict", json=body)
        assert answer.json() == {"predictions": [1]}
    assert gate.http.get("/v2/models/churn/versions/2/ready").status_code == 200


def test_retired_version_answers_the_calls_it_accepted(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    slow: list[SlowPredictor] = []

    def load(model: DesiredModel) -> Any:
        if model.version == "1":
            return load_model(model.uri)
        slow.append(SlowPredictor(load_model(model.uri)))
        return slow[-1]

    gate = gateway(
        [
            DesiredModel("churn", "1", columns_model, "default"),
            DesiredModel("churn", "2", columns_model, "default", timeout_s=5),
        ],
        token=token,
        load=load,
    )
    slow[0].release.clear()
    slow[0].started.clear()
    body = {
        "inputs": [
            {"name": "age", "shape": [1], "datatype": "FP64", "data": [62.0]},
            {"name": "income", "shape": [1], "datatype": "FP64", "data": [6.0]},
        ]
    }
    answers: list[int] = []

    def call() -> None:
        answers.append(gate.http.post("/v2/models/churn/versions/2/infer", json=body).status_code)

    callers = [threading.Thread(target=call) for _ in range(2)]
    callers[0].start()
    assert slow[0].started.wait(10)
    callers[1].start()  # waits in the queue while the first call holds the model
    retiring = gate.http.app.state.holder.table.find("churn", "2")  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while retiring.batcher.queued < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    del gate.models[1]
    sync = threading.Thread(target=gate.sync)
    sync.start()
    time.sleep(0.2)  # the sync is now retiring version 2
    slow[0].release.set()
    for thread in [*callers, sync]:
        thread.join(15)
    assert answers == [200, 200]
    assert gate.http.get("/v2/models/churn/versions/2/ready").status_code == 404
