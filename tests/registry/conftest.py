"""Fixtures for the registry: a trained run with a model folder among its artifacts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import mlplane
from mlplane.tracking.schemas import Run


@pytest.fixture
def trained_run(client: mlplane.Client, project: str) -> Callable[..., Run]:
    """A finished run that logged `accuracy` and a `model/` folder with two files."""

    def make(accuracy: float = 0.93, name: str = "train") -> Run:
        run = client.runs.create(
            "training", project=project, name=name, create_experiment=True, git_commit="a1b2c3d"
        )
        client.runs.log_metric(run.id, "accuracy", accuracy, project=project)
        client.runs.log_inputs(
            run.id,
            [{"name": "transactions", "digest": "d1g35t", "source": "data:/transactions@2"}],
            project=project,
        )
        client.runs.upload_bytes(run.id, "model/weights.bin", b"\x00\x01weights", project=project)
        client.runs.upload_bytes(run.id, "model/mlplane-model.json", b"{}", project=project)
        return run

    return make


@pytest.fixture
def run(trained_run: Callable[..., Run]) -> Run:
    return trained_run()


@pytest.fixture
def editor(user_client: Callable[..., mlplane.Client], project: str) -> mlplane.Client:
    return user_client("eddie", project, "editor")


@pytest.fixture
def viewer(user_client: Callable[..., mlplane.Client], project: str) -> mlplane.Client:
    return user_client("vera", project, "viewer")
