"""Fixtures for tracking: an experiment and a running run in the test project."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import mlplane
from mlplane.tracking.schemas import Experiment, Run


@pytest.fixture
def experiment(client: mlplane.Client, project: str) -> Experiment:
    return client.experiments.create("baseline", project=project, description="the first try")


@pytest.fixture
def run(client: mlplane.Client, project: str, experiment: Experiment) -> Run:
    return client.runs.create(experiment.id, project=project, name="run-1")


@pytest.fixture
def raw(client: mlplane.Client) -> httpx.Client:
    """The SDK's own HTTP client, for bodies the SDK would never send."""
    return client.transport.http


@pytest.fixture
def viewer(user_client: Callable[..., mlplane.Client], project: str) -> mlplane.Client:
    return user_client("vera", project, "viewer")


@pytest.fixture
def editor(user_client: Callable[..., mlplane.Client], project: str) -> mlplane.Client:
    return user_client("eddie", project, "editor")


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root
