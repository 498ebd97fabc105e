"""Experiment tracking: mlplane against MLflow's tracking server, side by side on SQLite.

Both servers run on this machine at once: `mlplane up` and `mlflow server` (one worker,
SQLite backend, proxied artifacts), MLflow from its own virtual environment. Measured:

  (a) batch logging throughput over HTTP, points/s: mlplane's native SDK sending batches
      of 10,000 points (its API's limit), against MLflow's client `log_batch` of 1000 points
      (MLflow's limit) on MLflow;
  (b) one `log_metric` call through the MLflow client: p50 and p95 on each server;
  (c) `search_runs` with a metric filter and a metric order over 10,000 runs of
      10 metrics and 10 params each: median of 20 searches through the MLflow client;
  (d) `log_batch` of 1000 metrics through the MLflow client: median on each server.

Targets: (a) ≥ 100,000 points/s; (b) p50 < 3 ms on mlplane; (c) median < 100 ms and ≥ 10x
faster than MLflow; (d) ≥ 5x faster than MLflow.

The 10,000 runs are written straight into each server's SQLite database through that
project's own table models (bulk inserts of runs, params, metrics and latest metrics, the
rows each store's logging writes): a REST call per run would dominate the run time.

Usage: python bench/tracking/bench_tracking.py [--runs N] [--searches N] [--page-size N]
Writes bench/results/tracking.json and tracking.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from peers import peer_environment
from servers import free_port, running

import mlplane
from mlplane.tracking.limits import NATIVE_MAX_METRICS_PER_BATCH

RESULTS = Path(__file__).resolve().parents[1] / "results"
DRIVER = Path(__file__).parent / "mlflow_driver.py"
MLFLOW_PACKAGES = ["mlflow==3.*"]
PROJECT = "default"
SEARCH_FILTER = "metrics.m0 > 0.5 and params.p1 != '3'"
SEARCH_ORDER_BY = ["metrics.m1 DESC"]
METRICS_PER_RUN = 10
PARAMS_PER_RUN = 10


def _driver(python: Path, mode: str, config: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [str(python), str(DRIVER), mode, json.dumps(config)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"},
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _create_experiment(url: str, token: str | None, name: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        created = client.post("/api/2.0/mlflow/experiments/create", json={"name": name})
        created.raise_for_status()
        experiment_id = created.json()["experiment_id"]
        found = client.get(
            "/api/2.0/mlflow/experiments/get", params={"experiment_id": experiment_id}
        )
        found.raise_for_status()
        experiment: dict[str, Any] = found.json()["experiment"]
        return experiment


def populate_mlplane(home: Path, experiment: dict[str, Any], runs: int) -> float:
    """Insert runs with 10 metrics and 10 params each straight into mlplane's database through
    its own table models, as MLflow's is filled: a request per run would dominate the run."""
    from sqlalchemy import insert

    from mlplane.core.db import Database
    from mlplane.core.ids import new_id
    from mlplane.tracking.tables import LatestMetricRow, MetricRow, ParamRow, RunRow

    started = time.perf_counter()
    generator = random.Random(0)
    folder = experiment["artifact_location"].removeprefix("mlflow-artifacts:/")
    database = Database(f"sqlite:///{home / 'mlplane.db'}")
    now = int(time.time() * 1000)
    chunk = 1000
    with database.write() as session:
        for first in range(0, runs, chunk):
            rows, params, metrics = [], [], []
            for index in range(first, min(first + chunk, runs)):
                run_id = new_id()
                rows.append(
                    {
                        "id": run_id,
                        "experiment_id": experiment["experiment_id"],
                        "name": f"run-{index}",
                        "status": "RUNNING",
                        "start_time": now + index,
                        "end_time": None,
                        "user_name": "admin",
                        "source_name": "bench",
                        "source_type": "LOCAL",
                        "lifecycle": "active",
                        "artifact_uri": f"{folder}/{run_id}/artifacts",
                    }
                )
                params += [
                    {"run_id": run_id, "key": f"p{key}", "value": str(generator.randint(0, 9))}
                    for key in range(PARAMS_PER_RUN)
                ]
                metrics += [
                    {
                        "run_id": run_id,
                        "key": f"m{key}",
                        "value": generator.random(),
                        "step": 0,
                        "timestamp": now,
                    }
                    for key in range(METRICS_PER_RUN)
                ]
            session.execute(insert(RunRow), rows)
            session.execute(insert(ParamRow), params)
            session.execute(insert(MetricRow), metrics)
            session.execute(insert(LatestMetricRow), metrics)
    database.dispose()
    return time.perf_counter() - started


