from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mlplane.registry.packaging.load import load_model
from mlplane.serving.desired import DesiredModel
from tests.serving.conftest import Gate, SlowPredictor, rows


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 20
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.01)


def _hung_gateway(
    gateway: Callable[..., Gate], token: str, uri: str, **policy: Any
) -> tuple[Gate, SlowPredictor]:
    slow = SlowPredictor(load_model(uri))
    gate = gateway(
        [DesiredModel("churn", "1", uri, "default", **policy)], token=token, load=lambda _: slow
    )
    slow.batches.clear()
    slow.started.clear()
    slow.release.clear()
    return gate, slow


def _queued(gate: Gate) -> int:
    model = gate.http.app.state.holder.table.find("churn")  # type: ignore[attr-defined]
    return int(model.batcher.queued)


def _invoke(gate: Gate, count: int = 1) -> Any:
    return gate.http.post("/v1/models/churn:predict", json={"inputs": rows(count)})


def test_concurrent_requests_are_batched(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate, slow = _hung_gateway(gateway, token, columns_model, max_batch_size=16, max_wait_ms=50)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(_invoke, gate)
        _wait_until(slow.started.is_set)
        others = [pool.submit(_invoke, gate, 2) for _ in range(4)]
        _wait_until(lambda: _queued(gate) == 4)
        slow.release.set()
        answers = [first.result(), *(future.result() for future in others)]
    assert all(answer.status_code == 200 for answer in answers)
    assert [len(answer.json()["predictions"]) for answer in answers] == [1, 2, 2, 2, 2]
    assert slow.batches == [1, 8]


def test_request_to_a_quiet_model_is_not_held_for_partners(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    # Held for its full wait, the call would outlast its timeout and answer 504.
    desired = DesiredModel("churn", "1", columns_model, "default", max_wait_ms=60_000, timeout_s=5)
    gate = gateway([desired], token=token)
    answer = _invoke(gate, 3)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["predictions"]) == 3


def test_full_queue_answers_503_with_retry_after(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate, slow = _hung_gateway(gateway, token, columns_model, max_queue=1, max_wait_ms=0)
    with ThreadPoolExecutor(2) as pool:
        running = pool.submit(_invoke, gate)
        _wait_until(slow.started.is_set)
        waiting = pool.submit(_invoke, gate)
        _wait_until(lambda: _queued(gate) == 1)
        shed = _invoke(gate)
        slow.release.set()
        assert running.result().status_code == 200
        assert waiting.result().status_code == 200
    assert shed.status_code == 503
    assert shed.headers["Retry-After"] == "1"
    assert "waiting" in shed.json()["error"]


def test_hung_model_times_out_without_blocking_others(
    gateway: Callable[..., Gate], token: str, columns_model: str, tensor_model: str
) -> None:
    slow = SlowPredictor(load_model(columns_model))
    gate = gateway(
        [
            DesiredModel("churn", "1", columns_model, "default", timeout_s=0.5),
            DesiredModel("tensor", "1", tensor_model, "default"),
        ],
        token=token,
        load=lambda desired: slow if desired.name == "churn" else load_model(desired.uri),
    )
    slow.release.clear()
    hung = _invoke(gate)
    assert hung.status_code == 504
    assert "did not answer within 0.5s" in hung.json()["error"]
    other = gate.http.post("/v1/models/tensor:predict", json={"instances": [[62.0, 6.0]]})
    assert other.json() == {"predictions": [1]}
    slow.release.set()


class _Failing:
    """A model that raises on the row with age 999, as a buggy model would."""

    def __init__(self, uri: str) -> None:
        self.inner = load_model(uri)
        self.signature = self.inner.signature
        self.flavor = self.inner.flavor

    def predict(self, inputs: Any) -> Any:
        if 999.0 in list(inputs["age"]):
            raise ZeroDivisionError("the model divided by zero")
        return self.inner.predict(inputs)


def test_raising_model_fails_only_its_own_requests(
    gateway: Callable[..., Gate], token: str, columns_model: str
) -> None:
    gate = gateway(
        [
            DesiredModel("broken", "1", columns_model, "default"),
            DesiredModel("churn", "1", columns_model, "default"),
        ],
        token=token,
        load=lambda desired: (
            _Failing(desired.uri) if desired.name == "broken" else load_model(desired.uri)
        ),
    )
    failed = gate.http.post(
        "/v1/models/broken:predict", json={"inputs": {"age": [999.0], "income": [1.0]}}
    )
    assert failed.status_code == 500
    assert "ZeroDivisionError" in failed.json()["error"]
    assert _invoke(gate).status_code == 200
    fine = gate.http.post(
        "/v1/models/broken:predict", json={"inputs": {"age": [30.0], "income": [1.0]}}
    )
    assert fine.status_code == 200
