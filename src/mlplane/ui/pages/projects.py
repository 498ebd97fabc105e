"""Projects: the list with its create form, and one project's page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from mlplane.catalog import service as catalog
from mlplane.catalog.schemas import ProjectCreate
from mlplane.core.errors import ProblemError
from mlplane.governance import service as governance
from mlplane.governance.schemas import AuditFilter, Principal
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.ui.forms import NAME_INPUT_PATTERN, parse_form, problem_errors
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render, render_page, wants_fragment

router = page_router()

PAGE_SIZE = 50
RECENT_EVENTS = 20
EMPTY_FORM = {"name": "", "display_name": "", "description": ""}


def _may_create(principal: Principal) -> bool:
    return principal.is_admin or principal.kind != "service"


def _list_context(
    platform: Platform,
    principal: Principal,
    archived: bool,
    page_token: str | None,
    form: dict[str, Any],
    errors: dict[str, str],
    created: str | None = None,
) -> dict[str, Any]:
    with platform.db.read() as session:
        page = catalog.list_projects(session, principal, archived, page_token, PAGE_SIZE)
    return {
        "projects": page.items,
        "next_page_token": page.next_page_token,
        "archived": archived,
        "may_create": _may_create(principal),
        "form": form,
        "errors": errors,
        "created": created,
        "name_pattern": NAME_INPUT_PATTERN,
    }


@router.get("/projects")
def list_projects_page(
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
    archived: bool = False,
    page_token: str | None = None,
) -> Response:
    context = _list_context(platform, principal, archived, page_token, EMPTY_FORM, {})
    return render_page(request, "projects.html", "_projects_panel.html", context)


@router.post("/ui/projects")
def create_project(
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
    name: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    archived: Annotated[bool, Form()] = False,
) -> Response:
    form = {"name": name.strip(), "display_name": display_name.strip(), "description": description}
    request.state.audit_project = form["name"] or None
    data = parse_form(ProjectCreate, form)
    errors: dict[str, str] = {}
    status_code = 201
    if isinstance(data, dict):
        errors, status_code = data, 422
    else:
        try:
            with platform.db.write() as session:
                catalog.create_project(session, principal, data)
        except ProblemError as error:
            errors, status_code = problem_errors(error), error.status
        else:
            if not wants_fragment(request):
                return RedirectResponse(f"/projects/{data.name}", status_code=303)
    context = _list_context(
        platform,
        principal,
        archived,
        None,
        EMPTY_FORM if not errors else form,
        errors,
        created=form["name"] if not errors else None,
    )
    return render_page(
        request, "projects.html", "_projects_panel.html", context, status_code=status_code
    )


@router.get("/projects/{project}")
def get_project_page(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        members = catalog.list_members(session, principal, project)
        visible = catalog.administered_project_names(session, principal)
        events = governance.list_audit(
            session, principal, AuditFilter(project=project), None, RECENT_EVENTS, visible
        )
    return render(
        request,
        "project.html",
        {"project": found, "members": members, "events": events.items},
    )
