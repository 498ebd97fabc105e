"""Gateways over real packaged models, in-process (Starlette's TestClient runs the lifespan)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pytest
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from starlette.testclient import TestClient

import mlplane
from mlplane.core.settings import load_settings
from mlplane.registry.packaging import save_model
from mlplane.registry.packaging.load import load_model
from mlplane.registry.packaging.predictor import Predictor
from mlplane.serving.app import create_gateway_app
from mlplane.serving.desired import DesiredModel

FEATURES = pd.DataFrame(
    {"age": [22.0, 35.0, 47.0, 51.0, 62.0, 29.0], "income": [1.0, 2.5, 4.0, 4.5, 6.0, 1.5]}
)
LABELS = [0, 0, 1, 1, 1, 0]


@pytest.fixture
def columns_model(tmp_path: Path) -> str:
    """A classifier over the named columns `age` and `income`."""
    path = tmp_path / "columns-model"
    save_model(LogisticRegression().fit(FEATURES, LABELS), path, input_example=FEATURES.head(2))
    return str(path)


@pytest.fixture
def tensor_model(tmp_path: Path) -> str:
    """A classifier over one float tensor of shape (-1, 2)."""
    path = tmp_path / "tensor-model"
    matrix = FEATURES.to_numpy()
    save_model(LogisticRegression().fit(matrix, LABELS), path, input_example=matrix[:2])
    return str(path)


@pytest.fixture
def token(client: mlplane.Client) -> str:
    return client.tokens.create("gateway-test").secret


class Gate:
    """A running in-process gateway: `models` is its desired state, editable by a test."""

    def __init__(self, http: TestClient, models: list[DesiredModel]) -> None:
        self.http = http
        self.models = models

    def sync(self) -> None:
        loader = self.http.app.state.loader  # type: ignore[attr-defined]
        self.http.portal.call(loader.sync)  # type: ignore[union-attr]


LoadFunction = Callable[[DesiredModel], Predictor]


@pytest.fixture
def gateway(client: mlplane.Client, home: Path) -> Iterator[Callable[..., Gate]]:
    opened: list[TestClient] = []

    def start(
        models: list[DesiredModel] | None,
        token: str | None = None,
        load: LoadFunction | None = None,
        payload_sample_rate: float = 0.0,
    ) -> Gate:
        """A gateway serving `models`, or (None) what the platform's database says."""
        desired = list(models or [])
        app = create_gateway_app(
            load_settings(home),
            source=None if models is None else (lambda: list(desired)),
            load=load or (lambda model: load_model(model.uri)),
            sync_interval=3600,
            payload_sample_rate=payload_sample_rate,
        )
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        http = TestClient(app, headers=headers)
        http.__enter__()
        opened.append(http)
        return Gate(http, desired)

    yield start
    for http in opened:
        http.__exit__(None, None, None)


class SlowPredictor:
    """Wraps a predictor: records each batch's rows, and can hang until released."""

    def __init__(self, inner: Predictor) -> None:
        self.inner = inner
        self.batches: list[int] = []
        self.release = threading.Event()
        self.release.set()
        self.started = threading.Event()

    @property
    def signature(self) -> Any:
        return self.inner.signature

    @property
    def flavor(self) -> str:
        return self.inner.flavor

    def predict(self, inputs: Any) -> Any:
        self.started.set()
        self.release.wait(30)
        rows = len(next(iter(inputs.values()))) if isinstance(inputs, dict) else len(inputs)
        self.batches.append(int(rows))
        return self.inner.predict(inputs)


def rows(n: int) -> dict[str, list[float]]:
    return {"age": list(np.linspace(20, 60, n)), "income": list(np.linspace(1, 6, n))}
