"""MLflow's proxied artifact protocol (`/mlflow-artifacts/artifacts/<path>`: upload, download,
list, delete) and the run-based listing `/mlflow/artifacts/list`.

Files stream through: an upload is copied into the store as it arrives, atomically; a
download is read in chunks. Neither holds a database transaction while bytes move.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Iterator
from typing import IO, cast

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from mlplane.core.artifacts import ArtifactStore, check_relative_path
from mlplane.core.errors import InvalidInput
from mlplane.tracking import service
from mlplane.tracking.mlflow_api.artifact_paths import owned_path
from mlplane.tracking.mlflow_api.errors import MlflowRoute
from mlplane.tracking.mlflow_api.messages import JsonObject, artifact_uri, mlflow_response
from mlplane.tracking.mlflow_api.requests import RunRequest
from mlplane.tracking.mlflow_api.scope import ScopeDep
from mlplane.tracking.routes.body_stream import BodyReader
from mlplane.tracking.schemas import ArtifactEntry
from mlplane.tracking.service.artifacts import delete_artifact as delete_stored_artifact

proxy_router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])
"""Mounted under `/mlflow-artifacts`."""
router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])
"""Mounted under `/mlflow`."""

CHUNK_SIZE = 1 << 20
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string"}}},
    }
}


def listed(store: ArtifactStore, root: str, path: str) -> list[ArtifactEntry]:
    """The entries of a folder of an owner's artifacts; a file lists as nothing, as in MLflow."""
    relative = check_relative_path(path)
    try:
        return service.list_artifacts(store, root, relative)
    except InvalidInput:
        return []  # the path is valid (checked above): it names a file, not a folder


def file_infos(entries: list[ArtifactEntry], *, names_only: bool = False) -> list[JsonObject]:
    """MLflow's FileInfo of each entry: its path from the owner's root, or only its name."""
    infos: list[JsonObject] = []
    for entry in entries:
        path = posixpath.basename(entry.path) if names_only else entry.path
        info: JsonObject = {"path": path, "is_dir": entry.is_dir}
        if not entry.is_dir and entry.size is not None:
            info["file_size"] = entry.size
        infos.append(info)
    return infos


@proxy_router.put("/artifacts/{path:path}", openapi_extra=_UPLOAD_BODY)
async def upload_artifact(path: str, request: Request, scope: ScopeDep) -> Response:
    owned = await run_in_threadpool(owned_path, scope, path, write=True)
    reader = cast(IO[bytes], BodyReader(request.stream()))
    store = scope.platform.artifacts
    await run_in_threadpool(service.upload_artifact, store, owned.root, owned.relative, reader)
    return mlflow_response()


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


@proxy_router.get(
    "/artifacts/{path:path}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_artifact(path: str, scope: ScopeDep) -> StreamingResponse:
    owned = owned_path(scope, path)
    handle = service.open_artifact(scope.platform.artifacts, owned.root, owned.relative)
    media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return StreamingResponse(_chunks(handle), media_type=media_type)


@proxy_router.delete("/artifacts/{path:path}")
def delete_artifact(path: str, scope: ScopeDep) -> Response:
    owned = owned_path(scope, path, write=True)
    delete_stored_artifact(scope.platform.artifacts, owned.root, owned.relative)
    return mlflow_response()


@proxy_router.get("/artifacts")
def list_artifacts(scope: ScopeDep, path: str = "") -> Response:
    """The entries directly inside `path`, by name."""
    owned = owned_path(scope, path)
    entries = listed(scope.platform.artifacts, owned.root, owned.relative)
    return mlflow_response({"files": file_infos(entries, names_only=True)})


@router.get("/artifacts/list")
def list_run_artifacts(
    scope: ScopeDep,
    run_id: str | None = None,
    run_uuid: str | None = None,
    path: str = "",
) -> Response:
    """The entries directly inside a folder of a run's artifacts, paths from the run's root."""
    target = RunRequest(run_id=run_id, run_uuid=run_uuid).target
    with scope.read() as session:
        root = service.artifact_root_for_read(session, scope.principal, target, scope.project)
    entries = listed(scope.platform.artifacts, root, path)
    return mlflow_response({"root_uri": artifact_uri(root), "files": file_infos(entries)})
