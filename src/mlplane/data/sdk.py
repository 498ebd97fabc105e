"""`mlplane.data.get` and `mlplane.data.push`: datasets in two lines of a notebook."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from mlplane.client.resolve import PROJECT_VARIABLE
from mlplane.data.client import transfer
from mlplane.data.engine.sql_names import parse_reference
from mlplane.data.schemas.versions import DatasetVersion, VersionCreated

if TYPE_CHECKING:
    from mlplane.client.client import Client


def _project(project: str | None) -> str:
    found = project or os.environ.get(PROJECT_VARIABLE)
    if not found:
        raise ValueError(f"say which project: project=... or the {PROJECT_VARIABLE} variable")
    return found


def _client(client: Client | None) -> Client:
    if client is not None:
        return client
    from mlplane.client.client import Client

    return Client()


class DatasetHandle:
    """One version of a dataset; its files are downloaded (once, into a local cache) only
    when something reads them."""

    def __init__(self, client: Client, project: str, version: DatasetVersion) -> None:
        self._client = client
        self.project = project
        self.version = version

    @property
    def ref(self) -> str:
        return self.version.ref

    def __repr__(self) -> str:
        return f"<DatasetHandle {self.project}/{self.ref} {self.version.status.value}>"

    def path(self) -> Path:
        """The local folder holding the version's files (a table's Parquet parts)."""
        home = self._client.transport.target.home
        folder = home / "cache" / "datasets" / self.project / self.version.dataset
        folder = folder / str(self.version.number)
        if not transfer.is_complete(folder, self.version.digest):
            datasets = self._client.datasets
            manifest = datasets.get_manifest(
                self.version.dataset, self.version.number, project=self.project
            )
            transfer.download(
                self._client.transport,
                self.project,
                self.version.dataset,
                manifest.files,
                folder,
                prune=True,
            )
            transfer.mark_complete(folder, self.version.digest)
        return folder

    def files(self) -> list[Path]:
        root = self.path()
        return sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".mlplane-version")

    def to_arrow(self) -> pa.Table:
        parts = [pq.read_table(part) for part in self.files() if part.suffix == ".parquet"]
        if not parts:
            raise ValueError(f"{self.ref} is not a table")
        return pa.concat_tables(parts, promote_options="permissive")

    def to_pandas(self) -> Any:
        """A pandas DataFrame (pandas must be installed)."""
        return self.to_arrow().to_pandas()


def get(ref: str, *, project: str | None = None, client: Client | None = None) -> DatasetHandle:
    reference = parse_reference(ref)
    project_name = _project(project)
    sdk = _client(client)
    version = sdk.datasets.get_version(
        reference.dataset,
        "latest" if reference.version is None else reference.version,
        project=project_name,
    )
    return DatasetHandle(sdk, project_name, version)


def push(
    source: Any,
    name: str,
    *,
    project: str | None = None,
    client: Client | None = None,
    **options: Any,
) -> VersionCreated:
    return _client(client).datasets.push(source, name, project=_project(project), **options)
