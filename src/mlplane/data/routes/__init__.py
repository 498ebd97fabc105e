"""HTTP for datasets, versions, blobs, checks, ingestions, SQL and saved queries."""

from __future__ import annotations

from fastapi import APIRouter

from mlplane.data.routes import blobs, datasets, sql, versions

router = APIRouter()
router.include_router(datasets.router)
router.include_router(versions.router)
router.include_router(blobs.router)
router.include_router(sql.router)
