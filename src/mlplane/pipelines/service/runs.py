"""Pipeline runs and their step runs: create, report progress, finish, read, and the cache.

Step outputs go to the artifact store under a content-addressed path, so one output
written by many runs is stored once and a cache hit reads exactly the bytes first written.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import ProjectAccess
from mlplane.core.artifacts import ArtifactStore
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.governance.schemas import Principal, Role
from mlplane.pipelines import store
from mlplane.pipelines.resources import StepRequest
from mlplane.pipelines.schemas import (
    CachedKeys,
    CacheHits,
    PipelineRun,
    PipelineRunCreate,
    PipelineRunFinish,
    RunOptions,
    RunState,
    StepOutput,
    StepReport,
    StepRun,
    StepState,
)
from mlplane.pipelines.tables import PipelineRunRow, StepRunRow

RUN_ID_TAG = "mlplane.pipeline_run_id"


def output_path(project_id: str, digest: str) -> str:
    return f"pipelines/{project_id}/outputs/{digest[:2]}/{digest}"


def step_view(row: StepRunRow) -> StepRun:
    return StepRun.model_validate(row)


def run_view(row: PipelineRunRow, project: str, steps: list[StepRunRow] | None) -> PipelineRun:
    return PipelineRun(
        id=row.id,
        project=project,
        pipeline=row.pipeline,
        source=row.source,
        params=row.params,
        state=RunState(row.state),
        error=row.error,
        origin=row.origin,
        origin_id=row.origin_id,
        tracking_run_id=row.tracking_run_id,
        resumed_from=row.resumed_from,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        created_by=row.created_by,
        run_options=RunOptions.model_validate(row.run_options or {}),
        steps=[step_view(step) for step in steps or []],
    )


def _check_steps(data: PipelineRunCreate) -> None:
    names = [spec.name for spec in data.steps]
    if len(set(names)) != len(names):
        raise InvalidInput("steps: step names must be unique")
    known = set(names)
    for spec in data.steps:
        try:
            StepRequest.of(spec.resources)
        except ValueError as error:
            raise InvalidInput(
                f"steps: step {spec.name!r} has invalid resources: {error}"
            ) from error
        for parent in spec.upstream:
            if parent not in known:
                raise InvalidInput(f"steps: step {spec.name!r} depends on unknown step {parent!r}")


def _start_tracking_run(
    session: Session, principal: Principal, project: str, row: PipelineRunRow
) -> str:
    """A tracking run with the pipeline's parameters, so the run shows in experiments."""
    from mlplane.tracking import service as tracking
    from mlplane.tracking.schemas import RunCreate

    run = tracking.create_run(
        session,
        principal,
        project,
        RunCreate(
            experiment=f"pipeline-{row.pipeline}",
            create_experiment=True,
            tags={RUN_ID_TAG: row.id, "mlplane.pipeline": row.pipeline},
        ),
    )
    params = [{"key": key[:250], "value": _param_text(value)} for key, value in row.params.items()]
    if params:
        tracking.log_batch(
            session,
            principal,
            run.id,
            tracking.check_batch({"params": params}, run.id),
            project=project,
        )
    return run.id


def _param_text(value: Any) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text[:6000]


def create_run(
    session: Session,
    principal: Principal,
    project: str,
    data: PipelineRunCreate,
    *,
    origin: str = "manual",
    origin_id: str | None = None,
) -> PipelineRun:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    _check_steps(data)
    if data.resumed_from is not None:
        previous = store.get_run(session, data.resumed_from)
        if previous is None or previous.project_id != access.id:
            raise InvalidInput(f"resumed_from: pipeline run {data.resumed_from!r} does not exist")
    now = utcnow()
    row = PipelineRunRow(
        id=new_id(),
        project_id=access.id,
        pipeline=data.pipeline,
        source=data.source,
        params=data.params,
        state=(RunState.QUEUED if data.queued else RunState.RUNNING).value,
        error=None,
        origin=origin,
        origin_id=origin_id,
        tracking_run_id=None,
        resumed_from=data.resumed_from,
        run_options=data.run_options.model_dump(mode="json"),
        created_at=now,
        started_at=None if data.queued else now,
        finished_at=None,
        created_by=principal.name,
    )
    session.add(row)
    session.flush()
    steps = _add_steps(session, row, data)
    if not data.queued:
        row.tracking_run_id = _start_tracking_run(session, principal, access.name, row)
    return run_view(row, access.name, steps)


