"""Runs: create, read, change status, delete and restore, search.

The run name doubles as MLflow's `mlflow.runName` tag: setting that tag renames the run,
filters on it read the name, and it is not stored among the run's tags. The
MLflow-compatible API shows it as a tag again.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.clock import to_millis, utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking.limits import MAX_RUN_NAME_LENGTH
from mlplane.tracking.run_names import new_run_name
from mlplane.tracking.schemas import (
    ExperimentCreate,
    Lifecycle,
    Run,
    RunCreate,
    RunSearch,
    RunStatus,
    RunUpdate,
)
from mlplane.tracking.search import RUNS, parse_filter, parse_order_by
from mlplane.tracking.service.access import (
    access_experiment,
    access_run,
    require_active_experiment,
    require_active_run,
)
from mlplane.tracking.service.experiments import create_experiment
from mlplane.tracking.service.paging import fingerprint, next_page_token, page_window
from mlplane.tracking.service.views import run_views
from mlplane.tracking.store import experiments as experiment_store
from mlplane.tracking.store import logging as logging_store
from mlplane.tracking.store import runs as store
from mlplane.tracking.store.runs import RunState
from mlplane.tracking.store.search import RUN_NAME_TAG, read_window, run_search_query
from mlplane.tracking.tables import RunRow
from mlplane.tracking.validation import check_tags


def _now_ms() -> int:
    return to_millis(utcnow())


def _view(session: Session, row: RunRow) -> Run:
    return run_views(session, [row])[0]


def create_run(session: Session, principal: Principal, project: str, data: RunCreate) -> Run:
    tags = check_tags(data.tags, "tags")
    name = _checked_name(tags.pop(RUN_NAME_TAG, "") or data.name or new_run_name())
    try:
        found = access_experiment(
            session, principal, data.experiment, Role.EDITOR, project=project, for_write=True
        )
        experiment = found.experiment
    except NotFound:
        if not data.create_experiment:
            raise
        created = create_experiment(
            session, principal, project, ExperimentCreate(name=data.experiment)
        )
        row_or_none = experiment_store.get_experiment(session, created.id)
        assert row_or_none is not None
        experiment = row_or_none
    require_active_experiment(experiment)
    if data.parent_run_id is not None:
        parent = store.get_run_with_experiment(session, data.parent_run_id)
        if parent is None or parent[1].project_id != experiment.project_id:
            raise InvalidInput(f"parent_run_id: run {data.parent_run_id!r} does not exist")
    if data.status.is_terminal:
        raise InvalidInput(f"status: a new run is RUNNING or SCHEDULED, not {data.status.value}")
    run_id = new_id()
    row = RunRow(
        id=run_id,
        experiment_id=experiment.id,
        name=name,
        status=data.status.value,
        start_time=data.start_time if data.start_time is not None else _now_ms(),
        end_time=None,
        user_name=principal.name,
        source_name=data.source_name,
        source_type=data.source_type.value,
        git_commit=data.git_commit,
        git_dirty=data.git_dirty,
        parent_run_id=data.parent_run_id,
        lifecycle=Lifecycle.ACTIVE.value,
        artifact_uri=f"{experiment.artifact_location}/{run_id}/artifacts",
    )
    session.add(row)
    session.flush()
    logging_store.set_tags(session, run_id, tags)
    return _view(session, row)


def get_run(session: Session, principal: Principal, run_id: str, project: str | None = None) -> Run:
    found = access_run(session, principal, run_id, project=project)
    return _view(session, found.run)


def update_run(
    session: Session,
    principal: Principal,
    run_id: str,
    data: RunUpdate,
    project: str | None = None,
) -> Run:
    """Change status, end time or name. A terminal status without an end time ends it now."""
    found = access_run(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    row = found.run
    require_active_run(row)
    if data.name is not None:
        row.name = data.name
    if data.status is not None:
        row.status = data.status.value
        if data.status.is_terminal and data.end_time is None and row.end_time is None:
            row.end_time = _now_ms()
        if not data.status.is_terminal:
            row.end_time = None
    if data.end_time is not None:
        if data.end_time < row.start_time:
            raise InvalidInput("end_time: is before the run's start_time")
        row.end_time = data.end_time
    session.flush()
    return _view(session, row)


def _checked_name(name: str) -> str:
    if len(name) > MAX_RUN_NAME_LENGTH:
        raise InvalidInput(
            f"tags.{RUN_NAME_TAG}: a run name holds at most {MAX_RUN_NAME_LENGTH} characters"
        )
    return name


def rename_run(row: RunRow, name: str) -> None:
    row.name = _checked_name(name)


def delete_run(
    session: Session, principal: Principal, run_id: str, project: str | None = None
) -> Run:
    found = access_run(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    row = found.run
    if row.lifecycle != Lifecycle.DELETED:
        row.lifecycle, row.deleted_time = Lifecycle.DELETED.value, _now_ms()
        session.flush()
    return _view(session, row)


def restore_run(
    session: Session, principal: Principal, run_id: str, project: str | None = None
) -> Run:
    found = access_run(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    if found.experiment.lifecycle == Lifecycle.DELETED:
        raise Conflict(
            f"run {run_id!r} belongs to deleted experiment {found.experiment.name!r}; "
            "restore the experiment first"
        )
    row = found.run
    if row.lifecycle != Lifecycle.ACTIVE:
        row.lifecycle, row.deleted_time = Lifecycle.ACTIVE.value, None
        session.flush()
    return _view(session, row)


def _experiment_ids(
    session: Session, principal: Principal, project: str | None, references: list[str]
) -> tuple[list[str], str]:
    """The experiment ids a search covers, checking the caller may read each."""
    if project is None:
        if not references:
            raise InvalidInput("experiments: name at least one experiment id")
        ids = [access_experiment(session, principal, ref).experiment.id for ref in references]
        return ids, ""
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    if not references:
        return experiment_store.experiment_ids_of_project(session, access.id), access.id
    found = experiment_store.experiment_ids_by_reference(session, access.id, references)
    missing = [ref for ref in references if ref not in found]
    if missing:
        raise NotFound(f"experiment {missing[0]!r} does not exist in project {project!r}")
    return sorted({found[ref] for ref in references}), access.id


def search_runs(
    session: Session, principal: Principal, project: str | None, search: RunSearch
) -> Page[Run]:
    """Runs matching an MLflow filter, in the requested order, one page at a time.

    With `project=None` the experiments must be given by id (as the MLflow API does).
    """
    comparisons = parse_filter(search.filter, RUNS)
    sort_keys = parse_order_by(search.order_by, RUNS)
    experiment_ids, project_id = _experiment_ids(session, principal, project, search.experiments)
    key = fingerprint(
        "runs", project_id, experiment_ids, search.filter, search.order_by, search.view
    )
    offset, limit = page_window(search.page_token, search.max_results, key)
    if not experiment_ids:
        return Page(items=[])
    segments = run_search_query(session, experiment_ids, comparisons, sort_keys, search.view)
    ids = read_window(session, segments, offset, limit + 1)
    page_ids = ids[:limit]
    rows = {row.id: row for row in store.get_runs(session, page_ids)}
    items = run_views(session, [rows[run_id] for run_id in page_ids])
    return Page(items=items, next_page_token=next_page_token(offset, limit, len(ids) > limit, key))


def require_status_for_logging(row: RunRow | RunState) -> None:
    if RunStatus(row.status).is_terminal:
        raise Conflict(
            f"run {row.id!r} is {row.status}; metrics and params can only be logged to a "
            "RUNNING or SCHEDULED run"
        )
