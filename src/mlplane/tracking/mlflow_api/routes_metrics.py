"""MLflow's metric histories: `/metrics/get-history` and `get-history-bulk-interval`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from mlplane.tracking import service
from mlplane.tracking.mlflow_api import requests
from mlplane.tracking.mlflow_api.errors import MlflowError, MlflowRoute
from mlplane.tracking.mlflow_api.messages import JsonObject, metric_messages, mlflow_response
from mlplane.tracking.mlflow_api.scope import ScopeDep

router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])

MAX_RUNS_PER_BULK_REQUEST = 100
MAX_RESULTS_PER_RUN = 2500


@router.get("/metrics/get-history")
def get_metric_history(
    metric_key: str,
    scope: ScopeDep,
    run_id: str | None = None,
    run_uuid: str | None = None,
) -> Response:
    """Every point of one metric of a run, in step order."""
    target = requests.RunRequest(run_id=run_id, run_uuid=run_uuid).target
    with scope.read() as session:
        history = service.get_metric_history(
            session, scope.principal, target, metric_key, project=scope.project
        )
    return mlflow_response({"metrics": metric_messages(metric_key, history.points)})


@router.get("/metrics/get-history-bulk-interval")
def get_metric_history_bulk_interval(
    metric_key: str,
    scope: ScopeDep,
    run_ids: Annotated[list[str], Query()],
    start_step: int | None = None,
    end_step: int | None = None,
    max_results: int = MAX_RESULTS_PER_RUN,
) -> Response:
    """One metric of several runs for charts, each thinned to at most `max_results` points
    spread over its steps (extremes kept)."""
    if len(run_ids) > MAX_RUNS_PER_BULK_REQUEST:
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            f"GetMetricHistoryBulkInterval request must specify at most "
            f"{MAX_RUNS_PER_BULK_REQUEST} run_ids. Received {len(run_ids)} run_ids.",
        )
    if not 1 <= max_results <= MAX_RESULTS_PER_RUN:
        raise MlflowError(
            "INVALID_PARAMETER_VALUE", f"max_results must be between 1 and {MAX_RESULTS_PER_RUN}."
        )
    if (start_step is None) != (end_step is None):
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            "If either start step or end step are specified, both must be specified.",
        )
    if start_step is not None and end_step is not None and start_step > end_step:
        raise MlflowError(
            "INVALID_PARAMETER_VALUE",
            "end_step must be greater than start_step. "
            f"Found start_step={start_step} and end_step={end_step}.",
        )
    with scope.read() as session:
        histories = service.get_metric_histories(
            session,
            scope.principal,
            run_ids,
            [metric_key],
            project=scope.project,
            max_points=max(2, max_results),
            min_step=start_step,
            max_step=end_step,
        )
    metrics: list[JsonObject] = []
    for series in histories.series:
        for message in metric_messages(metric_key, series.points):
            message["run_id"] = series.run_id
            metrics.append(message)
    return mlflow_response({"metrics": metrics})
