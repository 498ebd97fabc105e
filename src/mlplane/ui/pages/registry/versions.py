"""One model version: its signature, files, aliases and the metrics of its run."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.core.errors import Conflict
from mlplane.registry import service as registry
from mlplane.registry.schemas import FileEntry, ModelCard
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render

router = page_router()

FILES_SHOWN = 500


@router.get("/projects/{project}/models/{name}/versions/{version}")
def get_version_page(
    request: Request,
    project: str,
    name: str,
    version: int,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Response:
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        model = registry.get_model(session, principal, project, name)
        shown = registry.get_version(session, principal, project, name, version)
        lineage = registry.get_lineage(session, principal, project, name, version)
        try:
            root: str | None = registry.storage_path_for_read(
                session, principal, project, name, version
            )
        except Conflict:
            root = None
    files: list[FileEntry] = []
    card = ModelCard(format="unknown")
    if root is not None:
        files = registry.list_files(platform.artifacts, root, recursive=True)[:FILES_SHOWN]
        card = registry.read_model_card(platform.artifacts, root)
    return render(
        request,
        "registry/version.html",
        {
            "project": found,
            "model": model,
            "version": shown,
            "lineage": lineage,
            "files": files,
            "card": card,
        },
    )
