"""Resolving experiments and runs for a caller, with the role they need.

Native routes name the project in the path; callers that only know an id (the
MLflow-compatible API) pass `project=None` and the project is found from the experiment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import ProjectAccess
from mlplane.core.errors import Conflict, NotFound
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking.schemas import Lifecycle
from mlplane.tracking.store import experiments as experiment_store
from mlplane.tracking.store import runs as run_store
from mlplane.tracking.store.runs import RunState
from mlplane.tracking.tables import ExperimentRow, RunRow

Found = TypeVar("Found")


@dataclass(frozen=True)
class ExperimentAccess:
    project: ProjectAccess
    experiment: ExperimentRow


@dataclass(frozen=True)
class RunAccess:
    project: ProjectAccess
    experiment: ExperimentRow
    run: RunRow


def _project_of(
    session: Session,
    principal: Principal,
    project_id: str,
    minimum: Role,
    for_write: bool,
    missing: str,
) -> ProjectAccess:
    try:
        return catalog.access_project_by_id(
            session, principal, project_id, minimum, for_write=for_write
        )
    except NotFound as error:
        # Without a role the caller learns nothing, not even the project's name.
        raise NotFound(missing) from error


def access_experiment(
    session: Session,
    principal: Principal,
    experiment: str,
    minimum: Role = Role.VIEWER,
    *,
    project: str | None = None,
    for_write: bool = False,
) -> ExperimentAccess:
    """An experiment by id, or by id or name within `project`."""
    missing = f"experiment {experiment!r} does not exist"
    if project is not None:
        access = catalog.access_project(session, principal, project, minimum, for_write=for_write)
        row = experiment_store.get_experiment(session, experiment)
        if row is None or row.project_id != access.id:
            row = experiment_store.get_experiment_by_name(session, access.id, experiment)
        if row is None:
            raise NotFound(f"{missing} in project {project!r}")
        return ExperimentAccess(access, row)
    row = experiment_store.get_experiment(session, experiment)
    if row is None:
        raise NotFound(missing)
    access = _project_of(session, principal, row.project_id, minimum, for_write, missing)
    return ExperimentAccess(access, row)


def _run_in_project(
    session: Session,
    principal: Principal,
    run_id: str,
    lookup: Callable[[], Found | None],
    project_id_of: Callable[[Found], str],
    minimum: Role,
    project: str | None,
    for_write: bool,
) -> tuple[ProjectAccess, Found]:
    """A run found by `lookup`, in `project` if named (checked first), else in its own."""
    missing = f"run {run_id!r} does not exist"
    if project is not None:
        access = catalog.access_project(session, principal, project, minimum, for_write=for_write)
        found = lookup()
        if found is None or project_id_of(found) != access.id:
            raise NotFound(f"{missing} in project {project!r}")
        return access, found
    found = lookup()
    if found is None:
        raise NotFound(missing)
    return _project_of(session, principal, project_id_of(found), minimum, for_write, missing), found


def access_run(
    session: Session,
    principal: Principal,
    run_id: str,
    minimum: Role = Role.VIEWER,
    *,
    project: str | None = None,
    for_write: bool = False,
) -> RunAccess:
    access, (run, experiment) = _run_in_project(
        session,
        principal,
        run_id,
        lambda: run_store.get_run_with_experiment(session, run_id),
        lambda found: found[1].project_id,
        minimum,
        project,
        for_write,
    )
    return RunAccess(access, experiment, run)


def access_run_state(
    session: Session,
    principal: Principal,
    run_id: str,
    minimum: Role,
    *,
    project: str | None = None,
    for_write: bool = False,
) -> RunState:
    """`access_run` for the logging hot path: the run's state as plain columns."""
    _, state = _run_in_project(
        session,
        principal,
        run_id,
        lambda: run_store.get_run_state(session, run_id),
        lambda found: found.project_id,
        minimum,
        project,
        for_write,
    )
    return state


def require_active_run(run: RunRow | RunState) -> None:
    if run.lifecycle != Lifecycle.ACTIVE:
        raise Conflict(f"run {run.id!r} is deleted; restore it before changing it")


def require_active_experiment(experiment: ExperimentRow) -> None:
    if experiment.lifecycle != Lifecycle.ACTIVE:
        raise Conflict(f"experiment {experiment.name!r} is deleted; restore it before changing it")
