"""Where a new version's files are: the source URI resolved to a folder of the store.

- `runs:/<run_id>/<path>`: a folder of the run's artifacts.
- `mlflow-artifacts:/<path>` (what MLflow clients send): a folder of the store, accepted as
  the platform's only when it lies inside the artifacts of the run the request names.
- `models:/<logged model id>`: an MLflow 3 logged model's artifacts.
- `models:/<name>/<version>` or `models:/<name>@<alias>`: the files of another version.
- anything else (`s3://...`, `https://...`): kept as given; the platform does not serve it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from mlplane.core.artifacts import check_relative_path
from mlplane.core.errors import InvalidInput, NotFound
from mlplane.governance.schemas import Principal
from mlplane.registry import store
from mlplane.registry.tables import ModelVersionRow
from mlplane.tracking import service as tracking
from mlplane.tracking.mlflow_api.logged_models import service as logged_models

RUNS_SCHEME = "runs:/"
MODELS_SCHEME = "models:/"
STORE_SCHEME = "mlflow-artifacts:"


@dataclass(frozen=True)
class ResolvedSource:
    storage_path: str | None
    run_id: str | None
    logged_model_id: str | None = None


@dataclass(frozen=True)
class ModelReference:
    """`models:/name/3` or `models:/name@alias`."""

    name: str
    version: int | None
    alias: str | None


def parse_model_uri(uri: str) -> ModelReference:
    if not uri.startswith(MODELS_SCHEME):
        raise InvalidInput(f"source: {uri!r} is not a models:/ URI")
    rest = uri[len(MODELS_SCHEME) :].strip("/")
    if "@" in rest:
        name, _, alias = rest.rpartition("@")
        if not name or not alias or "/" in alias:
            raise InvalidInput(f"source: {uri!r} must be models:/<name>@<alias>")
        return ModelReference(name, None, alias)
    name, _, version = rest.rpartition("/")
    if not name or not version.isdigit():
        raise InvalidInput(f"source: {uri!r} must be models:/<name>/<version>")
    return ModelReference(name, int(version), None)


def _from_run(session: Session, principal: Principal, project: str, source: str) -> ResolvedSource:
    rest = source[len(RUNS_SCHEME) :].lstrip("/")
    run_id, _, path = rest.partition("/")
    if not run_id:
        raise InvalidInput(f"source: {source!r} must be runs:/<run_id>/<path>")
    root = tracking.artifact_root_for_read(session, principal, run_id, project)
    relative = check_relative_path(path)
    return ResolvedSource(f"{root}/{relative}" if relative else root, run_id)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root + "/")


def _from_store(
    session: Session,
    principal: Principal,
    project: str,
    source: str,
    run_id: str | None,
    model_id: str | None,
) -> ResolvedSource:
    path = check_relative_path(source[len(STORE_SCHEME) :])
    if model_id is not None:
        model = logged_models.get_logged_model(session, principal, model_id, project)
        if _inside(path, model.artifact_location):
            return ResolvedSource(path, run_id or model.source_run_id, model.id)
    if run_id is not None:
        root = tracking.artifact_root_for_read(session, principal, run_id, project)
        if _inside(path, root):
            return ResolvedSource(path, run_id, model_id)
    return ResolvedSource(None, run_id, model_id)


def _from_model_uri(
    session: Session,
    principal: Principal,
    project: str,
    project_id: str,
    source: str,
    run_id: str | None,
) -> ResolvedSource:
    rest = source[len(MODELS_SCHEME) :].strip("/")
    if rest.startswith("m-") and "/" not in rest and "@" not in rest:
        model = logged_models.get_logged_model(session, principal, rest, project)
        return ResolvedSource(model.artifact_location, run_id or model.source_run_id, model.id)
    reference = parse_model_uri(source)
    other = referenced_version(session, project_id, reference)
    return ResolvedSource(other.storage_path, run_id or other.run_id, other.logged_model_id)


def referenced_version(
    session: Session, project_id: str, reference: ModelReference
) -> ModelVersionRow:
    model = store.get_model(session, project_id, reference.name)
    if model is None:
        raise NotFound(f"registered model {reference.name!r} does not exist")
    version = reference.version
    if reference.alias is not None:
        alias = store.get_alias(session, model.id, reference.alias)
        if alias is None:
            raise NotFound(f"model {reference.name!r} has no alias {reference.alias!r}")
        version = alias.version
    assert version is not None
    row = store.get_version(session, model.id, version)
    if row is None:
        raise NotFound(f"version {version} of model {reference.name!r} does not exist")
    return row


def resolve_source(
    session: Session,
    principal: Principal,
    project: str,
    project_id: str,
    source: str,
    run_id: str | None,
    model_id: str | None = None,
) -> ResolvedSource:
    if source.startswith(RUNS_SCHEME):
        resolved = _from_run(session, principal, project, source)
        if run_id is not None and run_id != resolved.run_id:
            raise InvalidInput(f"run_id: {run_id!r} is not the run of source {source!r}")
        return resolved
    if run_id is not None:
        # The run must be one the caller may read in this project.
        tracking.get_run(session, principal, run_id, project)
    if source.startswith(STORE_SCHEME):
        return _from_store(session, principal, project, source, run_id, model_id)
    if source.startswith(MODELS_SCHEME):
        return _from_model_uri(session, principal, project, project_id, source, run_id)
    if model_id is not None:
        logged_models.get_logged_model(session, principal, model_id, project)
    return ResolvedSource(None, run_id, model_id)
