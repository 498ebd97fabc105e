"""Signing in with a token, and out again."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import Form, Query, Request
from starlette.responses import RedirectResponse, Response

from mlplane.core.errors import Unauthorized
from mlplane.governance import service as governance
from mlplane.server.deps import TOKEN_COOKIE, PlatformDep, authenticate_request
from mlplane.ui.page_route import LOGIN_PATH, page_router
from mlplane.ui.session import clear_token_cookie, local_path, set_token_cookie
from mlplane.ui.templating import render

router = page_router()


def _sentence(detail: str) -> str:
    return detail[:1].upper() + detail[1:] + "."


@router.get(LOGIN_PATH)
def get_login_page(
    request: Request,
    platform: PlatformDep,
    next_path: Annotated[str, Query(alias="next")] = "/",
) -> Response:
    target = local_path(next_path)
    form = {"error": None, "next": target}
    if request.cookies.get(TOKEN_COOKIE) is None:
        return render(request, "login.html", form)
    try:
        authenticate_request(request, platform)
    except Unauthorized:
        response = render(request, "login.html", form)
        clear_token_cookie(response, request)  # revoked or expired: forget it
        return response
    return RedirectResponse(target, status_code=303)


@router.post("/ui/login")
def sign_in(
    request: Request,
    platform: PlatformDep,
    token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    secret = token.strip()
    target = local_path(next_path)
    try:
        if not secret:
            raise Unauthorized("enter a token to sign in")
        with platform.db.read() as session:
            principal, _ = governance.authenticate(session, secret)
    except Unauthorized as error:
        # Answered here rather than by the page route: the form comes back with the reason.
        request.state.audit_detail = error.detail
        return render(
            request,
            "login.html",
            {"error": _sentence(error.detail), "next": target},
            status_code=401,
        )
    request.state.principal = principal
    response = RedirectResponse(target, status_code=303)
    set_token_cookie(response, request, secret)
    return response


@router.post("/ui/logout")
def sign_out(request: Request, platform: PlatformDep) -> Response:
    with suppress(Unauthorized):
        authenticate_request(request, platform)  # names the actor in the audit log
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    clear_token_cookie(response, request)
    return response
