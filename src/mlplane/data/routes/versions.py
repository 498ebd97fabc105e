"""HTTP for dataset versions: commit, read, profile, diff, consumers, trying checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from mlplane.core.pagination import Page
from mlplane.data.schemas.checks import CheckEvaluation, CheckResult
from mlplane.data.schemas.diffs import DatasetDiff
from mlplane.data.schemas.profiles import Profile
from mlplane.data.schemas.versions import (
    Consumer,
    ConsumerCreate,
    DatasetVersion,
    Manifest,
    VersionCreate,
    VersionCreated,
    VersionStatus,
    VersionUpdate,
)
from mlplane.data.service import diffs, validation
from mlplane.data.service import versions as service
from mlplane.server.deps import READ_ONLY, PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}/datasets/{dataset}", tags=["datasets"])


@router.post("/versions", status_code=status.HTTP_201_CREATED)
def create_dataset_version(
    project: str,
    dataset: str,
    data: VersionCreate,
    response: Response,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> VersionCreated:
    """Commit a version from uploaded blobs. Content equal to the newest version's returns
    that version (200, `created: false`) instead of making a new number."""
    result = service.create_version(
        platform.db, platform.artifacts, principal, project, dataset, data
    )
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return result


@router.get("/versions")
def list_dataset_versions(
    project: str,
    dataset: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    status: VersionStatus | None = None,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[DatasetVersion]:
    with platform.db.read() as session:
        return service.list_versions(
            session, principal, project, dataset, status, page_token, max_results
        )


@router.get("/versions/{version}")
def get_dataset_version(
    project: str, dataset: str, version: str, platform: PlatformDep, principal: PrincipalDep
) -> DatasetVersion:
    """`version` is a number, `v<number>`, or `latest` (the newest ready version)."""
    with platform.db.read() as session:
        return service.get_version(session, principal, project, dataset, version)


@router.patch("/versions/{version}")
def update_dataset_version(
    project: str,
    dataset: str,
    version: str,
    data: VersionUpdate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> DatasetVersion:
    with platform.db.write() as session:
        return service.update_version(session, principal, project, dataset, version, data)


@router.get("/versions/{version}/manifest", response_model=Manifest)
def get_dataset_manifest(
    project: str, dataset: str, version: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    """The version's files. Sent as stored: a large folder's list is not re-validated."""
    with platform.db.read() as session:
        content = service.get_manifest_json(
            session, principal, platform.artifacts, project, dataset, version
        )
    return Response(content, media_type="application/json")


@router.get("/versions/{version}/profile")
def get_dataset_profile(
    project: str, dataset: str, version: str, platform: PlatformDep, principal: PrincipalDep
) -> Profile:
    with platform.db.read() as session:
        return service.get_profile(session, principal, project, dataset, version)


@router.post("/versions/{version}/consumers", status_code=status.HTTP_201_CREATED)
def create_dataset_consumer(
    project: str,
    dataset: str,
    version: str,
    data: ConsumerCreate,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Consumer:
    """Record that a run used this version."""
    with platform.db.write() as session:
        return service.record_consumer(session, principal, project, dataset, version, data.run_id)


@router.get("/versions/{version}/consumers")
def list_dataset_consumers(
    project: str, dataset: str, version: str, platform: PlatformDep, principal: PrincipalDep
) -> list[Consumer]:
    with platform.db.read() as session:
        return service.list_consumers(session, principal, project, dataset, version)


@router.post("/versions/{version}/checks/evaluate", openapi_extra=READ_ONLY)
def evaluate_dataset_checks(
    project: str,
    dataset: str,
    version: str,
    data: CheckEvaluation,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> list[CheckResult]:
    """Run checks on an existing version without changing it: try a rule before adding it."""
    with platform.db.read() as session:
        return validation.evaluate_checks(
            session, principal, platform.artifacts, project, dataset, version, data.checks
        )


@router.get("/diff")
def diff_dataset_versions(
    project: str,
    dataset: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    from_version: Annotated[str, Query(alias="from")],
    to_version: Annotated[str, Query(alias="to")] = "latest",
    key: Annotated[list[str] | None, Query(description="Key columns, repeatable.")] = None,
) -> DatasetDiff:
    with platform.db.read() as session:
        return diffs.diff_versions(
            session,
            principal,
            platform.artifacts,
            project,
            dataset,
            from_version,
            to_version,
            key or [],
        )
