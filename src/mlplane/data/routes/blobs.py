"""HTTP for blobs: the upload protocol (which are missing, upload packs) and downloads."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Path, Request
from fastapi.responses import StreamingResponse

from mlplane.data.packs import PACK_MEDIA_TYPE
from mlplane.data.schemas.versions import BlobHashes, BlobsStored
from mlplane.data.service import blobs as service
from mlplane.server.deps import READ_ONLY, PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}/datasets/{dataset}/blobs", tags=["datasets"])

# A pack is spooled to disk past this size, so a large upload never sits in memory.
SPOOL_IN_MEMORY = 16 << 20

Digest = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


@router.post("/missing", openapi_extra=READ_ONLY)
def find_missing_dataset_blobs(
    project: str, dataset: str, data: BlobHashes, platform: PlatformDep, principal: PrincipalDep
) -> BlobHashes:
    """Of these hashes, those the store lacks: the only blobs a client needs to upload."""
    with platform.db.read() as session:
        missing = service.find_missing_blobs(session, principal, project, dataset, data.hashes)
    return BlobHashes(hashes=missing)


@router.post(
    "",
    openapi_extra={
        "requestBody": {"content": {PACK_MEDIA_TYPE: {"schema": {"type": "string"}}}},
    },
)
async def upload_dataset_blobs(
    project: str, dataset: str, request: Request, platform: PlatformDep, principal: PrincipalDep
) -> BlobsStored:
    """Upload a pack of blobs: records of `<sha256> <size>\\n` followed by the bytes."""

    def authorize() -> service.BlobTarget:
        with platform.db.read() as session:
            return service.authorize_upload(session, principal, project, dataset)

    target = await anyio.to_thread.run_sync(authorize)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        async for chunk in request.stream():
            spool.write(chunk)
        spool.seek(0)
        return await anyio.to_thread.run_sync(
            service.store_blob_pack,
            platform.db,
            platform.artifacts,
            target,
            spool,  # type: ignore[arg-type]
        )


@router.post("/download", openapi_extra=READ_ONLY, response_class=StreamingResponse)
def download_dataset_blobs(
    project: str, dataset: str, data: BlobHashes, platform: PlatformDep, principal: PrincipalDep
) -> StreamingResponse:
    """Stream these blobs as one pack."""
    with platform.db.read() as session:
        target, blobs = service.authorize_download(
            session, principal, project, dataset, data.hashes
        )
    return StreamingResponse(
        service.stream_blobs(platform.artifacts, target, blobs), media_type=PACK_MEDIA_TYPE
    )


@router.get("/{digest}", response_class=StreamingResponse)
def get_dataset_blob(
    project: str, dataset: str, digest: Digest, platform: PlatformDep, principal: PrincipalDep
) -> StreamingResponse:
    with platform.db.read() as session:
        target, blobs = service.authorize_download(session, principal, project, dataset, [digest])
    handle = service.open_blob(platform.artifacts, target, digest)

    def chunks() -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(1 << 20):
                yield chunk

    return StreamingResponse(
        chunks(),
        media_type="application/octet-stream",
        headers={"Content-Length": str(blobs[0][1])},
    )
