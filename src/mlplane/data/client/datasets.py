"""SDK resource: `client.datasets`."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlplane.client.errors import ApiError
from mlplane.client.pages import iterate_pages
from mlplane.client.transport import Transport
from mlplane.data.client import transfer
from mlplane.data.client.progress import TransferProgress
from mlplane.data.client.staging import infer_kind, stage
from mlplane.data.schemas.checks import CHECK_ADAPTER, Check, CheckResult, parse_check
from mlplane.data.schemas.datasets import Dataset, DatasetKind
from mlplane.data.schemas.diffs import DatasetDiff
from mlplane.data.schemas.ingestions import Ingestion, IngestionCreate
from mlplane.data.schemas.profiles import Profile
from mlplane.data.schemas.versions import (
    Consumer,
    DatasetVersion,
    Lineage,
    Manifest,
    ManifestEntry,
    VersionCreate,
    VersionCreated,
)

if TYPE_CHECKING:
    from mlplane.data.connectors.base import Source


class Datasets:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _base(self, project: str, name: str | None = None) -> str:
        base = f"/api/v1/projects/{project}/datasets"
        return f"{base}/{name}" if name else base

    # Datasets

    def create(
        self,
        name: str,
        *,
        project: str,
        kind: str = "table",
        description: str = "",
        tags: dict[str, str] | None = None,
    ) -> Dataset:
        body = {"name": name, "kind": kind, "description": description, "tags": tags or {}}
        return Dataset.model_validate(self._transport.json("POST", self._base(project), json=body))

    def get(self, name: str, *, project: str) -> Dataset:
        return Dataset.model_validate(self._transport.json("GET", self._base(project, name)))

    def update(self, name: str, *, project: str, **changes: Any) -> Dataset:
        return Dataset.model_validate(
            self._transport.json("PATCH", self._base(project, name), json=changes)
        )

    def delete(self, name: str, *, project: str) -> None:
        self._transport.json("DELETE", self._base(project, name))

    # Versions

    def list_versions(
        self, name: str, *, project: str, status: str | None = None, limit: int | None = None
    ) -> list[DatasetVersion]:
        """Newest first."""
        path = f"{self._base(project, name)}/versions"
        params = {"status": status, "max_results": min(limit, 1000) if limit else None}
        return list(
            iterate_pages(self._transport, path, DatasetVersion.model_validate, params, limit)
        )

    def get_version(
        self, name: str, version: int | str = "latest", *, project: str
    ) -> DatasetVersion:
        path = f"{self._base(project, name)}/versions/{version}"
        return DatasetVersion.model_validate(self._transport.json("GET", path))

    def update_version(
        self, name: str, version: int | str, *, project: str, **changes: Any
    ) -> DatasetVersion:
        path = f"{self._base(project, name)}/versions/{version}"
        return DatasetVersion.model_validate(self._transport.json("PATCH", path, json=changes))

    def get_manifest(self, name: str, version: int | str = "latest", *, project: str) -> Manifest:
        path = f"{self._base(project, name)}/versions/{version}/manifest"
        return Manifest.model_validate_json(self._transport.request("GET", path).content)

    def get_profile(self, name: str, version: int | str = "latest", *, project: str) -> Profile:
        path = f"{self._base(project, name)}/versions/{version}/profile"
        return Profile.model_validate(self._transport.json("GET", path))

    def diff(
        self,
        name: str,
        from_version: int | str,
        to_version: int | str = "latest",
        *,
        project: str,
        key: list[str] | None = None,
    ) -> DatasetDiff:
        params: dict[str, Any] = {"from": from_version, "to": to_version, "key": key or []}
        path = f"{self._base(project, name)}/diff"
        return DatasetDiff.model_validate(self._transport.json("GET", path, params=params))

    def create_consumer(
        self, name: str, version: int | str, run_id: str, *, project: str
    ) -> Consumer:
        """Record that a run used this version."""
        path = f"{self._base(project, name)}/versions/{version}/consumers"
        return Consumer.model_validate(self._transport.json("POST", path, json={"run_id": run_id}))

    def list_consumers(self, name: str, version: int | str, *, project: str) -> list[Consumer]:
        path = f"{self._base(project, name)}/versions/{version}/consumers"
        return [Consumer.model_validate(item) for item in self._transport.json("GET", path)]

    # Pushing and pulling

    def ensure(self, name: str, *, project: str, kind: DatasetKind) -> Dataset:
        """The dataset, created with `kind` if it does not exist yet."""
        try:
            dataset = self.get(name, project=project)
        except ApiError as error:
            if error.status != 404:
                raise
            try:
                return self.create(name, project=project, kind=kind.value)
            except ApiError as race:
                if race.status != 409:
                    raise
                dataset = self.get(name, project=project)
        return dataset

    def newest_entries(self, name: str, *, project: str) -> list[ManifestEntry]:
        """The newest version's files (whatever its status), to skip re-hashing unchanged ones."""
        newest = self.list_versions(name, project=project, limit=1)
        if not newest:
            return []
        return self.get_manifest(name, newest[0].number, project=project).files

    def commit_files(
        self,
        name: str,
        files: list[transfer.LocalFile],
        *,
        project: str,
        kept: list[ManifestEntry] | None = None,
        message: str = "",
        tags: dict[str, str] | None = None,
        lineage: Lineage | None = None,
        progress: TransferProgress | None = None,
        stored: Iterable[str] = (),
    ) -> VersionCreated:
        """Upload the blobs the platform lacks, then commit the version in one request.
        `kept` lists files already stored (from an earlier version) to include unchanged;
        `stored` are hashes of committed files, which are not even asked about."""
        transfer.upload(self._transport, project, name, files, progress, stored)
        request = VersionCreate.model_construct(
            files=[*(kept or []), *(item.entry for item in files)],
            message=message,
            tags=tags or {},
            lineage=lineage or Lineage(),
        )
        # The platform validates the request; serialising it here need not validate it twice.
        response = self._transport.request(
            "POST",
            f"{self._base(project, name)}/versions",
            content=request.model_dump_json(exclude_none=True),
            headers={"Content-Type": "application/json"},
        )
        return VersionCreated.model_validate_json(response.content)

    def push(
        self,
        source: Any,
        name: str,
        *,
        project: str,
        kind: str | None = None,
        message: str = "",
        tags: dict[str, str] | None = None,
        lineage: Lineage | None = None,
        progress: TransferProgress | None = None,
    ) -> VersionCreated:
        """Version a folder, a file (CSV, Parquet, JSON lines), a DataFrame or an Arrow table.

        The dataset is created if needed (a table for tabular sources, else a folder of
        files). Only files whose content the platform lacks are uploaded; content equal to
        the newest version returns that version with `created=False`.
        """
        dataset = self.ensure(
            name, project=project, kind=DatasetKind(kind) if kind else infer_kind(source)
        )
        previous = self.newest_entries(name, project=project) if dataset.version_count else []
        with tempfile.TemporaryDirectory(prefix="mlplane-push-") as workdir:
            files = stage(source, dataset.kind, Path(workdir), previous)
            return self.commit_files(
                name,
                files,
                project=project,
                message=message,
                tags=tags,
                lineage=lineage,
                progress=progress,
                stored=(entry.hash for entry in previous),
            )

    def pull(
        self,
        name: str,
        version: int | str = "latest",
        *,
        project: str,
        destination: str | Path,
        progress: TransferProgress | None = None,
    ) -> DatasetVersion:
        """Download a version's files into `destination`, fetching only those not there."""
        found = self.get_version(name, version, project=project)
        manifest = self.get_manifest(name, found.number, project=project)
        transfer.download(
            self._transport, project, name, manifest.files, Path(destination), progress
        )
        return found

    def ingest(
        self, name: str, source: Source, *, project: str, message: str = ""
    ) -> DatasetVersion | None:
        """Run a connector into the dataset; see `mlplane.data.connectors.ingest`."""
        from mlplane.data.connectors.ingest import ingest_into

        return ingest_into(self, project, name, source, message=message)

    # Checks

    def list_checks(self, name: str, *, project: str) -> list[Check]:
        return [
            parse_check(item)
            for item in self._transport.json("GET", f"{self._base(project, name)}/checks")
        ]

    def create_check(self, name: str, check: Check | dict[str, Any], *, project: str) -> Check:
        body = _check_body(check)
        return parse_check(
            self._transport.json("POST", f"{self._base(project, name)}/checks", json=body)
        )

    def update_check(self, name: str, check: Check | dict[str, Any], *, project: str) -> Check:
        body = _check_body(check)
        path = f"{self._base(project, name)}/checks/{body['name']}"
        return parse_check(self._transport.json("PUT", path, json=body))

    def delete_check(self, name: str, check_name: str, *, project: str) -> None:
        self._transport.json("DELETE", f"{self._base(project, name)}/checks/{check_name}")

    def evaluate_checks(
        self,
        name: str,
        version: int | str = "latest",
        *,
        project: str,
        checks: list[Check | dict[str, Any]] | None = None,
    ) -> list[CheckResult]:
        """Run checks on an existing version, changing nothing (the dataset's own by default)."""
        body = {"checks": [_check_body(check) for check in checks] if checks is not None else None}
        path = f"{self._base(project, name)}/versions/{version}/checks/evaluate"
        return [
            CheckResult.model_validate(item)
            for item in self._transport.json("POST", path, json=body)
        ]

    # Ingestions

    def list_ingestions(
        self, name: str, *, project: str, limit: int | None = None
    ) -> list[Ingestion]:
        """Newest first."""
        path = f"{self._base(project, name)}/ingestions"
        params = {"max_results": min(limit, 1000) if limit else None}
        return list(iterate_pages(self._transport, path, Ingestion.model_validate, params, limit))

    def create_ingestion(self, name: str, data: IngestionCreate, *, project: str) -> Ingestion:
        path = f"{self._base(project, name)}/ingestions"
        body = data.model_dump(mode="json")
        return Ingestion.model_validate(self._transport.json("POST", path, json=body))

    # Last, so that `list` in the annotations above still means the builtin.
    def list(self, *, project: str, limit: int | None = None) -> list[Dataset]:
        return list(
            iterate_pages(self._transport, self._base(project), Dataset.model_validate, None, limit)
        )


def _check_body(check: Check | dict[str, Any]) -> dict[str, Any]:
    parsed = parse_check(check) if isinstance(check, dict) else check
    body: dict[str, Any] = CHECK_ADAPTER.dump_python(parsed, mode="json")
    return body
