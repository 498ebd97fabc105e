"""Per-minute rollups of the inference log, and a deployment's metrics read from them."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, select
from typer.testing import CliRunner

import mlplane
from mlplane.cli.main import app as cli_app
from mlplane.client.errors import ApiError
from mlplane.core.clock import utcnow
from mlplane.core.ids import new_id
from mlplane.core.settings import load_settings
from mlplane.demo import DEMO_PROJECT, seed_catalog, seed_deployments, seed_serving, seed_tracking
from mlplane.deployments.demo import DEMO_DEPLOYMENT
from mlplane.server.platform import Platform
from mlplane.server.worker import collect_loops
from mlplane.serving import store as serving_store
from mlplane.serving.rollup_demo import DEMO_CALLS, seed_inference_traffic
from mlplane.serving.rollup_tables import InferenceRollupRow, RollupWatermarkRow
from mlplane.serving.rollups import MINUTES_PER_PASS, PASSES_PER_RUN, roll_up
from mlplane.serving.tables import InferenceLogRow
from tests.harness.platform import run_platform
from tests.serving.conftest import FEATURES, LABELS

# A minute well in the past, so the rollup treats everything around it as finished.
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)

LogCall = Callable[..., None]


@pytest.fixture
def platform(client: mlplane.Client, home: Path) -> Iterator[Platform]:
    client.health()  # the in-process app has migrated the database
    made = Platform(load_settings(home))
    yield made
    made.close()


@pytest.fixture
def log_call(platform: Platform) -> LogCall:
    """Write logged calls the way the gateway's log does, at chosen moments."""

    def write(
        at: datetime,
        *,
        model: str = "churn",
        version: str = "1",
        status: int = 200,
        latency_ms: float = 5.0,
        rows: int = 1,
        project: str = "test-project",
        count: int = 1,
    ) -> None:
        records = [
            InferenceLogRow(
                id=new_id(), created_at=at, project=project, model=model, version=version,
                caller="admin", protocol="v2", status=status, latency_ms=latency_ms, rows=rows,
                error=None if status < 400 else "failed", payload=None,
            )
            for _ in range(count)
        ]  # fmt: skip
        with platform.db.write() as session:
            serving_store.add_inference_records(session, records)

    return write


def _rollups(platform: Platform) -> dict[tuple[str, str, datetime], InferenceRollupRow]:
    with platform.db.read() as session:
        rows = session.scalars(select(InferenceRollupRow)).all()
        return {(row.model, row.version, row.minute): row for row in rows}


def test_roll_up_sums_each_finished_minute_per_version(
    platform: Platform, log_call: LogCall
) -> None:
    latencies = [4.0, 8.0, 12.0, 16.0, 100.0]
    for second, latency in enumerate(latencies):
        log_call(T0 + timedelta(seconds=second * 10), latency_ms=latency, rows=3)
    log_call(T0 + timedelta(seconds=55), status=503, latency_ms=30.0)
    log_call(T0 + timedelta(seconds=56), status=400, latency_ms=1.0, rows=0)
    log_call(T0 + timedelta(seconds=20), version="2", latency_ms=7.0)
    log_call(T0 + MINUTE + timedelta(seconds=1), latency_ms=9.0)
    log_call(T0 + 2 * MINUTE + timedelta(seconds=1), latency_ms=9.0)  # not finished yet

    assert roll_up(platform.db, T0 + 2 * MINUTE + timedelta(seconds=40)) == 2

    rolled = _rollups(platform)
    assert set(rolled) == {("churn", "1", T0), ("churn", "2", T0), ("churn", "1", T0 + MINUTE)}
    first = rolled[("churn", "1", T0)]
    all_latencies = [*latencies, 30.0, 1.0]
    assert (first.requests, first.errors, first.client_errors, first.rows) == (7, 1, 1, 16)
    assert first.project == "test-project"
    assert first.latency_mean_ms == pytest.approx(np.mean(all_latencies))
    assert first.latency_p50_ms == pytest.approx(np.percentile(all_latencies, 50))
    assert first.latency_p95_ms == pytest.approx(np.percentile(all_latencies, 95))
    assert first.latency_p99_ms == pytest.approx(np.percentile(all_latencies, 99))
    assert rolled[("churn", "2", T0)].requests == 1
    assert rolled[("churn", "1", T0 + MINUTE)].latency_p99_ms == pytest.approx(9.0)


