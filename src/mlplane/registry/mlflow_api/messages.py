"""MLflow's registry JSON shapes (`mlflow/protos/model_registry.proto`) from mlplane's models.

Versions travel as strings, times as epoch milliseconds. A version's download URI is
`mlflow-artifacts:/<path>` when its files are in the platform's store, so MLflow clients
fetch them through the proxied artifact endpoints; otherwise it is the source as given.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlplane.core.clock import to_millis
from mlplane.registry.schemas import ModelVersion, RegisteredModel
from mlplane.tracking.mlflow_api.messages import JsonObject, artifact_uri, key_values


def download_uri(version: ModelVersion) -> str:
    return artifact_uri(version.storage_path) if version.storage_path else version.source


def version_message(version: ModelVersion) -> JsonObject:
    message: JsonObject = {
        "name": version.model,
        "version": str(version.version),
        "creation_timestamp": to_millis(version.created_at),
        "last_updated_timestamp": to_millis(version.updated_at),
        "user_id": version.created_by,
        "current_stage": version.stage.value,
        "description": version.description,
        "source": version.source,
        "status": version.status.value,
        "status_message": version.status_message,
        "tags": key_values(version.tags),
        "aliases": list(version.aliases),
    }
    if version.run_id:
        message["run_id"] = version.run_id
    if version.logged_model_id:
        message["model_id"] = version.logged_model_id
    return message


def model_message(model: RegisteredModel, latest: Sequence[ModelVersion] = ()) -> JsonObject:
    message: JsonObject = {
        "name": model.name,
        "creation_timestamp": to_millis(model.created_at),
        "last_updated_timestamp": to_millis(model.updated_at),
        "user_id": model.owner,
        "description": model.description,
        "tags": key_values(model.tags),
        "aliases": [
            {"alias": alias, "version": str(version)}
            for alias, version in sorted(model.aliases.items())
        ],
    }
    if latest:
        message["latest_versions"] = [version_message(version) for version in latest]
    return message