def _add_steps(session: Session, row: PipelineRunRow, data: PipelineRunCreate) -> list[StepRunRow]:
    steps = [
        StepRunRow(
            id=new_id(),
            run_id=row.id,
            position=position,
            name=spec.name,
            step=spec.step,
            function=spec.function,
            upstream=list(spec.upstream),
            options={
                "cache": spec.cache,
                "retries": spec.retries,
                "timeout": spec.timeout,
                "resources": spec.resources,
                "fan_out": spec.fan_out,
            },
            state=StepState.PENDING.value,
            attempt=0,
        )
        for position, spec in enumerate(data.steps)
    ]
    session.add_all(steps)
    session.flush()
    return steps


def start_queued_run(
    session: Session, principal: Principal, project: str, run_id: str, data: PipelineRunCreate
) -> PipelineRun:
    """Claim a queued run for a runner: it gets its steps and becomes running."""
    access, row = _access_run(session, principal, project, run_id, Role.EDITOR, for_update=True)
    if row.state != RunState.QUEUED.value:
        raise Conflict(f"pipeline run {run_id!r} is {row.state}, not queued")
    _check_steps(data)
    row.state, row.started_at = RunState.RUNNING.value, utcnow()
    row.params = data.params
    steps = _add_steps(session, row, data)
    row.tracking_run_id = _start_tracking_run(session, principal, access.name, row)
    return run_view(row, access.name, steps)


def _access_run(
    session: Session,
    principal: Principal,
    project: str,
    run_id: str,
    minimum: Role,
    *,
    for_update: bool = False,
) -> tuple[ProjectAccess, PipelineRunRow]:
    access = catalog.access_project(session, principal, project, minimum, for_write=for_update)
    row = store.get_run(session, run_id)
    if row is None or row.project_id != access.id:
        raise NotFound(f"pipeline run {run_id!r} does not exist in project {project!r}")
    return access, row


def report_steps(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    project: str,
    run_id: str,
    reports: list[StepReport],
) -> list[StepRun]:
    access, run = _access_run(session, principal, project, run_id, Role.EDITOR, for_update=True)
    if run.state != RunState.RUNNING.value:
        raise Conflict(f"pipeline run {run_id!r} is {run.state}; only a running run takes reports")
    steps = {step.name: step for step in store.list_steps(session, run_id)}
    changed: dict[str, StepRunRow] = {}
    for report in reports:
        step = steps.get(report.name)
        if step is None:
            raise InvalidInput(f"steps: pipeline run {run_id!r} has no step {report.name!r}")
        _apply(step, report, artifacts, access.id)
        if report.output is None and report.source_run_id and report.cache_key:
            _link_output(session, step, report.source_run_id, report.cache_key)
        changed[step.name] = step
    session.flush()
    return [step_view(step) for step in changed.values()]


def _apply(step: StepRunRow, report: StepReport, artifacts: ArtifactStore, project_id: str) -> None:
    step.state, step.attempt = report.state.value, report.attempt
    if report.started_at is not None:
        step.started_at = report.started_at
    if report.finished_at is not None:
        step.finished_at = report.finished_at
    if step.started_at is not None and step.finished_at is not None:
        step.duration_ms = (step.finished_at - step.started_at).total_seconds() * 1000
    if report.cache_key is not None:
        step.cache_key = report.cache_key
    step.error = report.error
    step.source_run_id = report.source_run_id
    if report.output is not None:
        if not report.output_format:
            raise InvalidInput(f"steps: step {report.name!r} sent an output without its format")
        try:
            data = base64.b64decode(report.output, validate=True)
        except ValueError as error:
            raise InvalidInput(
                f"steps: the output of step {report.name!r} is not base64"
            ) from error
        digest = hashlib.sha256(data).hexdigest()
        path = output_path(project_id, digest)
        if not artifacts.exists(path):
            artifacts.put_bytes(path, data)
        step.output_uri, step.output_digest, step.output_size = path, digest, len(data)
        step.output_format, step.output_type = report.output_format, report.output_type


def _link_output(session: Session, step: StepRunRow, source_run_id: str, key: str) -> None:
    """A cache hit or reused output points at the stored bytes, so it is read like its own."""
    source = store.find_output(session, source_run_id, key)
    if source is None:
        raise InvalidInput(f"steps: run {source_run_id!r} stored no output with key {key!r}")
    step.output_uri, step.output_digest = source.output_uri, source.output_digest
    step.output_size, step.output_format = source.output_size, source.output_format
    step.output_type = source.output_type


