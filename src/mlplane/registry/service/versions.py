"""Model versions: register from a run, a URI or uploaded files; read, search, update."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core import events
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.governance.schemas import Principal, Role
from mlplane.registry import store
from mlplane.registry.schemas import (
    ModelVersion,
    ModelVersionCreate,
    ModelVersionUpdate,
    RegistryEvent,
    Stage,
    VersionSearch,
    VersionStatus,
)
from mlplane.registry.service.access import access_model, version_row
from mlplane.registry.service.models import check_tag
from mlplane.registry.service.sources import resolve_source
from mlplane.registry.service.views import version_views
from mlplane.registry.service.webhooks import emit
from mlplane.registry.tables import ModelVersionRow
from mlplane.tracking import service as tracking

UPLOAD_FOLDER = "registry"


def upload_path(project_id: str, model_id: str, version_id: str) -> str:
    """Where the files of a version uploaded through the SDK live in the store."""
    return f"{UPLOAD_FOLDER}/{project_id}/{model_id}/{version_id}/files"


def _view(session: Session, row: ModelVersionRow, project: str) -> ModelVersion:
    return version_views(session, [row], project)[0]


def create_version(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    data: ModelVersionCreate,
) -> ModelVersion:
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    for key, value in data.tags.items():
        check_tag(key, value)
    version_id = new_id()
    if data.source:
        resolved = resolve_source(
            session, principal, project, found.project.id, data.source, data.run_id, data.model_id
        )
        source, storage_path, status = data.source, resolved.storage_path, VersionStatus.READY
        run_id, logged_model_id = resolved.run_id, resolved.logged_model_id
    else:
        if data.run_id is not None:
            tracking.get_run(session, principal, data.run_id, project)
        storage_path = upload_path(found.project.id, found.model.id, version_id)
        source, status = f"mlflow-artifacts:/{storage_path}", VersionStatus.PENDING_REGISTRATION
        run_id, logged_model_id = data.run_id, None
    model = found.model
    model.latest_version += 1
    now = utcnow()
    model.updated_at = now
    row = ModelVersionRow(
        id=version_id,
        project_id=found.project.id,
        model_id=model.id,
        version=model.latest_version,
        source=source,
        storage_path=storage_path,
        run_id=run_id,
        logged_model_id=logged_model_id,
        status=status.value,
        status_message="",
        stage=Stage.NONE.value,
        description=data.description,
        tags=dict(data.tags),
        created_at=now,
        created_by=principal.name,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    if status is VersionStatus.READY:
        _announce(session, found.project.id, project, model.name, row)
    return _view(session, row, project)


def _announce(
    session: Session, project_id: str, project: str, model: str, row: ModelVersionRow
) -> None:
    data = {"model": model, "version": row.version, "source": row.source, "run_id": row.run_id}
    emit(session, project_id, project, RegistryEvent.VERSION_CREATED, data)
    # The platform's own event too: pipeline triggers start on a newly registered version.
    events.emit(
        session,
        events.MODEL_VERSION_CREATED,
        project=project_id,
        subject=f"model:{model}/{row.version}",
        payload={**data, "project": project},
    )


def finalize_version(
    session: Session, principal: Principal, project: str, name: str, version: int
) -> ModelVersion:
    """Mark an uploaded version READY once all its files are in the store."""
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    row = version_row(session, found.model, version)
    if row.status == VersionStatus.PENDING_REGISTRATION.value:
        row.status = VersionStatus.READY.value
        row.updated_at = utcnow()
        session.flush()
        _announce(session, found.project.id, project, found.model.name, row)
    return _view(session, row, project)


def upload_target(
    session: Session, principal: Principal, project: str, name: str, version: int
) -> str:
    """The store folder to write a pending version's files into, for an editor."""
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    row = version_row(session, found.model, version)
    if row.status != VersionStatus.PENDING_REGISTRATION.value or row.storage_path is None:
        raise Conflict(
            f"version {version} of model {name!r} is {row.status}; files can only be "
            "uploaded to a version created without a source, before it is finalized"
        )
    return row.storage_path


def get_version(
    session: Session, principal: Principal, project: str, name: str, version: int
) -> ModelVersion:
    found = access_model(session, principal, project, name)
    return _view(session, version_row(session, found.model, version), project)


def get_version_by_alias(
    session: Session, principal: Principal, project: str, name: str, alias: str
) -> ModelVersion:
    found = access_model(session, principal, project, name)
    row = store.get_alias(session, found.model.id, alias)
    if row is None:
        raise NotFound(f"model {name!r} has no alias {alias!r}")
    return _view(session, version_row(session, found.model, row.version), project)


