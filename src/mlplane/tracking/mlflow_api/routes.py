"""The MLflow-compatible REST API, mounted at the application's root.

`/api/2.0/mlflow/...` and `/api/2.0/mlflow-artifacts/...` as MLflow's tracking server
serves them, the same under `/ajax-api/2.0/...` (the prefix MLflow's web UI uses), and
`/api/3.0/mlflow/server-info`, which MLflow 3 clients read to learn what the server does.
Point an MLflow client at the platform (`MLFLOW_TRACKING_URI=http://host:5050`,
`MLFLOW_TRACKING_TOKEN=<mlplane token>`) and it logs into the `default` project, or into the
project named by the `X-Mlplane-Project` header or by `MLFLOW_WORKSPACE`.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from mlplane import __version__
from mlplane.server.deps import READ_ONLY
from mlplane.server.prefix_router import PrefixRouter
from mlplane.tracking.mlflow_api import (
    routes_artifacts,
    routes_experiments,
    routes_logging,
    routes_metrics,
    routes_models,
    routes_runs,
)
from mlplane.tracking.mlflow_api.errors import MlflowRoute, error_response
from mlplane.tracking.mlflow_api.messages import mlflow_response

API_PREFIXES = ("/api", "/ajax-api")
# Routes are tried in this order: training loops' logging calls first.
TRACKING_ROUTERS = (
    routes_logging.router,
    routes_experiments.router,
    routes_runs.router,
    routes_metrics.router,
    routes_artifacts.router,
    routes_models.router,
)
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

server_info_router = APIRouter(route_class=MlflowRoute, tags=["mlflow"])


@server_info_router.get("/server-info")
def get_server_info() -> Response:
    """How this server is set up, readable without a token (as MLflow's is). Workspaces are
    mlplane's projects; artifacts are proxied, never multipart or presigned."""
    return mlflow_response(
        {
            "store_type": "SqlStore",
            "workspaces_enabled": True,
            "trace_archival_enabled": False,
            "multipart_uploads_enabled": False,
            "multipart_downloads_enabled": False,
            "presigned_upload_run_id_supported": False,
            "presigned_upload_model_id_supported": False,
            "features_enabled": {"gateway": False},
            "mlplane_version": __version__,
        }
    )


unknown_router = APIRouter(route_class=MlflowRoute, include_in_schema=False)


@unknown_router.api_route("/{path:path}", methods=ALL_METHODS, openapi_extra=READ_ONLY)
def unknown_endpoint(path: str) -> Response:
    """MLflow's answer for an endpoint it does not serve; clients fall back on this code."""
    return error_response("ENDPOINT_NOT_FOUND", f"this server does not serve {path!r}")


router = PrefixRouter(
    path_prefixes=tuple(
        f"{prefix}/{version}/mlflow" for prefix in API_PREFIXES for version in ("2.0", "3.0")
    )
)
for prefix in API_PREFIXES:
    documented = prefix == "/api"
    for tracking_router in TRACKING_ROUTERS:
        router.include_router(
            tracking_router, prefix=f"{prefix}/2.0/mlflow", include_in_schema=documented
        )
    router.include_router(
        routes_artifacts.proxy_router,
        prefix=f"{prefix}/2.0/mlflow-artifacts",
        include_in_schema=documented,
    )
    router.include_router(
        server_info_router, prefix=f"{prefix}/3.0/mlflow", include_in_schema=documented
    )
    for version in ("2.0", "3.0"):
        router.include_router(unknown_router, prefix=f"{prefix}/{version}/mlflow")
        router.include_router(unknown_router, prefix=f"{prefix}/{version}/mlflow-artifacts")

__all__ = ["router"]
