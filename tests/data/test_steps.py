"""Ingestion and the validation gate as pipeline steps, run by real pipelines on warm workers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

import mlplane
from mlplane.core.settings import load_settings
from mlplane.data.steps import ChecksFailed, run_ingest
from mlplane.pipelines import service as pipelines_service
from mlplane.pipelines.dsl import Pipeline
from mlplane.pipelines.runner import PipelineResult, run_pipeline
from mlplane.pipelines.schemas import RunState, StepState
from mlplane.pipelines.workers import WorkerPool
from mlplane.pipelines.yaml_spec import load_yaml_pipeline
from mlplane.server.platform import Platform
from tests.data import flows

ROOT = Path(__file__).resolve().parents[2]
POSITIVE = {"name": "positive", "kind": "range", "column": "amount", "min": 0}


@pytest.fixture
def workers(client: mlplane.Client) -> Iterator[WorkerPool]:
    """Warm workers started after `client` pointed the environment at the test's platform."""
    pool = WorkerPool(size=2)
    yield pool
    pool.close()


@pytest.fixture
def shop(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("CREATE TABLE orders (id INTEGER, amount REAL)"))
    engine.dispose()
    return url


def _run(
    pipeline: Pipeline, params: dict[str, Any], client: mlplane.Client, workers: WorkerPool
) -> PipelineResult:
    return run_pipeline(
        pipeline, params, project=params["project"], client=client, executor=workers
    )


def _insert(url: str, rows: list[tuple[int, float]]) -> None:
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sqlalchemy.text("INSERT INTO orders (id, amount) VALUES (:id, :amount)"),
            [{"id": id_, "amount": amount} for id_, amount in rows],
        )
    engine.dispose()


def test_ingest_step_reads_new_rows_incrementally(
    client: mlplane.Client, project: str, shop: str, workers: WorkerPool
) -> None:
    _insert(shop, [(1, 10.0), (2, 20.0), (3, 30.0)])
    params = {"url": shop, "project": project}

    first = _run(flows.sql_orders, params, client, workers)
    assert first.state == RunState.SUCCEEDED, first.error
    assert first.result["version"]["version"] == 1
    assert first.result["version"]["created"] is True
    assert first.result["rows"] == 3

    _insert(shop, [(4, 40.0), (5, 50.0)])
    second = _run(flows.sql_orders, params, client, workers)
    assert second.state == RunState.SUCCEEDED, second.error
    assert (second.result["version"]["version"], second.result["rows"]) == (2, 5)
    rows = client.sql.run("SELECT id FROM orders ORDER BY id", project=project).rows
    assert rows == [[1], [2], [3], [4], [5]]


def test_ingest_step_makes_no_version_when_nothing_changed(
    client: mlplane.Client, project: str, shop: str, workers: WorkerPool
) -> None:
    _insert(shop, [(1, 10.0)])
    params = {"url": shop, "project": project}
    _run(flows.sql_orders, params, client, workers)

    again = _run(flows.sql_orders, params, client, workers)

    assert again.state == RunState.SUCCEEDED, again.error
    assert again.steps["ingest"] == StepState.SUCCEEDED  # run, not taken from the cache
    assert again.result["version"]["created"] is False
    assert again.result["version"]["version"] == 1
    assert [v.number for v in client.datasets.list_versions("orders", project=project)] == [1]
    statuses = [i.status for i in client.datasets.list_ingestions("orders", project=project)]
    assert statuses == ["unchanged", "succeeded"]


def test_ingest_step_versions_files_only_when_they_change(
    client: mlplane.Client, project: str, tmp_path: Path, workers: WorkerPool
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "january.csv").write_text("id,amount\n1,10.5\n2,20.0\n")
    params = {"files": str(exports / "*.csv"), "project": project}

    first = _run(flows.file_orders, params, client, workers)
    same = _run(flows.file_orders, params, client, workers)
    (exports / "february.csv").write_text("id,amount\n3,30.0\n")
    grown = _run(flows.file_orders, params, client, workers)

    assert [r.state for r in (first, same, grown)] == [RunState.SUCCEEDED] * 3
    assert [r.result["version"]["created"] for r in (first, same, grown)] == [True, False, True]
    assert [r.result["rows"] for r in (first, same, grown)] == [2, 2, 3]
    assert [v.number for v in client.datasets.list_versions("orders", project=project)] == [2, 1]