def native_throughput(
    url: str, token: str, experiment_id: str, batches: int, batch_size: int, threads: int
) -> float:
    """Points/s of `batch_size`-point batches through mlplane's SDK, `threads` senders at once."""
    now = int(time.time() * 1000)
    with mlplane.Client(url=url, token=token) as client:
        run_ids = [client.runs.create(experiment_id, project=PROJECT).id for _ in range(threads)]
        prepared = [
            [
                {
                    "key": f"m{index % 10}",
                    "value": random.random(),
                    "step": call * batch_size + index // 10,
                    "timestamp": now,
                }
                for index in range(batch_size)
            ]
            for call in range(batches)
        ]
        client.runs.log_batch(run_ids[0], project=PROJECT, metrics=prepared[0][:10])

        def send(sender: int) -> None:
            for call in range(sender, batches, threads):
                client.runs.log_batch(run_ids[sender], project=PROJECT, metrics=prepared[call])

        started = time.perf_counter()
        workers = [threading.Thread(target=send, args=(sender,)) for sender in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
    return batch_size * batches / elapsed


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("inf")


@dataclass(frozen=True)
class Setup:
    """Where both servers run and keep their data for one benchmark."""

    python: Path
    workdir: Path
    mlplane_port: int
    mlflow_port: int

    @property
    def home(self) -> Path:
        return self.workdir / "mlplane-home"

    @property
    def mlflow_db(self) -> Path:
        return self.workdir / "mlflow.db"

    @property
    def mlplane_url(self) -> str:
        return f"http://127.0.0.1:{self.mlplane_port}"

    @property
    def mlflow_url(self) -> str:
        return f"http://127.0.0.1:{self.mlflow_port}"

    def mlplane_command(self) -> list[str]:
        return [
            sys.executable, "-m", "mlplane", "--home", str(self.home), "up",
            "--port", str(self.mlplane_port), "--gateway-port", str(free_port()),
        ]  # fmt: skip

    def mlflow_command(self) -> list[str]:
        return [
            str(self.python), "-m", "mlflow", "server",
            "--backend-store-uri", f"sqlite:///{self.mlflow_db}",
            "--artifacts-destination", str(self.workdir / "mlflow-artifacts"),
            "--host", "127.0.0.1", "--port", str(self.mlflow_port), "--workers", "1",
        ]  # fmt: skip


def _measure(args: argparse.Namespace, setup: Setup) -> dict[str, Any]:
    python, workdir, home, mlflow_db = setup.python, setup.workdir, setup.home, setup.mlflow_db
    mlplane_url, mlflow_url = setup.mlplane_url, setup.mlflow_url
    results: dict[str, Any] = {}
    with (
        running(setup.mlplane_command(), f"{mlplane_url}/api/v1/health", workdir / "mlplane.log"),
        running(setup.mlflow_command(), f"{mlflow_url}/health", workdir / "mlflow.log"),
    ):
        token = (home / "admin.token").read_text().strip()
        print("populating", args.runs, "runs in each store...", flush=True)
        ours = _create_experiment(mlplane_url, token, "search-bench")
        results["populate_mlplane_s"] = populate_mlplane(home, ours, args.runs)
        theirs = _create_experiment(mlflow_url, None, "search-bench")
        results["populate_mlflow_s"] = _driver(
            python,
            "populate",
            {
                "database": f"sqlite:///{mlflow_db}",
                "experiment_id": theirs["experiment_id"],
                "artifact_root": theirs["artifact_location"],
                "runs": args.runs,
            },
        )["seconds"]

        print("native throughput...", flush=True)
        native = (mlplane_url, token, ours["experiment_id"], args.batches, args.batch_size)
        results["native_batch_size"] = args.batch_size
        results["native_points_per_s"] = native_throughput(*native, threads=1)
        results["native_points_per_s_2_senders"] = native_throughput(*native, threads=2)
        measure = {
            "metric_calls": args.metric_calls,
            "batch_calls": args.batch_calls,
            "searches": args.searches,
            "search_filter": SEARCH_FILTER,
            "search_order_by": SEARCH_ORDER_BY,
            "search_page_size": args.page_size,
        }
        print("MLflow client against mlplane...", flush=True)
        results["mlplane"] = _driver(
            python,
            "measure",
            {
                **measure,
                "uri": mlplane_url,
                "token": token,
                "search_experiment_id": ours["experiment_id"],
            },
        )
        print("MLflow client against MLflow...", flush=True)
        results["mlflow"] = _driver(
            python,
            "measure",
            {**measure, "uri": mlflow_url, "search_experiment_id": theirs["experiment_id"]},
        )
    return results


def run(args: argparse.Namespace) -> dict[str, Any]:
    bin_folder = peer_environment("mlflow", MLFLOW_PACKAGES)
    python = bin_folder / "python"
    mlflow_version = subprocess.run(
        [str(python), "-c", "import mlflow; print(mlflow.__version__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    workdir = Path(tempfile.mkdtemp(prefix="mlplane-bench-tracking-"))
    setup = Setup(python, workdir, free_port(), free_port())
    try:
        results = _measure(args, setup)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "mlflow_version": mlflow_version,
        "runs": args.runs,
        "search": {
            "filter": SEARCH_FILTER,
            "order_by": SEARCH_ORDER_BY,
            "page_size": args.page_size,
        },
        **results,
    }


def _timing(
    report: dict[str, Any], name: str, field: str, digits: int, target: str = "", met: Any = None
) -> tuple[str, str, str, str, str, Any]:
    """A row comparing one latency: ours, theirs, and how many times faster ours is."""
    ours, theirs = report["mlplane"][field], report["mlflow"][field]
    key = "p95" if name.endswith("p95, ms") else "p50"
    return (
        name,
        f"{ours[key]:.{digits}f}",
        f"{theirs[key]:.{digits}f}",
        f"{_ratio(theirs[key], ours[key]):.1f}x",
        target,
        met,
    )


def table(report: dict[str, Any]) -> str:
    ours, theirs = report["mlplane"], report["mlflow"]
    search_speedup = _ratio(theirs["search_ms"]["p50"], ours["search_ms"]["p50"])
    batch_speedup = _ratio(theirs["log_batch_ms"]["p50"], ours["log_batch_ms"]["p50"])
    rows = [
        (
            "(a) batch logging over HTTP, points/s",
            f"{report['native_points_per_s']:,.0f} (native SDK, "
            f"{report['native_batch_size']:,}-point batches); "
            f"{report['native_points_per_s_2_senders']:,.0f} (2 senders); "
            f"{ours['log_batch_points_per_s']:,.0f} (MLflow client, 1000-point batches)",
            f"{theirs['log_batch_points_per_s']:,.0f}",
            f"{_ratio(report['native_points_per_s'], theirs['log_batch_points_per_s']):.1f}x",
            "≥ 100,000 points/s",
            report["native_points_per_s"] >= 100_000,
        ),
        _timing(
            report, "(b) log_metric p50, ms", "log_metric_ms", 2, "< 3 ms",
            ours["log_metric_ms"]["p50"] < 3,
        ),
        _timing(report, "(b) log_metric p95, ms", "log_metric_ms", 2),
        _timing(report, "(b) the same call as plain HTTP, p50, ms", "http_log_metric_ms", 2),
        _timing(
            report,
            f"(c) search_runs over {report['runs']:,} runs, median ms "
            f"(page of {report['search']['page_size']})",
            "search_ms",
            1,
            "< 100 ms and ≥ 10x",
            ours["search_ms"]["p50"] < 100 and search_speedup >= 10,
        ),
        _timing(report, "(c) the same search as plain HTTP, median ms", "http_search_ms", 1),
        _timing(
            report, "(d) log_batch of 1000 metrics, median ms", "log_batch_ms", 1, "≥ 5x",
            batch_speedup >= 5,
        ),
    ]  # fmt: skip
    lines = [
        "| measurement | mlplane | MLflow | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, mine, peer, ratio, target, met in rows:
        mark = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {name} | {mine} | {peer} | {ratio} | {target} | {mark} |")
    machine = report["machine"]
    lines += [
        "",
        f"MLflow {report['mlflow_version']} (`mlflow server`, 1 worker, SQLite) and mlplane "
        f"(`mlplane up`, SQLite) on the same machine ({machine['cpus']} CPUs, Python "
        f"{machine['python']}); ratios are how many times faster mlplane is. Search: "
        f"`{report['search']['filter']}` ordered by `{', '.join(report['search']['order_by'])}`, "
        f"{ours['search_found']} runs a page. Stores populated in "
        f"{report['populate_mlplane_s']:.0f} s (mlplane) and {report['populate_mlflow_s']:.0f} s "
        "(MLflow), bulk inserts through each one's own table models.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=20)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--metric-calls", type=int, default=200)
    parser.add_argument("--batch-calls", type=int, default=30)
    parser.add_argument("--batches", type=int, default=20, help="native throughput batches")
    parser.add_argument(
        "--batch-size", type=int, default=NATIVE_MAX_METRICS_PER_BATCH, help="points a batch"
    )
    args = parser.parse_args()
    report = run(args)
    markdown = table(report)
    print(markdown)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "tracking.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "tracking.md").write_text(markdown + "\n")


if __name__ == "__main__":
    main()
