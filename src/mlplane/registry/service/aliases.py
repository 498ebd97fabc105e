"""Aliases (`champion`, `production`, any name) and the full history of their moves.

A project may protect alias names: moving a protected alias needs an approval by a project
admin (see approvals) or a quality gate that passes on the version's run. Removing one
needs project admin. Every move is recorded with who moved it and by whose decision.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.core.clock import utcnow
from mlplane.core.errors import Forbidden, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.governance.schemas import Principal, Role
from mlplane.registry import store
from mlplane.registry.schemas import (
    Alias,
    AliasEvent,
    ProtectedAlias,
    ProtectedAliasSet,
    RegistryEvent,
)
from mlplane.registry.service.access import ModelAccess, access_model, version_row
from mlplane.registry.service.gate import evaluate_gate, parse_rule
from mlplane.registry.service.views import alias_event_view
from mlplane.registry.service.webhooks import emit
from mlplane.registry.tables import AliasEventRow, ModelAliasRow, ProtectedAliasRow

MAX_HISTORY = 1000
ALIAS_PATTERN_HELP = "letters, digits, '_' and '-', starting with a letter or '_'"


def check_alias(alias: str) -> None:
    import re

    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]{0,254}", alias):
        raise InvalidInput(f"alias: {alias!r} must be {ALIAS_PATTERN_HELP}")
    if re.fullmatch(r"[vV]\d+|latest", alias):
        raise InvalidInput(f"alias: {alias!r} is reserved (it reads as a version)")


def move_alias(
    session: Session,
    found: ModelAccess,
    alias: str,
    version: int,
    *,
    moved_by: str,
    decided_by: str,
    reason: str,
    approval_id: str | None = None,
) -> Alias:
    """Point `alias` at `version` and record the move; no permission check here."""
    row = store.get_alias(session, found.model.id, alias)
    previous = row.version if row else None
    now = utcnow()
    if row is None:
        row = ModelAliasRow(model_id=found.model.id, alias=alias)
        session.add(row)
    row.version, row.updated_at, row.updated_by = version, now, moved_by
    session.add(
        AliasEventRow(
            id=new_id(),
            model_id=found.model.id,
            alias=alias,
            version=version,
            previous_version=previous,
            moved_by=moved_by,
            decided_by=decided_by,
            reason=reason,
            approval_id=approval_id,
            at=now,
        )
    )
    session.flush()
    data = {
        "model": found.model.name,
        "alias": alias,
        "version": version,
        "previous_version": previous,
        "decided_by": decided_by,
        "reason": reason,
    }
    emit(session, found.project.id, found.project.name, RegistryEvent.ALIAS_MOVED, data)
    return Alias(
        model=found.model.name, alias=alias, version=version, updated_at=now, updated_by=moved_by
    )


def set_alias(
    session: Session, principal: Principal, project: str, name: str, alias: str, version: int
) -> Alias:
    """Move an alias. A protected one moves only when its gate passes; otherwise 403."""
    check_alias(alias)
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    target = version_row(session, found.model, version)
    current = store.get_alias(session, found.model.id, alias)
    if current is not None and current.version == version:
        return Alias(
            model=name,
            alias=alias,
            version=version,
            updated_at=current.updated_at,
            updated_by=current.updated_by,
        )
    protected = store.get_protected_alias(session, found.project.id, alias)
    if protected is None:
        return move_alias(
            session,
            found,
            alias,
            version,
            moved_by=principal.name,
            decided_by=principal.name,
            reason="direct",
        )
    checks = evaluate_gate(session, principal, project, found.model, target, protected.gate)
    if checks and all(check.passed for check in checks):
        return move_alias(
            session,
            found,
            alias,
            version,
            moved_by=principal.name,
            decided_by="gate",
            reason="gate",
        )
    failed = "; ".join(f"{c.rule}: {c.detail}" for c in checks if not c.passed)
    raise Forbidden(
        f"alias {alias!r} is protected in project {project!r}: request an approval "
        f"(a project admin grants it){' or pass its gate (' + failed + ')' if failed else ''}",
        alias=alias,
        gate=[check.model_dump() for check in checks],
    )


def delete_alias(
    session: Session, principal: Principal, project: str, name: str, alias: str
) -> None:
    found = access_model(session, principal, project, name, Role.EDITOR, for_write=True)
    row = store.get_alias(session, found.model.id, alias)
    if row is None:
        raise NotFound(f"model {name!r} has no alias {alias!r}")
    if store.get_protected_alias(session, found.project.id, alias) is not None:
        catalog.access_project(session, principal, project, Role.ADMIN, for_write=True)
    session.add(
        AliasEventRow(
            id=new_id(),
            model_id=found.model.id,
            alias=alias,
            version=None,
            previous_version=row.version,
            moved_by=principal.name,
            decided_by=principal.name,
            reason="removed",
            approval_id=None,
            at=utcnow(),
        )
    )
    session.delete(row)
    session.flush()


def list_aliases(session: Session, principal: Principal, project: str, name: str) -> list[Alias]:
    found = access_model(session, principal, project, name)
    return [
        Alias(
            model=name,
            alias=row.alias,
            version=row.version,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
        )
        for row in store.aliases_of(session, [found.model.id])
    ]


def alias_history(
    session: Session, principal: Principal, project: str, name: str, alias: str | None = None
) -> list[AliasEvent]:
    """Which version held which alias, when and by whose decision; newest first."""
    found = access_model(session, principal, project, name)
    rows = store.alias_history(session, found.model.id, alias, MAX_HISTORY)
    return [alias_event_view(row, name) for row in rows]


def _protected_view(row: ProtectedAliasRow, project: str) -> ProtectedAlias:
    return ProtectedAlias(
        project=project,
        alias=row.alias,
        gate=list(row.gate),
        created_at=row.created_at,
        created_by=row.created_by,
    )


def protect_alias(
    session: Session, principal: Principal, project: str, alias: str, data: ProtectedAliasSet
) -> ProtectedAlias:
    check_alias(alias)
    for rule in data.gate:
        parse_rule(rule)
    access = catalog.access_project(session, principal, project, Role.ADMIN, for_write=True)
    row = store.get_protected_alias(session, access.id, alias)
    if row is None:
        row = ProtectedAliasRow(
            project_id=access.id, alias=alias, created_at=utcnow(), created_by=principal.name
        )
        session.add(row)
    row.gate = list(data.gate)
    session.flush()
    return _protected_view(row, project)


def list_protected_aliases(
    session: Session, principal: Principal, project: str
) -> list[ProtectedAlias]:
    access = catalog.access_project(session, principal, project)
    return [
        _protected_view(row, project) for row in store.list_protected_aliases(session, access.id)
    ]


def unprotect_alias(session: Session, principal: Principal, project: str, alias: str) -> None:
    access = catalog.access_project(session, principal, project, Role.ADMIN, for_write=True)
    row = store.get_protected_alias(session, access.id, alias)
    if row is None:
        raise NotFound(f"alias {alias!r} is not protected in project {project!r}")
    session.delete(row)
    session.flush()
