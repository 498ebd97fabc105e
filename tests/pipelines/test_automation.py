from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.core.settings import load_settings
from mlplane.pipelines import service
from mlplane.pipelines.launch import launch
from mlplane.pipelines.schemas import RunState
from mlplane.server.platform import Platform

SOURCE = "tests.pipelines.steps:from_event"


@pytest.fixture
def platform(client: mlplane.Client, home: Path) -> Iterator[Platform]:
    made = Platform(load_settings(home))
    yield made
    made.close()


def _tick(platform: Platform, when: datetime) -> list[str]:
    with platform.db.write() as session:
        return service.tick_schedules(session, when)


def test_schedule_runs_at_its_time(
    client: mlplane.Client, project: str, platform: Platform
) -> None:
    schedule = client.pipelines.create_schedule(project, "hourly", SOURCE, "0 * * * *")
    due = schedule.next_run_at
    assert due.minute == 0
    assert due.second == 0
    assert _tick(platform, due - timedelta(seconds=1)) == []
    created = _tick(platform, due)
    assert len(created) == 1
    run = client.pipelines.get_run(project, created[0])
    assert (run.state, run.origin, run.pipeline) == (RunState.QUEUED, "schedule", "from_event")
    assert client.pipelines.get_schedule(project, "hourly").next_run_at == due + timedelta(hours=1)


def test_schedule_no_overlap_skips_while_a_run_is_active(
    client: mlplane.Client, project: str, platform: Platform
) -> None:
    due = client.pipelines.create_schedule(project, "busy", SOURCE, "0 * * * *").next_run_at
    assert len(_tick(platform, due)) == 1
    assert _tick(platform, due + timedelta(hours=1)) == []


def test_schedule_catch_up_all_runs_every_missed_time(
    client: mlplane.Client, project: str, platform: Platform
) -> None:
    due = client.pipelines.create_schedule(
        project, "catchup", SOURCE, "0 * * * *", catch_up="all", no_overlap=False
    ).next_run_at
    assert len(_tick(platform, due + timedelta(hours=3, minutes=10))) == 4


@pytest.mark.parametrize(("catch_up", "expected"), [("latest", 1), ("none", 0)])
def test_schedule_catch_up_latest_or_none(
    client: mlplane.Client, project: str, platform: Platform, catch_up: str, expected: int
) -> None:
    due = client.pipelines.create_schedule(
        project, f"c-{catch_up}", SOURCE, "0 * * * *", catch_up=catch_up
    ).next_run_at
    assert len(_tick(platform, due + timedelta(hours=3, minutes=10))) == expected


def test_schedule_cron_reads_in_its_time_zone(client: mlplane.Client, project: str) -> None:
    schedule = client.pipelines.create_schedule(
        project, "paris", SOURCE, "30 2 * * *", timezone="Asia/Kolkata"
    )
    local = schedule.next_run_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Kolkata"))
    assert (local.hour, local.minute) == (2, 30)


def test_create_schedule_rejects_bad_cron_and_zone(client: mlplane.Client, project: str) -> None:
    with pytest.raises(ApiError, match="cron") as bad_cron:
        client.pipelines.create_schedule(project, "bad", SOURCE, "every day")
    assert bad_cron.value.status == 422
    with pytest.raises(ApiError, match="timezone"):
        client.pipelines.create_schedule(project, "bad", SOURCE, "0 * * * *", timezone="Mars/Base")
    with pytest.raises(ApiError) as missing:
        client.pipelines.get_schedule(project, "bad")
    assert missing.value.status == 404


def test_trigger_on_data_version_created_runs_pipeline(
    client: mlplane.Client, project: str, platform: Platform
) -> None:
    client.pipelines.create_trigger(
        project,
        "on-orders",
        SOURCE,
        "data.version.created",
        match={"dataset": "orders"},
        param_map={"dataset": "dataset", "version": "version"},
    )
    client.datasets.push(pa.table({"id": [1, 2]}), "customers", project=project)
    client.datasets.push(pa.table({"id": [1, 2]}), "orders", project=project)
    with platform.db.write() as session:
        created = service.tick_triggers(session)
    assert len(created) == 1
    with platform.db.write() as session:
        assert service.tick_triggers(session) == []
    result = launch(project, created[0], client=client)
    assert result.state == RunState.SUCCEEDED
    assert result.result == "orders@1"
    run = client.pipelines.get_run(project, created[0])
    assert (run.origin, run.params) == ("trigger", {"dataset": "orders", "version": 1})
    assert client.pipelines.list_triggers(project)[0].last_run_id == created[0]


