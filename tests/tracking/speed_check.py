"""A quick local measure of tracking's two hot paths (not a test: it asserts nothing).

    .venv/bin/python -m tests.tracking.speed_check [--runs 10000] [--batches 200]

1. Search: 10,000 runs x 10 metrics x 10 params, a metric filter plus an order_by, timed
   through the service (the SQL) and through the HTTP API in-process; prints the medians.
2. log-batch: points per second over HTTP against a real `mlplane up`, 1000 points per call,
   from one client and from four at once.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import insert
from sqlalchemy.orm import Session

import mlplane
from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import ProjectCreate
from mlplane.core.pagination import Page
from mlplane.core.settings import load_settings
from mlplane.governance import service as governance
from mlplane.server.app import create_app
from mlplane.tracking import service
from mlplane.tracking.schemas import Run, RunCreate, RunSearch
from mlplane.tracking.tables import LatestMetricRow, MetricRow, ParamRow, RunRow
from tests.harness.platform import run_platform

FILTER = "metrics.m0 > 0.5 and params.p1 = 'v3'"
ORDER_BY = ["metrics.m1 DESC"]


def _median_ms(action: Callable[[], object], repeats: int = 21) -> float:
    action()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def _seed_runs(session: Session, experiment_id: str, count: int) -> None:
    generator = random.Random(7)
    runs, metrics, latest, params = [], [], [], []
    for index in range(count):
        run_id = f"{index:032x}"
        runs.append(
            {
                "id": run_id,
                "experiment_id": experiment_id,
                "name": f"run-{index}",
                "status": "FINISHED",
                "start_time": 1_700_000_000_000 + index,
                "user_name": "admin",
                "source_name": "",
                "source_type": "LOCAL",
                "lifecycle": "active",
                "artifact_uri": f"tracking/{experiment_id}/{run_id}/artifacts",
            }
        )
        for key in range(10):
            value = generator.random()
            row = {"run_id": run_id, "key": f"m{key}", "value": value, "step": 0, "timestamp": 1}
            metrics.append(row)
            latest.append(row)
            params.append({"run_id": run_id, "key": f"p{key}", "value": f"v{index % 7}"})
    session.execute(insert(RunRow), runs)
    session.execute(insert(MetricRow), metrics)
    session.execute(insert(LatestMetricRow), latest)
    session.execute(insert(ParamRow), params)


def measure_search(count: int) -> None:
    home = Path(tempfile.mkdtemp()) / "home"
    app = create_app(load_settings(home))
    platform = app.state.platform
    token = (home / "admin.token").read_text().strip()
    with platform.db.read() as session:
        principal, _ = governance.authenticate(session, token)
    with platform.db.write() as session:
        catalog.create_project(session, principal, ProjectCreate(name="speed"))
        run = service.create_run(
            session, principal, "speed", RunCreate(experiment="big", create_experiment=True)
        )
        _seed_runs(session, run.experiment_id, count)
    search = RunSearch(filter=FILTER, order_by=ORDER_BY, max_results=100)

    def through_service() -> Page[Run]:
        with platform.db.read() as session:
            return service.search_runs(session, principal, "speed", search)

    client = mlplane.Client(home=home)
    body = search.model_dump()
    path = "/api/v1/projects/speed/runs/search"
    found = len(through_service().items)
    print(f"search over {count} runs ({found} on the first page): '{FILTER}' by {ORDER_BY}")
    print(f"  service median: {_median_ms(through_service):.1f} ms")
    print(
        f"  HTTP (in-process) median: "
        f"{_median_ms(lambda: client.transport.json('POST', path, json=body)):.1f} ms"
    )
    client.close()


def _bodies(batches: int, offset: int) -> list[bytes]:
    return [
        json.dumps(
            {
                "metrics": [
                    {
                        "key": f"m{index % 10}",
                        "value": float(index),
                        "step": offset + batch * 100 + index // 10,
                        "timestamp": 1_700_000_000_000,
                    }
                    for index in range(1000)
                ]
            }
        ).encode()
        for batch in range(batches)
    ]


def measure_log_batch(batches: int) -> None:
    home = Path(tempfile.mkdtemp()) / "home"
    with run_platform(home) as platform:
        client = mlplane.Client(platform.url, platform.token)
        client.projects.create("speed")
        run = client.runs.create("speed", project="speed", create_experiment=True)
        path = f"/api/v1/projects/speed/runs/{run.id}/log-batch"
        headers = {"Authorization": f"Bearer {platform.token}", "Content-Type": "application/json"}

        def send(bodies: list[bytes]) -> None:
            with httpx.Client(base_url=platform.url, headers=headers, timeout=60) as http:
                for body in bodies:
                    http.post(path, content=body).raise_for_status()

        send(_bodies(5, 10**8))
        bodies = _bodies(batches, 0)
        started = time.perf_counter()
        send(bodies)
        elapsed = time.perf_counter() - started
        print(f"log-batch, 1 client: {batches * 1000 / elapsed:,.0f} points/s")
        writers = [
            threading.Thread(target=send, args=(_bodies(batches // 4, (index + 1) * 10**6),))
            for index in range(4)
        ]
        started = time.perf_counter()
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        elapsed = time.perf_counter() - started
        print(f"log-batch, 4 clients: {(batches // 4) * 4 * 1000 / elapsed:,.0f} points/s")
        metrics = [
            {"key": f"s{index % 10}", "value": float(index), "step": index // 10}
            for index in range(batches * 1000)
        ]
        started = time.perf_counter()
        client.runs.log_batch(run.id, project="speed", metrics=metrics)
        elapsed = time.perf_counter() - started
        print(f"SDK client.runs.log_batch: {len(metrics) / elapsed:,.0f} points/s")
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--batches", type=int, default=200)
    arguments = parser.parse_args()
    measure_search(arguments.runs)
    measure_log_batch(arguments.batches)


if __name__ == "__main__":
    main()
