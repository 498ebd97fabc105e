"""Token scopes: what a token may reach, on top of what its user's roles allow.

A token without scopes acts with all of its user's rights. A token with scopes reaches only
what at least one of them names, and never more than the user's roles allow:

- `project:<project>`: everything in one project: the control-plane API for that project
  (read and write) and the gateway's models served from it.
- `deployment:<name>`: the gateway's served name `<name>` (a deployment, or a model put behind
  a name directly); `deployment:<project>/<name>` pins its project too; `deployment:*` is
  every served name the user may call, `deployment:<project>/*` every one of a project.
  Gateway only: a token with only deployment scopes cannot use the API.
- `api:read`: read-only calls of the control-plane API, in every project the user may read.

The gateway answers a model outside a token's scopes as it answers an unknown one (404), so a
caller learns nothing; the API refuses a call outside them with 403, naming the scopes.
Outside any project (users, tokens, pools, the project list), a scoped token may only read.
The MLflow-compatible API names its project in a header; a project-scoped token works there
in its own projects only, as every project's role check leaves the others out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mlplane.core.names import NAME_RE

ANY_NAME = "*"


class ScopeKind(StrEnum):
    PROJECT = "project"
    DEPLOYMENT = "deployment"
    API = "api"


API_READ = "read"


@dataclass(frozen=True)
class TokenScope:
    """One parsed scope; `project` and `name` are None where the scope does not narrow them."""

    kind: ScopeKind
    project: str | None = None
    name: str | None = None

    def admits_model(self, project: str, name: str) -> bool:
        if self.kind is ScopeKind.PROJECT:
            return self.project == project
        if self.kind is ScopeKind.DEPLOYMENT:
            return self.project in (None, project) and self.name in (ANY_NAME, name)
        return False


SCOPE_GRAMMAR = (
    "project:<project>, deployment:<name>, deployment:<project>/<name>, deployment:*, "
    "deployment:<project>/* or api:read"
)


def parse_scope(text: str) -> TokenScope:
    """A scope from its text; `ValueError` says what is wrong with it."""
    kind_text, colon, value = text.partition(":")
    try:
        kind = ScopeKind(kind_text)
    except ValueError:
        kind = None
    if not colon or kind is None:
        raise ValueError(f"scope {text!r} is not one of {SCOPE_GRAMMAR}")
    if kind is ScopeKind.API:
        if value != API_READ:
            raise ValueError(f"scope {text!r}: the only api scope is api:read")
        return TokenScope(kind)
    if kind is ScopeKind.PROJECT:
        return TokenScope(kind, project=_checked_name(text, value))
    project, slash, name = value.rpartition("/")
    return TokenScope(
        kind,
        project=_checked_name(text, project) if slash else None,
        name=name if name == ANY_NAME else _checked_name(text, name),
    )


def _checked_name(scope: str, name: str) -> str:
    if not NAME_RE.match(name):
        raise ValueError(
            f"scope {scope!r}: {name!r} is not a name (lowercase letters, digits, '.', '_', "
            "'-'; starting with a letter or digit)"
        )
    return name


def parse_scopes(texts: tuple[str, ...] | list[str]) -> list[TokenScope]:
    """Stored scopes, skipping any this version does not understand: they grant nothing."""
    parsed: list[TokenScope] = []
    for text in texts:
        try:
            parsed.append(parse_scope(text))
        except ValueError:
            continue
    return parsed


def admits_model(scopes: tuple[str, ...] | None, project: str, name: str) -> bool:
    """Whether a token with `scopes` may call the gateway's model `name` of `project`."""
    if scopes is None:
        return True
    return any(scope.admits_model(project, name) for scope in parse_scopes(scopes))


def scoped_projects(scopes: tuple[str, ...] | None) -> frozenset[str] | None:
    """Projects a token may reach through the API; None when no scope narrows them."""
    if scopes is None:
        return None
    parsed = parse_scopes(scopes)
    if any(scope.kind is ScopeKind.API for scope in parsed):
        return None
    return frozenset(s.project for s in parsed if s.kind is ScopeKind.PROJECT and s.project)


def api_refusal(
    scopes: tuple[str, ...] | None, project: str | None, read_only: bool, project_in_header: bool
) -> str | None:
    """Why a control-plane call is outside a token's scopes, or None when it is inside.

    `project` is the project the call names in its path; None for calls outside projects,
    and for the MLflow-compatible API, which names its project in a header
    (`project_in_header`): there the project's role check narrows a project-scoped token to
    its projects, so such a token may write through it.
    """
    if scopes is None:
        return None
    parsed = parse_scopes(scopes)
    shown = ", ".join(scopes) or "nothing"
    reads_all = any(scope.kind is ScopeKind.API for scope in parsed)
    projects = {s.project for s in parsed if s.kind is ScopeKind.PROJECT}
    if not reads_all and not projects:
        return f"the token is scoped to {shown}: it may call only the serving gateway"
    if project is not None:
        if project in projects or (reads_all and read_only):
            return None
        if reads_all:
            return f"the token is scoped to {shown}: in project {project!r} it may only read"
        return f"the token is scoped to {shown}: project {project!r} is outside its scopes"
    if read_only or (projects and project_in_header):
        return None
    return f"the token is scoped to {shown}: outside its projects it may only read"
