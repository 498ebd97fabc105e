"""A browser's sign-in: the token cookie, and the guard against cross-site form posts."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from mlplane.core.errors import Forbidden
from mlplane.server.deps import TOKEN_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def set_token_cookie(response: Response, request: Request, secret: str) -> None:
    # HttpOnly keeps the token from scripts; Strict keeps it off requests other sites start.
    response.set_cookie(
        TOKEN_COOKIE,
        secret,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_token_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        TOKEN_COOKIE,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def check_same_origin(request: Request) -> None:
    """Refuse a form another site made the browser send.

    Browsers name the page's origin on every POST; a request without the header does not
    come from a browser form and carries no ambient cookie risk worth refusing.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return
    host = request.headers.get("host", "")
    if origin == "null" or urlsplit(origin).netloc.lower() != host.lower():
        raise Forbidden(
            "this form was sent from another site; open the control panel and try again"
        )


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site, so a sign-in link cannot send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