def test_roll_up_again_never_double_counts(platform: Platform, log_call: LogCall) -> None:
    log_call(T0 + timedelta(seconds=5), count=4)
    log_call(T0 + MINUTE + timedelta(seconds=5), count=2)
    later = T0 + 5 * MINUTE
    roll_up(platform.db, later)
    assert roll_up(platform.db, later) == 0
    assert roll_up(platform.db, later + MINUTE) == 1

    # A worker that restarts opens a new connection and finds the watermark where it was.
    restarted = Platform(platform.settings)
    try:
        assert roll_up(restarted.db, later + MINUTE) == 0
    finally:
        restarted.close()
    rolled = _rollups(platform)
    assert [rolled[("churn", "1", minute)].requests for minute in (T0, T0 + MINUTE)] == [4, 2]
    assert len(rolled) == 2


def test_roll_up_rewrites_minutes_whole_when_the_watermark_is_lost(
    platform: Platform, log_call: LogCall
) -> None:
    log_call(T0 + timedelta(seconds=5), count=3)
    roll_up(platform.db, T0 + 5 * MINUTE)
    with platform.db.write() as session:
        session.execute(delete(RollupWatermarkRow))

    roll_up(platform.db, T0 + 5 * MINUTE)

    rolled = _rollups(platform)
    assert len(rolled) == 1
    assert rolled[("churn", "1", T0)].requests == 3


def test_roll_up_waits_for_calls_still_being_written(platform: Platform, log_call: LogCall) -> None:
    log_call(T0 + timedelta(seconds=10))
    assert roll_up(platform.db, T0 + MINUTE + timedelta(seconds=10)) == 0
    # The gateway writes a call stamped in the last minute a little after it ended.
    log_call(T0 + timedelta(seconds=59, milliseconds=900))
    assert roll_up(platform.db, T0 + MINUTE + timedelta(seconds=31)) == 1
    assert _rollups(platform)[("churn", "1", T0)].requests == 2


def test_roll_up_catches_up_in_bounded_steps(platform: Platform, log_call: LogCall) -> None:
    per_run = MINUTES_PER_PASS * PASSES_PER_RUN
    for minute in range(per_run + 15):
        log_call(T0 + minute * MINUTE + timedelta(seconds=1))
    now = T0 + (per_run + 20) * MINUTE

    assert roll_up(platform.db, now) == per_run
    assert len(_rollups(platform)) == per_run
    assert roll_up(platform.db, now) == 19
    assert len(_rollups(platform)) == per_run + 15


def test_worker_runs_the_rollup_loop() -> None:
    assert "inference-rollups" in {loop.name for loop in collect_loops()}


