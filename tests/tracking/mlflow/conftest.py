"""One real platform for the MLflow-compatibility tests, driven by the real `mlflow` client.

Tests name what they create uniquely, so they share the platform and its `default` project.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import httpx
import mlflow
import pytest

import mlplane
from tests.harness.platform import RunningPlatform, run_platform
from tests.harness.postgres import create_database


@pytest.fixture(scope="session")
def platform(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[RunningPlatform]:
    home = tmp_path_factory.mktemp("mlflow") / "home"
    home.mkdir()
    env = {}
    if os.environ.get("MLPLANE_TEST_DATABASE") == "postgres":
        env["MLPLANE_DATABASE_URL"] = create_database(request.getfixturevalue("postgres_url"))
    with run_platform(home, env=env) as running:
        yield running


@pytest.fixture
def tracking(platform: RunningPlatform, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The MLflow client pointed at the platform as its administrator; yields the URI."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", platform.url)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", platform.token)
    for name in (
        "MLFLOW_EXPERIMENT_ID",
        "MLFLOW_EXPERIMENT_NAME",
        "MLFLOW_WORKSPACE",
        "MLFLOW_RUN_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(mlflow.tracking.fluent, "_active_experiment_id", None)
    yield platform.url
    while mlflow.active_run() is not None:
        mlflow.end_run()


@pytest.fixture
def admin(platform: RunningPlatform) -> Iterator[mlplane.Client]:
    """mlplane's own SDK on the same platform."""
    with mlplane.Client(url=platform.url, token=platform.token) as client:
        yield client


@pytest.fixture
def api(platform: RunningPlatform) -> Iterator[httpx.Client]:
    """Plain HTTP as the administrator, for requests no MLflow client would send."""
    headers = {"Authorization": f"Bearer {platform.token}"}
    with httpx.Client(base_url=platform.url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture
def unique() -> Callable[[str], str]:
    """A name no other test uses."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def user_token(admin: mlplane.Client, unique: Callable[[str], str]) -> Callable[..., str]:
    """A new user's token, with a role in a project when one is given."""

    def make(project: str | None = None, role: str | None = None) -> str:
        name = unique("user")
        admin.users.create(name)
        if project and role:
            admin.projects.add_member(project, name, role)
        return admin.tokens.create(f"{name}-token", user=name).secret

    return make
