"""HTTP for model versions: register, search, read, update, files, lineage."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from typing import IO, Annotated, cast

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from mlplane.core.pagination import Page
from mlplane.governance.schemas import Principal
from mlplane.registry import service
from mlplane.registry.schemas import (
    FileEntry,
    FileWritten,
    Lineage,
    ModelVersion,
    ModelVersionCreate,
    ModelVersionUpdate,
    VersionSearch,
    VersionStatus,
)
from mlplane.server.deps import READ_ONLY, PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.tracking.routes.body_stream import BodyReader

router = APIRouter(prefix="/projects/{project}", tags=["registry"])

CHUNK_SIZE = 1 << 20
VERSION = "/models/{name}/versions/{version}"


@router.post("/models/{name}/versions", status_code=status.HTTP_201_CREATED)
def create_model_version(
    project: str,
    name: str,
    data: ModelVersionCreate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> ModelVersion:
    with platform.db.write() as session:
        return service.create_version(session, principal, project, name, data)


@router.get("/models/{name}/versions")
def list_model_versions(
    project: str,
    name: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[ModelVersion]:
    search = VersionSearch(model=name, page_token=page_token, max_results=max_results)
    with platform.db.read() as session:
        return service.search_versions(session, principal, project, search)


@router.get("/model-versions")
def search_model_versions(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    model: str | None = None,
    run_id: str | None = None,
    version_status: Annotated[VersionStatus | None, Query(alias="status")] = None,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[ModelVersion]:
    """Versions of the project newest first; `run_id` lists those made from a run."""
    search = VersionSearch(
        model=model,
        run_id=run_id,
        status=version_status,
        page_token=page_token,
        max_results=max_results,
    )
    with platform.db.read() as session:
        return service.search_versions(session, principal, project, search)


@router.post("/model-versions/search", openapi_extra=READ_ONLY)
def search_model_versions_by_tags(
    project: str, search: VersionSearch, platform: PlatformDep, principal: PrincipalDep
) -> Page[ModelVersion]:
    with platform.db.read() as session:
        return service.search_versions(session, principal, project, search)


@router.get("/models/{name}/aliases/{alias}/version")
def get_model_version_by_alias(
    project: str, name: str, alias: str, platform: PlatformDep, principal: PrincipalDep
) -> ModelVersion:
    with platform.db.read() as session:
        return service.get_version_by_alias(session, principal, project, name, alias)


@router.get(VERSION)
def get_model_version(
    project: str, name: str, version: int, platform: PlatformDep, principal: PrincipalDep
) -> ModelVersion:
    with platform.db.read() as session:
        return service.get_version(session, principal, project, name, version)


@router.patch(VERSION)
def update_model_version(
    project: str,
    name: str,
    version: int,
    data: ModelVersionUpdate,
    platform: PlatformDep,
    principal: PrincipalDep,
    archive_existing_versions: bool = False,
) -> ModelVersion:
    with platform.db.write() as session:
        return service.update_version(
            session,
            principal,
            project,
            name,
            version,
            data,
            archive_existing=archive_existing_versions,
        )


@router.put(VERSION + "/tags/{key}")
def set_model_version_tag(
    project: str,
    name: str,
    version: int,
    key: str,
    value: Annotated[str, Query(max_length=5000)],
    platform: PlatformDep,
    principal: PrincipalDep,
) -> ModelVersion:
    with platform.db.write() as session:
        return service.set_version_tag(session, principal, project, name, version, key, value)


@router.delete(VERSION + "/tags/{key}")
def delete_model_version_tag(
    project: str, name: str, version: int, key: str, platform: PlatformDep, principal: PrincipalDep
) -> ModelVersion:
    with platform.db.write() as session:
        return service.delete_version_tag(session, principal, project, name, version, key)


@router.delete(VERSION, status_code=status.HTTP_204_NO_CONTENT)
def delete_model_version(
    project: str, name: str, version: int, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        service.delete_version(session, principal, project, name, version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(VERSION + "/lineage")
def get_model_version_lineage(
    project: str, name: str, version: int, platform: PlatformDep, principal: PrincipalDep
) -> Lineage:
    with platform.db.read() as session:
        return service.get_lineage(session, principal, project, name, version)


@router.post(VERSION + "/finalize")
def finalize_model_version(
    project: str, name: str, version: int, platform: PlatformDep, principal: PrincipalDep
) -> ModelVersion:
    """Mark a version whose files were uploaded READY."""
    with platform.db.write() as session:
        return service.finalize_version(session, principal, project, name, version)


def _upload_root(
    platform: Platform, principal: Principal, project: str, name: str, version: int
) -> str:
    with platform.db.read() as session:
        return service.upload_target(session, principal, project, name, version)


def _read_root(
    platform: Platform, principal: Principal, project: str, name: str, version: int
) -> str:
    with platform.db.read() as session:
        return service.storage_path_for_read(session, principal, project, name, version)


@router.put(
    VERSION + "/files/{path:path}",
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def upload_model_version_file(
    project: str,
    name: str,
    version: int,
    path: str,
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> FileWritten:
    """Store the body as the file `path` of a version created without a source."""
    root = await run_in_threadpool(_upload_root, platform, principal, project, name, version)
    reader = cast(IO[bytes], BodyReader(request.stream()))
    return await run_in_threadpool(service.upload_file, platform.artifacts, root, path, reader)


@router.get(VERSION + "/files")
def list_model_version_files(
    project: str,
    name: str,
    version: int,
    platform: PlatformDep,
    principal: PrincipalDep,
    path: str = "",
    recursive: bool = False,
) -> list[FileEntry]:
    root = _read_root(platform, principal, project, name, version)
    return service.list_files(platform.artifacts, root, path, recursive=recursive)


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK_SIZE):
            yield chunk


@router.get(
    VERSION + "/files/{path:path}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_model_version_file(
    project: str,
    name: str,
    version: int,
    path: str,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> StreamingResponse:
    root = _read_root(platform, principal, project, name, version)
    handle = service.open_file(platform.artifacts, root, path)
    media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return StreamingResponse(_chunks(handle), media_type=media_type)
