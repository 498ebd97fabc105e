"""SDK resource: `client.serving` puts model folders behind names on the gateway."""

from __future__ import annotations

import builtins
from typing import Any

from mlplane.client.transport import Transport
from mlplane.serving.schemas import ServedModel
from mlplane.tracking.client.projects import default_project


class Serving:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _path(self, project: str | None, suffix: str = "") -> str:
        return f"/api/v1/projects/{default_project(project)}/served-models{suffix}"

    def add(
        self,
        name: str,
        uri: str,
        *,
        version: str | None = None,
        project: str | None = None,
        **batching: Any,
    ) -> ServedModel:
        """Serve the model folder at `uri` as `name` (batching options: `max_batch_size`,
        `max_wait_ms`, `max_queue`, `max_concurrency`, `timeout_s`)."""
        body = {"name": name, "uri": uri, "version": version, **batching}
        return ServedModel.model_validate(
            self._transport.json("POST", self._path(project), json=body)
        )

    def list(self, *, project: str | None = None) -> builtins.list[ServedModel]:
        page = self._transport.json("GET", self._path(project))
        return [ServedModel.model_validate(item) for item in page["items"]]

    def remove(self, name: str, *, version: str | None = None, project: str | None = None) -> None:
        params = {"version": version} if version is not None else {}
        self._transport.request("DELETE", self._path(project, f"/{name}"), params=params)
