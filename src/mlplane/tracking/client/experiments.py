"""SDK resource: `client.experiments`."""

from __future__ import annotations

import builtins
from typing import Any
from urllib.parse import quote

from mlplane.client.errors import ApiError
from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.tracking.client.projects import default_project
from mlplane.tracking.schemas import Experiment


def _path(project: str | None, experiment: str | None = None) -> str:
    base = f"/api/v1/projects/{default_project(project)}/experiments"
    return f"{base}/{quote(experiment, safe='')}" if experiment is not None else base


class Experiments:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        name: str,
        *,
        project: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
        artifact_location: str | None = None,
    ) -> Experiment:
        body = {
            "name": name,
            "description": description,
            "tags": tags or {},
            "artifact_location": artifact_location,
        }
        return Experiment.model_validate(self._transport.json("POST", _path(project), json=body))

    def get(self, experiment: str, *, project: str | None = None) -> Experiment:
        """An experiment by id or by name."""
        if "/" in experiment:
            # A name with a slash cannot travel in the path; look it up by filter instead.
            query = f"attributes.name = '{_quoted(experiment)}'"
            found = self.list(project=project, filter=query, view="ALL")
            if not found:
                raise ApiError(404, f"experiment {experiment!r} does not exist")
            return found[0]
        return Experiment.model_validate(self._transport.json("GET", _path(project, experiment)))

    def get_or_create(self, name: str, *, project: str | None = None) -> Experiment:
        """The experiment with this name, created when missing; safe when several race."""
        for _ in range(3):
            try:
                return self.get(name, project=project)
            except ApiError as error:
                if error.status != 404:
                    raise
            try:
                return self.create(name, project=project)
            except ApiError as error:
                if error.status != 409:
                    raise
        return self.get(name, project=project)

    def list(
        self,
        *,
        project: str | None = None,
        filter: str = "",
        order_by: builtins.list[str] | None = None,
        view: str = "ACTIVE_ONLY",
        limit: int | None = None,
    ) -> builtins.list[Experiment]:
        """Experiments matching an MLflow filter such as "attributes.name LIKE 'fraud%'"."""
        params: dict[str, Any] = {"filter": filter or None, "order_by": order_by, "view": view}
        return builtins.list(
            iterate_pages(self._transport, _path(project), Experiment.model_validate, params, limit)
        )

    def update(
        self,
        experiment: str,
        *,
        project: str | None = None,
        name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Experiment:
        changes = {"name": name, "description": description, "tags": tags}
        body = {key: value for key, value in changes.items() if value is not None}
        return Experiment.model_validate(
            self._transport.json("PATCH", _path(project, experiment), json=body)
        )

    def delete(self, experiment: str, *, project: str | None = None) -> Experiment:
        """Mark an experiment and its runs deleted (restorable)."""
        return Experiment.model_validate(self._transport.json("DELETE", _path(project, experiment)))

    def restore(self, experiment: str, *, project: str | None = None) -> Experiment:
        return Experiment.model_validate(
            self._transport.json("POST", f"{_path(project, experiment)}/restore")
        )


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
