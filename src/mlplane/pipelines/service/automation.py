"""Schedules and event triggers: what they are, and the ticks that turn them into queued runs.

A tick creates pipeline runs in state `queued`, in the same transaction that moves the
schedule's clock or the trigger's event cursor forward, so a crash never runs a time or an
event twice nor drops one. The worker then starts each queued run (see `pipelines.loops`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core import events
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.governance.schemas import Principal, Role
from mlplane.pipelines import store
from mlplane.pipelines.schemas import (
    CatchUp,
    RunOptions,
    RunState,
    Schedule,
    ScheduleCreate,
    Trigger,
    TriggerCreate,
)
from mlplane.pipelines.tables import PipelineRunRow, ScheduleRow, TriggerRow

MAX_CATCH_UP = 100
# The worker's own identity when it reads projects for the runs it starts.
SYSTEM = Principal(user_id="", name="mlplane-worker", is_admin=True, kind="system")
# With catch-up "none", a time missed by less than this still runs (the worker was busy).
ON_TIME_GRACE = timedelta(minutes=5)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(f"timezone: {name!r} is not a known time zone") from error


def next_time(cron: str, timezone: str, after: datetime) -> datetime:
    """The first time strictly after `after` that `cron` names in `timezone`, in UTC."""
    from croniter import croniter

    local = after.astimezone(_zone(timezone))
    following: datetime = croniter(cron, local).get_next(datetime)
    return following.astimezone(ZoneInfo("UTC"))


def _check_cron(cron: str) -> None:
    from croniter import croniter

    if not croniter.is_valid(cron):
        raise InvalidInput(f"cron: {cron!r} is not a cron expression")


def pipeline_name_of(source: str) -> str:
    """The name a queued run carries until its runner loads the pipeline."""
    tail = source.rsplit(":", 1)[-1] if ":" in source else source.rsplit("/", 1)[-1]
    name = tail.rsplit(".", 1)[0] if tail.endswith((".yaml", ".yml")) else tail
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in name.lower()).strip("-._")
    return (cleaned or "pipeline")[:63]


def _schedule_view(row: ScheduleRow, project: str) -> Schedule:
    return Schedule(
        id=row.id,
        project=project,
        name=row.name,
        source=row.source,
        cron=row.cron,
        timezone=row.timezone,
        params=row.params,
        catch_up=CatchUp(row.catch_up),
        no_overlap=row.no_overlap,
        enabled=row.enabled,
        run_options=RunOptions.model_validate(row.run_options or {}),
        next_run_at=row.next_run_at,
        last_run_at=row.last_run_at,
        last_run_id=row.last_run_id,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def create_schedule(
    session: Session,
    principal: Principal,
    project: str,
    data: ScheduleCreate,
    *,
    now: datetime | None = None,
) -> Schedule:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    _check_cron(data.cron)
    now = now or utcnow()
    if store.get_schedule(session, access.id, data.name) is not None:
        raise Conflict(f"schedule {data.name!r} already exists in project {project!r}")
    row = ScheduleRow(
        id=new_id(),
        project_id=access.id,
        name=data.name,
        source=data.source,
        cron=data.cron,
        timezone=data.timezone,
        params=data.params,
        catch_up=data.catch_up.value,
        no_overlap=data.no_overlap,
        enabled=data.enabled,
        run_options=data.run_options.model_dump(mode="json"),
        next_run_at=next_time(data.cron, data.timezone, now),
        last_run_at=None,
        last_run_id=None,
        created_at=now,
        created_by=principal.name,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:
        raise Conflict(f"schedule {data.name!r} already exists in project {project!r}") from error
    return _schedule_view(row, access.name)


def list_schedules(session: Session, principal: Principal, project: str) -> list[Schedule]:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    return [_schedule_view(row, access.name) for row in store.list_schedules(session, access.id)]


def get_schedule(session: Session, principal: Principal, project: str, name: str) -> Schedule:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    row = store.get_schedule(session, access.id, name)
    if row is None:
        raise NotFound(f"schedule {name!r} does not exist in project {project!r}")
    return _schedule_view(row, access.name)


def delete_schedule(session: Session, principal: Principal, project: str, name: str) -> None:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    row = store.get_schedule(session, access.id, name)
    if row is None:
        raise NotFound(f"schedule {name!r} does not exist in project {project!r}")
    session.delete(row)


def _queue_run(
    session: Session,
    project_id: str,
    source: str,
    params: dict[str, Any],
    run_options: dict[str, Any] | None,
    origin: str,
    origin_id: str,
    created_by: str,
    now: datetime,
) -> PipelineRunRow:
    row = PipelineRunRow(
        id=new_id(),
        project_id=project_id,
        pipeline=pipeline_name_of(source),
        source=source,
        params=params,
        state=RunState.QUEUED.value,
        error=None,
        origin=origin,
        origin_id=origin_id,
        tracking_run_id=None,
        resumed_from=None,
        run_options=dict(run_options) if run_options else None,
        created_at=now,
        started_at=None,
        finished_at=None,
        created_by=created_by,
    )
    session.add(row)
    return row


def _missed_times(row: ScheduleRow, now: datetime) -> list[datetime]:
    times: list[datetime] = []
    moment = row.next_run_at
    while moment <= now and len(times) < MAX_CATCH_UP:
        times.append(moment)
        moment = next_time(row.cron, row.timezone, moment)
    return times


def tick_schedules(session: Session, now: datetime | None = None) -> list[str]:
    """Queue the runs every due schedule owes at `now`; returns the new runs' ids."""
    now = now or utcnow()
    created: list[str] = []
    for row in store.due_schedules(session, now):
        missed = _missed_times(row, now)
        if row.catch_up == CatchUp.ALL.value:
            owed = missed
        elif row.catch_up == CatchUp.LATEST.value:
            owed = missed[-1:]
        else:
            owed = [moment for moment in missed[-1:] if now - moment <= ON_TIME_GRACE]
        if row.no_overlap and store.has_active_run(session, row.id):
            owed = []
        if row.no_overlap:
            owed = owed[-1:]
        for _moment in owed:
            run = _queue_run(
                session,
                row.project_id,
                row.source,
                dict(row.params),
                row.run_options,
                "schedule",
                row.id,
                row.created_by,
                now,
            )
            created.append(run.id)
            row.last_run_id = run.id
        if owed:
            row.last_run_at = now
        row.next_run_at = next_time(row.cron, row.timezone, now)
    session.flush()
    return created


