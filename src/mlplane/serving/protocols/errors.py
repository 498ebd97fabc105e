"""Protocol errors: answered as `{"error": "..."}`, the shape tritonclient and KServe parse."""

from __future__ import annotations

from starlette.responses import JSONResponse


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.message}, status_code=self.status, headers=self.headers)


def bad_request(message: str) -> ProtocolError:
    return ProtocolError(400, message)


def not_found(message: str) -> ProtocolError:
    return ProtocolError(404, message)
