"""Errors that carry their own HTTP meaning, rendered as RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemError(Exception):
    """An error that the API answers as `application/problem+json`."""

    status: int = 500
    title: str = "Internal Server Error"
    code: str = "internal_error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": f"https://mlplane.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            problem["instance"] = instance
        problem.update(self.extra)
        return problem


class InvalidInput(ProblemError):
    status = 422
    title = "Invalid input"
    code = "invalid_input"


class BadRequest(ProblemError):
    status = 400
    title = "Bad request"
    code = "bad_request"


class Unauthorized(ProblemError):
    status = 401
    title = "Unauthorized"
    code = "unauthorized"


class Forbidden(ProblemError):
    status = 403
    title = "Forbidden"
    code = "forbidden"


class NotFound(ProblemError):
    status = 404
    title = "Not found"
    code = "not_found"


class Conflict(ProblemError):
    status = 409
    title = "Conflict"
    code = "conflict"


class PayloadTooLarge(ProblemError):
    status = 413
    title = "Payload too large"
    code = "payload_too_large"


class TooManyRequests(ProblemError):
    status = 429
    title = "Too many requests"
    code = "too_many_requests"


class Unavailable(ProblemError):
    status = 503
    title = "Service unavailable"
    code = "unavailable"
