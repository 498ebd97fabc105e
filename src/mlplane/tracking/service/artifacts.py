"""A run's files in the artifact store, under its `artifact_uri`.

Resolving the run and checking the caller's role is a short read; the file transfer
happens after it, outside any transaction, so a large upload never holds the database.
"""

from __future__ import annotations

from typing import IO

from sqlalchemy.orm import Session

from mlplane.core.artifacts import ArtifactStore, check_relative_path
from mlplane.core.errors import InvalidInput
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking.schemas import ArtifactEntry, ArtifactWritten
from mlplane.tracking.service.access import access_run, require_active_run


def artifact_root_for_read(
    session: Session, principal: Principal, run_id: str, project: str | None = None
) -> str:
    """The store path of a run's artifacts, for a caller who may read the run."""
    return access_run(session, principal, run_id, project=project).run.artifact_uri


def artifact_root_for_write(
    session: Session, principal: Principal, run_id: str, project: str | None = None
) -> str:
    """The store path of a run's artifacts, for an editor of an active run."""
    found = access_run(session, principal, run_id, Role.EDITOR, project=project, for_write=True)
    require_active_run(found.run)
    return found.run.artifact_uri


def _file_path(root: str, path: str) -> str:
    relative = check_relative_path(path)
    if not relative:
        raise InvalidInput("path: name a file inside the run's artifacts")
    return f"{root}/{relative}"


def upload_artifact(
    store: ArtifactStore, root: str, path: str, stream: IO[bytes]
) -> ArtifactWritten:
    """Copy a stream into the run's artifacts atomically: readers never see half a file."""
    size = store.put_stream(_file_path(root, path), stream)
    return ArtifactWritten(path=check_relative_path(path), size=size)


def list_artifacts(store: ArtifactStore, root: str, path: str = "") -> list[ArtifactEntry]:
    """The direct children of a folder of the run's artifacts, paths relative to its root."""
    relative = check_relative_path(path)
    folder = f"{root}/{relative}" if relative else root
    prefix = len(check_relative_path(root)) + 1
    return [
        ArtifactEntry(path=info.path[prefix:], is_dir=info.is_dir, size=info.size)
        for info in store.list(folder)
    ]


def open_artifact(store: ArtifactStore, root: str, path: str) -> IO[bytes]:
    return store.open(_file_path(root, path))


def delete_artifact(store: ArtifactStore, root: str, path: str = "") -> None:
    """Remove a file or folder of the run's artifacts; an empty `path` removes them all."""
    relative = check_relative_path(path)
    store.delete(f"{root}/{relative}" if relative else root)
