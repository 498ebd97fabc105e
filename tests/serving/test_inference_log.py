from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from mlplane.core.db import Database
from mlplane.core.settings import load_settings
from mlplane.registry.packaging.load import load_model
from mlplane.serving.desired import DesiredModel
from mlplane.serving.gateway import MAX_MIRRORS
from mlplane.serving.tables import InferenceLogRow
from tests.serving.conftest import Gate, SlowPredictor


def _records(home: Path) -> list[InferenceLogRow]:
    db = Database(load_settings(home).database_url)
    try:
        with db.read() as session:
            return list(session.scalars(select(InferenceLogRow).order_by(InferenceLogRow.status)))
    finally:
        db.dispose()


def test_inference_calls_are_logged_with_sampled_payloads(
    gateway: Callable[..., Gate], token: str, columns_model: str, home: Path
) -> None:
    gate = gateway(
        [DesiredModel("churn", "1", columns_model, "default")],
        token=token,
        payload_sample_rate=1.0,
    )
    body = {"instances": [{"age": 62.0, "income": 6.0}]}
    assert gate.http.post("/v1/models/churn:predict", json=body).status_code == 200
    assert (
        gate.http.post("/v1/models/churn:predict", json={"inputs": {"age": [1.0]}}).status_code
        == 400
    )
    gate.http.app.state.inference_log.flush()  # type: ignore[attr-defined]
    ok, bad = _records(home)
    assert (ok.model, ok.version, ok.caller, ok.protocol, ok.rows) == (
        "churn",
        "1",
        "admin",
        "predict",
        1,
    )
    assert ok.payload == {
        "inputs": {"age": [62.0], "income": [6.0]},
        "outputs": {"prediction": [1]},
    }
    assert bad.status == 400
    assert "income" in (bad.error or "")


def test_inference_payloads_are_not_kept_when_not_sampled(
    gateway: Callable[..., Gate], token: str, columns_model: str, home: Path
) -> None:
    gate = gateway([DesiredModel("churn", "1", columns_model, "default")], token=token)
    body = {"instances": [{"age": 62.0, "income": 6.0}]}
    assert gate.http.post("/v1/models/churn:predict", json=body).status_code == 200
    gate.http.app.state.inference_log.flush()  # type: ignore[attr-defined]
    (record,) = _records(home)
    assert record.status == 200
    assert record.payload is None


def _logged(gate: Gate, home: Path, count: int) -> list[InferenceLogRow]:
    """The log's rows once `count` have been written (copies to a shadow finish on their own)."""
    log = gate.http.app.state.inference_log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while True:
        log.flush()
        found = _records(home)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


class _FailingAboveAge:
    """A model that answers its warm-up but raises for the ages the test sends."""

    def __init__(self, uri: str) -> None:
        self.inner = load_model(uri)
        self.signature = self.inner.signature
        self.flavor = self.inner.flavor

    def predict(self, inputs: Any) -> Any:
        if max(inputs["age"]) > 100:
            raise ValueError("age out of range")
        return self.inner.predict(inputs)


def _shadowed(columns_model: str, shadow_percent: int = 100) -> list[DesiredModel]:
    return [
        DesiredModel("churn", "1", columns_model, "default", deployment="churn", weight=100),
        DesiredModel(
            "churn",
            "2",
            columns_model,
            "default",
            deployment="churn",
            weight=0,
            mirror_percent=shadow_percent,
        ),
    ]


def test_sampled_payloads_have_redacted_fields_replaced(
    gateway: Callable[..., Gate], token: str, columns_model: str, home: Path
) -> None:
    captured = DesiredModel(
        "churn",
        "1",
        columns_model,
        "default",
        payload_sample_rate=1.0,
        redact=("INCOME", "prediction"),
    )
    default = DesiredModel("plain", "1", columns_model, "default")
    gate = gateway([captured, default], token=token)
    body = {"instances": [{"age": 62.0, "income": 6.0}]}
    assert gate.http.post("/v1/models/churn:predict", json=body).status_code == 200
    assert gate.http.post("/v1/models/plain:predict", json=body).status_code == 200
    by_model = {record.model: record for record in _logged(gate, home, 2)}
    assert by_model["churn"].payload == {
        "inputs": {"age": [62.0], "income": "[redacted]"},
        "outputs": {"prediction": "[redacted]"},
    }
    assert by_model["plain"].payload is None  # the gateway's default rate (0 here) applies


def test_shadow_gets_copies_of_calls_and_never_answers_them(
    gateway: Callable[..., Gate], token: str, columns_model: str, home: Path
) -> None:
    gate = gateway(
        _shadowed(columns_model),
        token=token,
        load=lambda model: (
            _FailingAboveAge(model.uri) if model.version == "2" else load_model(model.uri)
        ),
    )
    body = {"instances": [{"age": 120.0, "income": 6.0}]}
    for _ in range(5):
        answer = gate.http.post("/v1/models/churn:predict", json=body)
        assert answer.json() == {"predictions": [1]}
    records = _logged(gate, home, 10)
    calls = [(r.version, r.status, r.shadow) for r in records]
    assert sorted(calls) == [("1", 200, False)] * 5 + [("2", 500, True)] * 5
    assert all("age out of range" in (r.error or "") for r in records if r.shadow)


def test_copies_to_a_slow_shadow_are_dropped_beyond_the_bound(
    gateway: Callable[..., Gate], token: str, columns_model: str, home: Path
) -> None:
    slow: list[SlowPredictor] = []

    def load(model: DesiredModel) -> Any:
        if model.version == "1":
            return load_model(model.uri)
        slow.append(SlowPredictor(load_model(model.uri)))
        return slow[-1]

    gate = gateway(_shadowed(columns_model), token=token, load=load)
    slow[0].release.clear()
    body = {"instances": [{"age": 62.0, "income": 6.0}]}
    calls = MAX_MIRRORS + 6
    for _ in range(calls):
        assert gate.http.post("/v1/models/churn:predict", json=body).status_code == 200
    slow[0].release.set()
    records = _logged(gate, home, calls + MAX_MIRRORS)
    assert sum(1 for r in records if not r.shadow) == calls
    assert sum(1 for r in records if r.shadow) == MAX_MIRRORS
