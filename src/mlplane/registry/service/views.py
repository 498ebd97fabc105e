"""Rows to wire models, with the aliases and names they show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from mlplane.registry import store
from mlplane.registry.schemas import (
    AliasEvent,
    Approval,
    GateCheck,
    ModelVersion,
    RegisteredModel,
    Stage,
    VersionStatus,
)
from mlplane.registry.tables import (
    AliasEventRow,
    ApprovalRow,
    ModelVersionRow,
    RegisteredModelRow,
)


def model_views(
    session: Session, rows: Sequence[RegisteredModelRow], project: str
) -> list[RegisteredModel]:
    aliases: dict[str, dict[str, int]] = defaultdict(dict)
    for alias in store.aliases_of(session, [row.id for row in rows]):
        aliases[alias.model_id][alias.alias] = alias.version
    return [
        RegisteredModel(
            id=row.id,
            project=project,
            name=row.name,
            description=row.description,
            owner=row.owner,
            tags=dict(row.tags),
            latest_version=row.latest_version,
            aliases=aliases[row.id],
            created_at=row.created_at,
            created_by=row.created_by,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def version_views(
    session: Session, rows: Sequence[ModelVersionRow], project: str
) -> list[ModelVersion]:
    model_ids = [row.model_id for row in rows]
    names = store.model_names(session, model_ids)
    aliases: dict[tuple[str, int], list[str]] = defaultdict(list)
    for alias in store.aliases_of(session, model_ids):
        aliases[(alias.model_id, alias.version)].append(alias.alias)
    return [
        ModelVersion(
            id=row.id,
            project=project,
            model=names[row.model_id],
            version=row.version,
            source=row.source,
            storage_path=row.storage_path,
            run_id=row.run_id,
            logged_model_id=row.logged_model_id,
            status=VersionStatus(row.status),
            status_message=row.status_message,
            stage=Stage(row.stage),
            description=row.description,
            tags=dict(row.tags),
            aliases=aliases[(row.model_id, row.version)],
            created_at=row.created_at,
            created_by=row.created_by,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def alias_event_view(row: AliasEventRow, model: str) -> AliasEvent:
    return AliasEvent(
        id=row.id,
        model=model,
        alias=row.alias,
        version=row.version,
        previous_version=row.previous_version,
        moved_by=row.moved_by,
        decided_by=row.decided_by,
        reason=row.reason,
        approval_id=row.approval_id,
        at=row.at,
    )


def approval_view(row: ApprovalRow, model: str) -> Approval:
    return Approval(
        id=row.id,
        model=model,
        alias=row.alias,
        version=row.version,
        state=row.state,
        comment=row.comment,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_comment=row.decision_comment,
        gate_checks=[GateCheck.model_validate(check) for check in row.gate_checks],
    )
