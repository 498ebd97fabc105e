"""Rules for deployments: named endpoints that route traffic to registry versions.

A deployment's name is a served name on the gateway, global like every served name, so
it belongs to one project. Creating one serves its version at once; an update with a new
version starts a rollout with the deployment's strategy (see `rollout.py`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.artifacts import ArtifactStore
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.deployments import events, rollout, store
from mlplane.deployments.schemas import (
    Deployment,
    DeploymentCreate,
    DeploymentEvent,
    DeploymentUpdate,
)
from mlplane.deployments.tables import DeploymentRow
from mlplane.deployments.targets import publish, resolve, to_schema
from mlplane.governance.schemas import Principal, Role
from mlplane.serving import service as serving


def _find(
    session: Session, project_id: str, project: str, name: str, *, for_update: bool = False
) -> DeploymentRow:
    row = store.get_deployment(session, name, for_update=for_update)
    if row is None or row.project_id != project_id:
        raise NotFound(f"deployment {name!r} does not exist in project {project!r}")
    return row


def create_deployment(
    session: Session,
    principal: Principal,
    project: str,
    data: DeploymentCreate,
    artifacts: ArtifactStore,
) -> Deployment:
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    if store.get_deployment(session, data.name) is not None:
        raise Conflict(f"deployment {data.name!r} already exists", field="name")
    target = resolve(session, access.id, data.model, artifacts)
    now = utcnow()
    row = DeploymentRow(
        id=new_id(),
        project_id=access.id,
        name=data.name,
        description=data.description,
        strategy=data.strategy.model_dump(mode="json"),
        status="stable",
        outcome=None,
        revision=0,
        candidate_weight=0,
        failed_checks=0,
        payload_sample_rate=data.payload_sample_rate,
        redact=list(data.redact),
        created_at=now,
        created_by=principal.name,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    events.record(
        session,
        row,
        "created",
        f"deployment created with the {data.strategy.type} strategy",
        principal.name,
        now,
        strategy=row.strategy,
        payload_sample_rate=row.payload_sample_rate,
        redact=row.redact,
    )
    rollout.deploy_directly(session, row, target, principal.name, now)
    return to_schema(row, access.name)


def get_deployment(session: Session, principal: Principal, project: str, name: str) -> Deployment:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    return to_schema(_find(session, access.id, access.name, name), access.name)


def list_deployments(
    session: Session,
    principal: Principal,
    project: str,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[Deployment]:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    limit = check_max_results(max_results)
    after = decode_page_token(page_token).get("after")
    rows = store.list_deployments(session, access.id, after, limit + 1)
    token = encode_page_token({"after": rows[limit - 1].name}) if len(rows) > limit else None
    return Page(items=[to_schema(row, access.name) for row in rows[:limit]], next_page_token=token)


def update_deployment(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    data: DeploymentUpdate,
    artifacts: ArtifactStore,
) -> Deployment:
    """Change the strategy or description; a new model starts a rollout."""
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    row = _find(session, access.id, access.name, name, for_update=True)
    now = utcnow()
    if data.strategy is not None:
        if row.status in ("progressing", "paused"):
            raise Conflict("strategy: cannot change while a rollout is running", field="strategy")
        row.strategy = data.strategy.model_dump(mode="json")
        events.record(
            session,
            row,
            "strategy_changed",
            f"strategy set to {data.strategy.type}",
            principal.name,
            now,
            strategy=row.strategy,
        )
    if data.description is not None:
        row.description = data.description
    row.updated_at = now
    _update_capture(session, row, data, principal.name, now)
    if data.model is not None:
        target = resolve(session, access.id, data.model, artifacts)
        if target.uri == row.stable_uri and row.status not in ("progressing", "paused"):
            raise InvalidInput(
                f"model: {data.model!r} is the version already deployed", field="model"
            )
        rollout.start(session, row, target, principal.name, now)
    session.flush()
    return to_schema(row, access.name)


def _update_capture(
    session: Session, row: DeploymentRow, data: DeploymentUpdate, actor: str, now: datetime
) -> None:
    """New payload capture settings reach the gateway at once, whatever a rollout is doing."""
    rate = (
        data.payload_sample_rate
        if "payload_sample_rate" in data.model_fields_set
        else row.payload_sample_rate
    )
    redact = list(data.redact) if data.redact is not None else (row.redact or [])
    if (rate, redact) == (row.payload_sample_rate, row.redact or []):
        return
    row.payload_sample_rate, row.redact = rate, redact
    publish(session, row, actor)
    events.record(
        session,
        row,
        "capture_changed",
        "payload capture: "
        + ("the gateway's default rate" if rate is None else f"rate {rate:g}")
        + (f", redacting {', '.join(redact)}" if redact else ", nothing redacted"),
        actor,
        now,
        payload_sample_rate=rate,
        redact=redact,
    )


def delete_deployment(session: Session, principal: Principal, project: str, name: str) -> None:
    """Stop serving the deployment's name and forget the deployment and its events."""
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    row = _find(session, access.id, access.name, name, for_update=True)
    serving.set_deployment_versions(session, access.id, row.name, [], principal.name)
    session.delete(row)


ACTIONS = {
    "promote": lambda session, row, actor, now: rollout.promote(
        session, row, actor, now, "promoted by hand"
    ),
    "rollback": lambda session, row, actor, now: rollout.rollback(
        session, row, actor, now, "rolled back by hand"
    ),
    "abort": rollout.abort,
    "pause": rollout.pause,
    "resume": rollout.resume,
}


def act_on_deployment(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    action: str,
    now: datetime | None = None,
) -> Deployment:
    """A manual promote, rollback, abort, pause or resume."""
    if action not in ACTIONS:
        raise InvalidInput(f"action: must be one of {', '.join(ACTIONS)}", field="action")
    access = catalog.access_project(session, principal, project, Role.EDITOR, for_write=True)
    row = _find(session, access.id, access.name, name, for_update=True)
    ACTIONS[action](session, row, principal.name, now or utcnow())
    session.flush()
    return to_schema(row, access.name)


def list_deployment_events(
    session: Session,
    principal: Principal,
    project: str,
    name: str,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[DeploymentEvent]:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    row = _find(session, access.id, access.name, name)
    limit = check_max_results(max_results)
    after = int(decode_page_token(page_token).get("after", 0))
    rows = store.list_events(session, row.id, after, limit + 1)
    token = encode_page_token({"after": rows[limit - 1].seq}) if len(rows) > limit else None
    return Page(items=[events.to_schema(item) for item in rows[:limit]], next_page_token=token)
