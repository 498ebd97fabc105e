"""MLflow's model registry REST API, under `/api/2.0/mlflow/` and `/ajax-api/2.0/mlflow/`.

It acts on the same project as the tracking half (the `default` project, or the one named
by `X-Mlplane-Project` / MLflow's workspace header) and answers in MLflow's error shape.
Mounted before tracking's MLflow router, whose catch-all answers unknown endpoints.
"""

from __future__ import annotations

from mlplane.registry.mlflow_api import routes_models, routes_versions
from mlplane.server.prefix_router import PrefixRouter
from mlplane.tracking.mlflow_api.routes import API_PREFIXES

PATHS = ("registered-models", "model-versions")

router = PrefixRouter(
    path_prefixes=tuple(f"{prefix}/2.0/mlflow/{path}" for prefix in API_PREFIXES for path in PATHS)
)
for prefix in API_PREFIXES:
    for registry_router in (routes_models.router, routes_versions.router):
        router.include_router(
            registry_router, prefix=f"{prefix}/2.0/mlflow", include_in_schema=prefix == "/api"
        )

__all__ = ["router"]
