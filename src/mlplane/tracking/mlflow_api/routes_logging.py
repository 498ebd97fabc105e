"""MLflow's logging endpoints: `/runs/log-metric`, `log-parameter`, `log-batch`, `log-model`.

Every one goes through the tracking service's batch check and write, so MLflow's limits
(1000 metrics, 100 params, 100 tags a batch; key and value lengths) and its rules (params
never change value; a deleted run takes nothing) hold alike for every client. As in MLflow,
a finished run still takes metrics and params.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic_core import from_json
from starlette.concurrency import run_in_threadpool

from mlplane.tracking import service
from mlplane.tracking.mlflow_api import requests
from mlplane.tracking.mlflow_api.errors import MlflowError, MlflowRoute
from mlplane.tracking.mlflow_api.messages import mlflow_response
from mlplane.tracking.mlflow_api.scope import Scope, ScopeDep
from mlplane.tracking.routes.responses import documented_body
from mlplane.tracking.schemas import LogBatch

router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])

MODEL_HISTORY_TAG = "mlflow.log-model.history"
_MODEL_FIELDS = frozenset({"artifact_path", "flavors", "utc_time_created", "run_id"})
_BATCH_FIELDS = ("metrics", "params", "tags")


def _log(scope: Scope, run_id: str, body: dict[str, Any]) -> None:
    batch = service.check_batch(body, run_id)
    with scope.write() as session:
        service.log_batch(
            session, scope.principal, run_id, batch, project=scope.project, require_running=False
        )


# The single-point calls are training loops' hot path too: their bodies are read and checked
# here (one pydantic pass) rather than through FastAPI's body solving, and the write costs
# one trip to the thread pool.
@router.post("/runs/log-metric", openapi_extra=documented_body(requests.LogMetric))
async def log_metric(request: Request, scope: ScopeDep) -> Response:
    data = requests.LogMetric.model_validate_json(await request.body())
    metric = {"key": data.key, "value": data.value, "step": data.step, "timestamp": data.timestamp}
    await run_in_threadpool(_log, scope, data.target, {"metrics": [metric]})
    return mlflow_response()


@router.post("/runs/log-parameter", openapi_extra=documented_body(requests.LogParam))
async def log_param(request: Request, scope: ScopeDep) -> Response:
    data = requests.LogParam.model_validate_json(await request.body())
    params = {"params": [{"key": data.key, "value": data.value}]}
    await run_in_threadpool(_log, scope, data.target, params)
    return mlflow_response()


def _write_batch(scope: Scope, raw: bytes) -> Response:
    try:
        # pydantic-core parses a large batch several times faster than the json module.
        body = from_json(raw)
    except ValueError as error:
        raise MlflowError("BAD_REQUEST", "the request body is not valid JSON") from error
    if not isinstance(body, dict):
        raise MlflowError("BAD_REQUEST", "the request body must be a JSON object")
    run_id = requests.RunRequest(run_id=body.get("run_id"), run_uuid=body.get("run_uuid")).target
    _log(scope, run_id, {name: body[name] for name in _BATCH_FIELDS if name in body})
    return mlflow_response()


@router.post("/runs/log-batch", openapi_extra=documented_body(LogBatch))
async def log_batch(request: Request, scope: ScopeDep) -> Response:
    """Metrics, params and tags in one all-or-nothing call. The body is checked by the
    tracking service directly rather than through one model per point: this is the hot
    path of training loops."""
    raw = await request.body()
    return await run_in_threadpool(_write_batch, scope, raw)


def _logged_model(model_json: str) -> dict[str, Any]:
    try:
        model = json.loads(model_json)
    except ValueError as error:
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            f"Malformed model info. \n {model_json} \n is not a valid JSON.",
        ) from error
    if not isinstance(model, dict):
        raise MlflowError("INVALID_PARAMETER_VALUE", "model_json must be a JSON object")
    missing = _MODEL_FIELDS - set(model)
    if missing:
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            f"Model json is missing mandatory fields: {sorted(missing)}",
        )
    return model


@router.post("/runs/log-model")
def log_model(data: requests.LogModel, scope: ScopeDep) -> Response:
    """Append a model's description to the run's `mlflow.log-model.history` tag (JSON list)."""
    model = _logged_model(data.model_json)
    with scope.write() as session:
        run = service.get_run(session, scope.principal, data.target, scope.project)
        history = json.loads(run.tags.get(MODEL_HISTORY_TAG, "[]"))
        history.append(model)
        service.set_tag(
            session,
            scope.principal,
            data.target,
            MODEL_HISTORY_TAG,
            json.dumps(history),
            scope.project,
        )
    return mlflow_response()
