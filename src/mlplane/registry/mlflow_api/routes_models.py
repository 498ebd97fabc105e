"""MLflow's `registered-models/...` endpoints: create, get, search, rename, update, delete,
tags, aliases and the latest versions per stage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from sqlalchemy.orm import Session

from mlplane.core.errors import Conflict
from mlplane.core.pagination import MAX_RESULTS_LIMIT
from mlplane.registry import service
from mlplane.registry.mlflow_api import requests
from mlplane.registry.mlflow_api.filters import clause_matches, exact, parse_filter
from mlplane.registry.mlflow_api.messages import model_message, version_message
from mlplane.registry.mlflow_api.paging import checked_limit, page_of
from mlplane.registry.mlflow_api.stages import stage_of
from mlplane.registry.schemas import RegisteredModel, RegisteredModelCreate, RegisteredModelUpdate
from mlplane.server.deps import READ_ONLY
from mlplane.tracking.mlflow_api.errors import MlflowError, MlflowRoute
from mlplane.tracking.mlflow_api.messages import mlflow_response
from mlplane.tracking.mlflow_api.requests import as_dict
from mlplane.tracking.mlflow_api.scope import Scope, ScopeDep

router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])
Fields = Annotated[dict[str, Any], Depends(requests.request_fields)]

SEARCH_DEFAULT = 100
SEARCH_MOST = 1000
MODEL_KEYS = frozenset({"name"})


def _model_answer(session: Session, scope: Scope, model: RegisteredModel) -> Response:
    latest = service.latest_versions(session, scope.principal, scope.project, model.name)
    return mlflow_response({"registered_model": model_message(model, latest)})


@router.post("/registered-models/create")
def create_registered_model(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.CreateRegisteredModel.model_validate(fields)
    create = RegisteredModelCreate(
        name=data.name, description=data.description, tags=as_dict(data.tags)
    )
    with scope.write() as session:
        try:
            model = service.create_model(session, scope.principal, scope.project, create)
        except Conflict as error:
            raise MlflowError(
                "RESOURCE_ALREADY_EXISTS", f"Registered Model (name={data.name}) already exists."
            ) from error
        return mlflow_response({"registered_model": model_message(model)})


@router.get("/registered-models/get")
def get_registered_model(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.ModelRequest.model_validate(fields)
    with scope.read() as session:
        model = service.get_model(session, scope.principal, scope.project, data.name)
        return _model_answer(session, scope, model)


@router.get("/registered-models/search")
def search_registered_models(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.Search.model_validate(fields)
    limit = checked_limit(data.max_results, SEARCH_DEFAULT, SEARCH_MOST)
    clauses = parse_filter(data.filter, MODEL_KEYS)
    with scope.read() as session:
        models: list[RegisteredModel] = []
        token: str | None = None
        while True:
            page = service.list_models(
                session,
                scope.principal,
                scope.project,
                name_like=exact(clauses, "name"),
                page_token=token,
                max_results=MAX_RESULTS_LIMIT,
            )
            models.extend(page.items)
            token = page.next_page_token
            if token is None:
                break
        matched = [
            model
            for model in models
            if all(
                clause_matches(clause, {"name": model.name, **_tags(model.tags)})
                for clause in clauses
            )
        ]
        matched = _ordered(matched, data.order_by)
        items, next_token = page_of(matched, data.page_token, limit)
        messages = [
            model_message(
                model,
                service.latest_versions(session, scope.principal, scope.project, model.name),
            )
            for model in items
        ]
    answer: dict[str, Any] = {"registered_models": messages}
    if next_token:
        answer["next_page_token"] = next_token
    return mlflow_response(answer)


def _tags(tags: dict[str, str]) -> dict[str, str]:
    return {f"tags.{key}": value for key, value in tags.items()}


def _ordered(models: list[RegisteredModel], order_by: list[str]) -> list[RegisteredModel]:
    ordered = sorted(models, key=lambda model: model.name)
    for clause in reversed(order_by):
        key, _, direction = clause.strip().partition(" ")
        reverse = direction.strip().upper() == "DESC"
        if key == "name":
            ordered.sort(key=lambda model: model.name, reverse=reverse)
        elif key in ("last_updated_timestamp", "timestamp"):
            ordered.sort(key=lambda model: model.updated_at, reverse=reverse)
        elif key == "creation_timestamp":
            ordered.sort(key=lambda model: model.created_at, reverse=reverse)
        else:
            raise MlflowError("INVALID_PARAMETER_VALUE", f"Invalid order by key '{key}'")
    return ordered


@router.post("/registered-models/rename")
def rename_registered_model(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.RenameRegisteredModel.model_validate(fields)
    with scope.write() as session:
        try:
            model = service.update_model(
                session,
                scope.principal,
                scope.project,
                data.name,
                RegisteredModelUpdate(name=data.new_name),
            )
        except Conflict as error:
            raise MlflowError(
                "RESOURCE_ALREADY_EXISTS",
                f"Registered Model (name={data.new_name}) already exists.",
            ) from error
        return _model_answer(session, scope, model)


@router.patch("/registered-models/update")
def update_registered_model(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.UpdateRegisteredModel.model_validate(fields)
    with scope.write() as session:
        model = service.update_model(
            session,
            scope.principal,
            scope.project,
            data.name,
            RegisteredModelUpdate(description=data.description),
        )
        return _model_answer(session, scope, model)


@router.delete("/registered-models/delete")
def delete_registered_model(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.ModelRequest.model_validate(fields)
    with scope.write() as session:
        service.delete_model(session, scope.principal, scope.project, data.name)
    return mlflow_response({})


@router.post("/registered-models/set-tag")
def set_registered_model_tag(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.ModelTag.model_validate(fields)
    with scope.write() as session:
        service.set_model_tag(
            session, scope.principal, scope.project, data.name, data.key, data.value
        )
    return mlflow_response({})


@router.delete("/registered-models/delete-tag")
def delete_registered_model_tag(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.ModelTagKey.model_validate(fields)
    with scope.write() as session:
        service.delete_model_tag(session, scope.principal, scope.project, data.name, data.key)
    return mlflow_response({})


@router.post("/registered-models/alias")
def set_model_alias(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.SetAlias.model_validate(fields)
    with scope.write() as session:
        service.set_alias(
            session, scope.principal, scope.project, data.name, data.alias, data.version
        )
    return mlflow_response({})


@router.delete("/registered-models/alias")
def delete_model_alias(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.AliasRequest.model_validate(fields)
    with scope.write() as session:
        service.delete_alias(session, scope.principal, scope.project, data.name, data.alias)
    return mlflow_response({})


@router.get("/registered-models/alias")
def get_model_version_by_alias(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.AliasRequest.model_validate(fields)
    with scope.read() as session:
        version = service.get_version_by_alias(
            session, scope.principal, scope.project, data.name, data.alias
        )
    return mlflow_response({"model_version": version_message(version)})


# Both methods, as MLflow serves it; one route each so each has its own operation id.
@router.get("/registered-models/get-latest-versions", openapi_extra=READ_ONLY)
@router.post("/registered-models/get-latest-versions", openapi_extra=READ_ONLY)
def get_latest_versions(fields: Fields, scope: ScopeDep) -> Response:
    data = requests.LatestVersions.model_validate(fields)
    with scope.read() as session:
        versions = service.latest_versions(
            session,
            scope.principal,
            scope.project,
            data.name,
            [stage_of(stage).value for stage in data.stages] or None,
        )
    return mlflow_response({"model_versions": [version_message(v) for v in versions]})
