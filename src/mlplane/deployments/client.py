"""SDK resource: `client.deployments` creates deployments and steers their rollouts."""

from __future__ import annotations

import builtins
from typing import Any
from urllib.parse import quote

from mlplane.client.transport import Transport
from mlplane.deployments.schemas import Deployment, DeploymentEvent
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
        project: str | None = None,
    ) -> Deployment:
        """Serve `model` (`models:/name/N` or `models:/name@alias`) as `name`.

        `strategy` is how later versions roll out: `{"type": "canary", "step_weight": 10,
        "max_weight": 50, "interval": 60, "threshold": 2, "min_success_rate": 0.99,
        "max_p99_ms": 200}`, `{"type": "blue_green", "scale_down_delay": 30}` or
        `{"type": "direct"}` (the default).
        """
        body: dict[str, Any] = {"name": name, "model": model, "description": description}
        if strategy is not None:
            body["strategy"] = strategy
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
        project: str | None = None,
    ) -> Deployment:
        """Change the strategy or description; a new `model` starts a rollout."""
        body = {"model": model, "strategy": strategy, "description": description}
        body = {key: value for key, value in body.items() if value is not None}
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
