"""Approval requests to move an alias, and their decisions.

Anyone who may edit the model may ask; a project admin grants or rejects. A request whose
alias has a gate that passes is granted at once, by the gate. Granting moves the alias.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, NotFound
from mlplane.core.ids import new_id
from mlplane.governance.schemas import Principal, Role
from mlplane.registry import store
from mlplane.registry.schemas import (
    Approval,
    ApprovalCreate,
    ApprovalDecision,
    ApprovalState,
    RegistryEvent,
)
from mlplane.registry.service.access import ModelAccess, access_model, version_row
from mlplane.registry.service.aliases import check_alias, move_alias
from mlplane.registry.service.gate import evaluate_gate
from mlplane.registry.service.views import approval_view
from mlplane.registry.service.webhooks import emit
from mlplane.registry.tables import ApprovalRow

MAX_LISTED = 1000


def _event_data(row: ApprovalRow, model: str) -> dict[str, object]:
    return {
        "approval_id": row.id,
        "model": model,
        "alias": row.alias,
        "version": row.version,
        "requested_by": row.requested_by,
        "decided_by": row.decided_by,
    }


def _grant(
    session: Session, found: ModelAccess, row: ApprovalRow, decided_by: str, comment: str
) -> None:
    row.state = ApprovalState.APPROVED.value
    row.decided_by, row.decided_at, row.decision_comment = decided_by, utcnow(), comment
    session.flush()
    data = _event_data(row, found.model.name)
    emit(session, found.project.id, found.project.name, RegistryEvent.APPROVAL_GRANTED, data)
    move_alias(
        session,
        found,
        row.alias,
        row.version,
        moved_by=row.requested_by,
        decided_by=decided_by,
        reason="gate" if decided_by == "gate" else "approval",
        approval_id=row.id,
    )


def request_approval(
    session: Session, principal: Principal, project: str, name: str, data: ApprovalCreate
) -> Approval:
    check_alias(data.alias)
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    target = version_row(session, found.model, data.version)
    protected = store.get_protected_alias(session, found.project.id, data.alias)
    checks = evaluate_gate(
        session, principal, project, found.model, target, protected.gate if protected else []
    )
    row = ApprovalRow(
        id=new_id(),
        model_id=found.model.id,
        alias=data.alias,
        version=data.version,
        state=ApprovalState.PENDING.value,
        comment=data.comment,
        requested_by=principal.name,
        requested_at=utcnow(),
        decided_by=None,
        decided_at=None,
        decision_comment="",
        gate_checks=[check.model_dump() for check in checks],
    )
    session.add(row)
    session.flush()
    emit(
        session,
        found.project.id,
        project,
        RegistryEvent.APPROVAL_REQUESTED,
        _event_data(row, name),
    )
    if checks and all(check.passed for check in checks):
        _grant(session, found, row, "gate", "every gate rule passed")
    return approval_view(row, name)


def _pending(
    session: Session, principal: Principal, project: str, approval_id: str
) -> tuple[ModelAccess, ApprovalRow]:
    access = catalog.access_project(session, principal, project, Role.ADMIN, for_write=True)
    row = store.get_approval(session, approval_id)
    model = store.get_model_by_id(session, row.model_id) if row else None
    if row is None or model is None or model.project_id != access.id:
        raise NotFound(f"approval {approval_id!r} does not exist in project {project!r}")
    if row.state != ApprovalState.PENDING.value:
        raise Conflict(f"approval {approval_id!r} is already {row.state}")
    return ModelAccess(access, model), row


def approve(
    session: Session,
    principal: Principal,
    project: str,
    approval_id: str,
    data: ApprovalDecision,
) -> Approval:
    """Grant a request (project admin) and move the alias it asks for."""
    found, row = _pending(session, principal, project, approval_id)
    version_row(session, found.model, row.version)
    _grant(session, found, row, principal.name, data.comment)
    return approval_view(row, found.model.name)


def reject(
    session: Session,
    principal: Principal,
    project: str,
    approval_id: str,
    data: ApprovalDecision,
) -> Approval:
    found, row = _pending(session, principal, project, approval_id)
    row.state = ApprovalState.REJECTED.value
    row.decided_by, row.decided_at, row.decision_comment = principal.name, utcnow(), data.comment
    session.flush()
    emit(
        session,
        found.project.id,
        project,
        RegistryEvent.APPROVAL_REJECTED,
        _event_data(row, found.model.name),
    )
    return approval_view(row, found.model.name)


def get_approval(
    session: Session, principal: Principal, project: str, approval_id: str
) -> Approval:
    access = catalog.access_project(session, principal, project)
    row = store.get_approval(session, approval_id)
    model = store.get_model_by_id(session, row.model_id) if row else None
    if row is None or model is None or model.project_id != access.id:
        raise NotFound(f"approval {approval_id!r} does not exist in project {project!r}")
    return approval_view(row, model.name)


def list_approvals(
    session: Session,
    principal: Principal,
    project: str,
    *,
    model: str | None = None,
    state: ApprovalState | None = None,
) -> list[Approval]:
    access = catalog.access_project(session, principal, project)
    if model is not None:
        model_ids = [access_model(session, principal, project, model).model.id]
    else:
        model_ids = store.model_ids_of_project(session, access.id)
    rows = store.list_approvals(session, model_ids, state.value if state else None, MAX_LISTED)
    names = store.model_names(session, [row.model_id for row in rows])
    return [approval_view(row, names[row.model_id]) for row in rows]
