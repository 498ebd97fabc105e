"""Errors the SDK raises: the platform's problem details, as an exception."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, detail: str, problem: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail
        self.problem = problem or {}

    @property
    def code(self) -> str | None:
        code = self.problem.get("code")
        return str(code) if code is not None else None


class ConnectionFailed(ApiError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(0, f"cannot reach the platform at {url}: {reason}")
