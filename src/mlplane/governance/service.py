"""Who may do what: users, tokens, roles, and the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from mlplane.core.clock import utcnow
from mlplane.core.db import Database
from mlplane.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from mlplane.core.ids import new_id
from mlplane.core.pagination import Page, check_max_results, decode_page_token, encode_page_token
from mlplane.governance import scopes, store
from mlplane.governance.schemas import (
    AuditEvent,
    AuditFilter,
    AuditOutcome,
    AuditRecord,
    Membership,
    MembershipSet,
    Principal,
    RateLimit,
    Role,
    Token,
    TokenCreate,
    TokenCreated,
    User,
    UserCreate,
    UserKind,
    UserUpdate,
)
from mlplane.governance.secrets import display_prefix, hash_token_secret, new_token_secret
from mlplane.governance.tables import MembershipRow, TokenRow, UserRow
from mlplane.governance.token_cache import TOKENS

# last_used_at is informational: refreshing it at most once a minute keeps reads read-only.
LAST_USED_RESOLUTION = timedelta(seconds=60)
BOOTSTRAP_ADMIN = "admin"


def authenticate(session: Session, secret: str) -> tuple[Principal, bool]:
    """The principal behind a token, and whether its last-used time should be refreshed."""
    principal, stale, _ = _check_token(session, hash_token_secret(secret))
    return principal, stale


def authenticate_cached(db: Database, secret: str) -> Principal:
    """`authenticate` behind the process's token cache, refreshing the last-used time when due."""
    secret_hash = hash_token_secret(secret)
    cached = TOKENS.get(db.url, secret_hash)
    if cached is not None:
        return cached
    with db.read() as session:
        principal, stale, expires_at = _check_token(session, secret_hash)
    if stale and principal.token_id:
        with db.write(bookkeeping=True) as session:
            store.touch_token(session, principal.token_id, utcnow())
    TOKENS.put(db.url, secret_hash, principal, expires_at)
    return principal


def cached_principal(db: Database, secret: str) -> Principal | None:
    """The principal behind a token this process checked a moment ago, without any I/O."""
    return TOKENS.get(db.url, hash_token_secret(secret))


