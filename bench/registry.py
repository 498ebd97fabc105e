"""Model registry: mlplane against MLflow's registry, side by side on SQLite.

Both servers run on this machine at once: `mlplane up` and `mlflow server` (one worker,
SQLite backend), MLflow from its own virtual environment. Measured:

  (a) registering a version from a run's artifacts: p50 and p95 of 200 registrations,
      through mlplane's SDK (`client.models.register("m", "runs:/<id>/model")`) and as the
      same MLflow REST call (`model-versions/create`) on each server;
  (b) searching 10,000 versions (100 models of 100 versions, each from its own run):
      one model's versions, newest first, a page of 100 (native API, and MLflow's
      `model-versions/search` with `name = '...'` on each server), the versions made from
      one run (native), and the newest 100 of the whole project (native).

Targets: (a) p50 < 50 ms; (b) median < 100 ms.

The 10,000 versions are written straight into each server's SQLite database through its
own table models (bulk inserts); a REST call per version would dominate the run time.

Usage: python bench/registry.py [--registrations N] [--searches N]
Writes bench/results/registry.json and registry.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import peer_environment
from servers import free_port, running

import mlplane

RESULTS = Path(__file__).resolve().parent / "results"
MLFLOW_PACKAGES = ["mlflow==3.*"]
MODELS = 100
VERSIONS_PER_MODEL = 100
TARGET_MODEL = "model-042"

MLFLOW_POPULATE = """
import sys, time
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore
from mlflow.store.model_registry.dbmodels.models import SqlRegisteredModel, SqlModelVersion
url, models, per_model = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
SqlAlchemyStore(url)  # creates or upgrades the schema
now = int(time.time() * 1000)
with Session(create_engine(url)) as session:
    for m in range(models):
        name = f"model-{m:03d}"
        session.add(SqlRegisteredModel(name=name, creation_time=now, last_updated_time=now))
        session.add_all(
            SqlModelVersion(
                name=name, version=v, creation_time=now + v, last_updated_time=now + v,
                user_id="bench", source=f"runs:/r{m:03d}{v:05d}/model",
                run_id=f"r{m:03d}{v:05d}", status="READY", current_stage="None",
            )
            for v in range(1, per_model + 1)
        )
    session.commit()