def test_failing_gate_stops_pipeline_and_marks_version_failed(
    client: mlplane.Client, project: str, shop: str, workers: WorkerPool
) -> None:
    params = {"url": shop, "project": project}
    _insert(shop, [(1, 10.0), (2, 20.0)])
    _run(flows.sql_orders, params, client, workers)
    client.datasets.create_check("orders", POSITIVE, project=project)
    _insert(shop, [(3, -5.0), (4, -7.0), (5, 1.0)])

    result = _run(flows.sql_orders, params, client, workers)

    assert result.state == RunState.FAILED
    assert result.steps == {"ingest": StepState.FAILED, "row_count": StepState.SKIPPED}
    assert result.error is not None
    assert "ChecksFailed" in result.error
    assert "positive" in result.error
    assert "2 failing rows" in result.error
    run = client.pipelines.get_run(project, result.run_id)
    [failed_step] = [s for s in run.steps if s.name == "ingest"]
    assert failed_step.error is not None
    assert '"amount": -5.0' in failed_step.error  # the report shows the failing rows
    failed = client.datasets.get_version("orders", 2, project=project)
    assert failed.status == "failed"
    assert client.datasets.get("orders", project=project).latest_version == 1
    [newest, *_] = client.datasets.list_ingestions("orders", project=project)
    assert newest.status == "failed"


def test_failed_gate_reads_same_rows_again_once_fixed(
    client: mlplane.Client, project: str, shop: str
) -> None:
    client.datasets.create("orders", project=project)
    client.datasets.create_check("orders", POSITIVE, project=project)
    source = {"kind": "sql", "url": shop, "table": "orders", "cursor_column": "id"}
    _insert(shop, [(1, -1.0)])
    with pytest.raises(ChecksFailed, match=r"orders@1 failed 1 of 1 checks \(positive; 1 failing"):
        run_ingest("orders", source, project=project, client=client)

    client.datasets.delete_check("orders", "positive", project=project)
    fixed = run_ingest("orders", source, project=project, client=client)

    assert (fixed["version"], fixed["row_count"], fixed["status"]) == (2, 1, "ready")


def test_validate_step_gates_existing_version(
    client: mlplane.Client, project: str, shop: str, workers: WorkerPool
) -> None:
    _insert(shop, [(1, 10.0), (2, -20.0)])
    _run(flows.sql_orders, {"url": shop, "project": project}, client, workers)

    passing = run_pipeline(
        flows.checked_orders,
        {"project": project, "checks": [{"name": "some", "kind": "row_count", "min": 1}]},
        project=project,
        client=client,
        executor=workers,
    )
    failing = _run(
        flows.checked_orders, {"project": project, "checks": [POSITIVE]}, client, workers
    )

    assert passing.state == RunState.SUCCEEDED, passing.error
    assert passing.result == 2
    assert failing.state == RunState.FAILED
    assert failing.steps == {"validate": StepState.FAILED, "row_count": StepState.SKIPPED}
    assert "orders@1 failed 1 of 1 checks (positive; 1 failing rows)" in (failing.error or "")
    assert client.datasets.get_version("orders", 1, project=project).status == "ready"


def test_yaml_pipeline_names_data_steps(
    client: mlplane.Client, project: str, shop: str, tmp_path: Path, workers: WorkerPool
) -> None:
    _insert(shop, [(1, 10.0), (2, 20.0)])
    spec = tmp_path / "ingestion.yaml"
    spec.write_text(
        f"""
name: nightly-orders
params: {{url: "{shop}"}}
steps:
  orders:
    function: mlplane.data.steps:ingest
    args:
      dataset: orders
      project: {project}
      source: {{kind: sql, url: "${{params.url}}", table: orders, cursor_column: id}}
  gate:
    function: mlplane.data.steps:validate
    args:
      dataset: "${{steps.orders}}"
      checks: [{{name: enough, kind: row_count, min: 2}}]
"""
    )

    result = run_pipeline(
        load_yaml_pipeline(spec), {}, project=project, client=client, executor=workers
    )

    assert result.state == RunState.SUCCEEDED, result.error
    assert result.result["gate"]["ref"] == "orders@1"
    assert result.result["gate"]["checks_passed"] == 1


def test_scheduled_ingestion_runs_in_launched_process(
    client: mlplane.Client, project: str, shop: str, home: Path
) -> None:
    _insert(shop, [(1, 10.0), (2, 20.0)])
    schedule = client.pipelines.create_schedule(
        project,
        "hourly-orders",
        "tests.data.flows:sql_orders",
        "0 * * * *",
        params={"url": shop, "project": project},
    )
    platform = Platform(load_settings(home))
    try:
        with platform.db.write() as session:
            (run_id,) = pipelines_service.tick_schedules(session, schedule.next_run_at)
    finally:
        platform.close()

    # What the worker's launcher does for a queued run: a process of its own on the home.
    environment = dict(os.environ, MLPLANE_HOME=str(home), PYTHONPATH=str(ROOT))
    launched = subprocess.run(
        [sys.executable, "-m", "mlplane.pipelines.launch", project, run_id],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    run = client.pipelines.get_run(project, run_id)
    assert run.state == RunState.SUCCEEDED, (run.error, launched.stderr[-3000:])
    assert run.origin == "schedule"
    version = client.datasets.get_version("orders", "latest", project=project)
    assert (version.number, version.row_count) == (1, 2)
