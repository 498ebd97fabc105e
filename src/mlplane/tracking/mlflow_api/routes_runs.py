"""MLflow's run endpoints: lifecycle (`/runs/create`, `get`, `update`, `delete`, `restore`),
`search`, and tags and inputs/outputs of a run.

Logging (`log-metric`, `log-parameter`, `log-batch`, `log-model`) is in `routes_logging`.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from mlplane.core.pagination import Page
from mlplane.server.deps import READ_ONLY
from mlplane.tracking import service
from mlplane.tracking.mlflow_api import requests
from mlplane.tracking.mlflow_api.errors import MlflowRoute
from mlplane.tracking.mlflow_api.logged_models import service as models
from mlplane.tracking.mlflow_api.messages import (
    DATASET_CONTEXT_TAG,
    GIT_COMMIT_TAG,
    PARENT_RUN_TAG,
    SOURCE_NAME_TAG,
    SOURCE_TYPE_TAG,
    JsonObject,
    mlflow_response,
    run_info_message,
    run_message,
)
from mlplane.tracking.mlflow_api.paging import checked_max_results, gather
from mlplane.tracking.mlflow_api.scope import (
    DEFAULT_EXPERIMENT_ID,
    DEFAULT_EXPERIMENT_NAME,
    ScopeDep,
    default_experiment_id,
)
from mlplane.tracking.schemas import (
    DatasetInput,
    LogInputs,
    Run,
    RunCreate,
    RunSearch,
    RunUpdate,
    SourceType,
)

router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])

SEARCH_DEFAULT_MAX_RESULTS = 1000
MAX_SOURCE_NAME_LENGTH = 500
MAX_GIT_COMMIT_LENGTH = 64


def run_messages(session: Session, runs: list[Run], default_id: str | None) -> list[JsonObject]:
    links = models.run_models(session, [run.id for run in runs])
    return [
        run_message(run, default_id, links[run.id].inputs, links[run.id].outputs) for run in runs
    ]


def _source_type(value: str | None) -> SourceType:
    return SourceType(value) if value and value in SourceType.__members__ else SourceType.UNKNOWN


def _run_create(experiment_id: str, data: requests.CreateRun) -> RunCreate:
    """MLflow keeps a run's source and parent in tags; mlplane keeps them as fields too."""
    tags = requests.as_dict(data.tags)
    commit = tags.get(GIT_COMMIT_TAG)
    return RunCreate(
        experiment=experiment_id,
        name=data.run_name or None,
        start_time=data.start_time,
        parent_run_id=tags.get(PARENT_RUN_TAG) or None,
        source_name=tags.get(SOURCE_NAME_TAG, "")[:MAX_SOURCE_NAME_LENGTH],
        source_type=_source_type(tags.get(SOURCE_TYPE_TAG)),
        git_commit=commit if commit and len(commit) <= MAX_GIT_COMMIT_LENGTH else None,
        tags=tags,
    )


@router.post("/runs/create")
def create_run(data: requests.CreateRun, scope: ScopeDep) -> Response:
    experiment_id = data.experiment_id or DEFAULT_EXPERIMENT_ID
    with scope.write() as session:
        if experiment_id == DEFAULT_EXPERIMENT_ID:
            experiment_id = service.get_or_create_experiment(
                session, scope.principal, scope.project, DEFAULT_EXPERIMENT_NAME
            ).id
        run = service.create_run(
            session, scope.principal, scope.project, _run_create(experiment_id, data)
        )
        [message] = run_messages(session, [run], default_experiment_id(session, scope))
    return mlflow_response({"run": message})


@router.get("/runs/get")
def get_run(scope: ScopeDep, run_id: str | None = None, run_uuid: str | None = None) -> Response:
    target = requests.RunRequest(run_id=run_id, run_uuid=run_uuid).target
    with scope.read() as session:
        run = service.get_run(session, scope.principal, target, scope.project)
        [message] = run_messages(session, [run], default_experiment_id(session, scope))
    return mlflow_response({"run": message})


