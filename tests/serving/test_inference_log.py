from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from mlplane.core.db import Database
from mlplane.core.settings import load_settings
from mlplane.serving.desired import DesiredModel
from mlplane.serving.tables import InferenceLogRow
from tests.serving.conftest import Gate


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
