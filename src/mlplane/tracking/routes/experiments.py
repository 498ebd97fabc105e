"""HTTP for experiments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from mlplane.core.pagination import Page
from mlplane.server.deps import READ_ONLY, PlatformDep, PrincipalDep
from mlplane.tracking import service
from mlplane.tracking.schemas import (
    Experiment,
    ExperimentCreate,
    ExperimentSearch,
    ExperimentUpdate,
    ViewType,
)

router = APIRouter(prefix="/projects/{project}/experiments", tags=["experiments"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_experiment(
    project: str, data: ExperimentCreate, platform: PlatformDep, principal: PrincipalDep
) -> Experiment:
    with platform.db.write() as session:
        return service.create_experiment(session, principal, project, data)


@router.get("")
def list_experiments(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    filter: str = "",
    order_by: Annotated[list[str] | None, Query()] = None,
    view: ViewType = ViewType.ACTIVE_ONLY,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[Experiment]:
    """Experiments of a project; `filter` and `order_by` use MLflow's search language."""
    search = ExperimentSearch(
        filter=filter,
        order_by=order_by or [],
        view=view,
        page_token=page_token,
        max_results=max_results,
    )
    with platform.db.read() as session:
        return service.search_experiments(session, principal, project, search)


@router.post("/search", openapi_extra=READ_ONLY)
def search_experiments(
    project: str, search: ExperimentSearch, platform: PlatformDep, principal: PrincipalDep
) -> Page[Experiment]:
    with platform.db.read() as session:
        return service.search_experiments(session, principal, project, search)


@router.get("/{experiment}")
def get_experiment(
    project: str, experiment: str, platform: PlatformDep, principal: PrincipalDep
) -> Experiment:
    """An experiment by id or by name."""
    with platform.db.read() as session:
        return service.get_experiment(session, principal, experiment, project)


@router.patch("/{experiment}")
def update_experiment(
    project: str,
    experiment: str,
    data: ExperimentUpdate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Experiment:
    with platform.db.write() as session:
        return service.update_experiment(session, principal, experiment, data, project)


@router.delete("/{experiment}")
def delete_experiment(
    project: str, experiment: str, platform: PlatformDep, principal: PrincipalDep
) -> Experiment:
    """Mark an experiment and its runs deleted; `restore` brings them back."""
    with platform.db.write() as session:
        return service.delete_experiment(session, principal, experiment, project)


@router.post("/{experiment}/restore")
def restore_experiment(
    project: str, experiment: str, platform: PlatformDep, principal: PrincipalDep
) -> Experiment:
    with platform.db.write() as session:
        return service.restore_experiment(session, principal, experiment, project)
