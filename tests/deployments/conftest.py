"""Registered model versions, the platform's database, and a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]
import pytest
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

import mlplane
from mlplane.core.ids import new_id
from mlplane.core.settings import load_settings
from mlplane.deployments.rollout import advance_due
from mlplane.server.platform import Platform
from mlplane.serving import store as serving_store
from mlplane.serving.tables import InferenceLogRow

FEATURES = pd.DataFrame(
    {"age": [22.0, 35.0, 47.0, 51.0, 62.0, 29.0], "income": [1.0, 2.5, 4.0, 4.5, 6.0, 1.5]}
)
LABELS = [0, 0, 1, 1, 1, 0]
MODEL = "churn"


@pytest.fixture
def versions(client: mlplane.Client, project: str, tmp_path: Path) -> list[int]:
    """Two registered versions of `churn`, each a real packaged model."""
    from mlplane.registry.packaging import save_model

    made = []
    for number in (1, 2):
        path = tmp_path / f"churn-{number}"
        model = LogisticRegression(C=float(number)).fit(FEATURES, LABELS)
        save_model(model, path, input_example=FEATURES.head(2))
        made.append(client.models.register(MODEL, str(path), project=project).version)
    return made


@pytest.fixture
def platform(client: mlplane.Client, home: Path) -> Iterator[Platform]:
    client.health()  # the in-process app has migrated the database
    made = Platform(load_settings(home))
    yield made
    made.close()


class Controller:
    """Runs the rollout controller at moments the test chooses, and writes call logs."""

    def __init__(self, platform: Platform, client: mlplane.Client, project: str) -> None:
        self.platform = platform
        self.client = client
        self.project = project

    def due(self, name: str) -> datetime:
        deployment = self.client.deployments.get(name, project=self.project)
        moment = deployment.next_check_at or deployment.scale_down_at
        assert moment is not None, f"{name} has nothing due"
        return moment

    def log_calls(
        self, name: str, revision: str, at: datetime, count: int, errors: int = 0,
        latency_ms: float = 5.0, shadow: bool = False,
    ) -> None:  # fmt: skip
        """`count` calls to one served version just before `at`, the first `errors` failing."""
        rows = [
            InferenceLogRow(
                id=new_id(),
                created_at=at - timedelta(milliseconds=500),
                project=self.project,
                model=name,
                version=revision,
                caller="admin",
                protocol="v2",
                status=500 if index < errors else 200,
                latency_ms=latency_ms,
                rows=1,
                error="model raised" if index < errors else None,
                payload=None,
                shadow=shadow,
            )
            for index in range(count)
        ]
        with self.platform.db.write() as session:
            serving_store.add_inference_records(session, rows)

    def tick(self, at: datetime) -> int:
        return advance_due(self.platform.db, at)


@pytest.fixture
def controller(platform: Platform, client: mlplane.Client, project: str) -> Controller:
    return Controller(platform, client, project)
