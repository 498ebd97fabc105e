"""MLflow's error shape: `{"error_code": "...", "message": "..."}` with MLflow's HTTP status.

Services raise mlplane's problem errors; `MlflowRoute` translates them in one place for
every route of this API, so handlers only cover their success path. Where the protocol
layer knows better than the error's class (a taken experiment name is
RESOURCE_ALREADY_EXISTS, not a conflict), it raises `MlflowError` with the code itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import Response

from mlplane.core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)
from mlplane.server.errors import describe_validation_errors
from mlplane.tracking.mlflow_api.scope import PROJECT_HEADERS_DOC

logger = logging.getLogger("mlplane.tracking.mlflow_api")

Handler = Callable[[Request], Coroutine[Any, Any, Response]]

HTTP_STATUS = {
    "BAD_REQUEST": 400,
    "INVALID_PARAMETER_VALUE": 400,
    "RESOURCE_ALREADY_EXISTS": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "RESOURCE_DOES_NOT_EXIST": 404,
    "ENDPOINT_NOT_FOUND": 404,
    "REQUEST_LIMIT_EXCEEDED": 429,
    "INTERNAL_ERROR": 500,
    "TEMPORARILY_UNAVAILABLE": 503,
}
"""MLflow's status for each error code it answers with (`mlflow.exceptions`)."""

# A conflict with a resource's state (a deleted run, an archived project) is what MLflow
# reports as an invalid parameter; a taken name is raised as RESOURCE_ALREADY_EXISTS.
_CODES: tuple[tuple[type[ProblemError], str], ...] = (
    (InvalidInput, "INVALID_PARAMETER_VALUE"),
    (BadRequest, "BAD_REQUEST"),
    (Unauthorized, "UNAUTHENTICATED"),
    (Forbidden, "PERMISSION_DENIED"),
    (NotFound, "RESOURCE_DOES_NOT_EXIST"),
    (Conflict, "INVALID_PARAMETER_VALUE"),
    (PayloadTooLarge, "INVALID_PARAMETER_VALUE"),
    (TooManyRequests, "REQUEST_LIMIT_EXCEEDED"),
    (Unavailable, "TEMPORARILY_UNAVAILABLE"),
)


class MlflowError(ProblemError):
    """An error with an MLflow error code chosen by the protocol layer."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.status = HTTP_STATUS[error_code]


def error_code_of(error: ProblemError) -> str:
    if isinstance(error, MlflowError):
        return error.error_code
    for kind, code in _CODES:
        if isinstance(error, kind):
            return code
    return "INTERNAL_ERROR"


def error_response(error_code: str, message: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if error_code == "UNAUTHENTICATED" else None
    body = json.dumps({"error_code": error_code, "message": message})
    return Response(
        body, status_code=HTTP_STATUS[error_code], media_type="application/json", headers=headers
    )


def problem_as_mlflow(error: ProblemError) -> Response:
    return error_response(error_code_of(error), error.detail)


class MlflowRoute(APIRoute):
    """A route whose every failure, authentication included, leaves in MLflow's shape, and
    whose documentation names the headers that choose its project."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        extra = dict(kwargs.get("openapi_extra") or {})
        extra["parameters"] = [*extra.get("parameters", []), *PROJECT_HEADERS_DOC]
        kwargs["openapi_extra"] = extra
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Handler:
        handle = super().get_route_handler()

        async def handle_mlflow(request: Request) -> Response:
            try:
                return await handle(request)
            except ProblemError as error:
                return problem_as_mlflow(error)
            except (RequestValidationError, ValidationError) as error:
                # Bodies and query strings, and the service's own models built from them.
                raw = list(error.errors())
                if any(item.get("type") == "json_invalid" for item in raw):
                    return error_response("BAD_REQUEST", "the request body is not valid JSON")
                detail, _ = describe_validation_errors(raw)
                return error_response("INVALID_PARAMETER_VALUE", detail)
            except IntegrityError:
                # Two requests racing to create the same name: the loser learns it exists.
                return error_response(
                    "RESOURCE_ALREADY_EXISTS",
                    "the request conflicts with a resource created at the same time; retry",
                )
            except Exception:
                logger.exception("unhandled error", extra={"path": request.url.path})
                return error_response(
                    "INTERNAL_ERROR", "an unexpected error occurred; it has been logged"
                )

        return handle_mlflow
