"""Validation checks: stored per dataset, run on every new table version.

A version that fails any check is kept with status `failed` and never becomes the latest.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mlplane.core.artifacts import ArtifactStore
from mlplane.core.clock import utcnow
from mlplane.core.errors import Conflict, InvalidInput, NotFound
from mlplane.core.ids import new_id
from mlplane.data import storage
from mlplane.data.engine.checks import run_checks
from mlplane.data.engine.sandbox import Sandbox
from mlplane.data.schemas.checks import CHECK_ADAPTER, Check, CheckResult, parse_check
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.service.datasets import resolve_dataset
from mlplane.data.service.versions import resolve_version
from mlplane.data.store import datasets as store
from mlplane.data.tables import DatasetCheckRow, DatasetRow
from mlplane.governance.schemas import Principal, Role


def _require_table(dataset: DatasetRow) -> None:
    if dataset.kind != DatasetKind.TABLE.value:
        raise InvalidInput(f"dataset {dataset.name!r} is a folder of files: checks need a table")


def _spec(check: Check) -> dict[str, object]:
    dumped: dict[str, object] = CHECK_ADAPTER.dump_python(check, mode="json")
    return dumped


def list_checks(session: Session, principal: Principal, project: str, dataset: str) -> list[Check]:
    _, row = resolve_dataset(session, principal, project, dataset)
    return [parse_check(check.spec) for check in store.list_checks(session, row.id)]


def create_check(
    session: Session, principal: Principal, project: str, dataset: str, check: Check
) -> Check:
    _, row = resolve_dataset(session, principal, project, dataset, Role.EDITOR, for_write=True)
    _require_table(row)
    if store.get_check(session, row.id, check.name) is not None:
        raise Conflict(f"dataset {dataset!r} already has a check named {check.name!r}")
    now = utcnow()
    session.add(
        DatasetCheckRow(
            id=new_id(),
            dataset_id=row.id,
            name=check.name,
            spec=_spec(check),
            created_at=now,
            created_by=principal.name,
            updated_at=now,
        )
    )
    session.flush()
    return check


def update_check(
    session: Session, principal: Principal, project: str, dataset: str, name: str, check: Check
) -> Check:
    """Replace a check; it applies to versions made from now on."""
    if check.name != name:
        raise InvalidInput(
            f"name: the check is {name!r} in the path but {check.name!r} in the body"
        )
    _, row = resolve_dataset(session, principal, project, dataset, Role.EDITOR, for_write=True)
    found = store.get_check(session, row.id, name)
    if found is None:
        raise NotFound(f"dataset {dataset!r} has no check named {name!r}")
    found.spec = _spec(check)
    found.updated_at = utcnow()
    session.flush()
    return check


def delete_check(
    session: Session, principal: Principal, project: str, dataset: str, name: str
) -> None:
    _, row = resolve_dataset(session, principal, project, dataset, Role.EDITOR, for_write=True)
    if store.delete_check(session, row.id, name) == 0:
        raise NotFound(f"dataset {dataset!r} has no check named {name!r}")


def evaluate_checks(
    session: Session,
    principal: Principal,
    artifacts: ArtifactStore,
    project: str,
    dataset: str,
    version: str,
    checks: list[Check] | None,
) -> list[CheckResult]:
    """Run checks (the dataset's own when `checks` is None) on an existing version, changing
    nothing: a way to try a rule before adding it."""
    resolved = resolve_version(session, principal, project, dataset, version)
    _require_table(resolved.dataset)
    if checks is None:
        checks = [parse_check(c.spec) for c in store.list_checks(session, resolved.dataset.id)]
    manifest = storage.read_manifest(
        artifacts, resolved.access.name, resolved.dataset.name, resolved.version.digest
    )
    source = storage.table_source(
        artifacts, resolved.access.name, resolved.dataset.name, manifest.files
    )
    schema, _ = source.schema_and_rows()
    with Sandbox() as sandbox:
        sandbox.attach_table("data", source, schema)
        sandbox.lock()
        return run_checks(sandbox, checks, schema)
