"""MLflow's JSON shapes (protobuf JSON of `mlflow/protos/service.proto`) built from mlplane's
wire models, and the JSON response that carries them.

Times are epoch milliseconds; non-finite numbers travel as the strings "NaN", "Infinity"
and "-Infinity", as protobuf's JSON writes them. Artifact locations are
`mlflow-artifacts:/<path in the platform's store>`, so clients move files through the
server's proxied artifact endpoints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import Response
from pydantic_core import to_json

from mlplane.core.clock import to_millis
from mlplane.tracking.mlflow_api.logged_models.schemas import LoggedModel
from mlplane.tracking.mlflow_api.scope import experiment_id_out
from mlplane.tracking.schemas import DatasetInput, Experiment, MetricPoint, Run

ARTIFACT_SCHEME = "mlflow-artifacts:"
RUN_NAME_TAG = "mlflow.runName"
PARENT_RUN_TAG = "mlflow.parentRunId"
USER_TAG = "mlflow.user"
SOURCE_NAME_TAG = "mlflow.source.name"
SOURCE_TYPE_TAG = "mlflow.source.type"
GIT_COMMIT_TAG = "mlflow.source.git.commit"
NOTE_TAG = "mlflow.note.content"
DATASET_CONTEXT_TAG = "mlflow.data.context"

JsonObject = dict[str, Any]


def mlflow_response(payload: Mapping[str, Any] | None = None) -> Response:
    # pydantic-core writes a page of runs several times faster than the json module, and
    # writes non-finite floats as protobuf's JSON does.
    body = to_json(payload or {}, inf_nan_mode="strings")
    return Response(body, media_type="application/json")


def artifact_uri(path: str) -> str:
    """The MLflow URI of a folder of the platform's artifact store."""
    return f"{ARTIFACT_SCHEME}/{path}"


def key_values(pairs: Mapping[str, str]) -> list[JsonObject]:
    return [{"key": key, "value": value} for key, value in pairs.items()]


def experiment_message(experiment: Experiment, default_id: str | None) -> JsonObject:
    tags = dict(experiment.tags)
    if experiment.description and NOTE_TAG not in tags:
        tags[NOTE_TAG] = experiment.description
    return {
        "experiment_id": experiment_id_out(experiment.id, default_id),
        "name": experiment.name,
        "artifact_location": artifact_uri(experiment.artifact_location),
        "lifecycle_stage": experiment.lifecycle.value,
        "last_update_time": to_millis(experiment.updated_at),
        "creation_time": to_millis(experiment.created_at),
        "tags": key_values(tags),
        "workspace": experiment.project,
    }


def run_info_message(run: Run, default_id: str | None) -> JsonObject:
    info: JsonObject = {
        "run_id": run.id,
        "run_uuid": run.id,
        "run_name": run.name,
        "experiment_id": experiment_id_out(run.experiment_id, default_id),
        "user_id": run.user,
        "status": run.status.value,
        "start_time": run.start_time,
        "artifact_uri": artifact_uri(run.artifact_uri),
        "lifecycle_stage": run.lifecycle.value,
    }
    if run.end_time is not None:
        info["end_time"] = run.end_time
    return info


def _run_tags(run: Run) -> dict[str, str]:
    """The run's tags plus those MLflow keeps as tags and mlplane as fields."""
    tags = dict(run.tags)
    tags[RUN_NAME_TAG] = run.name
    implied = {
        USER_TAG: run.user,
        PARENT_RUN_TAG: run.parent_run_id,
        SOURCE_NAME_TAG: run.source_name,
        SOURCE_TYPE_TAG: run.source_type,
        GIT_COMMIT_TAG: run.git_commit,
    }
    for key, value in implied.items():
        if value and key not in tags:
            tags[key] = value
    return tags


def _dataset_input(dataset: DatasetInput) -> JsonObject:
    tags = dict(dataset.tags)
    if dataset.context is not None:
        tags[DATASET_CONTEXT_TAG] = dataset.context
    described: JsonObject = {
        "name": dataset.name,
        "digest": dataset.digest,
        "source_type": dataset.source_type,
        "source": dataset.source,
    }
    if dataset.dataset_schema is not None:
        described["schema"] = dataset.dataset_schema
    if dataset.profile is not None:
        described["profile"] = dataset.profile
    return {"tags": key_values(tags), "dataset": described}


def run_message(
    run: Run,
    default_id: str | None,
    model_inputs: Sequence[str] = (),
    model_outputs: Sequence[tuple[str, int]] = (),
) -> JsonObject:
    metrics = [
        {
            "key": key,
            "value": metric.value,
            "timestamp": metric.timestamp,
            "step": metric.step,
        }
        for key, metric in run.metrics.items()
    ]
    # Empty lists are left out, as protobuf's JSON writer (MLflow's server) leaves them out:
    # a client parsing a page of runs has that much less to read.
    inputs: JsonObject = {}
    if run.inputs:
        inputs["dataset_inputs"] = [_dataset_input(dataset) for dataset in run.inputs]
    if model_inputs:
        inputs["model_inputs"] = [{"model_id": model_id} for model_id in model_inputs]
    outputs: JsonObject = {}
    if model_outputs:
        outputs["model_outputs"] = [
            {"model_id": model_id, "step": step} for model_id, step in model_outputs
        ]
    return {
        "info": run_info_message(run, default_id),
        "data": {
            "metrics": metrics,
            "params": key_values(run.params),
            "tags": key_values(_run_tags(run)),
        },
        "inputs": inputs,
        "outputs": outputs,
    }


def metric_messages(key: str, points: Iterable[MetricPoint]) -> list[JsonObject]:
    return [
        {"key": key, "value": point.value, "timestamp": point.timestamp, "step": point.step}
        for point in points
    ]


def logged_model_message(model: LoggedModel, default_id: str | None) -> JsonObject:
    info: JsonObject = {
        "model_id": model.id,
        "experiment_id": experiment_id_out(model.experiment_id, default_id),
        "name": model.name,
        "creation_timestamp_ms": model.creation_time,
        "last_updated_timestamp_ms": model.last_updated_time,
        "artifact_uri": artifact_uri(model.artifact_location),
        "status": model.status.value,
        "model_type": model.model_type,
        "status_message": model.status_message,
        "tags": key_values(model.tags),
    }
    if model.source_run_id:
        info["source_run_id"] = model.source_run_id
    return {"info": info, "data": {"params": key_values(model.params), "metrics": []}}
