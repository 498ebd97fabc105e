"""Platform administration: users and service accounts (administrators only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from mlplane.core.errors import ProblemError
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal, UserCreate, UserKind
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.ui.forms import NAME_INPUT_PATTERN, optional_text, parse_form, problem_errors
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render_page, wants_fragment

router = page_router()

PAGE_SIZE = 100
EMPTY_FORM: dict[str, Any] = {
    "name": "",
    "display_name": "",
    "email": "",
    "kind": UserKind.HUMAN.value,
    "is_admin": False,
}


def _users_context(
    platform: Platform,
    principal: Principal,
    page_token: str | None,
    form: dict[str, Any],
    errors: dict[str, str],
    created: str | None = None,
) -> dict[str, Any]:
    with platform.db.read() as session:
        page = governance.list_users(session, principal, page_token, PAGE_SIZE)
    return {
        "users": page.items,
        "next_page_token": page.next_page_token,
        "form": form,
        "errors": errors,
        "created": created,
        "kinds": [kind.value for kind in UserKind],
        "name_pattern": NAME_INPUT_PATTERN,
    }


@router.get("/users")
def list_users_page(
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
) -> Response:
    context = _users_context(platform, principal, page_token, EMPTY_FORM, {})
    return render_page(request, "users.html", "_users_panel.html", context)


@router.post("/ui/users")
def create_user(
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
    name: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = UserKind.HUMAN.value,
    is_admin: Annotated[bool, Form()] = False,
) -> Response:
    governance.require_admin(principal)
    form: dict[str, Any] = {
        "name": name.strip(),
        "display_name": display_name.strip(),
        "email": optional_text(email),
        "kind": kind,
        "is_admin": is_admin,
    }
    data = parse_form(UserCreate, form)
    errors: dict[str, str] = {}
    status_code = 201
    if isinstance(data, dict):
        errors, status_code = data, 422
    else:
        try:
            with platform.db.write() as session:
                governance.create_user(session, principal, data)
        except ProblemError as error:
            errors, status_code = problem_errors(error), error.status
        else:
            if not wants_fragment(request):
                return RedirectResponse("/users", status_code=303)
    context = _users_context(
        platform,
        principal,
        None,
        form if errors else EMPTY_FORM,
        errors,
        created=None if errors else form["name"],
    )
    return render_page(request, "users.html", "_users_panel.html", context, status_code=status_code)
