"""MLflow's `model-versions/...` endpoints: create, get, search, update, delete, tags,
stage transitions and the download URI."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from mlplane.core.pagination import MAX_RESULTS_LIMIT
from mlplane.registry import service
from mlplane.registry.mlflow_api import requests
from mlplane.registry.mlflow_api.filters import Clause, clause_matches, exact, parse_filter
from mlplane.registry.mlflow_api.messages import download_uri, version_message
from mlplane.registry.mlflow_api.paging import checked_limit, page_of
from mlplane.registry.mlflow_api.stages import stage_of
from mlplane.registry.schemas import (
    ModelVersion,
    ModelVersionCreate,
    ModelVersionUpdate,
    VersionSearch,
)
from mlplane.tracking.mlflow_api.errors import MlflowError, MlflowRoute
from mlplane.tracking.mlflow_api.messages import mlflow_response
from mlplane.tracking.mlflow_api.requests import as_dict
from mlplane.tracking.mlflow_api.scope import ScopeDep

router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])
Fields = Annotated[dict[str, Any], Depends(requests.request_fields)]

SEARCH_DEFAULT = 10_000
SEARCH_MOST = 200_000
VERSION_KEYS = frozenset({"name", "run_id", "source_path", "version_number"})
ORDER_KEYS = {
    "name": lambda v: v.model,
    "version_number": lambda v: v.version,
    "creation_timestamp": lambda v: v.created_at,
    "last_updated_timestamp": lambda v: v.updated_at,
    "timestamp": lambda v: v.updated_at,
}


def _answer(version: ModelVersion) -> Response:
    return mlflow_response({"model_version": version_message(version)})


@router.post("/model-versions/create")
def create_model_version(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.CreateModelVersion.model_validate(fields)
    create = ModelVersionCreate(
        source=data.source,
        run_id=data.run_id or None,
        model_id=data.model_id or None,
        description=data.description,
        tags=as_dict(data.tags),
    )
    with scope.write() as session:
        version = service.create_version(session, scope.principal, scope.project, data.name, create)
    return _answer(version)


@router.get("/model-versions/get")
def get_model_version(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.VersionRequest.model_validate(fields)
    with scope.read() as session:
        version = service.get_version(
            session, scope.principal, scope.project, data.name, data.version
        )
    return _answer(version)


def _fields(version: ModelVersion) -> dict[str, str | None]:
    found: dict[str, str | None] = {
        "name": version.model,
        "run_id": version.run_id,
        "source_path": version.source,
        "version_number": str(version.version),
    }
    found.update({f"tags.{key}": value for key, value in version.tags.items()})
    return found


def _candidates(scope: ScopeDep, clauses: list[Clause], wanted: int) -> list[ModelVersion]:
    """Versions narrowed by an exact name and run id in the query, then filtered here."""
    run_ids: list[str | None] = [exact(clauses, "run_id")]
    for clause in clauses:
        if clause.key == "run_id" and clause.op == "IN":
            run_ids = list(clause.values)
    name = exact(clauses, "name")
    found: list[ModelVersion] = []
    with scope.read() as session:
        for run_id in run_ids:
            token: str | None = None
            while True:
                search = VersionSearch(
                    model=name, run_id=run_id, page_token=token, max_results=MAX_RESULTS_LIMIT
                )
                try:
                    page = service.search_versions(session, scope.principal, scope.project, search)
                except MlflowError:
                    raise
                found.extend(
                    version
                    for version in page.items
                    if all(clause_matches(clause, _fields(version)) for clause in clauses)
                )
                token = page.next_page_token
                if token is None or len(found) >= wanted:
                    break
    return found


@router.get("/model-versions/search")
def search_model_versions(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.Search.model_validate(fields)
    limit = checked_limit(data.max_results, SEARCH_DEFAULT, SEARCH_MOST)
    clauses = parse_filter(data.filter, VERSION_KEYS)
    if exact(clauses, "name") is not None and not _model_exists(scope, exact(clauses, "name")):
        return mlflow_response({"model_versions": []})
    offset_cap = SEARCH_MOST if data.page_token or data.order_by else limit + 1
    versions = _candidates(scope, clauses, offset_cap)
    for clause in reversed(data.order_by):
        key, _, direction = clause.strip().partition(" ")
        order = ORDER_KEYS.get(key)
        if order is None:
            raise MlflowError("INVALID_PARAMETER_VALUE", f"Invalid order by key '{key}'")
        versions.sort(key=order, reverse=direction.strip().upper() == "DESC")
    items, token = page_of(versions, data.page_token, limit)
    answer: dict[str, Any] = {"model_versions": [version_message(v) for v in items]}
    if token:
        answer["next_page_token"] = token
    return mlflow_response(answer)


def _model_exists(scope: ScopeDep, name: str | None) -> bool:
    from mlplane.core.errors import NotFound

    with scope.read() as session:
        try:
            service.get_model(session, scope.principal, scope.project, name or "")
        except NotFound:
            return False
    return True


@router.patch("/model-versions/update")
def update_model_version(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.UpdateModelVersion.model_validate(fields)
    with scope.write() as session:
        version = service.update_version(
            session,
            scope.principal,
            scope.project,
            data.name,
            data.version,
            ModelVersionUpdate(description=data.description),
        )
    return _answer(version)


@router.delete("/model-versions/delete")
def delete_model_version(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.VersionRequest.model_validate(fields)
    with scope.write() as session:
        service.delete_version(session, scope.principal, scope.project, data.name, data.version)
    return mlflow_response({})


@router.post("/model-versions/transition-stage")
def transition_model_version_stage(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.TransitionStage.model_validate(fields)
    with scope.write() as session:
        version = service.update_version(
            session,
            scope.principal,
            scope.project,
            data.name,
            data.version,
            ModelVersionUpdate(stage=stage_of(data.stage)),
            archive_existing=data.archive_existing_versions,
        )
    return _answer(version)


@router.post("/model-versions/set-tag")
def set_model_version_tag(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.VersionTag.model_validate(fields)
    with scope.write() as session:
        service.set_version_tag(
            session, scope.principal, scope.project, data.name, data.version, data.key, data.value
        )
    return mlflow_response({})


@router.delete("/model-versions/delete-tag")
def delete_model_version_tag(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.VersionTagKey.model_validate(fields)
    with scope.write() as session:
        service.delete_version_tag(
            session, scope.principal, scope.project, data.name, data.version, data.key
        )
    return mlflow_response({})


@router.get("/model-versions/get-download-uri")
def get_model_version_download_uri(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.VersionRequest.model_validate(fields)
    with scope.read() as session:
        version = service.get_version(
            session, scope.principal, scope.project, data.name, data.version
        )
    return mlflow_response({"artifact_uri": download_uri(version)})
