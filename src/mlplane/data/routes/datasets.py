"""HTTP for datasets, their checks and their ingestion history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from mlplane.core.pagination import Page
from mlplane.data.schemas.checks import Check
from mlplane.data.schemas.datasets import Dataset, DatasetCreate, DatasetUpdate
from mlplane.data.schemas.ingestions import Ingestion, IngestionCreate
from mlplane.data.service import datasets as service
from mlplane.data.service import ingestions, validation
from mlplane.server.deps import PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}/datasets", tags=["datasets"])

MaxResults = Annotated[int | None, Query(ge=1, le=1000)]


@router.post("", status_code=status.HTTP_201_CREATED)
def create_dataset(
    project: str, data: DatasetCreate, platform: PlatformDep, principal: PrincipalDep
) -> Dataset:
    with platform.db.write() as session:
        return service.create_dataset(session, principal, project, data)


@router.get("")
def list_datasets(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
    max_results: MaxResults = None,
) -> Page[Dataset]:
    with platform.db.read() as session:
        return service.list_datasets(session, principal, project, page_token, max_results)


@router.get("/{dataset}")
def get_dataset(
    project: str, dataset: str, platform: PlatformDep, principal: PrincipalDep
) -> Dataset:
    with platform.db.read() as session:
        return service.get_dataset(session, principal, project, dataset)


@router.patch("/{dataset}")
def update_dataset(
    project: str, dataset: str, data: DatasetUpdate, platform: PlatformDep, principal: PrincipalDep
) -> Dataset:
    with platform.db.write() as session:
        return service.update_dataset(session, principal, project, dataset, data)


@router.delete("/{dataset}", status_code=status.HTTP_204_NO_CONTENT)
def delete_dataset(
    project: str, dataset: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    """Delete a dataset, all its versions and their stored bytes."""
    with platform.db.write() as session:
        folder = service.delete_dataset(session, principal, project, dataset)
    platform.artifacts.delete(folder)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{dataset}/checks")
def list_dataset_checks(
    project: str, dataset: str, platform: PlatformDep, principal: PrincipalDep
) -> list[Check]:
    with platform.db.read() as session:
        return validation.list_checks(session, principal, project, dataset)


@router.post("/{dataset}/checks", status_code=status.HTTP_201_CREATED)
def create_dataset_check(
    project: str, dataset: str, check: Check, platform: PlatformDep, principal: PrincipalDep
) -> Check:
    """Add a check; every version made from now on must pass it to become the latest."""
    with platform.db.write() as session:
        return validation.create_check(session, principal, project, dataset, check)


@router.put("/{dataset}/checks/{check_name}")
def update_dataset_check(
    project: str,
    dataset: str,
    check_name: str,
    check: Check,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Check:
    with platform.db.write() as session:
        return validation.update_check(session, principal, project, dataset, check_name, check)


@router.delete("/{dataset}/checks/{check_name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_dataset_check(
    project: str, dataset: str, check_name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        validation.delete_check(session, principal, project, dataset, check_name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{dataset}/ingestions", status_code=status.HTTP_201_CREATED)
def create_dataset_ingestion(
    project: str,
    dataset: str,
    data: IngestionCreate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Ingestion:
    """Record one run of a connector, successful or not."""
    with platform.db.write() as session:
        return ingestions.record_ingestion(session, principal, project, dataset, data)


@router.get("/{dataset}/ingestions")
def list_dataset_ingestions(
    project: str,
    dataset: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
    max_results: MaxResults = None,
) -> Page[Ingestion]:
    with platform.db.read() as session:
        return ingestions.list_ingestions(
            session, principal, project, dataset, page_token, max_results
        )
