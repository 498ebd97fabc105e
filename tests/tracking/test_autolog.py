from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import mlplane


@pytest.fixture(autouse=True)
def _autolog_off_afterwards() -> Iterator[None]:
    yield
    mlplane.autolog(disable=True)
    while (active := mlplane.active_run()) is not None:
        active.end("KILLED")


def _data() -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.default_rng(0)
    features = generator.normal(size=(120, 3))
    labels = (features[:, 0] + features[:, 1] > 0).astype(int)
    return features, labels


def test_autolog_logs_params_metrics_and_model_into_the_active_run(
    client: mlplane.Client, project: str, tmp_path: Path
) -> None:
    features, labels = _data()
    mlplane.autolog()

    with mlplane.start_run(experiment="sk", project=project, client=client) as run:
        LogisticRegression(C=0.5, max_iter=200).fit(features, labels)

    stored = client.runs.get(run.id, project=project)
    model_bytes = client.runs.read_artifact(run.id, "model/model.joblib", project=project)
    assert stored.params["C"] == "0.5"
    assert stored.params["max_iter"] == "200"
    assert stored.tags["estimator_name"] == "LogisticRegression"
    assert 0.8 < stored.metrics["training_accuracy_score"].value <= 1.0
    assert {"training_score", "training_f1_score", "training_recall_score"} <= set(stored.metrics)
    target = tmp_path / "model.joblib"
    target.write_bytes(model_bytes)
    assert joblib.load(target).predict(features[:5]).shape == (5,)


def test_autolog_starts_its_own_run_when_none_is_active(
    client: mlplane.Client, project: str
) -> None:
    features, _ = _data()
    targets = features @ np.array([1.0, 2.0, 3.0])
    mlplane.autolog(experiment="auto", project=project, log_models=False, client=client)

    LinearRegression().fit(features, targets)

    (run,) = client.runs.list(project=project, experiments=["auto"])
    assert run.status == "FINISHED"
    assert run.metrics["training_r2_score"].value == pytest.approx(1.0)
    assert "training_mean_squared_error" in run.metrics
    assert client.runs.list_artifacts(run.id, project=project) == []


def test_pipeline_is_logged_once_not_per_step(client: mlplane.Client, project: str) -> None:
    features, labels = _data()
    mlplane.autolog(log_models=False)

    with mlplane.start_run(experiment="sk", project=project, client=client) as run:
        Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())]).fit(
            features, labels
        )

    stored = client.runs.get(run.id, project=project)
    assert stored.tags["estimator_name"] == "Pipeline"
    assert "model__C" in stored.params
    assert len(client.runs.list(project=project)) == 1


def test_disable_restores_plain_fit(client: mlplane.Client, project: str) -> None:
    features, labels = _data()
    mlplane.autolog()
    mlplane.autolog(disable=True)

    with mlplane.start_run(experiment="sk", project=project, client=client) as run:
        LogisticRegression().fit(features, labels)

    assert client.runs.get(run.id, project=project).params == {}


def test_autolog_without_scikit_learn_warns_and_does_nothing() -> None:
    code = (
        "import sys, warnings\n"
        "sys.modules['sklearn'] = None\n"
        "import mlplane\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    mlplane.autolog()\n"
        "print([str(w.message) for w in caught])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert "scikit-learn is not installed" in result.stdout
