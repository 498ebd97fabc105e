"""Comparing two versions of a dataset."""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.core.artifacts import ArtifactStore
from mlplane.data import storage
from mlplane.data.engine.diffs import files_diff, table_diff
from mlplane.data.engine.sandbox import Sandbox
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.diffs import DatasetDiff
from mlplane.data.service.versions import resolve_version
from mlplane.governance.schemas import Principal


def diff_versions(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    project: str,
    dataset: str,
    from_version: str,
    to_version: str,
    keys: list[str],
) -> DatasetDiff:
    old = resolve_version(session, principal, project, dataset, from_version)
    new = resolve_version(session, principal, project, dataset, to_version)
    project_name, dataset_name = old.access.name, old.dataset.name
    old_files = storage.read_manifest(artifacts, project_name, dataset_name, old.version.digest)
    new_files = storage.read_manifest(artifacts, project_name, dataset_name, new.version.digest)
    result = DatasetDiff(
        dataset=dataset_name,
        from_version=old.version.number,
        to_version=new.version.number,
        files=files_diff(old_files.files, new_files.files),
    )
    if old.dataset.kind != DatasetKind.TABLE.value:
        return result
    old_source = storage.table_source(artifacts, project_name, dataset_name, old_files.files)
    new_source = storage.table_source(artifacts, project_name, dataset_name, new_files.files)
    old_schema, _ = old_source.schema_and_rows()
    new_schema, _ = new_source.schema_and_rows()
    with Sandbox() as sandbox:
        sandbox.attach_table("old", old_source, old_schema)
        sandbox.attach_table("new", new_source, new_schema)
        sandbox.lock()
        result.table = table_diff(sandbox, old_schema, new_schema, keys)
    return result