@pytest.fixture
def deployed(client: mlplane.Client, project: str, tmp_path: Path) -> str:
    """`churn-api` serving a registered scikit-learn model as revision 1."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    from mlplane.registry.packaging import save_model

    path = tmp_path / "churn-model"
    save_model(LogisticRegression().fit(FEATURES, LABELS), path, input_example=FEATURES.head(2))
    client.models.register("churn", str(path), project=project)
    deployment = client.deployments.create("churn-api", "models:/churn/1", project=project)
    assert deployment.stable is not None
    return deployment.stable.revision


def test_deployment_metrics_join_rollups_and_the_live_minute(
    client: mlplane.Client, platform: Platform, log_call: LogCall, deployed: str
) -> None:
    now = utcnow()
    log_call(now - 5 * MINUTE, model="churn-api", version=deployed, latency_ms=10.0, count=6)
    log_call(now - 5 * MINUTE, model="churn-api", version=deployed, status=500, latency_ms=50.0)
    log_call(now - 5 * MINUTE, model="other", version="1", count=3)
    roll_up(platform.db, now)
    log_call(utcnow(), model="churn-api", version=deployed, latency_ms=20.0, count=2)

    metrics = client.deployments.metrics("churn-api", window="15m", project="test-project")

    assert metrics.deployment == "churn-api"
    assert metrics.rolled_until is not None
    (series,) = metrics.versions
    assert (series.version, series.target) == (deployed, "stable")
    rolled = [point for point in series.points if not point.partial]
    live = [point for point in series.points if point.partial]
    assert [(point.requests, point.errors) for point in rolled] == [(7, 1)]
    assert rolled[0].error_rate == pytest.approx(1 / 7)
    assert rolled[0].requests_per_second == pytest.approx(7 / 60)
    assert rolled[0].latency_p50_ms == pytest.approx(10.0)
    assert sum(point.requests for point in live) == 2
    assert all(point.latency_p99_ms == pytest.approx(20.0) for point in live)


def test_deployment_metrics_before_any_rollup_come_from_the_log(
    client: mlplane.Client, log_call: LogCall, deployed: str
) -> None:
    log_call(utcnow() - 3 * MINUTE, model="churn-api", version=deployed, count=4)
    metrics = client.deployments.metrics("churn-api", window="15m", project="test-project")
    assert metrics.rolled_until is None
    assert [point.requests for point in metrics.versions[0].points] == [4]
    assert metrics.versions[0].points[0].partial


def test_deployment_metrics_refuse_an_unknown_window(client: mlplane.Client, deployed: str) -> None:
    with pytest.raises(ApiError) as raised:
        client.deployments.metrics("churn-api", window="2w", project="test-project")
    assert raised.value.status == 422
    assert "window" in raised.value.detail


def test_deployment_metrics_of_a_missing_deployment_are_404(
    client: mlplane.Client, project: str
) -> None:
    with pytest.raises(ApiError) as raised:
        client.deployments.metrics("nowhere", project=project)
    assert raised.value.status == 404


def test_deployment_metrics_need_a_role_in_the_project(
    client: mlplane.Client, user_client: Callable[..., mlplane.Client], deployed: str
) -> None:
    viewer = user_client("vera", "test-project", "viewer")
    assert viewer.deployments.metrics("churn-api", project="test-project").versions
    stranger = user_client("sam")
    with pytest.raises(ApiError) as raised:
        stranger.deployments.metrics("churn-api", project="test-project")
    assert raised.value.status == 404


def test_deploy_metrics_command_prints_each_version(
    home: Path, client: mlplane.Client, log_call: LogCall, deployed: str
) -> None:
    log_call(utcnow() - 2 * MINUTE, model="churn-api", version=deployed, count=5)
    runner = CliRunner()
    args = ["--home", str(home), "deploy", "metrics", "churn-api", "-p", "test-project"]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 0, result.stderr
    assert f"version {deployed} (stable)" in result.stdout
    result = runner.invoke(cli_app, [*args[:2], "-o", "json", *args[2:], "--window", "6h"])
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["window"] == "6h"
    assert found["versions"][0]["points"][0]["requests"] == 5


def test_seed_inference_traffic_sends_nothing_without_a_gateway(
    client: mlplane.Client, deployed: str
) -> None:
    assert seed_inference_traffic(client, "test-project", "churn-api") == 0


@pytest.mark.platform
@pytest.mark.timeout(300)  # a platform starts and loads the demo model on a small machine
def test_seed_inference_traffic_leaves_calls_the_demo_charts_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("MLPLANE_HOME", str(home))  # the demo finds its gateway by the home
    with (
        run_platform(home) as running,
        mlplane.Client(url=running.url, token=running.token) as admin,
    ):
        for seed_part in (seed_catalog, seed_tracking, seed_serving, seed_deployments):
            seed_part(admin)

        assert seed_inference_traffic(admin, DEMO_PROJECT, DEMO_DEPLOYMENT) == DEMO_CALLS

        deadline = time.monotonic() + 30
        while True:  # the gateway writes its log about once a second
            metrics = admin.deployments.metrics(DEMO_DEPLOYMENT, project=DEMO_PROJECT)
            total = sum(point.requests for item in metrics.versions for point in item.points)
            if total >= DEMO_CALLS or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert total == DEMO_CALLS
