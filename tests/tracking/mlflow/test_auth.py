"""Who may call the MLflow API: tokens as MLflow clients send them, and project roles."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from tests.harness.platform import RunningPlatform

pytestmark = pytest.mark.platform


@pytest.fixture
def run_id(tracking: str, unique: Callable[[str], str]) -> str:
    experiment_id = mlflow.create_experiment(unique("auth"))
    created: str = MlflowClient().create_run(experiment_id).info.run_id
    return created


def test_basic_auth_with_the_token_as_password_is_accepted(
    run_id: str, platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN")
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "admin")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", platform.token)

    assert MlflowClient().get_run(run_id).info.run_id == run_id


def test_without_a_token_the_answer_is_unauthenticated(
    platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", platform.url)
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    answer = httpx.post(f"{platform.url}/api/2.0/mlflow/experiments/search", json={})

    with pytest.raises(MlflowException) as raised:
        MlflowClient().search_experiments()

    assert answer.status_code == 401
    assert answer.json()["error_code"] == "UNAUTHENTICATED"
    assert raised.value.error_code == "UNAUTHENTICATED"


def test_a_viewer_reads_but_cannot_write(
    run_id: str,
    platform: RunningPlatform,
    user_token: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", user_token("default", "viewer"))
    client = MlflowClient()

    readable = client.get_run(run_id)
    with pytest.raises(MlflowException) as raised:
        client.log_metric(run_id, "m", 1.0)

    assert readable.info.run_id == run_id
    assert raised.value.error_code == "PERMISSION_DENIED"
    assert raised.value.get_http_status_code() == 403


def test_a_user_without_a_role_does_not_see_the_run(
    run_id: str, user_token: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", user_token())

    with pytest.raises(MlflowException) as raised:
        MlflowClient().get_run(run_id)

    assert raised.value.error_code == "RESOURCE_DOES_NOT_EXIST"
