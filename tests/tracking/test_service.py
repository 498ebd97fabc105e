"""The service as the MLflow-compatible API calls it: by id, with no project in hand."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import mlplane
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.settings import load_settings
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal
from mlplane.server.platform import Platform
from mlplane.tracking import service
from mlplane.tracking.schemas import Run, RunSearch


@pytest.fixture
def platform(client: mlplane.Client, home: Path) -> Iterator[Platform]:
    opened = Platform(load_settings(home))
    yield opened
    opened.close()


def _principal(platform: Platform, token: str) -> Principal:
    with platform.db.read() as session:
        return governance.authenticate(session, token)[0]


@pytest.fixture
def admin(platform: Platform, home: Path) -> Principal:
    return _principal(platform, (home / "admin.token").read_text().strip())


def test_get_experiment_and_run_by_id_alone(
    platform: Platform, admin: Principal, run: Run, project: str
) -> None:
    with platform.db.read() as session:
        experiment = service.get_experiment(session, admin, run.experiment_id)
        found = service.get_run(session, admin, run.id)

    assert experiment.project == project
    assert found.id == run.id


def test_log_batch_to_finished_run_when_allowed(
    platform: Platform, admin: Principal, client: mlplane.Client, run: Run, project: str
) -> None:
    client.runs.end(run.id, project=project)
    body = {"metrics": [{"key": "late", "value": 1.0, "step": "3", "timestamp": "1000"}]}
    batch = service.check_batch(body, run.id)

    with platform.db.write() as session, pytest.raises(Conflict):
        service.log_batch(session, admin, run.id, batch)
    with platform.db.write() as session:
        service.log_batch(session, admin, run.id, batch, require_running=False)

    latest = client.runs.get(run.id, project=project).metrics["late"]
    assert (latest.step, latest.timestamp) == (3, 1000)


def test_search_runs_by_experiment_ids_alone(
    platform: Platform, admin: Principal, run: Run
) -> None:
    with platform.db.read() as session:
        page = service.search_runs(session, admin, None, RunSearch(experiments=[run.experiment_id]))

    assert [item.id for item in page.items] == [run.id]


def test_search_runs_without_project_needs_experiment_ids(
    platform: Platform, admin: Principal, run: Run
) -> None:
    with platform.db.read() as session, pytest.raises(InvalidInput):
        service.search_runs(session, admin, None, RunSearch())


def test_outsider_gets_not_found_without_the_project_name(
    platform: Platform,
    user_client: Callable[..., mlplane.Client],
    client: mlplane.Client,
    run: Run,
    project: str,
) -> None:
    user_client("olga")
    token = client.tokens.create("olga-2", user="olga").secret
    outsider = _principal(platform, token)

    with platform.db.read() as session, pytest.raises(NotFound) as caught:
        service.get_run(session, outsider, run.id)

    assert project not in caught.value.detail
    assert run.id in caught.value.detail


def test_get_or_create_experiment_is_idempotent(
    platform: Platform, admin: Principal, project: str
) -> None:
    with platform.db.write() as session:
        first = service.get_or_create_experiment(session, admin, project, "mlflow-made")
    with platform.db.write() as session:
        second = service.get_or_create_experiment(session, admin, project, "mlflow-made")

    assert first.id == second.id


def test_experiment_tags_set_and_delete_by_id(
    platform: Platform, admin: Principal, client: mlplane.Client, run: Run, project: str
) -> None:
    with platform.db.write() as session:
        service.set_experiment_tag(session, admin, run.experiment_id, "team", "risk")
    with platform.db.write() as session:
        service.delete_experiment_tag(session, admin, run.experiment_id, "team")
    with platform.db.write() as session, pytest.raises(NotFound):
        service.delete_experiment_tag(session, admin, run.experiment_id, "team")

    assert client.experiments.get(run.experiment_id, project=project).tags == {}
