"""A project's registered models, and one model: versions, aliases, lineage, approvals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from mlplane.catalog import service as catalog
from mlplane.core.errors import NotFound
from mlplane.registry import service as registry
from mlplane.registry.schemas import ApprovalDecision, Lineage, VersionSearch
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.registry.lineage_graph import build_graph
from mlplane.ui.templating import render

router = page_router()

MODELS_PAGE_SIZE = 100
VERSIONS_SHOWN = 50


@router.get("/projects/{project}/models")
def list_models_page(
    request: Request,
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
) -> Response:
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        page = registry.list_models(
            session, principal, project, page_token=page_token, max_results=MODELS_PAGE_SIZE
        )
        protected = registry.list_protected_aliases(session, principal, project)
    next_url = (
        f"/projects/{project}/models?page_token={page.next_page_token}"
        if page.next_page_token
        else None
    )
    return render(
        request,
        "registry/models.html",
        {"project": found, "models": page.items, "protected": protected, "next_url": next_url},
    )


@router.get("/projects/{project}/models/{name}")
def get_model_page(
    request: Request, project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        model = registry.get_model(session, principal, project, name)
        versions = registry.search_versions(
            session, principal, project, VersionSearch(model=name, max_results=VERSIONS_SHOWN)
        ).items
        lineages: dict[int, Lineage] = {}
        for version in versions:
            try:
                lineages[version.version] = registry.get_lineage(
                    session, principal, project, name, version.version
                )
            except NotFound:
                continue
        approvals = registry.list_approvals(session, principal, project, model=name)
        history = registry.alias_history(session, principal, project, name)
        protected = {
            item.alias for item in registry.list_protected_aliases(session, principal, project)
        }
    return render(
        request,
        "registry/model.html",
        {
            "project": found,
            "model": model,
            "versions": versions,
            "graph": build_graph(project, versions, lineages),
            "approvals": approvals,
            "history": history,
            "protected": protected,
        },
    )


@router.post("/ui/projects/{project}/approvals/{approval_id}/approve")
def grant_approval(
    project: str,
    approval_id: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    comment: Annotated[str, Form()] = "",
) -> Response:
    with platform.db.write() as session:
        decided = registry.approve(
            session, principal, project, approval_id, ApprovalDecision(comment=comment)
        )
    return RedirectResponse(f"/projects/{project}/models/{decided.model}", status_code=303)


@router.post("/ui/projects/{project}/approvals/{approval_id}/reject")
def reject_approval(
    project: str,
    approval_id: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    comment: Annotated[str, Form()] = "",
) -> Response:
    with platform.db.write() as session:
        decided = registry.reject(
            session, principal, project, approval_id, ApprovalDecision(comment=comment)
        )
    return RedirectResponse(f"/projects/{project}/models/{decided.model}", status_code=303)
