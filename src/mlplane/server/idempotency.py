"""`Idempotency-Key` on creates: the first answer is stored and replayed to retries.

Keys are scoped by the caller's credentials, so two callers never see each other's answers.
"""

from __future__ import annotations

import hashlib

import anyio
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlplane.core import idempotency
from mlplane.core.errors import PROBLEM_CONTENT_TYPE, Conflict, InvalidInput, ProblemError
from mlplane.server.platform import Platform

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 255


def _problem(error: ProblemError) -> Response:
    return JSONResponse(error.to_problem(), error.status, media_type=PROBLEM_CONTENT_TYPE)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        raw_key = headers.get(HEADER)
        if raw_key is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            await _problem(InvalidInput("Idempotency-Key must be 1 to 255 characters"))(
                scope, receive, send
            )
            return
        db = self.platform.db
        credentials = headers.get(b"authorization", b"") + headers.get(b"cookie", b"")
        caller = hashlib.sha256(credentials).hexdigest()
        request = f"{scope['method']} {scope['path']}"
        earlier = await anyio.to_thread.run_sync(idempotency.claim, db, caller, key, request)
        if earlier is not None:
            await self._replay(earlier, request, scope, receive, send)
            return

        status = 500
        content_type: str | None = None
        body = bytearray()

        async def capture(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                content_type = dict(message.get("headers", [])).get(b"content-type", b"").decode()
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if status >= 500:
                await anyio.to_thread.run_sync(idempotency.release, db, caller, key)
            else:
                await anyio.to_thread.run_sync(
                    idempotency.complete, db, caller, key, status, content_type, bytes(body)
                )

    async def _replay(
        self,
        earlier: idempotency.IdempotencyRow,
        request: str,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        if earlier.request != request:
            error: ProblemError = InvalidInput(
                f"Idempotency-Key was first used for {earlier.request}, not {request}"
            )
            await _problem(error)(scope, receive, send)
            return
        if earlier.status == idempotency.PENDING:
            error = Conflict("a request with this Idempotency-Key is still in progress")
            await _problem(error)(scope, receive, send)
            return
        response = Response(
            earlier.body or b"",
            status_code=earlier.status,
            media_type=earlier.content_type or None,
            headers={"Idempotent-Replayed": "true"},
        )
        await response(scope, receive, send)
