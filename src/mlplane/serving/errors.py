"""Why the gateway could not answer: each maps to an HTTP status in every protocol."""

from __future__ import annotations


class ServingError(Exception):
    status = 500

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class Overloaded(ServingError):
    """The model's queue is full: shed the request and ask the caller to come back."""

    status = 503


class ModelTimeout(ServingError):
    status = 504


class ModelFailed(ServingError):
    """The model raised: its fault, reported to its own callers only."""

    status = 500


class ModelNotReady(ServingError):
    status = 503