"""


def _timings(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm up: caches, connections, the first query plans
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        found.append((time.perf_counter() - started) * 1000)
    return found


def _p(values: list[float], quantile: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def _ok(response: httpx.Response) -> httpx.Response:
    response.raise_for_status()
    return response


def _populate_mlplane(database: Path, project: str) -> str:
    """Bulk-insert MODELS x VERSIONS_PER_MODEL versions; returns the run id of model 42's."""
    from sqlalchemy import select

    from mlplane.catalog.tables import ProjectRow
    from mlplane.core.db import Database
    from mlplane.registry.tables import ModelVersionRow, RegisteredModelRow

    db = Database(f"sqlite:///{database}")
    start = datetime.now(UTC) - timedelta(days=1)
    target_run = uuid.uuid4().hex
    with db.write() as session:
        project_id = session.scalars(select(ProjectRow.id).where(ProjectRow.name == project)).one()
        for m in range(MODELS):
            model_id = uuid.uuid4().hex
            session.add(
                RegisteredModelRow(
                    id=model_id, project_id=project_id, name=f"model-{m:03d}", description="",
                    owner="admin", tags={}, latest_version=VERSIONS_PER_MODEL,
                    created_at=start, created_by="admin", updated_at=start,
                )
            )  # fmt: skip
            session.flush()
            run_id = target_run if m == 42 else None
            session.add_all(
                ModelVersionRow(
                    id=uuid.uuid4().hex, project_id=project_id, model_id=model_id, version=v,
                    source="s3://bench/model", storage_path=None,
                    run_id=run_id or uuid.uuid4().hex, logged_model_id=None, status="READY",
                    status_message="", stage="None", description="", tags={},
                    created_at=start + timedelta(seconds=m * VERSIONS_PER_MODEL + v),
                    created_by="admin", updated_at=start,
                )
                for v in range(1, VERSIONS_PER_MODEL + 1)
            )  # fmt: skip
    db.dispose()
    return target_run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=200)
    parser.add_argument("--searches", type=int, default=20)
    args = parser.parse_args()
    mlflow_bin = peer_environment("mlflow", MLFLOW_PACKAGES)
    mlflow_version = subprocess.run(
        [str(mlflow_bin / "python"), "-c", "import mlflow; print(mlflow.__version__)"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="mlplane-bench-registry-"))
    home = workdir / "home"
    home.mkdir()
    mlflow_db = workdir / "mlflow.db"
    mlplane_port, mlflow_port = free_port(), free_port()
    mlplane_url, mlflow_url = f"http://127.0.0.1:{mlplane_port}", f"http://127.0.0.1:{mlflow_port}"
    print("populating MLflow's store...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [str(mlflow_bin / "python"), "-c", MLFLOW_POPULATE, f"sqlite:///{mlflow_db}",
         str(MODELS), str(VERSIONS_PER_MODEL)],
        check=True,
    )  # fmt: skip
    mlflow_populate_s = time.perf_counter() - started
    mlplane_command = [
        sys.executable, "-m", "mlplane", "--home", str(home), "up",
        "--port", str(mlplane_port), "--gateway-port", str(free_port()),
    ]  # fmt: skip
    mlflow_command = [
        str(mlflow_bin / "python"), "-m", "mlflow", "server",
        "--backend-store-uri", f"sqlite:///{mlflow_db}",
        "--artifacts-destination", str(workdir / "mlflow-artifacts"),
        "--host", "127.0.0.1", "--port", str(mlflow_port), "--workers", "1",
    ]  # fmt: skip
    results: dict[str, Any] = {}
    with (
        running(mlplane_command, f"{mlplane_url}/api/v1/health", workdir / "mlplane.log"),
        running(mlflow_command, f"{mlflow_url}/health", workdir / "mlflow.log"),
    ):
        token = (home / "admin.token").read_text().strip()
        sdk = mlplane.Client(url=mlplane_url, token=token)
        sdk.projects.create("bench")
        started = time.perf_counter()
        target_run = _populate_mlplane(home / "mlplane.db", "bench")
        mlplane_populate_s = time.perf_counter() - started

        # (a) registration from a run
        run = sdk.runs.create("train", project="bench", create_experiment=True)
        sdk.runs.upload_bytes(run.id, "model/weights.bin", b"0" * 1024, project="bench")
        sdk.models.create("registered", project="bench")
        native = _timings(
            lambda: sdk.models.register(
                "registered", f"runs:/{run.id}/model", project="bench", create_model=False
            ),
            args.registrations,
        )
        headers = {"Authorization": f"Bearer {token}", "X-Mlplane-Project": "bench"}
        mlplane_http = httpx.Client(base_url=mlplane_url, headers=headers, timeout=60)
        mlflow_http = httpx.Client(base_url=mlflow_url, timeout=60)
        for client in (mlplane_http, mlflow_http):
            _ok(client.post("/api/2.0/mlflow/registered-models/create", json={"name": "rest"}))
        mlflow_run = _ok(
            mlflow_http.post("/api/2.0/mlflow/runs/create", json={"experiment_id": "0"})
        ).json()["run"]["info"]
        body_on = {
            "mlplane": {"name": "rest", "source": f"runs:/{run.id}/model", "run_id": run.id},
            "mlflow": {
                "name": "rest",
                "source": f"{mlflow_run['artifact_uri']}/model",
                "run_id": mlflow_run["run_id"],
            },
        }
        rest: dict[str, list[float]] = {}
        for name, client in (("mlplane", mlplane_http), ("mlflow", mlflow_http)):
            rest[name] = _timings(
                lambda c=client, n=name: _ok(
                    c.post("/api/2.0/mlflow/model-versions/create", json=body_on[n])
                ),
                args.registrations,
            )
        # (b) search over 10,000 versions
        versions_path = "/api/v1/projects/bench/model-versions"
        native_search = {
            "one model, page of 100": _timings(
                lambda: _ok(
                    mlplane_http.get(
                        versions_path, params={"model": TARGET_MODEL, "max_results": 100}
                    )
                ),
                args.searches,
            ),
            "versions of one run": _timings(
                lambda: _ok(mlplane_http.get(versions_path, params={"run_id": target_run})),
                args.searches,
            ),
            "newest 100 of the project": _timings(
                lambda: _ok(mlplane_http.get(versions_path, params={"max_results": 100})),
                args.searches,
            ),
        }
        mlflow_search_params = {"filter": f"name = '{TARGET_MODEL}'", "max_results": 100}
        mlflow_search = {
            name: _timings(
                lambda c=client: _ok(
                    c.get("/api/2.0/mlflow/model-versions/search", params=mlflow_search_params)
                ),
                args.searches,
            )
            for name, client in (("mlplane", mlplane_http), ("mlflow", mlflow_http))
        }
        found = mlflow_http.get(
            "/api/2.0/mlflow/model-versions/search", params=mlflow_search_params
        ).json()
        assert len(found["model_versions"]) == 100, "MLflow's store was not populated"
        sdk.close()
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "mlflow": mlflow_version,
        },
        "versions": MODELS * VERSIONS_PER_MODEL,
        "populate_s": {"mlplane": mlplane_populate_s, "mlflow": mlflow_populate_s},
        "register_ms": {
            "mlplane_sdk": {"p50": _p(native, 0.5), "p95": _p(native, 0.95)},
            "mlplane_rest": {"p50": _p(rest["mlplane"], 0.5), "p95": _p(rest["mlplane"], 0.95)},
            "mlflow_rest": {"p50": _p(rest["mlflow"], 0.5), "p95": _p(rest["mlflow"], 0.95)},
        },
        "search_ms": {
            **{f"mlplane native: {k}": statistics.median(v) for k, v in native_search.items()},
            "mlplane mlflow-api: one model": statistics.median(mlflow_search["mlplane"]),
            "mlflow: one model": statistics.median(mlflow_search["mlflow"]),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "registry.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "registry.md").write_text(_markdown(results))
    print(_markdown(results))


def _markdown(results: dict[str, Any]) -> str:
    register, search = results["register_ms"], results["search_ms"]
    mlflow_p50 = register["mlflow_rest"]["p50"]
    native_p50 = register["mlplane_sdk"]["p50"]
    one_model = search["mlplane native: one model, page of 100"]
    rows = [
        "| measurement | mlplane | MLflow | ratio | target | met |",
        "|---|---|---|---|---|---|",
        f"| (a) register a version from a run, p50 ms | {native_p50:.1f} (SDK); "
        f"{register['mlplane_rest']['p50']:.1f} (MLflow REST call) | {mlflow_p50:.1f} | "
        f"{mlflow_p50 / register['mlplane_rest']['p50']:.1f}x | < 50 ms | "
        f"{'yes' if native_p50 < 50 else '**no**'} |",
        f"| (a) register, p95 ms | {register['mlplane_sdk']['p95']:.1f} (SDK); "
        f"{register['mlplane_rest']['p95']:.1f} (REST) | {register['mlflow_rest']['p95']:.1f} "
        f"| {register['mlflow_rest']['p95'] / register['mlplane_rest']['p95']:.1f}x |  |  |",
        f"| (b) search 10,000 versions: one model's, page of 100, median ms | {one_model:.1f} "
        f"(native); {search['mlplane mlflow-api: one model']:.1f} (MLflow API) | "
        f"{search['mlflow: one model']:.1f} | "
        f"{search['mlflow: one model'] / search['mlplane mlflow-api: one model']:.1f}x | "
        f"< 100 ms | {'yes' if one_model < 100 else '**no**'} |",
        f"| (b) versions made from one run, median ms | "
        f"{search['mlplane native: versions of one run']:.1f} | — |  |  |  |",
        f"| (b) newest 100 versions of the project, median ms | "
        f"{search['mlplane native: newest 100 of the project']:.1f} | — |  |  |  |",
    ]
    machine = results["machine"]
    note = (
        f"\nMLflow {machine['mlflow']} (`mlflow server`, 1 worker, SQLite) and mlplane "
        f"(`mlplane up`, SQLite) on the same machine ({machine['cpus']} CPUs, Python "
        f"{machine['python']}); ratios are how many times faster mlplane is. "
        f"{results['versions']:,} versions (100 models x 100) inserted in bulk through each "
        "store's own table models.\n"
    )
    return "\n".join(rows) + "\n" + note


if __name__ == "__main__":
    main()
