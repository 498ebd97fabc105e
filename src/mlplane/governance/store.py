"""Queries on users, tokens, memberships and audit events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from mlplane.catalog.tables import ProjectRow
from mlplane.governance.schemas import AuditFilter
from mlplane.governance.tables import AuditEventRow, MembershipRow, TokenRow, UserRow

VisibleQuery = TypeVar("VisibleQuery", bound="Select[*tuple[Any, ...]]")


def get_user_by_name(session: Session, name: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.name == name)).first()


def get_user_by_id(session: Session, user_id: str) -> UserRow | None:
    return session.get(UserRow, user_id)


def list_users(session: Session, offset: int, limit: int) -> Sequence[UserRow]:
    query = select(UserRow).order_by(UserRow.name).offset(offset).limit(limit)
    return session.scalars(query).all()


def any_admin_exists(session: Session) -> bool:
    query = select(UserRow.id).where(UserRow.is_admin.is_(True)).limit(1)
    return session.scalars(query).first() is not None


def get_token_with_user(session: Session, secret_hash: str) -> tuple[TokenRow, UserRow] | None:
    query = (
        select(TokenRow, UserRow)
        .join(UserRow, UserRow.id == TokenRow.user_id)
        .where(TokenRow.secret_hash == secret_hash)
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def project_ids(session: Session, names: frozenset[str]) -> frozenset[str]:
    """Ids of the named projects that exist: token scopes name projects, roles hold ids."""
    if not names:
        return frozenset()
    query = select(ProjectRow.id).where(ProjectRow.name.in_(sorted(names)))
    return frozenset(session.scalars(query).all())


def get_token(session: Session, token_id: str) -> TokenRow | None:
    return session.get(TokenRow, token_id)


def list_tokens(session: Session, user_id: str | None) -> Sequence[tuple[TokenRow, str]]:
    query = select(TokenRow, UserRow.name).join(UserRow, UserRow.id == TokenRow.user_id)
    if user_id is not None:
        query = query.where(TokenRow.user_id == user_id)
    rows = session.execute(query.order_by(TokenRow.created_at.desc())).all()
    return [(row[0], row[1]) for row in rows]


def touch_token(session: Session, token_id: str, moment: datetime) -> None:
    session.execute(update(TokenRow).where(TokenRow.id == token_id).values(last_used_at=moment))


def get_membership(session: Session, project_id: str, user_id: str) -> MembershipRow | None:
    query = select(MembershipRow).where(
        MembershipRow.project_id == project_id, MembershipRow.user_id == user_id
    )
    return session.scalars(query).first()


_MEMBER_ROLE = select(MembershipRow.role).where(
    MembershipRow.project_id == bindparam("project_id"),
    MembershipRow.user_id == bindparam("user_id"),
)


def get_member_role(session: Session, project_id: str, user_id: str) -> str | None:
    """The role alone: asked on every request, so no row object is built."""
    parameters = {"project_id": project_id, "user_id": user_id}
    return session.connection().execute(_MEMBER_ROLE, parameters).scalar()


def list_memberships(session: Session, project_id: str) -> Sequence[tuple[MembershipRow, str]]:
    query = (
        select(MembershipRow, UserRow.name)
        .join(UserRow, UserRow.id == MembershipRow.user_id)
        .where(MembershipRow.project_id == project_id)
        .order_by(UserRow.name)
    )
    return [(row[0], row[1]) for row in session.execute(query).all()]


def list_user_roles(session: Session, user_id: str) -> dict[str, str]:
    query = select(MembershipRow.project_id, MembershipRow.role).where(
        MembershipRow.user_id == user_id
    )
    return {project_id: role for project_id, role in session.execute(query).all()}


def delete_membership(session: Session, project_id: str, user_id: str) -> int:
    result = session.execute(
        delete(MembershipRow).where(
            MembershipRow.project_id == project_id, MembershipRow.user_id == user_id
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _visible_to(
    query: VisibleQuery, visible_projects: Sequence[str] | None, actor_name: str | None
) -> VisibleQuery:
    if visible_projects is None:
        return query
    return query.where(
        or_(AuditEventRow.project.in_(visible_projects), AuditEventRow.actor == actor_name)
    )


def list_audit_times(
    session: Session,
    since: datetime,
    visible_projects: Sequence[str] | None,
    actor_name: str | None,
) -> list[tuple[datetime, str]]:
    """(time, outcome) of each visible event since a moment: enough to chart, cheap to read."""
    query = select(AuditEventRow.time, AuditEventRow.outcome).where(AuditEventRow.time >= since)
    rows = session.execute(_visible_to(query, visible_projects, actor_name)).all()
    return [(row[0], row[1]) for row in rows]


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(UserRow)) or 0)


def list_audit_events(
    session: Session,
    filters: AuditFilter,
    before_id: int | None,
    limit: int,
    visible_projects: Sequence[str] | None,
    actor_name: str | None,
) -> Sequence[AuditEventRow]:
    """Newest first. `visible_projects`/`actor_name` restrict what a non-administrator sees."""
    query = select(AuditEventRow)
    if filters.actor:
        query = query.where(AuditEventRow.actor == filters.actor)
    if filters.action:
        query = query.where(AuditEventRow.action.like(f"{filters.action}%"))
    if filters.project:
        query = query.where(AuditEventRow.project == filters.project)
    if filters.outcome:
        query = query.where(AuditEventRow.outcome == filters.outcome.value)
    if filters.since:
        query = query.where(AuditEventRow.time >= filters.since)
    if filters.until:
        query = query.where(AuditEventRow.time < filters.until)
    query = _visible_to(query, visible_projects, actor_name)
    if before_id is not None:
        query = query.where(AuditEventRow.id < before_id)
    return session.scalars(query.order_by(AuditEventRow.id.desc()).limit(limit)).all()


_AUDIT: Any = AuditEventRow.__table__


def insert_audit_event(session: Session, values: dict[str, Any]) -> None:
    # A plain INSERT rather than a row object: every mutation writes one, and the ORM's
    # unit of work would cost more than the rest of a small request.
    session.connection().execute(insert(_AUDIT), values)
