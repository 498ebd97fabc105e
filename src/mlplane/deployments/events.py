"""Recording a deployment's steps and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mlplane.core.ids import new_id
from mlplane.deployments import store
from mlplane.deployments.schemas import DeploymentEvent
from mlplane.deployments.tables import DeploymentEventRow, DeploymentRow


def record(
    session: Session,
    row: DeploymentRow,
    kind: str,
    message: str,
    actor: str,
    now: datetime,
    **details: Any,
) -> None:
    session.add(
        DeploymentEventRow(
            id=new_id(),
            deployment_id=row.id,
            seq=store.next_event_seq(session, row.id),
            created_at=now,
            kind=kind,
            message=message,
            details=details,
            actor=actor,
        )
    )
    session.flush()


def to_schema(row: DeploymentEventRow) -> DeploymentEvent:
    return DeploymentEvent(
        seq=row.seq,
        created_at=row.created_at,
        kind=row.kind,
        message=row.message,
        details=row.details,
        actor=row.actor,
    )