@router.post("/runs/update")
def update_run(data: requests.UpdateRun, scope: ScopeDep) -> Response:
    update = RunUpdate(status=data.status, end_time=data.end_time, name=data.run_name or None)
    with scope.write() as session:
        run = service.update_run(session, scope.principal, data.target, update, scope.project)
        default_id = default_experiment_id(session, scope)
    return mlflow_response({"run_info": run_info_message(run, default_id)})


@router.post("/runs/delete")
def delete_run(data: requests.RunRequest, scope: ScopeDep) -> Response:
    with scope.write() as session:
        service.delete_run(session, scope.principal, data.target, scope.project)
    return mlflow_response()


@router.post("/runs/restore")
def restore_run(data: requests.RunRequest, scope: ScopeDep) -> Response:
    with scope.write() as session:
        service.restore_run(session, scope.principal, data.target, scope.project)
    return mlflow_response()


@router.post("/runs/search", openapi_extra=READ_ONLY)
def search_runs(data: requests.SearchRuns, scope: ScopeDep) -> Response:
    """Runs matching an MLflow filter such as "metrics.acc > 0.9", in the requested order."""
    wanted = checked_max_results(data.max_results, SEARCH_DEFAULT_MAX_RESULTS)
    with scope.read() as session:
        # Runs come only from the experiments asked for; clients know Default only as "0".
        asks_default = DEFAULT_EXPERIMENT_ID in data.experiment_ids
        default_id = default_experiment_id(session, scope) if asks_default else None
        experiment_ids = [
            default_id if experiment_id == DEFAULT_EXPERIMENT_ID else experiment_id
            for experiment_id in data.experiment_ids
        ]
        # MLflow's default experiment before its first run holds nothing to find.
        references = [reference for reference in experiment_ids if reference is not None]
        if not references:
            return mlflow_response({"runs": []})

        def fetch(max_results: int, page_token: str | None) -> Page[Run]:
            search = RunSearch(
                experiments=references,
                filter=data.filter or "",
                order_by=data.order_by,
                view=data.run_view_type,
                max_results=max_results,
                page_token=page_token,
            )
            return service.search_runs(session, scope.principal, scope.project, search)

        runs, token = gather(fetch, wanted, data.page_token)
        payload: JsonObject = {"runs": run_messages(session, runs, default_id)}
    if token:
        payload["next_page_token"] = token
    return mlflow_response(payload)


@router.post("/runs/set-tag")
def set_tag(data: requests.SetTag, scope: ScopeDep) -> Response:
    with scope.write() as session:
        service.set_tag(session, scope.principal, data.target, data.key, data.value, scope.project)
    return mlflow_response()


@router.post("/runs/delete-tag")
def delete_tag(data: requests.DeleteTag, scope: ScopeDep) -> Response:
    with scope.write() as session:
        service.delete_tag(session, scope.principal, data.target, data.key, scope.project)
    return mlflow_response()


def _dataset_input(given: requests.DatasetInputIn) -> DatasetInput:
    tags = requests.as_dict(given.tags)
    dataset = given.dataset
    return DatasetInput(
        name=dataset.name,
        digest=dataset.digest,
        source_type=dataset.source_type,
        source=dataset.source,
        dataset_schema=dataset.schema_,
        profile=dataset.profile,
        context=tags.pop(DATASET_CONTEXT_TAG, None),
        tags=tags,
    )


@router.post("/runs/log-inputs")
def log_inputs(data: requests.LogInputs, scope: ScopeDep) -> Response:
    """Datasets (their role in the run as the tag `mlflow.data.context`) and models used."""
    datasets = [_dataset_input(given) for given in data.datasets]
    with scope.write() as session:
        if datasets:
            service.log_inputs(
                session, scope.principal, data.target, LogInputs(datasets=datasets), scope.project
            )
        if data.models:
            used = [(model.model_id, 0) for model in data.models]
            models.link_run_models(
                session, scope.principal, data.target, "input", used, scope.project
            )
    return mlflow_response()


@router.post("/runs/outputs")
def log_outputs(data: requests.LogOutputs, scope: ScopeDep) -> Response:
    """Models the run produced, each at a step."""
    produced = [(model.model_id, model.step) for model in data.models]
    with scope.write() as session:
        models.link_run_models(
            session, scope.principal, data.target, "output", produced, scope.project
        )
    return mlflow_response()
