"""Routes of the control panel: a problem becomes a friendly page, not problem+json.

Every page route uses `PageRoute`, so each page handler only covers its success path:
a missing sign-in leads to the sign-in page, a refusal or a missing resource to an
error page that says why, and every mutation is first checked to come from this site.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from mlplane.core.errors import InvalidInput, ProblemError, Unauthorized
from mlplane.server.errors import describe_validation_errors
from mlplane.ui.session import SAFE_METHODS, check_same_origin, clear_token_cookie
from mlplane.ui.templating import render, wants_fragment

LOGIN_PATH = "/login"

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def sign_in_response(request: Request, error: Unauthorized) -> Response:
    """Send a caller without a valid token to the sign-in page, forgetting a dead cookie."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    login = f"{LOGIN_PATH}?next={quote(target, safe='/')}"
    response: Response
    if request.method in SAFE_METHODS and wants_fragment(request):
        response = Response(status_code=401, headers={"HX-Redirect": login})
    elif request.method in SAFE_METHODS:
        response = RedirectResponse(login, status_code=303)
    else:
        # A refused change answers 401 (not a redirect) so the audit log records it as denied.
        response = render(
            request,
            "login.html",
            {"error": f"{error.detail}. Sign in again.", "next": "/"},
            status_code=401,
        )
    clear_token_cookie(response, request)
    return response


def problem_response(request: Request, error: ProblemError) -> Response:
    template = "_problem.html" if wants_fragment(request) else "error.html"
    return render(request, template, {"problem": error}, status_code=error.status)


class PageRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handle = super().get_route_handler()

        async def handle_page(request: Request) -> Response:
            try:
                if request.method not in SAFE_METHODS:
                    check_same_origin(request)
                return await handle(request)
            except Unauthorized as error:
                return sign_in_response(request, error)
            except ProblemError as error:
                return problem_response(request, error)
            except RequestValidationError as error:
                detail, _ = describe_validation_errors(list(error.errors()))
                return problem_response(request, InvalidInput(detail))

        return handle_page


def page_router() -> APIRouter:
    """A router for control-panel pages: HTML, outside the API's OpenAPI document."""
    return APIRouter(route_class=PageRoute, include_in_schema=False)
