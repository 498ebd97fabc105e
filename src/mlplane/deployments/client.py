"""SDK resource: `client.deployments` creates deployments and steers their rollouts."""

from __future__ import annotations

import builtins
from typing import Any, Literal
from urllib.parse import quote

from mlplane.client.transport import Transport
from mlplane.deployments.schemas import Deployment, DeploymentEvent
from mlplane.serving.rollup_schemas import DeploymentMetrics
from mlplane.tracking.client.projects import default_project


class Deployments:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _path(self, project: str | None, name: str | None = None, suffix: str = "") -> str:
        path = f"/api/v1/projects/{default_project(project)}/deployments"
        if name is not None:
            path += f"/{quote(name, safe='')}"
        return path + suffix

    def create(
        self,
        name: str,
        model: str,
        *,
        strategy: dict[str, Any] | None = None,
        description: str = "",
        payload_sample_rate: float | None = None,
        redact: builtins.list[str] | None = None,
        project: str | None = None,
    ) -> Deployment:
        """Serve `model` (`models:/name/N` or `models:/name@alias`) as `name`.

        `strategy` is how later versions roll out: `{"type": "canary", "step_weight": 10,
        "max_weight": 50, "interval": 60, "threshold": 2, "min_success_rate": 0.99,
        "max_p99_ms": 200}`, `{"type": "blue_green", "scale_down_delay": 30}`,
        `{"type": "shadow", "percent": 20}` or `{"type": "direct"}` (the default).
        `payload_sample_rate` (0 to 1) is the share of calls whose payloads the inference
        log keeps (default: the gateway's), with the `redact` fields replaced by `[redacted]`.
        """
        body: dict[str, Any] = {"name": name, "model": model, "description": description}
        if strategy is not None:
            body["strategy"] = strategy
        if payload_sample_rate is not None:
            body["payload_sample_rate"] = payload_sample_rate
        if redact is not None:
            body["redact"] = redact
        return Deployment.model_validate(
            self._transport.json("POST", self._path(project), json=body)
        )

    def get(self, name: str, *, project: str | None = None) -> Deployment:
        return Deployment.model_validate(self._transport.json("GET", self._path(project, name)))

    def list(self, *, project: str | None = None) -> builtins.list[Deployment]:
        found: builtins.list[Deployment] = []
        token: str | None = None
        while True:
            params = {"page_token": token} if token else {}
            page = self._transport.json("GET", self._path(project), params=params)
            found.extend(Deployment.model_validate(item) for item in page["items"])
            token = page.get("next_page_token")
            if not token:
                return found

    def update(
        self,
        name: str,
        *,
        model: str | None = None,
        strategy: dict[str, Any] | None = None,
        description: str | None = None,
        payload_sample_rate: float | Literal["default"] | None = None,
        redact: builtins.list[str] | None = None,
        project: str | None = None,
    ) -> Deployment:
        """Change the strategy, description or payload capture; a new `model` starts a rollout.

        `payload_sample_rate="default"` returns to the gateway's default rate; `redact=[]`
        redacts nothing. Options left as None stay as they are.
        """
        body: dict[str, Any] = {
            "model": model,
            "strategy": strategy,
            "description": description,
            "payload_sample_rate": payload_sample_rate,
            "redact": redact,
        }
        body = {key: value for key, value in body.items() if value is not None}
        if payload_sample_rate == "default":
            body["payload_sample_rate"] = None
        return Deployment.model_validate(
            self._transport.json("PATCH", self._path(project, name), json=body)
        )

    def delete(self, name: str, *, project: str | None = None) -> None:
        self._transport.request("DELETE", self._path(project, name))

    def _act(self, name: str, action: str, project: str | None) -> Deployment:
        return Deployment.model_validate(
            self._transport.json("POST", self._path(project, name, f"/{action}"))
        )

    def promote(self, name: str, *, project: str | None = None) -> Deployment:
        """Give the candidate all traffic now."""
        return self._act(name, "promote", project)

    def rollback(self, name: str, *, project: str | None = None) -> Deployment:
        """Drop the candidate, or with no rollout, return to the previous version."""
        return self._act(name, "rollback", project)

    def abort(self, name: str, *, project: str | None = None) -> Deployment:
        return self._act(name, "abort", project)

    def pause(self, name: str, *, project: str | None = None) -> Deployment:
        return self._act(name, "pause", project)

    def resume(self, name: str, *, project: str | None = None) -> Deployment:
        return self._act(name, "resume", project)

    def events(self, name: str, *, project: str | None = None) -> builtins.list[DeploymentEvent]:
        found: builtins.list[DeploymentEvent] = []
        token: str | None = None
        while True:
            params = {"page_token": token} if token else {}
            page = self._transport.json("GET", self._path(project, name, "/events"), params=params)
            found.extend(DeploymentEvent.model_validate(item) for item in page["items"])
            token = page.get("next_page_token")
            if not token:
                return found

    def metrics(
        self, name: str, *, window: str = "1h", project: str | None = None
    ) -> DeploymentMetrics:
        """Calls, server errors and latency percentiles per minute and served version over
        the last `window` (15m, 1h, 6h or 24h)."""
        path = self._path(project, name, "/metrics")
        return DeploymentMetrics.model_validate(
            self._transport.json("GET", path, params={"window": window})
        )
