"""A project's datasets, and one dataset: its versions and what changed between two of them."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.core.errors import ProblemError
from mlplane.data.schemas.diffs import DatasetDiff
from mlplane.data.service import datasets as datasets_service
from mlplane.data.service import diffs
from mlplane.data.service import versions as versions_service
from mlplane.governance.schemas import Principal
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.data.display import format_bytes, format_count
from mlplane.ui.templating import render, wants_fragment

router = page_router()

DATASETS_PAGE_SIZE = 50
VERSIONS_PAGE_SIZE = 100


@router.get("/projects/{project}/datasets")
def list_datasets_page(
    request: Request,
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
) -> Response:
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        page = datasets_service.list_datasets(
            session, principal, project, page_token, DATASETS_PAGE_SIZE
        )
    path = f"/projects/{project}/datasets"
    return render(
        request,
        "data/datasets.html",
        {
            "project": found,
            "datasets": page.items,
            "next_url": (
                f"{path}?{urlencode({'page_token': page.next_page_token})}"
                if page.next_page_token
                else None
            ),
            "first_url": path if page_token else None,
        },
    )


def _dataset_context(
    platform: Platform,
    principal: Principal,
    project: str,
    dataset: str,
    page_token: str | None,
) -> dict[str, Any]:
    with platform.db.read() as session:
        found = datasets_service.get_dataset(session, principal, project, dataset)
        page = versions_service.list_versions(
            session, principal, project, dataset, None, page_token, VERSIONS_PAGE_SIZE
        )
    path = f"/projects/{project}/datasets/{dataset}"
    numbers = [version.number for version in page.items]
    return {
        "project_name": project,
        "dataset": found,
        "versions": page.items,
        "format_bytes": format_bytes,
        "format_count": format_count,
        "next_url": (
            f"{path}?{urlencode({'page_token': page.next_page_token})}"
            if page.next_page_token
            else None
        ),
        "first_url": path if page_token else None,
        "diff_url": f"{path}/diff",
        "diff_from": numbers[1] if len(numbers) > 1 else None,
        "diff_to": numbers[0] if numbers else None,
        "diff_keys": "",
        "diff": None,
        "diff_error": None,
    }


@router.get("/projects/{project}/datasets/{dataset}")
def get_dataset_page(
    request: Request,
    project: str,
    dataset: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
) -> Response:
    context = _dataset_context(platform, principal, project, dataset, page_token)
    return render(request, "data/dataset.html", context)


@router.get("/projects/{project}/datasets/{dataset}/diff")
def diff_versions_page(
    request: Request,
    project: str,
    dataset: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    from_version: Annotated[str, Query(alias="from")],
    to_version: Annotated[str, Query(alias="to")] = "latest",
    keys: str = "",
) -> Response:
    """What changed between two versions: the diff part of the dataset page, or all of it."""
    key_columns = [key.strip() for key in keys.split(",") if key.strip()]
    found: DatasetDiff | None = None
    error: ProblemError | None = None
    try:
        with platform.db.read() as session:
            found = diffs.diff_versions(
                session,
                principal,
                platform.artifacts,
                project,
                dataset,
                from_version,
                to_version,
                key_columns,
            )
    except ProblemError as problem:
        error = problem
    status_code = error.status if error else 200
    diff_context = {
        "project_name": project,
        "diff": found,
        "diff_error": error,
        "format_count": format_count,
    }
    if wants_fragment(request):
        return render(request, "data/_diff.html", diff_context, status_code=status_code)
    context = _dataset_context(platform, principal, project, dataset, None)
    context.update(diff_context)
    context.update(diff_from=from_version, diff_to=to_version, diff_keys=keys)
    return render(request, "data/dataset.html", context, status_code=status_code)
