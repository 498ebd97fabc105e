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