def _check_token(session: Session, secret_hash: str) -> tuple[Principal, bool, datetime | None]:
    found = store.get_token_with_user(session, secret_hash)
    if found is None:
        raise Unauthorized("the token is not valid")
    token, user = found
    now = utcnow()
    if token.revoked_at is not None:
        raise Unauthorized("the token has been revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise Unauthorized("the token has expired")
    if user.disabled:
        raise Unauthorized(f"user {user.name!r} is disabled")
    token_scopes = tuple(token.scopes) if token.scopes is not None else None
    projects = scopes.scoped_projects(token_scopes)
    principal = Principal(
        user_id=user.id,
        name=user.name,
        is_admin=user.is_admin and projects is None,
        kind=user.kind,
        token_id=token.id,
        scopes=token_scopes,
        project_ids=None if projects is None else store.project_ids(session, projects),
        rate_limit=_rate_limit(token),
        user_is_admin=user.is_admin,
    )
    stale = token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION
    return principal, stale, token.expires_at


def _rate_limit(token: TokenRow) -> RateLimit | None:
    if token.rate_per_second is None:
        return None
    return RateLimit(per_second=token.rate_per_second, burst=token.rate_burst)


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("this needs a platform administrator")


def require_api_scope(
    principal: Principal, project: str | None, *, read_only: bool, project_in_header: bool
) -> None:
    """Refuse a control-plane call outside the caller's token scopes (see `scopes`)."""
    refusal = scopes.api_refusal(principal.scopes, project, read_only, project_in_header)
    if refusal is not None:
        raise Forbidden(refusal)


def _in_scope(principal: Principal, project_id: str) -> bool:
    return principal.project_ids is None or project_id in principal.project_ids


def project_role(session: Session, principal: Principal, project_id: str) -> Role | None:
    """The caller's role in a project; None outside it, or outside their token's scopes."""
    if not _in_scope(principal, project_id):
        return None
    if principal.is_admin or principal.user_is_admin:
        return Role.ADMIN
    role = store.get_member_role(session, project_id, principal.user_id)
    return Role(role) if role else None


def require_project_role(
    session: Session, principal: Principal, project_id: str, project_name: str, minimum: Role
) -> Role:
    role = project_role(session, principal, project_id)
    if role is None or not role.covers(minimum):
        have = f"has role {role.value!r}" if role else "has no role"
        raise Forbidden(
            f"user {principal.name!r} {have} in project {project_name!r}; "
            f"this needs {minimum.value!r}"
        )
    return role


def visible_project_ids(session: Session, principal: Principal) -> list[str] | None:
    """Projects a principal may see; None means all of them (administrators)."""
    if principal.is_admin:
        return None
    return list(project_roles(session, principal))


def project_roles(session: Session, principal: Principal) -> dict[str, Role]:
    """The caller's roles by project id, as memberships give them (platform administrators
    hold every role; only those a token narrows to projects are listed here)."""
    if principal.user_is_admin and principal.project_ids is not None:
        return dict.fromkeys(principal.project_ids, Role.ADMIN)
    return {
        pid: Role(role)
        for pid, role in store.list_user_roles(session, principal.user_id).items()
        if _in_scope(principal, pid)
    }


# Users


def _get_user_row(session: Session, name: str) -> UserRow:
    row = store.get_user_by_name(session, name)
    if row is None:
        raise NotFound(f"user {name!r} does not exist")
    return row


def create_user(session: Session, principal: Principal, data: UserCreate) -> User:
    require_admin(principal)
    if store.get_user_by_name(session, data.name) is not None:
        raise Conflict(f"user {data.name!r} already exists")
    if data.is_admin and data.kind is UserKind.SERVICE:
        raise InvalidInput("is_admin: a service account cannot be a platform administrator")
    row = UserRow(
        id=new_id(),
        name=data.name,
        display_name=data.display_name,
        email=data.email,
        kind=data.kind.value,
        is_admin=data.is_admin,
        disabled=False,
        created_at=utcnow(),
        created_by=principal.name,
    )
    session.add(row)
    session.flush()
    return User.model_validate(row)


def get_user(session: Session, principal: Principal, name: str) -> User:
    if not principal.is_admin and name != principal.name:
        raise Forbidden("only administrators may look up other users")
    return User.model_validate(_get_user_row(session, name))


def list_users(
    session: Session, principal: Principal, page_token: str | None, max_results: int | None
) -> Page[User]:
    require_admin(principal)
    limit = check_max_results(max_results)
    offset = int(decode_page_token(page_token).get("offset", 0))
    rows = store.list_users(session, offset, limit + 1)
    next_token = encode_page_token({"offset": offset + limit}) if len(rows) > limit else None
    return Page(
        items=[User.model_validate(row) for row in rows[:limit]], next_page_token=next_token
    )


def update_user(session: Session, principal: Principal, name: str, data: UserUpdate) -> User:
    require_admin(principal)
    TOKENS.clear()
    row = _get_user_row(session, name)
    changes = data.model_dump(exclude_unset=True)
    if row.id == principal.user_id and (
        changes.get("disabled") or changes.get("is_admin") is False
    ):
        raise InvalidInput("an administrator cannot disable or demote themselves")
    for key, value in changes.items():
        if value is not None:
            setattr(row, key, value)
    session.flush()
    return User.model_validate(row)


def whoami(session: Session, principal: Principal) -> User:
    return User.model_validate(_get_user_row(session, principal.name))


# Tokens


def _token_view(row: TokenRow, user_name: str) -> Token:
    return Token(
        id=row.id,
        name=row.name,
        user=user_name,
        prefix=row.prefix,
        scopes=row.scopes,
        rate_limit=_rate_limit(row),
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def issue_token(
    session: Session,
    user: UserRow,
    name: str,
    expires_in_days: int | None,
    scopes: list[str] | None,
    rate_limit: RateLimit | None = None,
) -> TokenCreated:
    secret = new_token_secret()
    now = utcnow()
    row = TokenRow(
        id=new_id(),
        user_id=user.id,
        name=name,
        secret_hash=hash_token_secret(secret),
        prefix=display_prefix(secret),
        scopes=scopes,
        rate_per_second=rate_limit.per_second if rate_limit else None,
        rate_burst=rate_limit.bucket_size if rate_limit else None,
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(row)
    session.flush()
    return TokenCreated(**_token_view(row, user.name).model_dump(), secret=secret)


def issue_short_lived_token(
    session: Session, user_id: str, name: str, lifetime: timedelta, scopes: list[str]
) -> TokenCreated:
    """A token the platform mints for work done on a user's behalf (a job acting as them)."""
    user = store.get_user_by_id(session, user_id)
    if user is None or user.disabled:
        raise InvalidInput(f"user: {user_id!r} does not exist or is disabled")
    created = issue_token(session, user, name, None, scopes)
    row = store.get_token(session, created.id)
    assert row is not None
    row.expires_at = utcnow() + lifetime
    session.flush()
    return created.model_copy(update={"expires_at": row.expires_at})


def create_token(session: Session, principal: Principal, data: TokenCreate) -> TokenCreated:
    if principal.scopes is not None:
        # A scoped token minting an unscoped one would step outside its own scopes.
        raise Forbidden("tokens are created with an unscoped token")
    owner_name = data.user or principal.name
    if owner_name != principal.name:
        require_admin(principal)
    owner = _get_user_row(session, owner_name)
    if owner.disabled:
        raise InvalidInput(f"user: {owner_name!r} is disabled")
    return issue_token(
        session, owner, data.name, data.expires_in_days, data.scopes, data.rate_limit
    )


def list_tokens(session: Session, principal: Principal, user: str | None) -> list[Token]:
    if user is None and principal.is_admin:
        user_id = None
    else:
        target = user or principal.name
        if target != principal.name:
            require_admin(principal)
        user_id = _get_user_row(session, target).id
    return [_token_view(row, name) for row, name in store.list_tokens(session, user_id)]


def revoke_token(session: Session, principal: Principal, token_id: str) -> Token:
    row = store.get_token(session, token_id)
    if row is None:
        raise NotFound(f"token {token_id!r} does not exist")
    if row.user_id != principal.user_id:
        require_admin(principal)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        TOKENS.clear()
    owner = store.get_user_by_id(session, row.user_id)
    return _token_view(row, owner.name if owner else "")


# Memberships


def list_members(session: Session, project_id: str, project_name: str) -> list[Membership]:
    return [
        Membership(project=project_name, user=name, role=Role(row.role), created_at=row.created_at)
        for row, name in store.list_memberships(session, project_id)
    ]


def set_member(
    session: Session, project_id: str, project_name: str, data: MembershipSet
) -> Membership:
    user = _get_user_row(session, data.user)
    row = store.get_membership(session, project_id, user.id)
    if row is None:
        row = MembershipRow(
            project_id=project_id, user_id=user.id, role=data.role.value, created_at=utcnow()
        )
        session.add(row)
    else:
        row.role = data.role.value
    session.flush()
    return Membership(
        project=project_name, user=user.name, role=data.role, created_at=row.created_at
    )


def remove_member(session: Session, project_id: str, project_name: str, user_name: str) -> None:
    user = _get_user_row(session, user_name)
    if store.delete_membership(session, project_id, user.id) == 0:
        raise NotFound(f"user {user_name!r} is not a member of project {project_name!r}")


# Audit


def record_audit(session: Session, record: AuditRecord) -> None:
    store.insert_audit_event(
        session,
        dict(
            time=utcnow(),
            actor=record.actor,
            actor_id=record.actor_id,
            action=record.action,
            resource=record.resource,
            project=record.project,
            outcome=record.outcome.value,
            status_code=record.status_code,
            method=record.method,
            client_address=record.client_address,
            detail=record.detail,
            extra=record.extra,
        ),
    )


def list_audit(
    session: Session,
    principal: Principal,
    filters: AuditFilter,
    page_token: str | None,
    max_results: int | None,
    admin_project_names: list[str] | None,
) -> Page[AuditEvent]:
    """Administrators see every event; others, their own and their administered projects'."""
    limit = check_max_results(max_results)
    before_id = decode_page_token(page_token).get("before_id")
    rows = store.list_audit_events(
        session,
        filters,
        before_id=int(before_id) if before_id is not None else None,
        limit=limit + 1,
        visible_projects=admin_project_names,
        actor_name=principal.name,
    )
    items = [AuditEvent.model_validate(row) for row in rows[:limit]]
    next_token = encode_page_token({"before_id": items[-1].id}) if len(rows) > limit else None
    return Page(items=items, next_page_token=next_token)


def list_audit_times(
    session: Session,
    principal: Principal,
    since: datetime,
    admin_project_names: list[str] | None,
) -> list[tuple[datetime, AuditOutcome]]:
    """When visible events happened and how they ended, for charts; same visibility as lists."""
    rows = store.list_audit_times(session, since, admin_project_names, principal.name)
    return [(moment, AuditOutcome(outcome)) for moment, outcome in rows]


def count_users(session: Session, principal: Principal) -> int:
    require_admin(principal)
    return store.count_users(session)


def bootstrap_admin(session: Session) -> str | None:
    """On first start, the platform administrator and their token; None once one exists."""
    if store.any_admin_exists(session):
        return None
    user = store.get_user_by_name(session, BOOTSTRAP_ADMIN)
    if user is None:
        user = UserRow(
            id=new_id(),
            name=BOOTSTRAP_ADMIN,
            display_name="Platform administrator",
            kind=UserKind.HUMAN.value,
            is_admin=True,
            disabled=False,
            created_at=utcnow(),
            created_by=None,
        )
        session.add(user)
        session.flush()
    else:
        user.is_admin = True
    return issue_token(session, user, "bootstrap", None, None).secret
