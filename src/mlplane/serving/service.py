"""Rules for served models: which model folder answers under which name.

A name is global to the gateway (callers address `/v2/models/NAME`), so it belongs to one
project. The URI is resolved when the model is added (a run's folder, a registry version)
to a storage location the gateway can load without calling back into the platform.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.artifacts import ArtifactStore
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page
from mlplane.governance.schemas import Principal, Role
from mlplane.serving import store
from mlplane.serving.schemas import ServedModel, ServedModelCreate
from mlplane.serving.tables import ServedModelRow

UriResolver = Callable[[Session, Principal, str, str, str, ArtifactStore], str]
"""(session, principal, project, project id, uri, artifacts) -> a loadable location."""


def _registry_resolver(
    session: Session,
    principal: Principal,
    project: str,
    project_id: str,
    uri: str,
    artifacts: ArtifactStore,
) -> str:
    from mlplane.registry.service import sources

    resolved = sources.resolve_source(session, principal, project, project_id, uri, None)
    if resolved.storage_path is None:
        raise InvalidInput(f"uri: {uri!r} does not name model files in the platform's store")
    return artifacts.url(resolved.storage_path)


# Schemes resolved through the platform; anything else is a path or a storage URL.
RESOLVERS: dict[str, UriResolver] = {
    "runs:/": _registry_resolver,
    "models:/": _registry_resolver,
}


def resolve_uri(
    session: Session,
    principal: Principal,
    project: str,
    project_id: str,
    uri: str,
    artifacts: ArtifactStore,
) -> str:
    for scheme, resolver in RESOLVERS.items():
        if uri.startswith(scheme):
            return resolver(session, principal, project, project_id, uri, artifacts)
    if "://" in uri:
        return uri
    path = Path(uri).expanduser()
    if not path.is_absolute():
        raise InvalidInput(f"uri: a local model folder must be an absolute path, got {uri!r}")
    if not path.is_dir():
        raise InvalidInput(f"uri: {uri!r} is not a folder")
    return str(path)


def _to_schema(row: ServedModelRow, project: str) -> ServedModel:
    return ServedModel(
        name=row.name,
        version=row.version,
        project=project,
        source=row.source,
        uri=row.uri,
        deployment=row.deployment,
        weight=row.weight,
        max_batch_size=row.max_batch_size,
        max_wait_ms=row.max_wait_ms,
        max_queue=row.max_queue,
        max_concurrency=row.max_concurrency,
        timeout_s=row.timeout_s,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _next_version(rows: list[ServedModelRow]) -> str:
    numbers = [int(row.version) for row in rows if row.version.isdigit()]
    return str(max(numbers, default=0) + 1)


def add_served_model(
    session: Session,
    principal: Principal,
    project: str,
    data: ServedModelCreate,
    artifacts: ArtifactStore,
) -> ServedModel:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    existing = store.find_served(session, data.name)
    if existing and existing[0].project_id != access.id:
        raise Conflict(f"the name {data.name!r} is served by another project", field="name")
    version = data.version or _next_version(existing)
    if any(row.version == version for row in existing):
        raise Conflict(f"{data.name!r} already serves version {version!r}", field="version")
    uri = resolve_uri(session, principal, project, access.id, data.uri, artifacts)
    now = utcnow()
    row = ServedModelRow(
        id=new_id(),
        project_id=access.id,
        name=data.name,
        version=version,
        source=data.uri,
        uri=uri,
        deployment=None,
        weight=100,
        max_batch_size=data.max_batch_size,
        max_wait_ms=data.max_wait_ms,
        max_queue=data.max_queue,
        max_concurrency=data.max_concurrency,
        timeout_s=data.timeout_s,
        created_at=now,
        created_by=principal.name,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _to_schema(row, access.name)


def list_served_models(session: Session, principal: Principal, project: str) -> Page[ServedModel]:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    rows = store.list_served(session, access.id)
    return Page(items=[_to_schema(row, access.name) for row in rows])


def remove_served_model(
    session: Session, principal: Principal, project: str, name: str, version: str | None
) -> None:
    """Stop serving a name (every version) or one version of it."""
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    rows = [row for row in store.find_served(session, name, version) if row.project_id == access.id]
    if not rows:
        shown = name if version is None else f"{name} version {version}"
        raise NotFound(f"{shown!r} is not served in project {project!r}")
    for row in rows:
        session.delete(row)


@dataclass(frozen=True)
class WeightedVersion:
    """One version a deployment routes to: its storage location and share of traffic.

    A shadow version has no `weight` and a `mirror_percent`: that share of the name's calls
    is copied to it, and its answers only reach the inference log.
    """

    version: str
    source: str
    uri: str
    weight: int
    mirror_percent: int = 0


def set_deployment_versions(
    session: Session,
    project_id: str,
    deployment: str,
    versions: list[WeightedVersion],
    actor: str,
    *,
    payload_sample_rate: float | None = None,
    redact: Sequence[str] = (),
) -> None:
    """Make the versions served under a deployment's name exactly `versions` (none: stop).

    The payload capture settings (`None`: the gateway's default rate) apply to every version.
    """
    existing = store.find_served(session, deployment)
    if any(row.project_id != project_id or row.deployment != deployment for row in existing):
        raise Conflict(f"the name {deployment!r} is already served otherwise", field="name")
    wanted = {target.version: target for target in versions}
    redacted = list(redact)
    now = utcnow()
    for row in existing:
        target = wanted.pop(row.version, None)
        if target is None:
            session.delete(row)
            continue
        settings = (target.weight, target.mirror_percent, payload_sample_rate, redacted)
        if (row.weight, row.mirror_percent, row.payload_sample_rate, row.redact or []) != settings:
            row.weight, row.mirror_percent = target.weight, target.mirror_percent
            row.payload_sample_rate, row.redact = payload_sample_rate, redacted
            row.updated_at = now
    for target in wanted.values():
        session.add(
            ServedModelRow(
                id=new_id(),
                project_id=project_id,
                name=deployment,
                version=target.version,
                source=target.source,
                uri=target.uri,
                deployment=deployment,
                weight=target.weight,
                mirror_percent=target.mirror_percent,
                payload_sample_rate=payload_sample_rate,
                redact=redacted,
                created_at=now,
                created_by=actor,
                updated_at=now,
            )
        )
    session.flush()
