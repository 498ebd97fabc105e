"""What every protocol shares: find the model a caller may use, run it, count it.

Protocol modules only translate wire formats; the rules (access, errors, metrics) live here
so `/v2`, `/v1` and invocations answer the same way.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from starlette.requests import Request

from mlplane.core.errors import ProblemError, Unauthorized
from mlplane.governance.schemas import Principal
from mlplane.serving.access import Access
from mlplane.serving.batching import Outputs
from mlplane.serving.errors import ModelNotReady, ServingError
from mlplane.serving.inference_log import InferenceLog, InferenceRecord, payload
from mlplane.serving.metrics import INFERENCE_LATENCY, INFERENCE_REQUESTS, MIRRORS_DROPPED
from mlplane.serving.protocols.errors import ProtocolError
from mlplane.serving.table import ModelHolder, ServedModel, VersionRetired

# How often a call routed to a version that was retired meanwhile is routed again.
MAX_REROUTES = 3
# Copies of calls on their way to shadow versions at once; more are dropped, not queued.
MAX_MIRRORS = 64


class Gateway:
    def __init__(self, holder: ModelHolder, access: Access, log: InferenceLog) -> None:
        self.holder = holder
        self.access = access
        self.log = log
        self._mirrors: set[asyncio.Task[None]] = set()

    async def authenticate(self, request: Request) -> None:
        try:
            await self.access.principal(request)
        except Unauthorized as error:
            raise ProtocolError(401, error.detail) from None

    async def model(
        self, request: Request, name: str, version: str | None = None
    ) -> tuple[ServedModel, Principal]:
        """The served model a caller asked for; 401 without a token, 404 without access."""
        try:
            principal = await self.access.principal(request)
        except Unauthorized as error:
            raise ProtocolError(401, error.detail) from None
        model = self.holder.table.find(name, version)
        # A caller without a role on the model's project, or whose token's scopes do not name
        # the model, learns nothing about it.
        if model is None or not await self.access.may_use(principal, model):
            shown = name if version is None else f"{name}' version '{version}"
            raise ProtocolError(404, f"model '{shown}' is not served here")
        return model, principal

    async def infer(
        self, model: ServedModel, inputs: Any, caller: Principal, protocol: str
    ) -> Outputs:
        """The answer of `model` (or of what serves its name now, if it was just retired).

        When the name has a shadow version, a share of the calls is copied to it in the
        background; the caller never waits for it nor sees its answer.
        """
        self._mirror(model, inputs, caller, protocol)
        started = time.perf_counter()
        answering = model
        status = 200
        error_message: str | None = None
        outputs: Outputs | None = None
        try:
            for _ in range(MAX_REROUTES):
                try:
                    outputs = await answering.predict(inputs)
                    return outputs
                except VersionRetired:
                    answering = self._reroute(answering)
            raise ModelNotReady(f"model '{model.name}' is being replaced; try again shortly")
        except Exception as error:
            status, error_message, raised = _failure(answering, error)
            raise raised from None
        finally:
            self._record(
                answering, inputs, outputs, caller, protocol, status, error_message, started
            )

    def _reroute(self, model: ServedModel) -> ServedModel:
        """Where a call routed by a table swapped out since goes: the same version if it
        still serves, else wherever the name's traffic goes now (a rolled-back canary's
        stable version)."""
        table = self.holder.table
        current = table.find(model.name, model.version) or table.find(model.name)
        if current is None:
            raise ModelNotReady(f"model '{model.name}' is no longer served")
        return current

    def _mirror(self, model: ServedModel, inputs: Any, caller: Principal, protocol: str) -> None:
        shadow = self.holder.table.shadow(model.name)
        if shadow is None or shadow.version == model.version:
            return
        if random.random() * 100 >= shadow.options.mirror_percent:
            return
        if len(self._mirrors) >= MAX_MIRRORS:
            # A slow shadow must not pile work up in the gateway: its copies are dropped.
            MIRRORS_DROPPED.labels(shadow.name, shadow.version).inc()
            return
        task = asyncio.create_task(self._call_shadow(shadow, inputs, caller, protocol))
        self._mirrors.add(task)
        task.add_done_callback(self._mirrors.discard)

    async def _call_shadow(
        self, shadow: ServedModel, inputs: Any, caller: Principal, protocol: str
    ) -> None:
        started = time.perf_counter()
        status = 200
        error_message: str | None = None
        outputs: Outputs | None = None
        try:
            outputs = await shadow.predict(inputs)
        except VersionRetired:
            return  # the shadow was removed while the copy was on its way
        except Exception as error:
            status, error_message, _ = _failure(shadow, error)
        self._record(
            shadow, inputs, outputs, caller, protocol, status, error_message, started, shadow=True
        )

    def _record(
        self,
        model: ServedModel,
        inputs: Any,
        outputs: Outputs | None,
        caller: Principal,
        protocol: str,
        status: int,
        error_message: str | None,
        started: float,
        *,
        shadow: bool = False,
    ) -> None:
        elapsed = time.perf_counter() - started
        INFERENCE_REQUESTS.labels(model.name, model.version, str(status)).inc()
        INFERENCE_LATENCY.labels(model.name, model.version).observe(elapsed)
        options = model.options
        kept = self.log.sampled(options.payload_sample_rate)
        self.log.record(
            InferenceRecord(
                project=model.project,
                model=model.name,
                version=model.version,
                caller=caller.name,
                protocol=protocol,
                status=status,
                latency_ms=elapsed * 1000,
                rows=_rows(inputs),
                error=error_message,
                payload=payload(inputs, outputs, options.redact) if kept else None,
                shadow=shadow,
            )
        )


def _failure(model: ServedModel, error: Exception) -> tuple[int, str, ProtocolError]:
    """The status and message a failed call is answered and logged with."""
    if isinstance(error, ProtocolError):
        return error.status, error.message, error
    if isinstance(error, ProblemError):
        # A signature mismatch and other bad inputs: the caller's to fix.
        return 400, error.detail, ProtocolError(400, error.detail)
    if isinstance(error, ServingError):
        return (
            error.status,
            error.message,
            ProtocolError(error.status, error.message, error.headers),
        )
    message = (
        f"model '{model.name}' version '{model.version}' failed: {type(error).__name__}: {error}"
    )
    return 500, message, ProtocolError(500, message)


def _rows(inputs: Any) -> int:
    if isinstance(inputs, dict):
        first: Any = next(iter(inputs.values()), [])
        return len(first)
    return len(inputs) if hasattr(inputs, "__len__") else 0
