"""SDK resource: `client.projects`."""

from __future__ import annotations

import builtins
from typing import Any

from mlplane.catalog.schemas import Project
from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.governance.schemas import Membership


class Projects:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self,
        name: str,
        *,
        description: str = "",
        display_name: str = "",
        owner: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Project:
        body = {
            "name": name,
            "description": description,
            "display_name": display_name,
            "owner": owner,
            "tags": tags or {},
        }
        return Project.model_validate(self._transport.json("POST", "/api/v1/projects", json=body))

    def get(self, name: str) -> Project:
        return Project.model_validate(self._transport.json("GET", f"/api/v1/projects/{name}"))

    def list(self, *, include_archived: bool = False, limit: int | None = None) -> list[Project]:
        params = {"include_archived": include_archived}
        return list(
            iterate_pages(
                self._transport, "/api/v1/projects", Project.model_validate, params, limit
            )
        )

    def update(self, name: str, **changes: Any) -> Project:
        return Project.model_validate(
            self._transport.json("PATCH", f"/api/v1/projects/{name}", json=changes)
        )

    def archive(self, name: str) -> Project:
        return Project.model_validate(
            self._transport.json("POST", f"/api/v1/projects/{name}/archive")
        )

    def restore(self, name: str) -> Project:
        return Project.model_validate(
            self._transport.json("POST", f"/api/v1/projects/{name}/restore")
        )

    def members(self, name: str) -> builtins.list[Membership]:
        items = self._transport.json("GET", f"/api/v1/projects/{name}/members")
        return [Membership.model_validate(item) for item in items]

    def add_member(self, name: str, user: str, role: str) -> Membership:
        body = {"role": role}
        return Membership.model_validate(
            self._transport.json("PUT", f"/api/v1/projects/{name}/members/{user}", json=body)
        )

    def remove_member(self, name: str, user: str) -> None:
        self._transport.json("DELETE", f"/api/v1/projects/{name}/members/{user}")