def _trigger_view(row: TriggerRow, project: str) -> Trigger:
    return Trigger(
        id=row.id,
        project=project,
        name=row.name,
        source=row.source,
        event=row.event,
        match=row.match,
        params=row.params,
        param_map=row.param_map,
        enabled=row.enabled,
        run_options=RunOptions.model_validate(row.run_options or {}),
        last_event_id=row.last_event_id,
        last_run_id=row.last_run_id,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def create_trigger(
    session: Session, principal: Principal, project: str, data: TriggerCreate
) -> Trigger:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    if store.get_trigger(session, access.id, data.name) is not None:
        raise Conflict(f"trigger {data.name!r} already exists in project {project!r}")
    row = TriggerRow(
        id=new_id(),
        project_id=access.id,
        name=data.name,
        source=data.source,
        event=data.event,
        match=data.match,
        params=data.params,
        param_map=data.param_map,
        enabled=data.enabled,
        run_options=data.run_options.model_dump(mode="json"),
        # Only events after its creation start it.
        last_event_id=events.latest_id(session),
        last_run_id=None,
        created_at=utcnow(),
        created_by=principal.name,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as error:
        raise Conflict(f"trigger {data.name!r} already exists in project {project!r}") from error
    return _trigger_view(row, access.name)


def list_triggers(session: Session, principal: Principal, project: str) -> list[Trigger]:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    return [_trigger_view(row, access.name) for row in store.list_triggers(session, access.id)]


def delete_trigger(session: Session, principal: Principal, project: str, name: str) -> None:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    row = store.get_trigger(session, access.id, name)
    if row is None:
        raise NotFound(f"trigger {name!r} does not exist in project {project!r}")
    session.delete(row)


def _matches(row: TriggerRow, event: events.EventRow) -> bool:
    if event.project != row.project_id:
        return False
    return all(event.payload.get(key) == value for key, value in row.match.items())


def tick_triggers(session: Session, now: datetime | None = None) -> list[str]:
    """Queue a run for every new event a trigger matches; returns the new runs' ids."""
    now = now or utcnow()
    created: list[str] = []
    for row in store.enabled_triggers(session):
        for event in events.list_since(session, row.last_event_id, [row.event]):
            row.last_event_id = event.id
            if not _matches(row, event):
                continue
            params = dict(row.params)
            for param, field in row.param_map.items():
                if field in event.payload:
                    params[param] = event.payload[field]
            run = _queue_run(
                session,
                row.project_id,
                row.source,
                params,
                row.run_options,
                "trigger",
                row.id,
                row.created_by,
                now,
            )
            row.last_run_id = run.id
            created.append(run.id)
    session.flush()
    return created


def queued_runs(session: Session, limit: int = 20) -> list[tuple[str, str]]:
    """(run id, project name) of runs waiting for the worker to start them."""
    return [
        (row.id, catalog.access_project_by_id(session, SYSTEM, row.project_id).name)
        for row in store.list_queued(session, limit)
    ]
