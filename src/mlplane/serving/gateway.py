"""What every protocol shares: find the model a caller may use, run it, count it.

Protocol modules only translate wire formats; the rules (access, errors, metrics) live here
so `/v2`, `/v1` and invocations answer the same way.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request

from mlplane.core.errors import ProblemError, Unauthorized
from mlplane.governance.schemas import Principal
from mlplane.serving.access import Access
from mlplane.serving.batching import Outputs
from mlplane.serving.errors import ServingError
from mlplane.serving.inference_log import InferenceLog, InferenceRecord, payload
from mlplane.serving.metrics import INFERENCE_LATENCY, INFERENCE_REQUESTS
from mlplane.serving.protocols.errors import ProtocolError
from mlplane.serving.table import ModelHolder, ServedModel


class Gateway:
    def __init__(self, holder: ModelHolder, access: Access, log: InferenceLog) -> None:
        self.holder = holder
        self.access = access
        self.log = log

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
        started = time.perf_counter()
        status = 200
        error_message: str | None = None
        outputs: Outputs | None = None
        try:
            outputs = await model.predict(inputs)
            return outputs
        except ProtocolError as error:
            status, error_message = error.status, error.message
            raise
        except ProblemError as error:
            # A signature mismatch and other bad inputs: the caller's to fix.
            status, error_message = 400, error.detail
            raise ProtocolError(400, error.detail) from None
        except ServingError as error:
            status, error_message = error.status, error.message
            raise ProtocolError(error.status, error.message, error.headers) from None
        except Exception as error:
            status = 500
            error_message = (
                f"model '{model.name}' version '{model.version}' failed: "
                f"{type(error).__name__}: {error}"
            )
            raise ProtocolError(500, error_message) from None
        finally:
            elapsed = time.perf_counter() - started
            INFERENCE_REQUESTS.labels(model.name, model.version, str(status)).inc()
            INFERENCE_LATENCY.labels(model.name, model.version).observe(elapsed)
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
                    payload=payload(inputs, outputs) if self.log.sampled() else None,
                )
            )


def _rows(inputs: Any) -> int:
    if isinstance(inputs, dict):
        first: Any = next(iter(inputs.values()), [])
        return len(first)
    return len(inputs) if hasattr(inputs, "__len__") else 0
