"""Every error leaves the API as problem+json."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from mlplane.core.errors import (
    PROBLEM_CONTENT_TYPE,
    BadRequest,
    Conflict,
    InvalidInput,
    ProblemError,
)

logger = logging.getLogger("mlplane.server")


def problem_response(error: ProblemError, instance: str | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return JSONResponse(
        error.to_problem(instance),
        status_code=error.status,
        media_type=PROBLEM_CONTENT_TYPE,
        headers=headers,
    )


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def describe_validation_errors(errors: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    fields = [
        {"field": _field_path(error.get("loc", ())), "message": error.get("msg", "invalid")}
        for error in errors
    ]
    detail = "; ".join(f"{item['field']}: {item['message']}" for item in fields)
    return detail or "the request is not valid", fields


async def _on_problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return problem_response(error, request.url.path)


async def _on_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    raw = list(error.errors())
    if any(item.get("type") == "json_invalid" for item in raw):
        return problem_response(BadRequest("the request body is not valid JSON"), request.url.path)
    detail, fields = describe_validation_errors(raw)
    return problem_response(InvalidInput(detail, errors=fields), request.url.path)


async def _on_http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    problem = ProblemError(str(error.detail))
    problem.status = error.status_code
    problem.title = str(error.detail)
    problem.code = {404: "not_found", 405: "method_not_allowed"}.get(
        error.status_code, "http_error"
    )
    response = problem_response(problem, request.url.path)
    if error.headers:
        response.headers.update(error.headers)
    return response


async def _on_integrity(request: Request, error: Exception) -> JSONResponse:
    # Two requests racing to create the same name: the loser learns it exists, not a 500.
    logger.info("integrity conflict", extra={"path": request.url.path, "error": str(error)[:200]})
    conflict = Conflict("the request conflicts with a resource created at the same time; retry")
    return problem_response(conflict, request.url.path)


async def _on_unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(ProblemError("an unexpected error occurred; it has been logged"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(Exception, _on_unexpected)
