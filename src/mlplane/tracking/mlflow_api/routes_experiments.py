"""MLflow's experiment endpoints: `/experiments/create`, `get`, `get-by-name`, `search`,
`update`, `delete`, `restore`, `set-experiment-tag`, `delete-experiment-tag`."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from mlplane.core.errors import Forbidden, NotFound
from mlplane.core.pagination import Page
from mlplane.server.deps import READ_ONLY
from mlplane.tracking import service
from mlplane.tracking.mlflow_api import requests
from mlplane.tracking.mlflow_api.errors import MlflowError, MlflowRoute
from mlplane.tracking.mlflow_api.messages import (
    ARTIFACT_SCHEME,
    experiment_message,
    mlflow_response,
)
from mlplane.tracking.mlflow_api.paging import checked_max_results, gather
from mlplane.tracking.mlflow_api.scope import (
    DEFAULT_EXPERIMENT_ID,
    Scope,
    ScopeDep,
    default_experiment_id,
    ensure_default_experiment,
    experiment_id_in,
)
from mlplane.tracking.schemas import (
    Experiment,
    ExperimentCreate,
    ExperimentSearch,
    ExperimentUpdate,
    ViewType,
)

router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])

SEARCH_DEFAULT_MAX_RESULTS = 1000


def _artifact_location(location: str | None) -> str | None:
    """A folder of the platform's store: artifacts always move through the server."""
    if not location:
        return None
    if location.startswith(ARTIFACT_SCHEME):
        return location.removeprefix(ARTIFACT_SCHEME).lstrip("/")
    if "://" in location or location.startswith("/"):
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            f"artifact_location {location!r}: artifacts live in the platform's store; leave "
            "it out, or name a relative folder or an mlflow-artifacts:/ URI",
        )
    return location


def _refuse_taken_name(session: Session, scope: Scope, name: str) -> None:
    try:
        found = service.get_experiment(session, scope.principal, name, scope.project)
    except NotFound:
        return
    if found.name == name:
        raise MlflowError("RESOURCE_ALREADY_EXISTS", f"Experiment(name={name}) already exists.")


def _appear_if_default(scope: Scope, experiment_id: str) -> None:
    """MLflow's default experiment always exists; here it appears when first asked for."""
    if experiment_id == DEFAULT_EXPERIMENT_ID:
        # A viewer cannot create it, and learns that it does not exist yet.
        with contextlib.suppress(Forbidden):
            ensure_default_experiment(scope)


@router.post("/experiments/create")
def create_experiment(data: requests.CreateExperiment, scope: ScopeDep) -> Response:
    create = ExperimentCreate(
        name=data.name,
        tags=requests.as_dict(data.tags),
        artifact_location=_artifact_location(data.artifact_location),
    )
    with scope.write() as session:
        _refuse_taken_name(session, scope, create.name)
        created = service.create_experiment(session, scope.principal, scope.project, create)
        default_id = default_experiment_id(session, scope)
    message = experiment_message(created, default_id)
    return mlflow_response({"experiment_id": message["experiment_id"]})


@router.get("/experiments/get")
def get_experiment(experiment_id: str, scope: ScopeDep) -> Response:
    _appear_if_default(scope, experiment_id)
    with scope.read() as session:
        reference = experiment_id_in(session, scope, experiment_id)
        found = service.get_experiment(session, scope.principal, reference, scope.project)
        default_id = default_experiment_id(session, scope)
    return mlflow_response({"experiment": experiment_message(found, default_id)})


@router.get("/experiments/get-by-name")
def get_experiment_by_name(experiment_name: str, scope: ScopeDep) -> Response:
    with scope.read() as session:
        try:
            found = service.get_experiment(session, scope.principal, experiment_name, scope.project)
        except NotFound:
            found = None
        if found is None or found.name != experiment_name:
            raise MlflowError(
                "RESOURCE_DOES_NOT_EXIST",
                f"Could not find experiment with name '{experiment_name}'",
            )
        default_id = default_experiment_id(session, scope)
    return mlflow_response({"experiment": experiment_message(found, default_id)})


def _search(scope: Scope, data: requests.SearchExperiments) -> Response:
    wanted = checked_max_results(data.max_results, SEARCH_DEFAULT_MAX_RESULTS)
    with scope.read() as session:

        def fetch(max_results: int, page_token: str | None) -> Page[Experiment]:
            search = ExperimentSearch(
                filter=data.filter or "",
                order_by=data.order_by,
                view=data.view_type,
                max_results=max_results,
                page_token=page_token,
            )
            return service.search_experiments(session, scope.principal, scope.project, search)

        experiments, token = gather(fetch, wanted, data.page_token)
        default_id = default_experiment_id(session, scope)
    payload: dict[str, object] = {
        "experiments": [experiment_message(found, default_id) for found in experiments]
    }
    if token:
        payload["next_page_token"] = token
    return mlflow_response(payload)


@router.post("/experiments/search", openapi_extra=READ_ONLY)
def search_experiments(data: requests.SearchExperiments, scope: ScopeDep) -> Response:
    """Experiments matching an MLflow filter such as "name LIKE 'fraud%'"."""
    return _search(scope, data)


@router.get("/experiments/search")
def list_experiments(
    scope: ScopeDep,
    max_results: int | None = None,
    page_token: str | None = None,
    filter: str | None = None,
    order_by: Annotated[list[str] | None, Query()] = None,
    view_type: str = ViewType.ACTIVE_ONLY.value,
) -> Response:
    data = requests.SearchExperiments.model_validate(
        {
            "max_results": max_results,
            "page_token": page_token,
            "filter": filter,
            "order_by": order_by or [],
            "view_type": view_type,
        }
    )
    return _search(scope, data)


@router.post("/experiments/update")
def update_experiment(data: requests.UpdateExperiment, scope: ScopeDep) -> Response:
    with scope.write() as session:
        reference = experiment_id_in(session, scope, data.experiment_id)
        if data.new_name:
            _refuse_taken_name(session, scope, data.new_name)
        service.update_experiment(
            session,
            scope.principal,
            reference,
            ExperimentUpdate(name=data.new_name or None),
            scope.project,
        )
    return mlflow_response()


@router.post("/experiments/delete")
def delete_experiment(data: requests.ExperimentRequest, scope: ScopeDep) -> Response:
    with scope.write() as session:
        reference = experiment_id_in(session, scope, data.experiment_id)
        service.delete_experiment(session, scope.principal, reference, scope.project)
    return mlflow_response()


@router.post("/experiments/restore")
def restore_experiment(data: requests.ExperimentRequest, scope: ScopeDep) -> Response:
    with scope.write() as session:
        reference = experiment_id_in(session, scope, data.experiment_id)
        service.restore_experiment(session, scope.principal, reference, scope.project)
    return mlflow_response()


@router.post("/experiments/set-experiment-tag")
def set_experiment_tag(data: requests.SetExperimentTag, scope: ScopeDep) -> Response:
    with scope.write() as session:
        reference = experiment_id_in(session, scope, data.experiment_id)
        service.set_experiment_tag(
            session, scope.principal, reference, data.key, data.value, scope.project
        )
    return mlflow_response()


@router.post("/experiments/delete-experiment-tag")
def delete_experiment_tag(data: requests.DeleteExperimentTag, scope: ScopeDep) -> Response:
    with scope.write() as session:
        reference = experiment_id_in(session, scope, data.experiment_id)
        service.delete_experiment_tag(session, scope.principal, reference, data.key, scope.project)
    return mlflow_response()