def storage_path_for_read(
    session: Session, principal: Principal, project: str, name: str, version: int
) -> str:
    found = access_model(session, principal, project, name)
    row = version_row(session, found.model, version)
    if row.storage_path is None:
        raise Conflict(
            f"version {version} of model {name!r} points at {row.source!r}, outside the "
            "platform's artifact store"
        )
    return row.storage_path


def _matches(row: ModelVersionRow, tags: dict[str, str]) -> bool:
    return all(row.tags.get(key) == value for key, value in tags.items())


def search_versions(
    session: Session, principal: Principal, project: str, search: VersionSearch
) -> Page[ModelVersion]:
    """Versions newest first, filtered by model, run, status and exact tags."""
    access = catalog.access_project(session, principal, project)
    limit = check_max_results(search.max_results)
    model_id = None
    if search.model is not None:
        model_id = access_model(session, principal, project, search.model).model.id
    state = decode_page_token(search.page_token)
    before: tuple[datetime, str] | None = None
    if "at" in state and "id" in state:
        before = (datetime.fromisoformat(state["at"]), str(state["id"]))
    matched: list[ModelVersionRow] = []
    while True:
        batch = store.list_versions(
            session,
            access.id,
            model_id=model_id,
            run_id=search.run_id,
            status=search.status.value if search.status else None,
            before=before,
            limit=limit + 1,
        )
        matched.extend(row for row in batch if _matches(row, search.tags))
        if len(batch) <= limit or len(matched) > limit:
            break
        before = (batch[-1].created_at, batch[-1].id)
    items = matched[:limit]
    token = None
    if len(matched) > limit:
        last = items[-1]
        token = encode_page_token({"at": last.created_at.isoformat(), "id": last.id})
    return Page(items=version_views(session, items, project), next_page_token=token)


def latest_versions(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    stages: list[str] | None = None,
) -> list[ModelVersion]:
    """The newest version of each stage (of the given stages, or all)."""
    found = access_model(session, principal, project, name)
    latest: dict[str, ModelVersionRow] = {}
    for row in store.versions_of_models(session, [found.model.id], stages):
        latest[row.stage] = row
    rows = sorted(latest.values(), key=lambda row: row.version)
    return version_views(session, rows, project)


def update_version(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    version: int,
    data: ModelVersionUpdate,
    *,
    archive_existing: bool = False,
) -> ModelVersion:
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    row = version_row(session, found.model, version)
    if data.description is not None:
        row.description = data.description
    if data.tags is not None:
        for key, value in data.tags.items():
            check_tag(key, value)
        row.tags = dict(data.tags)
    if data.stage is not None:
        row.stage = data.stage.value
        if archive_existing and data.stage in (Stage.STAGING, Stage.PRODUCTION):
            for other in store.versions_of_models(session, [found.model.id], [data.stage.value]):
                if other.version != version:
                    other.stage = Stage.ARCHIVED.value
                    other.updated_at = utcnow()
    row.updated_at = utcnow()
    session.flush()
    return _view(session, row, project)


def set_version_tag(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    version: int,
    key: str,
    value: str,
) -> ModelVersion:
    check_tag(key, value)
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    row = version_row(session, found.model, version)
    row.tags = {**row.tags, key: value}
    row.updated_at = utcnow()
    session.flush()
    return _view(session, row, project)


def delete_version_tag(
    session: Session, principal: Principal, project: str, name: str, version: int, key: str
) -> ModelVersion:
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    row = version_row(session, found.model, version)
    row.tags = {k: v for k, v in row.tags.items() if k != key}
    row.updated_at = utcnow()
    session.flush()
    return _view(session, row, project)


def delete_version(
    session: Session, principal: Principal, project: str, name: str, version: int
) -> None:
    """Remove a version and the aliases on it; a protected alias keeps it from going."""
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    row = version_row(session, found.model, version)
    for alias in store.aliases_of(session, [found.model.id]):
        if alias.version == version and store.get_protected_alias(
            session, found.project.id, alias.alias
        ):
            raise Conflict(
                f"version {version} holds the protected alias {alias.alias!r}; move it first"
            )
    store.delete_aliases_of_version(session, found.model.id, version)
    session.delete(row)
    session.flush()


def versions_of_run(
    session: Session, principal: Principal, project: str, run_id: str
) -> list[ModelVersion]:
    """The versions registered from a run: lineage read from the run's side."""
    if not run_id:
        raise InvalidInput("run_id: name a run")
    return search_versions(
        session, principal, project, VersionSearch(run_id=run_id, max_results=1000)
    ).items
