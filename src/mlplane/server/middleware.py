"""ASGI middleware: request metrics and the audit trail.

Both are plain ASGI (not BaseHTTPMiddleware) so they add microseconds, not milliseconds.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlplane.core.db import BEFORE_COMMIT
from mlplane.core.metrics import AUDIT_EVENTS, HTTP_LATENCY, HTTP_REQUESTS
from mlplane.governance import service as governance
from mlplane.governance.schemas import AuditOutcome, AuditRecord, Principal
from mlplane.server.platform import Platform

MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNAUDITED_PREFIXES = ("/static/", "/api/v1/health")


def _route_template(scope: Scope) -> str:
    """The matched path with its parameters as `{names}`, so metrics stay low-cardinality."""
    if scope.get("route") is None:
        return "unmatched"
    template: str = scope["path"]
    params: dict[str, str] = scope.get("path_params", {})
    for name, value in sorted(params.items(), key=lambda item: -len(str(item[1]))):
        template = template.replace(f"/{value}", f"/{{{name}}}", 1)
    return template


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, process: str = "api") -> None:
        self.app = app
        self.process = process

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = _route_template(scope)
            method = scope["method"]
            HTTP_REQUESTS.labels(self.process, method, route, str(status)).inc()
            HTTP_LATENCY.labels(self.process, method, route).observe(time.perf_counter() - started)


def _outcome(status: int) -> AuditOutcome:
    if status in (401, 403):
        return AuditOutcome.DENIED
    return AuditOutcome.SUCCESS if status < 400 else AuditOutcome.FAILURE


def _action(scope: Scope) -> str:
    route = scope.get("route")
    name = getattr(route, "name", None)
    return name or f"{scope['method'].lower()} {scope['path']}"


def _is_read_only(scope: Scope) -> bool:
    extra: dict[str, Any] | None = getattr(scope.get("route"), "openapi_extra", None)
    return bool(extra and extra.get("x-mlplane-read-only"))


class _RequestAudit:
    """The audit event of one request: written inside the request's own write transaction
    when it commits a change, else on its own once the response status is known."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.committed = False

    def record(self, status: int) -> AuditRecord | None:
        scope = self.scope
        mutating = scope["method"] in MUTATING_METHODS and not _is_read_only(scope)
        if not (mutating or status in (401, 403)):
            return None
        state = scope.get("state", {})
        principal: Principal | None = state.get("principal")
        client = scope.get("client")
        return AuditRecord(
            action=_action(scope),
            resource=scope["path"],
            method=scope["method"],
            status_code=status,
            outcome=_outcome(status),
            actor=principal.name if principal else None,
            actor_id=principal.user_id if principal else None,
            project=state.get("audit_project") or scope.get("path_params", {}).get("project"),
            client_address=client[0] if client else None,
            detail=state.get("audit_detail"),
        )

    def before_commit(self, session: Session) -> None:
        if self.committed:
            return
        route = self.scope.get("route")
        record = self.record(getattr(route, "status_code", None) or 200)
        if record is not None:
            governance.record_audit(session, record)
            self.committed = True


class AuditMiddleware:
    """Writes one audit event for every mutation and every refused request.

    A change commits together with its audit event; a request that commits nothing (a
    refusal, a failure) is recorded before its response starts. Either way an acknowledged
    change is always in the audit log.
    """

    def __init__(self, app: ASGIApp, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNAUDITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        audit = _RequestAudit(scope)

        async def audited_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = message["status"]
                if audit.committed and status < 400:
                    AUDIT_EVENTS.labels(AuditOutcome.SUCCESS.value).inc()
                else:
                    record = audit.record(status)
                    if record is not None:
                        await anyio.to_thread.run_sync(self._write, record)
            await send(message)

        reset = BEFORE_COMMIT.set(audit.before_commit)
        try:
            await self.app(scope, receive, audited_send)
        finally:
            BEFORE_COMMIT.reset(reset)

    def _write(self, record: AuditRecord) -> None:
        with self.platform.db.write(bookkeeping=True) as session:
            governance.record_audit(session, record)
        AUDIT_EVENTS.labels(record.outcome.value).inc()
