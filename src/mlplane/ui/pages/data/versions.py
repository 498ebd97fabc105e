"""One dataset version: its schema, profile, checks, lineage, and a look at its content."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from mlplane.core.errors import NotFound, ProblemError
from mlplane.data.schemas.datasets import DatasetKind
from mlplane.data.schemas.profiles import Profile
from mlplane.data.schemas.sql import ChartSpec, ChartType
from mlplane.data.service import samples
from mlplane.data.service import versions as versions_service
from mlplane.governance.schemas import Principal
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.tracking import service as tracking
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.data.display import format_bytes, format_count, format_value
from mlplane.ui.pages.data.profile_charts import column_cards
from mlplane.ui.pages.data.results import ResultView, result_view
from mlplane.ui.templating import render

router = page_router()

SAMPLE_ROWS = 20
FILES_SHOWN = 200
NO_CHART = ChartSpec(type=ChartType.TABLE)


def _run_names(
    session: Session, principal: Principal, project: str, run_ids: list[str]
) -> dict[str, str]:
    """The names of the runs lineage points to; a run removed since keeps only its id."""
    names = {}
    for run_id in dict.fromkeys(run_ids):
        try:
            names[run_id] = tracking.get_run(session, principal, run_id, project).name
        except NotFound:
            continue
    return names


@router.get("/projects/{project}/datasets/{dataset}/versions/{version}")
def get_version_page(
    request: Request,
    project: str,
    dataset: str,
    version: str,
    platform: PlatformDep,
    principal: PrincipalDep,
) -> Response:
    with platform.db.read() as session:
        found = versions_service.get_version(session, principal, project, dataset, version)
        consumers = versions_service.list_consumers(
            session, principal, project, dataset, str(found.number)
        )
        profile: Profile | None = None
        if found.kind is DatasetKind.TABLE:
            profile = versions_service.get_profile(
                session, principal, project, dataset, str(found.number)
            )
        files = samples.list_version_files(
            session, principal, platform.artifacts, project, dataset, found.number, FILES_SHOWN
        )
        run_ids = [found.lineage.run_id] if found.lineage.run_id else []
        runs = _run_names(session, principal, project, run_ids + [c.run_id for c in consumers])
    sample: ResultView | None = None
    sample_error: ProblemError | None = None
    if found.kind is DatasetKind.TABLE:
        try:
            table = samples.get_sample_rows(
                platform.db,
                platform.artifacts,
                principal,
                project,
                dataset,
                found.number,
                SAMPLE_ROWS,
            )
        except ProblemError as problem:
            # The page still shows what the database knows when the content cannot be read.
            sample_error = problem
        else:
            sample = result_view(table, 0.0, NO_CHART)
    reference = f"{found.dataset}@{found.number}"
    context: dict[str, Any] = {
        "project_name": project,
        "data_version": found,
        "consumers": consumers,
        "run_names": runs,
        "profile": profile,
        "columns": column_cards(profile) if profile else [],
        "files": files,
        "sample": sample,
        "sample_error": sample_error,
        "failed_checks": [check for check in found.validation if not check.passed],
        "query_url": f"/projects/{project}/sql?sql="
        + quote(f'SELECT *\nFROM "{reference}"\nLIMIT 100', safe=""),
        "format_bytes": format_bytes,
        "format_count": format_count,
        "format_value": format_value,
    }
    return render(request, "data/version.html", context)
