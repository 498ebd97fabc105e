"""A project's served models: what the gateway is told to serve, and whether it answers."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.core.processes import is_alive, list_processes
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.serving import rollup_service as rollups
from mlplane.serving import service as serving
from mlplane.serving.schemas import ServedModel
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render

router = page_router()


def served_state(model: ServedModel, gateway_up: bool) -> str:
    """`offline` without a live gateway; `standby` loaded without traffic (a blue-green
    preview, an old version scaling down); `serving` otherwise."""
    if not gateway_up:
        return "offline"
    return "serving" if model.weight > 0 else "standby"


@router.get("/projects/{project}/served-models")
def list_served_models_page(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        models = serving.list_served_models(session, principal, project).items
        traffic = rollups.list_recent_traffic(session, principal, project)
    gateways = [row for row in list_processes(platform.db) if row.kind == "gateway"]
    gateway_up = any(is_alive(row) for row in gateways)
    return render(
        request,
        "deployments/served.html",
        {
            "project": found,
            "models": models,
            "states": {(m.name, m.version): served_state(m, gateway_up) for m in models},
            "traffic": {(item.model, item.version): item for item in traffic},
            "gateway_up": gateway_up,
        },
    )
