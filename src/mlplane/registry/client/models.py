"""SDK resource: `client.models` (registered models, versions, aliases, approvals)."""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.registry.client.paths import (
    model_path,
    parse_model_uri,
    project_path,
    version_path,
)
from mlplane.registry.client.webhooks import Webhooks
from mlplane.registry.schemas import (
    Alias,
    AliasEvent,
    Approval,
    FileEntry,
    Lineage,
    ModelVersion,
    ProtectedAlias,
    RegisteredModel,
)

UPLOAD_CHUNK = 1 << 20


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(UPLOAD_CHUNK):
        yield chunk


class Models:
    """Registered models of a project (`MLPLANE_PROJECT` or `default` when none is named)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport
        self.webhooks = Webhooks(transport)

    # Registered models

    def create(
        self,
        name: str,
        *,
        project: str | None = None,
        description: str = "",
        owner: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> RegisteredModel:
        body = {"name": name, "description": description, "owner": owner, "tags": tags or {}}
        return RegisteredModel.model_validate(
            self._transport.json("POST", f"{project_path(project)}/models", json=body)
        )

    def get(self, name: str, *, project: str | None = None) -> RegisteredModel:
        return RegisteredModel.model_validate(
            self._transport.json("GET", model_path(project, name))
        )

    def list(
        self, *, project: str | None = None, name_like: str | None = None, limit: int | None = None
    ) -> builtins.list[RegisteredModel]:
        return builtins.list(
            iterate_pages(
                self._transport,
                f"{project_path(project)}/models",
                RegisteredModel.model_validate,
                {"name_like": name_like},
                limit,
            )
        )

    def update(
        self,
        name: str,
        *,
        project: str | None = None,
        new_name: str | None = None,
        description: str | None = None,
        owner: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> RegisteredModel:
        """Change what is given; `new_name` renames the model, `tags` replaces all tags."""
        changes = {"name": new_name, "description": description, "owner": owner, "tags": tags}
        body = {key: value for key, value in changes.items() if value is not None}
        return RegisteredModel.model_validate(
            self._transport.json("PATCH", model_path(project, name), json=body)
        )

    def delete(self, name: str, *, project: str | None = None) -> None:
        self._transport.json("DELETE", model_path(project, name))

    def set_tag(
        self, name: str, key: str, value: str, *, project: str | None = None
    ) -> RegisteredModel:
        path = f"{model_path(project, name)}/tags/{quote(key, safe='')}"
        return RegisteredModel.model_validate(
            self._transport.json("PUT", path, params={"value": value})
        )

    def delete_tag(self, name: str, key: str, *, project: str | None = None) -> RegisteredModel:
        path = f"{model_path(project, name)}/tags/{quote(key, safe='')}"
        return RegisteredModel.model_validate(self._transport.json("DELETE", path))

    # Versions

    def register(
        self,
        name: str,
        source: str | os.PathLike[str],
        *,
        project: str | None = None,
        run_id: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
        create_model: bool = True,
    ) -> ModelVersion:
        """Register a new version of `name` (created first when missing).

        `source` is `runs:/<run_id>/<path>`, `models:/<name>/<version>`, any URI, or a
        local folder or file, which is uploaded into the platform's artifact store.
        """
        if create_model and not self._exists(name, project):
            self.create(name, project=project)
        local = Path(source) if not isinstance(source, str) or "://" not in source else None
        if isinstance(source, str) and source.startswith(("runs:/", "models:/")):
            local = None
        if local is None:
            body = {
                "source": str(source),
                "run_id": run_id,
                "description": description,
                "tags": tags or {},
            }
            return self._create_version(name, project, body)
        if not local.exists():
            raise FileNotFoundError(f"{local} does not exist")
        body = {"source": None, "run_id": run_id, "description": description, "tags": tags or {}}
        pending = self._create_version(name, project, body)
        files = [local] if local.is_file() else sorted(p for p in local.rglob("*") if p.is_file())
        for file in files:
            relative = file.name if local.is_file() else file.relative_to(local).as_posix()
            with file.open("rb") as handle:
                self._transport.json(
                    "PUT",
                    f"{version_path(project, name, pending.version)}/files/{quote(relative)}",
                    content=_chunks(handle),
                    headers={"Content-Type": "application/octet-stream"},
                )
        return ModelVersion.model_validate(
            self._transport.json("POST", f"{version_path(project, name, pending.version)}/finalize")
        )

    def _exists(self, name: str, project: str | None) -> bool:
        from mlplane.client.errors import ApiError

        try:
            self.get(name, project=project)
        except ApiError as error:
            if error.status == 404:
                return False
            raise
        return True

    def _create_version(self, name: str, project: str | None, body: dict[str, Any]) -> ModelVersion:
        return ModelVersion.model_validate(
            self._transport.json("POST", f"{model_path(project, name)}/versions", json=body)
        )

    def versions(
        self, name: str, *, project: str | None = None, limit: int | None = None
    ) -> builtins.list[ModelVersion]:
        """The model's versions, newest first."""
        return builtins.list(
            iterate_pages(
                self._transport,
                f"{model_path(project, name)}/versions",
                ModelVersion.model_validate,
                None,
                limit,
            )
        )

    def search_versions(
        self,
        *,
        project: str | None = None,
        model: str | None = None,
        run_id: str | None = None,
        tags: dict[str, str] | None = None,
        limit: int | None = None,
    ) -> builtins.list[ModelVersion]:
        """Versions of the project newest first; `run_id` gives those made from a run."""
        found: builtins.list[ModelVersion] = []
        body: dict[str, Any] = {"model": model, "run_id": run_id, "tags": tags or {}}
        while True:
            body["max_results"] = min(1000, limit - len(found)) if limit else 1000
            page = self._transport.json(
                "POST", f"{project_path(project)}/model-versions/search", json=body
            )
            found.extend(ModelVersion.model_validate(item) for item in page["items"])
            token = page.get("next_page_token")
            if not token or (limit is not None and len(found) >= limit):
                return found
            body["page_token"] = token

    def version(self, name: str, version: int, *, project: str | None = None) -> ModelVersion:
        return ModelVersion.model_validate(
            self._transport.json("GET", version_path(project, name, version))
        )

    def resolve(self, uri: str, *, project: str | None = None) -> ModelVersion:
        """The version a `models:/name/3`, `models:/name@alias` or `models:/name/latest` names."""
        parsed = parse_model_uri(uri)
        if parsed.alias is not None:
            return self.by_alias(parsed.name, parsed.alias, project=project)
        if parsed.version is not None:
            return self.version(parsed.name, parsed.version, project=project)
        return self.version(
            parsed.name, self.get(parsed.name, project=project).latest_version, project=project
        )

    def update_version(
        self, name: str, version: int, *, project: str | None = None, **changes: Any
    ) -> ModelVersion:
        return ModelVersion.model_validate(
            self._transport.json("PATCH", version_path(project, name, version), json=changes)
        )

    def set_version_tag(
        self, name: str, version: int, key: str, value: str, *, project: str | None = None
    ) -> ModelVersion:
        path = f"{version_path(project, name, version)}/tags/{quote(key, safe='')}"
        return ModelVersion.model_validate(
            self._transport.json("PUT", path, params={"value": value})
        )

    def delete_version(self, name: str, version: int, *, project: str | None = None) -> None:
        self._transport.json("DELETE", version_path(project, name, version))

    def lineage(self, name: str, version: int, *, project: str | None = None) -> Lineage:
        return Lineage.model_validate(
            self._transport.json("GET", f"{version_path(project, name, version)}/lineage")
        )

    def files(
        self, name: str, version: int, *, project: str | None = None
    ) -> builtins.list[FileEntry]:
        """Every file of the version, recursively."""
        items = self._transport.json(
            "GET", f"{version_path(project, name, version)}/files", params={"recursive": True}
        )
        return [FileEntry.model_validate(item) for item in items]

    def download(
        self,
        uri_or_name: str,
        destination: str | os.PathLike[str],
        *,
        version: int | None = None,
        project: str | None = None,
    ) -> Path:
        """Copy a version's files into the folder `destination`; returns it."""
        if uri_or_name.startswith("models:/"):
            found = self.resolve(uri_or_name, project=project)
        elif version is not None:
            found = self.version(uri_or_name, version, project=project)
        else:
            found = self.resolve(f"models:/{uri_or_name}/latest", project=project)
        target = Path(destination)
        target.mkdir(parents=True, exist_ok=True)
        base = version_path(project, found.model, found.version)
        for entry in self.files(found.model, found.version, project=project):
            file = target / entry.path
            file.parent.mkdir(parents=True, exist_ok=True)
            with self._transport.http.stream(
                "GET", f"{base}/files/{quote(entry.path)}"
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    self._transport.request("GET", f"{base}/files/{quote(entry.path)}")
                with file.open("wb") as handle:
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
        return target

    # Aliases and approvals

    def by_alias(self, name: str, alias: str, *, project: str | None = None) -> ModelVersion:
        path = f"{model_path(project, name)}/aliases/{quote(alias, safe='')}/version"
        return ModelVersion.model_validate(self._transport.json("GET", path))

    def set_alias(
        self, name: str, alias: str, version: int, *, project: str | None = None
    ) -> Alias:
        """Point an alias at a version; a protected alias needs an approval (403 otherwise)."""
        path = f"{model_path(project, name)}/aliases/{quote(alias, safe='')}"
        return Alias.model_validate(
            self._transport.json("PUT", path, json={"version": int(version)})
        )

    def delete_alias(self, name: str, alias: str, *, project: str | None = None) -> None:
        path = f"{model_path(project, name)}/aliases/{quote(alias, safe='')}"
        self._transport.json("DELETE", path)

    def aliases(self, name: str, *, project: str | None = None) -> builtins.list[Alias]:
        items = self._transport.json("GET", f"{model_path(project, name)}/aliases")
        return [Alias.model_validate(item) for item in items]

    def alias_history(
        self, name: str, *, alias: str | None = None, project: str | None = None
    ) -> builtins.list[AliasEvent]:
        items = self._transport.json(
            "GET",
            f"{model_path(project, name)}/alias-history",
            params={"alias": alias} if alias else None,
        )
        return [AliasEvent.model_validate(item) for item in items]

    def protect_alias(
        self, alias: str, *, gate: builtins.list[str] | None = None, project: str | None = None
    ) -> ProtectedAlias:
        """Protect an alias name in the project; `gate` rules like 'accuracy >= 0.9'."""
        path = f"{project_path(project)}/protected-aliases/{quote(alias, safe='')}"
        return ProtectedAlias.model_validate(
            self._transport.json("PUT", path, json={"gate": gate or []})
        )

    def unprotect_alias(self, alias: str, *, project: str | None = None) -> None:
        path = f"{project_path(project)}/protected-aliases/{quote(alias, safe='')}"
        self._transport.json("DELETE", path)

    def protected_aliases(self, *, project: str | None = None) -> builtins.list[ProtectedAlias]:
        items = self._transport.json("GET", f"{project_path(project)}/protected-aliases")
        return [ProtectedAlias.model_validate(item) for item in items]

    def request_approval(
        self,
        name: str,
        alias: str,
        version: int,
        *,
        comment: str = "",
        project: str | None = None,
    ) -> Approval:
        body = {"alias": alias, "version": int(version), "comment": comment}
        return Approval.model_validate(
            self._transport.json("POST", f"{model_path(project, name)}/approvals", json=body)
        )

    def approve(
        self, approval_id: str, *, comment: str = "", project: str | None = None
    ) -> Approval:
        path = f"{project_path(project)}/approvals/{quote(approval_id, safe='')}/approve"
        return Approval.model_validate(
            self._transport.json("POST", path, json={"comment": comment})
        )

    def reject(
        self, approval_id: str, *, comment: str = "", project: str | None = None
    ) -> Approval:
        path = f"{project_path(project)}/approvals/{quote(approval_id, safe='')}/reject"
        return Approval.model_validate(
            self._transport.json("POST", path, json={"comment": comment})
        )

    def approvals(
        self,
        *,
        model: str | None = None,
        state: str | None = None,
        project: str | None = None,
    ) -> builtins.list[Approval]:
        params = {key: value for key, value in {"model": model, "state": state}.items() if value}
        items = self._transport.json("GET", f"{project_path(project)}/approvals", params=params)
        return [Approval.model_validate(item) for item in items]