def test_launch_fails_run_whose_source_does_not_load(
    client: mlplane.Client, project: str, platform: Platform
) -> None:
    due = client.pipelines.create_schedule(
        project, "broken", "tests.pipelines.nowhere:flow", "0 * * * *"
    ).next_run_at
    run_id = _tick(platform, due)[0]
    with pytest.raises(Exception, match="nowhere"):
        launch(project, run_id, client=client)
    run = client.pipelines.get_run(project, run_id)
    assert run.state == RunState.FAILED
    assert "cannot load" in (run.error or "")


def test_schedule_runs_carry_its_run_options(
    client: mlplane.Client, project: str, platform: Platform
) -> None:
    schedule = client.pipelines.create_schedule(
        project, "on-ray", SOURCE, "0 * * * *", executor="ray", address="10.0.0.5:6379"
    )
    assert schedule.run_options.model_dump(mode="json") == {
        "executor": "ray",
        "address": "10.0.0.5:6379",
    }
    assert client.pipelines.get_schedule(project, "on-ray").run_options == schedule.run_options
    run = client.pipelines.get_run(project, _tick(platform, schedule.next_run_at)[0])
    assert run.run_options == schedule.run_options


def test_trigger_runs_carry_its_run_options(
    client: mlplane.Client, project: str, platform: Platform
) -> None:
    trigger = client.pipelines.create_trigger(
        project, "on-any", SOURCE, "data.version.created", executor="ray"
    )
    assert (trigger.run_options.executor, trigger.run_options.address) == ("ray", None)
    client.datasets.push(pa.table({"id": [1]}), "orders", project=project)
    with platform.db.write() as session:
        created = service.tick_triggers(session)
    run = client.pipelines.get_run(project, created[0])
    assert run.run_options.executor == "ray"


def test_schedule_and_trigger_run_locally_by_default(client: mlplane.Client, project: str) -> None:
    schedule = client.pipelines.create_schedule(project, "plain", SOURCE, "0 * * * *")
    trigger = client.pipelines.create_trigger(project, "plain", SOURCE, "data.version.created")
    assert schedule.run_options.executor == trigger.run_options.executor == "local"
    assert schedule.run_options.address is None


@pytest.mark.parametrize(
    ("run_options", "field"),
    [({"executor": "local", "address": "10.0.0.5:6379"}, "address"), ({"executor": "k8s"}, "")],
)
def test_create_schedule_rejects_bad_run_options(
    client: mlplane.Client, project: str, run_options: dict[str, str], field: str
) -> None:
    body = {"name": "bad", "source": SOURCE, "cron": "0 * * * *", "run_options": run_options}
    for path in ("pipeline-schedules", "pipeline-triggers"):
        payload = dict(body, event="data.version.created") if "trigger" in path else body
        if "trigger" in path:
            payload.pop("cron")
        with pytest.raises(ApiError) as refused:
            client.transport.request("POST", f"/api/v1/projects/{project}/{path}", json=payload)
        assert refused.value.status == 422
        assert "run_options" in refused.value.detail
        assert field in refused.value.detail
    assert client.pipelines.list_schedules(project) == []
    assert client.pipelines.list_triggers(project) == []


def test_launch_fails_run_whose_executor_is_unusable(
    client: mlplane.Client, project: str, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    due = client.pipelines.create_schedule(
        project, "no-cluster", SOURCE, "0 * * * *", executor="ray"
    ).next_run_at
    run_id = _tick(platform, due)[0]
    with pytest.raises(ValueError, match="needs the cluster's address"):
        launch(project, run_id, client=client)
    run = client.pipelines.get_run(project, run_id)
    assert run.state == RunState.FAILED
    assert "cannot reach the ray executor" in (run.error or "")
