"""HTTP for SQL analytics and saved queries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from mlplane.core.pagination import Page
from mlplane.data.engine.results import csv_bytes, json_rows, parquet_bytes
from mlplane.data.schemas.sql import (
    QueryOptions,
    QueryRequest,
    QueryResult,
    ResultColumn,
    ResultFormat,
    SavedQuery,
    SavedQueryCreate,
    SavedQueryUpdate,
    SqlTable,
)
from mlplane.data.service import saved_queries
from mlplane.data.service import sql as service
from mlplane.data.service.sql import QueryOutcome
from mlplane.server.deps import READ_ONLY, PlatformDep, PrincipalDep

router = APIRouter(prefix="/projects/{project}", tags=["sql"])

RESULT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
        },
        "description": "JSON by default; CSV or Parquet as a download with `format`.",
    }
}


def _respond(outcome: QueryOutcome, form: ResultFormat, filename: str) -> QueryResult | Response:
    table = outcome.table
    if form is ResultFormat.CSV:
        return Response(
            csv_bytes(table),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    if form is ResultFormat.PARQUET:
        return Response(
            parquet_bytes(table),
            media_type="application/vnd.apache.parquet",
            headers={"Content-Disposition": f'attachment; filename="{filename}.parquet"'},
        )
    return QueryResult(
        columns=[ResultColumn(name=f.name, type=str(f.type)) for f in table.schema],
        rows=json_rows(table),
        row_count=table.num_rows,
        elapsed_ms=round(outcome.elapsed_ms, 3),
    )


@router.post(
    "/sql", openapi_extra=READ_ONLY, responses=RESULT_RESPONSES, response_model=QueryResult
)
def run_sql_query(
    project: str, data: QueryRequest, platform: PlatformDep, principal: PrincipalDep
) -> QueryResult | Response:
    """Run one read-only SELECT over the project's datasets and the platform's tables."""
    outcome = service.run_query(platform.db, platform.artifacts, principal, project, data.sql, data)
    return _respond(outcome, data.format, "result")


@router.get("/sql/tables")
def list_sql_tables(project: str, platform: PlatformDep, principal: PrincipalDep) -> list[SqlTable]:
    with platform.db.read() as session:
        return service.list_sql_tables(session, principal, project)


@router.post("/queries", status_code=status.HTTP_201_CREATED)
def create_saved_query(
    project: str, data: SavedQueryCreate, platform: PlatformDep, principal: PrincipalDep
) -> SavedQuery:
    with platform.db.write() as session:
        return saved_queries.create_saved_query(session, principal, project, data)


@router.get("/queries")
def list_saved_queries(
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
    max_results: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> Page[SavedQuery]:
    with platform.db.read() as session:
        return saved_queries.list_saved_queries(
            session, principal, project, page_token, max_results
        )


@router.get("/queries/{name}")
def get_saved_query(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> SavedQuery:
    with platform.db.read() as session:
        return saved_queries.get_saved_query(session, principal, project, name)


@router.patch("/queries/{name}")
def update_saved_query(
    project: str, name: str, data: SavedQueryUpdate, platform: PlatformDep, principal: PrincipalDep
) -> SavedQuery:
    with platform.db.write() as session:
        return saved_queries.update_saved_query(session, principal, project, name, data)


@router.delete("/queries/{name}", status_code=status.HTTP_204_NO_CONTENT)
def delete_saved_query(
    project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.write() as session:
        saved_queries.delete_saved_query(session, principal, project, name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/queries/{name}/run",
    openapi_extra=READ_ONLY,
    responses=RESULT_RESPONSES,
    response_model=QueryResult,
)
def run_saved_query(
    project: str,
    name: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    data: QueryOptions | None = None,
) -> QueryResult | Response:
    options = data or QueryOptions()
    outcome = saved_queries.run_saved_query(
        platform.db, platform.artifacts, principal, project, name, options
    )
    return _respond(outcome, options.format, name)
