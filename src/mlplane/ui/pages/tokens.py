"""The caller's own tokens: create one (its secret is shown once), revoke one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from mlplane.core.clock import utcnow
from mlplane.core.errors import ProblemError
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal, TokenCreate, TokenCreated
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.ui.forms import NAME_INPUT_PATTERN, optional_text, parse_form, problem_errors
from mlplane.ui.page_route import LOGIN_PATH, page_router
from mlplane.ui.session import clear_token_cookie
from mlplane.ui.templating import render_page, wants_fragment

router = page_router()

EXPIRY_CHOICES = [("", "Never"), ("7", "7 days"), ("30", "30 days"), ("90", "90 days")]
EMPTY_FORM = {"name": "", "expires_in_days": "30"}


def _tokens_context(
    platform: Platform,
    principal: Principal,
    form: dict[str, Any],
    errors: dict[str, str],
    created: TokenCreated | None = None,
) -> dict[str, Any]:
    with platform.db.read() as session:
        tokens = governance.list_tokens(session, principal, principal.name)
    return {
        "tokens": tokens,
        "form": form,
        "errors": errors,
        "created": created,
        "now": utcnow(),
        "expiry_choices": EXPIRY_CHOICES,
        "name_pattern": NAME_INPUT_PATTERN,
    }


@router.get("/tokens")
def list_tokens_page(request: Request, platform: PlatformDep, principal: PrincipalDep) -> Response:
    context = _tokens_context(platform, principal, EMPTY_FORM, {})
    return render_page(request, "tokens.html", "_tokens_panel.html", context)


@router.post("/ui/tokens")
def create_token(
    request: Request,
    platform: PlatformDep,
    principal: PrincipalDep,
    name: Annotated[str, Form()] = "",
    expires_in_days: Annotated[str, Form()] = "",
) -> Response:
    form = {"name": name.strip(), "expires_in_days": expires_in_days}
    data = parse_form(
        TokenCreate, {"name": form["name"], "expires_in_days": optional_text(expires_in_days)}
    )
    created: TokenCreated | None = None
    errors: dict[str, str] = {}
    status_code = 201
    if isinstance(data, dict):
        errors, status_code = data, 422
    else:
        try:
            with platform.db.write() as session:
                created = governance.create_token(session, principal, data)
        except ProblemError as error:
            errors, status_code = problem_errors(error), error.status
    # The secret exists only in this response: it is rendered here, never stored or redirected.
    context = _tokens_context(platform, principal, form if errors else EMPTY_FORM, errors, created)
    return render_page(
        request, "tokens.html", "_tokens_panel.html", context, status_code=status_code
    )


@router.post("/ui/tokens/{token_id}/revoke")
def delete_token(
    request: Request, token_id: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    """Revoke one of the caller's tokens; revoking the one in use signs the browser out."""
    with platform.db.write() as session:
        governance.revoke_token(session, principal, token_id)
    if token_id == principal.token_id:
        response: Response
        if wants_fragment(request):
            response = Response(status_code=200, headers={"HX-Redirect": LOGIN_PATH})
        else:
            response = RedirectResponse(LOGIN_PATH, status_code=303)
        clear_token_cookie(response, request)
        return response
    if not wants_fragment(request):
        return RedirectResponse("/tokens", status_code=303)
    context = _tokens_context(platform, principal, EMPTY_FORM, {})
    return render_page(request, "tokens.html", "_tokens_panel.html", context)
