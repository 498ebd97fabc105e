"""MLflow 3's logged models: `/logged-models` create, get, finalize, delete, search, tags,
params, and the listing of a model's files. The files themselves move through the proxied
artifact protocol under the model's `artifact_uri`."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from mlplane.core.pagination import Page
from mlplane.server.deps import READ_ONLY
from mlplane.tracking import service
from mlplane.tracking.mlflow_api import requests
from mlplane.tracking.mlflow_api.errors import MlflowRoute
from mlplane.tracking.mlflow_api.logged_models import service as models
from mlplane.tracking.mlflow_api.logged_models.schemas import (
    LoggedModel,
    LoggedModelCreate,
    LoggedModelOrder,
    LoggedModelSearch,
)
from mlplane.tracking.mlflow_api.messages import (
    JsonObject,
    artifact_uri,
    logged_model_message,
    mlflow_response,
)
from mlplane.tracking.mlflow_api.paging import checked_max_results, gather
from mlplane.tracking.mlflow_api.routes_artifacts import file_infos, listed
from mlplane.tracking.mlflow_api.scope import (
    DEFAULT_EXPERIMENT_ID,
    DEFAULT_EXPERIMENT_NAME,
    Scope,
    ScopeDep,
    default_experiment_id,
    experiment_id_in,
)

router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])

SEARCH_DEFAULT_MAX_RESULTS = 50


def _answer(session: Session, scope: Scope, model: LoggedModel) -> Response:
    message = logged_model_message(model, default_experiment_id(session, scope))
    return mlflow_response({"model": message})


@router.post("/logged-models")
def create_logged_model(data: requests.CreateLoggedModel, scope: ScopeDep) -> Response:
    experiment_id = data.experiment_id or DEFAULT_EXPERIMENT_ID
    with scope.write() as session:
        if experiment_id == DEFAULT_EXPERIMENT_ID:
            experiment_id = service.get_or_create_experiment(
                session, scope.principal, scope.project, DEFAULT_EXPERIMENT_NAME
            ).id
        create = LoggedModelCreate(
            experiment_id=experiment_id,
            name=data.name or None,
            model_type=data.model_type or "",
            source_run_id=data.source_run_id or None,
            params=requests.as_dict(data.params),
            tags=requests.as_dict(data.tags),
        )
        model = models.create_logged_model(session, scope.principal, scope.project, create)
        return _answer(session, scope, model)


@router.post("/logged-models/search", openapi_extra=READ_ONLY)
def search_logged_models(data: requests.SearchLoggedModels, scope: ScopeDep) -> Response:
    wanted = checked_max_results(data.max_results, SEARCH_DEFAULT_MAX_RESULTS)
    with scope.read() as session:
        experiment_ids = [
            experiment_id_in(session, scope, experiment_id) for experiment_id in data.experiment_ids
        ]

        def fetch(max_results: int, page_token: str | None) -> Page[LoggedModel]:
            search = LoggedModelSearch(
                experiment_ids=experiment_ids,
                filter=data.filter or "",
                order_by=[
                    LoggedModelOrder(field_name=order.field_name, ascending=order.ascending)
                    for order in data.order_by
                ],
                max_results=max_results,
                page_token=page_token,
            )
            return models.search_logged_models(session, scope.principal, scope.project, search)

        found, token = gather(fetch, wanted, data.page_token)
        default_id = default_experiment_id(session, scope)
    payload: JsonObject = {"models": [logged_model_message(model, default_id) for model in found]}
    if token:
        payload["next_page_token"] = token
    return mlflow_response(payload)


@router.get("/logged-models/{model_id}")
def get_logged_model(model_id: str, scope: ScopeDep, allow_deleted: bool = False) -> Response:
    with scope.read() as session:
        model = models.get_logged_model(
            session, scope.principal, model_id, scope.project, allow_deleted=allow_deleted
        )
        return _answer(session, scope, model)


@router.patch("/logged-models/{model_id}")
def finalize_logged_model(
    model_id: str, data: requests.FinalizeLoggedModel, scope: ScopeDep
) -> Response:
    with scope.write() as session:
        model = models.finalize_logged_model(
            session, scope.principal, model_id, data.status, scope.project
        )
        return _answer(session, scope, model)


@router.delete("/logged-models/{model_id}")
def delete_logged_model(model_id: str, scope: ScopeDep) -> Response:
    with scope.write() as session:
        models.delete_logged_model(session, scope.principal, model_id, scope.project)
    return mlflow_response()


@router.patch("/logged-models/{model_id}/tags")
def set_logged_model_tags(
    model_id: str, data: requests.SetLoggedModelTags, scope: ScopeDep
) -> Response:
    with scope.write() as session:
        model = models.set_logged_model_tags(
            session, scope.principal, model_id, requests.as_dict(data.tags), scope.project
        )
        return _answer(session, scope, model)


@router.delete("/logged-models/{model_id}/tags/{tag_key:path}")
def delete_logged_model_tag(model_id: str, tag_key: str, scope: ScopeDep) -> Response:
    with scope.write() as session:
        models.delete_logged_model_tag(session, scope.principal, model_id, tag_key, scope.project)
    return mlflow_response()


@router.post("/logged-models/{model_id}/params")
def log_logged_model_params(
    model_id: str, data: requests.LogLoggedModelParams, scope: ScopeDep
) -> Response:
    with scope.write() as session:
        models.log_logged_model_params(
            session, scope.principal, model_id, requests.as_dict(data.params), scope.project
        )
    return mlflow_response()


@router.get("/logged-models/{model_id}/artifacts/directories")
def list_logged_model_artifacts(
    model_id: str, scope: ScopeDep, artifact_directory_path: str = ""
) -> Response:
    """The entries directly inside a folder of a model's files, paths from its root."""
    with scope.read() as session:
        root = models.artifact_root_for_read(session, scope.principal, model_id, scope.project)
    entries = listed(scope.platform.artifacts, root, artifact_directory_path)
    return mlflow_response({"root_uri": artifact_uri(root), "files": file_infos(entries)})
