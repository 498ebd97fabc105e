"""HTTP for datasets, versions, blobs, checks, ingestions, SQL and saved queries."""

from __future__ import annotations

from fastapi import APIRouter

from mlplane.data.routes import blobs, datasets, sql, versions
from mlplane.server.prefix_router import gated

router = APIRouter()
router.include_router(gated(datasets.router))
router.include_router(gated(versions.router))
router.include_router(gated(blobs.router))
router.include_router(gated(sql.router))
