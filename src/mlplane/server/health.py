"""Liveness for load balancers (no token) and Prometheus exposition (token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import text

from mlplane import __version__
from mlplane.core.metrics import EXPOSITION_CONTENT_TYPE, generate_latest
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter()


@router.get("/api/v1/health", tags=["health"])
def get_health(platform: PlatformDep) -> dict[str, Any]:
    database = "ok"
    try:
        with platform.db.read() as session:
            session.execute(text("SELECT 1"))
    except Exception as error:  # health must answer whatever the database does
        database = f"error: {type(error).__name__}"
    return {
        "status": "ok" if database == "ok" else "degraded",
        "version": __version__,
        "database": database,
    }


@router.get("/metrics", tags=["health"], include_in_schema=False)
def get_metrics(_: PrincipalDep) -> Response:
    return Response(generate_latest(), media_type=EXPOSITION_CONTENT_TYPE)
