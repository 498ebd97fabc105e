"""HTTP for a run's artifacts: upload (streamed, atomic), list, download."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from typing import IO, cast

from fastapi import APIRouter, Request, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from mlplane.governance.schemas import Principal
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.tracking import service
from mlplane.tracking.routes.body_stream import BodyReader
from mlplane.tracking.schemas import ArtifactEntry, ArtifactWritten

router = APIRouter(prefix="/projects/{project}/runs/{run_id}/artifacts", tags=["artifacts"])

CHUNK_SIZE = 1 << 20


def _root_for_write(platform: Platform, principal: Principal, project: str, run_id: str) -> str:
    with platform.db.read() as session:
        return service.artifact_root_for_write(session, principal, run_id, project)


def _root_for_read(platform: Platform, principal: Principal, project: str, run_id: str) -> str:
    with platform.db.read() as session:
        return service.artifact_root_for_read(session, principal, run_id, project)


@router.put(
    "/{path:path}",
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def upload_artifact(
    project: str,
    run_id: str,
    path: str,
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> ArtifactWritten:
    """Store the body as the file `path` of the run's artifacts, replacing any earlier one."""
    root = await run_in_threadpool(_root_for_write, platform, principal, project, run_id)
    reader = cast(IO[bytes], BodyReader(request.stream()))
    return await run_in_threadpool(service.upload_artifact, platform.artifacts, root, path, reader)


@router.get("")
def list_artifacts(
    project: str, run_id: str, platform: PlatformDep, principal: PrincipalDep, path: str = ""
) -> list[ArtifactEntry]:
    """The files and folders directly inside `path` (the root when empty)."""
    root = _root_for_read(platform, principal, project, run_id)
    return service.list_artifacts(platform.artifacts, root, path)


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


@router.get(
    "/{path:path}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_artifact(
    project: str, run_id: str, path: str, platform: PlatformDep, principal: PrincipalDep
) -> StreamingResponse:
    root = _root_for_read(platform, principal, project, run_id)
    handle = service.open_artifact(platform.artifacts, root, path)
    media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return StreamingResponse(_chunks(handle), media_type=media_type)
