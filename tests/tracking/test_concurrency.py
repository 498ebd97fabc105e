"""Many writers at once, on one run and on their own runs: nothing lost, nothing locked."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

import mlplane
from mlplane.tracking.schemas import Run
from tests.harness.platform import run_platform

WRITERS = 8
BATCHES = 10
PER_BATCH = 100
POINTS = BATCHES * PER_BATCH


def _log_everything(client: mlplane.Client, project: str, shared_run_id: str, index: int) -> str:
    """Log to the shared run with the SDK, and to a run of one's own with the fluent API."""
    key = f"writer-{index}"
    for batch in range(BATCHES):
        steps = range(batch * PER_BATCH, (batch + 1) * PER_BATCH)
        client.runs.log_batch(
            shared_run_id,
            project=project,
            metrics=[{"key": key, "value": float(step), "step": step} for step in steps],
            tags={key: str(batch)},
        )
    with mlplane.start_run(
        experiment="concurrent", project=project, client=client, run_name=f"own-{index}"
    ) as run:
        run.log_param("writer", index)
        for step in range(POINTS):
            run.log_metric("loss", float(step), step=step)
    return run.id


def _log_from_process(url: str, token: str, project: str, shared_run_id: str, index: int) -> str:
    with mlplane.Client(url, token) as client:
        return _log_everything(client, project, shared_run_id, index)


def _assert_complete(client: mlplane.Client, project: str, shared: Run, own_ids: list[str]) -> None:
    stored = client.runs.get(shared.id, project=project)
    assert stored.tags == {f"writer-{index}": str(BATCHES - 1) for index in range(WRITERS)}
    histories = client.runs.metric_histories(
        [shared.id], [f"writer-{index}" for index in range(WRITERS)], project=project
    )
    for series in histories.series:
        assert [point.step for point in series.points] == list(range(POINTS))
        assert stored.metrics[series.key].value == float(POINTS - 1)
    assert len(set(own_ids)) == WRITERS
    for run_id in own_ids:
        own = client.runs.get(run_id, project=project)
        assert own.status == "FINISHED"
        assert own.metrics["loss"].step == POINTS - 1
        assert client.runs.metric_history(run_id, "loss", project=project).total == POINTS


def test_threads_logging_at_once_lose_nothing(client: mlplane.Client, project: str) -> None:
    shared = client.runs.create("shared", project=project, create_experiment=True)
    own_ids: list[str] = []
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            own_ids.append(_log_everything(client, project, shared.id, index))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    _assert_complete(client, project, shared, own_ids)


@pytest.mark.platform
@pytest.mark.timeout(600)  # eight interpreters start on a machine that may have two cores
def test_processes_logging_to_a_live_platform_lose_nothing(home: Path, database_url: str) -> None:
    with run_platform(home, env={"MLPLANE_DATABASE_URL": database_url}) as platform:
        client = mlplane.Client(platform.url, platform.token)
        client.projects.create("busy")
        shared = client.runs.create("shared", project="busy", create_experiment=True)
        arguments = [
            (platform.url, platform.token, "busy", shared.id, index) for index in range(WRITERS)
        ]

        with multiprocessing.get_context("spawn").Pool(WRITERS) as pool:
            own_ids = pool.starmap(_log_from_process, arguments)

        _assert_complete(client, "busy", shared, own_ids)
        assert "database is locked" not in platform.log.read_text()
        client.close()
