"""Who owns a path of MLflow's proxied artifact protocol, and may the caller touch it.

MLflow clients address artifacts by their path in the store (`mlflow-artifacts:/<path>`),
not by run. A run's files live under `<...>/<run id>/artifacts`, a logged model's under
`<...>/models/<model id>/artifacts`: the owner is found from the path and must have
exactly that folder as its root, and the caller's role is checked on the owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from mlplane.core.artifacts import check_relative_path
from mlplane.core.errors import NotFound
from mlplane.tracking import service
from mlplane.tracking.mlflow_api.logged_models import service as models
from mlplane.tracking.mlflow_api.scope import Scope

ARTIFACTS_FOLDER = "artifacts"
MODELS_FOLDER = "models"


@dataclass(frozen=True)
class OwnedPath:
    """A path split into its owner's artifact root and the part inside it."""

    root: str
    relative: str


@dataclass(frozen=True)
class _Candidate:
    kind: str
    owner_id: str
    root: str
    relative: str


def _candidates(path: str) -> list[_Candidate]:
    parts = path.split("/")
    found = []
    for index in range(1, len(parts)):
        if parts[index] != ARTIFACTS_FOLDER:
            continue
        kind = "model" if index >= 2 and parts[index - 2] == MODELS_FOLDER else "run"
        root = "/".join(parts[: index + 1])
        found.append(_Candidate(kind, parts[index - 1], root, "/".join(parts[index + 1 :])))
    return found


def _root_of(session: Session, scope: Scope, candidate: _Candidate, write: bool) -> str:
    principal, project = scope.principal, scope.project
    if candidate.kind == "model":
        if write:
            return models.artifact_root_for_write(session, principal, candidate.owner_id, project)
        return models.artifact_root_for_read(session, principal, candidate.owner_id, project)
    if write:
        return service.artifact_root_for_write(session, principal, candidate.owner_id, project)
    return service.artifact_root_for_read(session, principal, candidate.owner_id, project)


def owned_path(scope: Scope, path: str, *, write: bool = False) -> OwnedPath:
    """The run or logged model that `path` belongs to, for a caller who may read it (or
    change it, with `write`). A short read: file transfers happen outside it."""
    checked = check_relative_path(path)
    with scope.read() as session:
        for candidate in _candidates(checked):
            try:
                root = _root_of(session, scope, candidate, write)
            except NotFound:
                continue
            if root == candidate.root:
                return OwnedPath(root, candidate.relative)
    raise NotFound(
        f"artifact path {path!r} belongs to no run or model of project {scope.project!r}"
    )
