"""Projects: the resource every other one lives in."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.catalog import store
from mlplane.catalog.schemas import Project, ProjectAccess, ProjectCreate, ProjectUpdate
from mlplane.catalog.store import ProjectKey
from mlplane.catalog.tables import ProjectRow
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.governance import service as governance
from mlplane.governance.schemas import Membership, MembershipSet, Principal, Role


def _get_row(session: Session, name: str) -> ProjectRow:
    row = store.get_project_by_name(session, name)
    if row is None:
        raise NotFound(f"project {name!r} does not exist")
    return row


def access_project(
    session: Session,
    principal: Principal,
    name: str,
    minimum: Role = Role.VIEWER,
    *,
    for_write: bool = False,
) -> ProjectAccess:
    """Resolve a project for a caller, checking their role; the entry point of every subsystem.

    A caller without any role gets the same answer as for a missing project, so project
    names do not leak.
    """
    key = store.get_project_key_by_name(session, name)
    if key is None:
        raise NotFound(f"project {name!r} does not exist")
    return _access(session, principal, key, minimum, for_write)


def access_project_by_id(
    session: Session,
    principal: Principal,
    project_id: str,
    minimum: Role = Role.VIEWER,
    *,
    for_write: bool = False,
) -> ProjectAccess:
    """`access_project` for callers that hold a project's id (from a run or a model)."""
    key = store.get_project_key_by_id(session, project_id)
    if key is None:
        raise NotFound(f"project {project_id!r} does not exist")
    return _access(session, principal, key, minimum, for_write)


def _access(
    session: Session, principal: Principal, key: ProjectKey, minimum: Role, for_write: bool
) -> ProjectAccess:
    project_id, name, archived = key
    role = governance.project_role(session, principal, project_id)
    if role is None:
        raise NotFound(f"project {name!r} does not exist")
    if not role.covers(minimum):
        raise Forbidden(
            f"user {principal.name!r} has role {role.value!r} in project {name!r}; "
            f"this needs {minimum.value!r}"
        )
    if for_write and archived:
        raise Conflict(f"project {name!r} is archived; restore it before changing it")
    return ProjectAccess(id=project_id, name=name, archived=archived, role=role)


def _view(row: ProjectRow, role: Role | None) -> Project:
    project = Project.model_validate(row)
    project.role = role
    return project


def create_project(session: Session, principal: Principal, data: ProjectCreate) -> Project:
    if principal.kind == "service" and not principal.is_admin:
        raise Forbidden("service accounts cannot create projects")
    if store.get_project_by_name(session, data.name) is not None:
        raise Conflict(f"project {data.name!r} already exists")
    owner = data.owner or principal.name
    if owner != principal.name and not principal.is_admin:
        raise Forbidden("only administrators may create a project owned by someone else")
    now = utcnow()
    row = ProjectRow(
        id=new_id(),
        name=data.name,
        display_name=data.display_name,
        description=data.description,
        owner=owner,
        tags=dict(data.tags),
        archived=False,
        created_at=now,
        created_by=principal.name,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    try:
        governance.set_member(session, row.id, row.name, MembershipSet(user=owner, role=Role.ADMIN))
    except NotFound as error:
        raise InvalidInput(f"owner: user {owner!r} does not exist") from error
    return _view(row, Role.ADMIN)


def get_project(session: Session, principal: Principal, name: str) -> Project:
    access = access_project(session, principal, name)
    return _view(_get_row(session, name), access.role)


def list_projects(
    session: Session,
    principal: Principal,
    include_archived: bool = False,
    page_token: str | None = None,
    max_results: int | None = None,
) -> Page[Project]:
    limit = check_max_results(max_results)
    after = decode_page_token(page_token).get("after")
    roles = governance.project_roles(session, principal)
    project_ids = None if principal.is_admin else list(roles)
    rows = store.list_projects(session, project_ids, include_archived, after, limit + 1)
    items = [
        _view(row, Role.ADMIN if principal.is_admin else roles.get(row.id)) for row in rows[:limit]
    ]
    next_token = encode_page_token({"after": items[-1].name}) if len(rows) > limit else None
    return Page(items=items, next_page_token=next_token)


def count_projects(session: Session, principal: Principal) -> int:
    """How many active projects the caller can see."""
    if principal.is_admin:
        return store.count_projects(session, None)
    return store.count_projects(session, list(governance.project_roles(session, principal)))


def update_project(
    session: Session, principal: Principal, name: str, data: ProjectUpdate
) -> Project:
    access = access_project(session, principal, name, Role.ADMIN, for_write=True)
    row = _get_row(session, name)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "owner" in changes and changes["owner"] != row.owner:
        try:
            governance.set_member(
                session, row.id, row.name, MembershipSet(user=changes["owner"], role=Role.ADMIN)
            )
        except NotFound as error:
            raise InvalidInput(f"owner: user {changes['owner']!r} does not exist") from error
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.flush()
    return _view(row, access.role)


def set_archived(session: Session, principal: Principal, name: str, archived: bool) -> Project:
    access = access_project(session, principal, name, Role.ADMIN)
    row = _get_row(session, name)
    if row.archived != archived:
        row.archived = archived
        row.archived_at = utcnow() if archived else None
        row.updated_at = utcnow()
        session.flush()
    return _view(row, access.role)


def list_members(session: Session, principal: Principal, name: str) -> list[Membership]:
    access = access_project(session, principal, name)
    return governance.list_members(session, access.id, access.name)


def set_member(
    session: Session, principal: Principal, name: str, data: MembershipSet
) -> Membership:
    access = access_project(session, principal, name, Role.ADMIN, for_write=True)
    return governance.set_member(session, access.id, access.name, data)


def remove_member(session: Session, principal: Principal, name: str, user: str) -> None:
    access = access_project(session, principal, name, Role.ADMIN, for_write=True)
    row = _get_row(session, name)
    if user == row.owner:
        raise InvalidInput(f"user: {user!r} owns project {name!r}; change the owner first")
    governance.remove_member(session, access.id, access.name, user)


def administered_project_names(session: Session, principal: Principal) -> list[str] | None:
    """Names of projects the caller administers; None for platform administrators (all)."""
    if principal.is_admin:
        return None
    roles = governance.project_roles(session, principal)
    admin_ids = [pid for pid, role in roles.items() if role is Role.ADMIN]
    return store.project_names(session, admin_ids)
