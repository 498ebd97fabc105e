"""Which project an MLflow request acts on, and MLflow's default experiment "0" in it.

MLflow has no projects: the API shows one project at a time. A request names it with the
`X-Mlplane-Project` header, or with MLflow 3's workspace header (`X-MLFLOW-WORKSPACE`, sent
by clients that set `MLFLOW_WORKSPACE`); without either it acts on the `default` project,
created on first use for a caller allowed to create projects.

MLflow clients log to experiment "0" when none is set. In each project that id stands for
the experiment named "Default", created when first needed; responses show its id as "0".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import ProjectCreate
from mlplane.core.errors import Conflict, Forbidden, NotFound
from mlplane.governance.schemas import Principal
from mlplane.server.deps import get_platform, get_principal
from mlplane.server.platform import Platform
from mlplane.tracking import service

PROJECT_HEADER = "X-Mlplane-Project"
WORKSPACE_HEADER = "X-MLFLOW-WORKSPACE"
DEFAULT_PROJECT = "default"
DEFAULT_EXPERIMENT_ID = "0"
DEFAULT_EXPERIMENT_NAME = "Default"

# (database URL, project) pairs known to exist: the default project is created once, and
# checking it again on every logged metric would cost a query each time.
_known_projects: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Scope:
    """The caller and the project their MLflow request acts on."""

    platform: Platform
    principal: Principal
    project: str

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.platform.db.read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.platform.db.write() as session:
            yield session


def _ensure_project(platform: Platform, principal: Principal, name: str) -> None:
    """Create the default project on first use; a caller who may not gets the service's
    refusal later, from the call that needs the project."""
    key = (platform.db.url, name)
    if key in _known_projects:
        return
    with platform.db.read() as session:
        try:
            catalog.get_project(session, principal, name)
        except NotFound:
            pass
        else:
            _known_projects.add(key)
            return
    try:
        with platform.db.write() as session:
            description = "Where MLflow clients log when they name no project."
            catalog.create_project(
                session, principal, ProjectCreate(name=name, description=description)
            )
    except Conflict:
        pass  # it exists, and the caller has no role in it: the service will say so
    except Forbidden:
        return  # not allowed to create it: the call itself answers with the reason
    _known_projects.add(key)


async def get_scope(request: Request) -> Scope:
    # One dependency reading its headers itself, async so that it costs no thread-pool trip:
    # FastAPI's solving of nested dependencies and header parameters is a sizeable share of
    # a logged metric. The headers are documented on every MLflow route (MlflowRoute).
    platform = await get_platform(request)
    principal = await get_principal(request, platform)
    headers = request.headers
    project = (headers.get(PROJECT_HEADER) or headers.get(WORKSPACE_HEADER) or "").strip()
    if not project:
        project = DEFAULT_PROJECT
        if (platform.db.url, project) not in _known_projects:
            # Only the first use of the default project touches the database.
            await run_in_threadpool(_ensure_project, platform, principal, project)
    request.state.audit_project = project
    return Scope(platform, principal, project)


PROJECT_HEADERS_DOC: list[dict[str, Any]] = [
    {
        "name": PROJECT_HEADER,
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "The project this request acts on; `default` when left out.",
    },
    {
        "name": WORKSPACE_HEADER,
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "MLflow 3's workspace (`MLFLOW_WORKSPACE`), read as a project name.",
    },
]


ScopeDep = Annotated[Scope, Depends(get_scope)]


def default_experiment_id(session: Session, scope: Scope) -> str | None:
    """The id of the project's "Default" experiment, if it exists."""
    try:
        return service.get_experiment(
            session, scope.principal, DEFAULT_EXPERIMENT_NAME, scope.project
        ).id
    except NotFound:
        return None


def experiment_id_in(session: Session, scope: Scope, experiment_id: str) -> str:
    """The experiment an MLflow id names: "0" is the project's Default experiment."""
    if experiment_id != DEFAULT_EXPERIMENT_ID:
        return experiment_id
    found = default_experiment_id(session, scope)
    if found is None:
        raise NotFound(f"experiment {experiment_id!r} does not exist")
    return found


def ensure_default_experiment(scope: Scope) -> str:
    """The Default experiment's id, creating it for a caller who may."""
    with scope.read() as session:
        found = default_experiment_id(session, scope)
    if found is not None:
        return found
    with scope.write() as session:
        return service.get_or_create_experiment(
            session, scope.principal, scope.project, DEFAULT_EXPERIMENT_NAME
        ).id


def experiment_id_out(experiment_id: str, default_id: str | None) -> str:
    """The id MLflow clients see: "0" for the Default experiment."""
    return DEFAULT_EXPERIMENT_ID if experiment_id == default_id else experiment_id
