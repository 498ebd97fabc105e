"""FastAPI dependencies every router uses: the platform and the caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from mlplane.core.errors import Unauthorized
from mlplane.governance import service as governance
from mlplane.governance.schemas import Principal
from mlplane.server.platform import Platform

TOKEN_COOKIE = "mlplane_token"
# The MLflow-compatible API names its project in a header rather than in its path.
MLFLOW_PREFIXES = ("/api/2.0/", "/api/3.0/")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

READ_ONLY: dict[str, Any] = {"x-mlplane-read-only": True}
"""`openapi_extra` for a POST that changes nothing (a search), so it is not audited."""


async def get_platform(request: Request) -> Platform:
    # Async although it awaits nothing: FastAPI runs a plain function dependency in the
    # thread pool, a trip that would cost more than the rest of a small request.
    platform: Platform = request.app.state.platform
    return platform


def token_from_request(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        # MLflow clients may send basic auth; the password then carries the token.
        if scheme.lower() == "basic":
            return _password_from_basic(value.strip())
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    return request.cookies.get(TOKEN_COOKIE)


def _password_from_basic(value: str) -> str | None:
    import base64
    import binascii

    try:
        decoded = base64.b64decode(value).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2] or None


def authenticate_request(request: Request, platform: Platform) -> Principal:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    secret = token_from_request(request)
    if not secret:
        raise Unauthorized("this endpoint needs a token: send 'Authorization: Bearer <token>'")
    principal = governance.authenticate_cached(platform.db, secret)
    request.state.principal = principal
    return principal


async def get_principal(
    request: Request, platform: Annotated[Platform, Depends(get_platform)]
) -> Principal:
    principal = await _resolve_principal(request, platform)
    if principal.scopes is not None:
        governance.require_api_scope(
            principal,
            request.path_params.get("project"),
            read_only=_is_read_only(request),
            project_in_header=request.url.path.startswith(MLFLOW_PREFIXES),
        )
    return principal


async def _resolve_principal(request: Request, platform: Platform) -> Principal:
    # A token seen a moment ago is answered on the event loop, sparing a thread-pool trip.
    cached: Principal | None = getattr(request.state, "principal", None)
    secret = token_from_request(request) if cached is None else None
    if secret:
        cached = governance.cached_principal(platform.db, secret)
    if cached is not None:
        request.state.principal = cached
        return cached
    return await run_in_threadpool(authenticate_request, request, platform)


def _is_read_only(request: Request) -> bool:
    if request.method in READ_METHODS:
        return True
    extra: dict[str, Any] | None = getattr(request.scope.get("route"), "openapi_extra", None)
    return bool(extra and extra.get("x-mlplane-read-only"))


PlatformDep = Annotated[Platform, Depends(get_platform)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
