"""The MLflow side of the tracking benchmark, run by the MLflow peer's own Python.

The same MLflow client code measures both servers, so client-side costs are alike.
Usage (JSON in, JSON out):
    python mlflow_driver.py measure '{"uri": ..., "token": ..., ...}'
    python mlflow_driver.py populate '{"database": ..., "experiment_id": ..., "runs": N, ...}'
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
import uuid
from typing import Any

METRICS_PER_RUN = 10
PARAMS_PER_RUN = 10


def _client(uri: str, token: str | None) -> Any:
    os.environ["MLFLOW_TRACKING_URI"] = uri
    if token:
        os.environ["MLFLOW_TRACKING_TOKEN"] = token
    from mlflow import MlflowClient

    return MlflowClient()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(config: dict[str, Any]) -> dict[str, Any]:
    """(b) single log_metric latency, (d) 1000-metric log_batch latency and throughput,
    (c) search_runs latency over the populated experiment."""
    from mlflow.entities import Metric

    client = _client(config["uri"], config.get("token"))
    experiment_id = client.create_experiment(f"latency-{uuid.uuid4().hex[:8]}")
    run_id = client.create_run(experiment_id).info.run_id
    for step in range(10):  # warm connections and caches on both sides
        client.log_metric(run_id, "warm", 1.0, step=step)

    metric_ms = []
    for step in range(config["metric_calls"]):
        started = time.perf_counter()
        client.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
        metric_ms.append((time.perf_counter() - started) * 1000)

    batch_ms = []
    now = int(time.time() * 1000)
    batch_run = client.create_run(experiment_id).info.run_id
    for call in range(config["batch_calls"]):
        metrics = [
            Metric(f"m{index % 10}", random.random(), now, call * 100 + index // 10)
            for index in range(1000)
        ]
        started = time.perf_counter()
        client.log_batch(batch_run, metrics=metrics)
        batch_ms.append((time.perf_counter() - started) * 1000)

    search_ms = []
    found = 0
    for _ in range(config["searches"]):
        started = time.perf_counter()
        runs = client.search_runs(
            [config["search_experiment_id"]],
            filter_string=config["search_filter"],
            order_by=config["search_order_by"],
            max_results=config["search_page_size"],
        )
        search_ms.append((time.perf_counter() - started) * 1000)
        found = len(runs)

    # The same calls as plain HTTP: the server's share, without the MLflow client's own work
    # (building protobuf messages, parsing the answer into entities).
    import requests

    http = requests.Session()
    if config.get("token"):
        http.headers["Authorization"] = f"Bearer {config['token']}"
    base = f"{config['uri']}/api/2.0/mlflow"
    http_metric_ms = []
    for step in range(config["metric_calls"]):
        body = {"run_id": run_id, "key": "raw", "value": 0.5, "timestamp": now, "step": step}
        started = time.perf_counter()
        http.post(f"{base}/runs/log-metric", json=body).raise_for_status()
        http_metric_ms.append((time.perf_counter() - started) * 1000)
    http_search_ms = []
    search_body = {
        "experiment_ids": [config["search_experiment_id"]],
        "filter": config["search_filter"],
        "order_by": config["search_order_by"],
        "max_results": config["search_page_size"],
    }
    for _ in range(min(config["searches"], 10)):
        started = time.perf_counter()
        answer = http.post(f"{base}/runs/search", json=search_body)
        answer.raise_for_status()
        json.loads(answer.content)
        http_search_ms.append((time.perf_counter() - started) * 1000)

    return {
        "http_log_metric_ms": {
            "p50": statistics.median(http_metric_ms),
            "p95": _percentile(http_metric_ms, 0.95),
        },
        "http_search_ms": {"p50": statistics.median(http_search_ms)},
        "log_metric_ms": {
            "p50": statistics.median(metric_ms),
            "p95": _percentile(metric_ms, 0.95),
            "calls": len(metric_ms),
        },
        "log_batch_ms": {"p50": statistics.median(batch_ms), "calls": len(batch_ms)},
        "log_batch_points_per_s": 1000 * len(batch_ms) / (sum(batch_ms) / 1000),
        "search_ms": {"p50": statistics.median(search_ms), "calls": len(search_ms)},
        "search_found": found,
    }


def populate(config: dict[str, Any]) -> dict[str, Any]:
    """Insert runs straight into MLflow's SQLite database through MLflow's own table models
    (runs, params, tags, metrics and latest_metrics rows exactly as its store writes them):
    one REST call per run would take far longer than the rest of the benchmark."""
    from mlflow.store.tracking.dbmodels.models import (
        SqlLatestMetric,
        SqlMetric,
        SqlParam,
        SqlRun,
        SqlTag,
    )
    from sqlalchemy import create_engine, insert

    started = time.perf_counter()
    engine = create_engine(config["database"])
    generator = random.Random(0)
    experiment_id = int(config["experiment_id"])
    now = int(time.time() * 1000)
    chunk = 1000
    with engine.begin() as connection:
        for first in range(0, config["runs"], chunk):
            runs, params, tags, metrics = [], [], [], []
            for index in range(first, min(first + chunk, config["runs"])):
                run_id = uuid.uuid4().hex
                runs.append(
                    {
                        "run_uuid": run_id,
                        "name": f"run-{index}",
                        "source_type": "LOCAL",
                        "source_name": "bench",
                        "entry_point_name": "",
                        "user_id": "bench",
                        "status": "RUNNING",
                        "start_time": now + index,
                        "end_time": None,
                        "source_version": "",
                        "lifecycle_stage": "active",
                        "artifact_uri": f"{config['artifact_root']}/{run_id}/artifacts",
                        "experiment_id": experiment_id,
                    }
                )
                tags += [
                    {"key": "mlflow.runName", "value": f"run-{index}", "run_uuid": run_id},
                    {"key": "mlflow.user", "value": "bench", "run_uuid": run_id},
                ]
                params += [
                    {"key": f"p{key}", "value": str(generator.randint(0, 9)), "run_uuid": run_id}
                    for key in range(PARAMS_PER_RUN)
                ]
                for key in range(METRICS_PER_RUN):
                    point = {
                        "key": f"m{key}",
                        "value": generator.random(),
                        "timestamp": now,
                        "step": 0,
                        "is_nan": False,
                        "run_uuid": run_id,
                    }
                    metrics.append(point)
            connection.execute(insert(SqlRun.__table__), runs)
            connection.execute(insert(SqlTag.__table__), tags)
            connection.execute(insert(SqlParam.__table__), params)
            connection.execute(insert(SqlMetric.__table__), metrics)
            connection.execute(insert(SqlLatestMetric.__table__), metrics)
    engine.dispose()
    return {"seconds": time.perf_counter() - started}


if __name__ == "__main__":
    mode, raw = sys.argv[1], sys.argv[2]
    action = {"measure": measure, "populate": populate}[mode]
    print(json.dumps(action(json.loads(raw))))