def finish_run(
    session: Session, principal: Principal, project: str, run_id: str, data: PipelineRunFinish
) -> PipelineRun:
    access, row = _access_run(session, principal, project, run_id, Role.EDITOR, for_update=True)
    if not data.state.is_terminal:
        raise InvalidInput("state: a run finishes as succeeded or failed")
    # A queued run that cannot start (its source does not load) finishes as failed.
    startable = row.state == RunState.QUEUED.value and data.state == RunState.FAILED
    if row.state != RunState.RUNNING.value and not startable:
        raise Conflict(f"pipeline run {run_id!r} is {row.state}, not running")
    row.state, row.error, row.finished_at = data.state.value, data.error, utcnow()
    steps = list(store.list_steps(session, run_id))
    for step in steps:
        if step.state in (StepState.PENDING.value, StepState.RUNNING.value):
            step.state = StepState.SKIPPED.value
    if row.tracking_run_id is not None:
        _end_tracking_run(session, principal, access.name, row)
    return run_view(row, access.name, steps)


def _end_tracking_run(
    session: Session, principal: Principal, project: str, row: PipelineRunRow
) -> None:
    from mlplane.tracking import service as tracking
    from mlplane.tracking.schemas import RunStatus, RunUpdate

    status = RunStatus.FINISHED if row.state == RunState.SUCCEEDED.value else RunStatus.FAILED
    # A tracking run deleted by hand does not stop the pipeline run from finishing.
    with contextlib.suppress(NotFound):
        tracking.update_run(
            session, principal, row.tracking_run_id or "", RunUpdate(status=status), project=project
        )


def get_run(session: Session, principal: Principal, project: str, run_id: str) -> PipelineRun:
    access, row = _access_run(session, principal, project, run_id, Role.VIEWER)
    return run_view(row, access.name, list(store.list_steps(session, run_id)))


def list_runs(
    session: Session,
    principal: Principal,
    project: str,
    *,
    pipeline: str | None = None,
    state: RunState | None = None,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[PipelineRun]:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    limit = check_max_results(max_results)
    cursor = decode_page_token(page_token)
    before = None
    if cursor:
        try:
            before = (datetime.fromisoformat(cursor["created_at"]), str(cursor["id"]))
        except (KeyError, ValueError, TypeError) as error:
            raise InvalidInput("page_token is not a token this server issued") from error
    rows = list(
        store.list_runs(
            session,
            access.id,
            pipeline=pipeline,
            state=state.value if state else None,
            before=before,
            limit=limit + 1,
        )
    )
    token = None
    if len(rows) > limit:
        rows = rows[:limit]
        token = encode_page_token(
            {"created_at": rows[-1].created_at.isoformat(), "id": rows[-1].id}
        )
    steps = store.steps_by_run(session, [row.id for row in rows])
    return Page(
        items=[run_view(row, access.name, steps[row.id]) for row in rows], next_page_token=token
    )


def _output(artifacts: ArtifactStore, step: StepRunRow) -> StepOutput:
    assert step.output_uri is not None
    assert step.output_format is not None
    try:
        data = artifacts.get_bytes(step.output_uri)
    except FileNotFoundError as error:
        raise NotFound(
            f"the output of step {step.name!r} is gone from the artifact store"
        ) from error
    return StepOutput(
        name=step.name,
        run_id=step.run_id,
        cache_key=step.cache_key,
        output=base64.b64encode(data).decode(),
        output_format=step.output_format,
        output_type=step.output_type,
        output_digest=step.output_digest or "",
    )


def get_step_output(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    project: str,
    run_id: str,
    name: str,
) -> StepOutput:
    _access_run(session, principal, project, run_id, Role.VIEWER)
    for step in store.list_steps(session, run_id):
        if step.name == name:
            if step.output_uri is None:
                raise NotFound(f"step {name!r} of pipeline run {run_id!r} has no output")
            return _output(artifacts, step)
    raise NotFound(f"pipeline run {run_id!r} has no step {name!r}")


MAX_CACHED_KEYS = 20_000


def list_cached_keys(
    session: Session, principal: Principal, project: str, steps: list[str]
) -> CachedKeys:
    """Which keys have a stored output, so a runner asks for outputs only where one exists."""
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    return CachedKeys(keys=store.cached_keys(session, access.id, steps, MAX_CACHED_KEYS))


def lookup_cache(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    project: str,
    keys: list[str],
) -> CacheHits:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    hits = {}
    for key, step in store.find_cached(session, access.id, keys).items():
        try:
            hits[key] = _output(artifacts, step)
        except NotFound:
            continue  # a missing file is a miss: the step runs again and rewrites it
    return CacheHits(hits=hits)
