"""The SQL editor: run a query over the project's datasets, see a grid and a chart of the
result, and save it as a query whose report anyone in the project can open."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Form, Request
from starlette.responses import RedirectResponse, Response

from mlplane.catalog import service as catalog
from mlplane.core.errors import ProblemError
from mlplane.data.schemas.sql import ChartSpec, ChartType, QueryOptions, SavedQueryCreate
from mlplane.data.service import saved_queries
from mlplane.data.service import sql as sql_service
from mlplane.governance.schemas import Principal, Role
from mlplane.server.deps import READ_ONLY, PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.ui.forms import NAME_INPUT_PATTERN, parse_form, problem_errors
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.data.display import format_value
from mlplane.ui.pages.data.results import ResultView, result_view
from mlplane.ui.templating import render, render_page, wants_fragment

router = page_router()

SAVED_QUERIES_SHOWN = 100
CHART_CHOICES = [(ChartType.BAR, "Bar"), (ChartType.LINE, "Line"), (ChartType.TABLE, "No chart")]
EMPTY_SAVE_FORM = {"name": "", "description": ""}
EXAMPLE_SQL = "SELECT name, kind, latest_version FROM datasets"


def chart_choice(text: str) -> ChartType:
    """The editor's chart menu; anything it does not offer falls back to bars."""
    return next((kind for kind, _ in CHART_CHOICES if kind.value == text), ChartType.BAR)


def run_result(
    platform: Platform, principal: Principal, project: str, sql: str, chart: ChartSpec | None
) -> tuple[ResultView | None, ProblemError | None]:
    """The result to show, or the problem that stopped the query (shown in its place)."""
    try:
        outcome = sql_service.run_query(
            platform.db, platform.artifacts, principal, project, sql, QueryOptions()
        )
    except ProblemError as problem:
        return None, problem
    return result_view(outcome.table, outcome.elapsed_ms, chart), None


def _editor_context(
    platform: Platform,
    principal: Principal,
    project: str,
    sql: str,
    chart: ChartType,
) -> dict[str, Any]:
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        tables = sql_service.list_sql_tables(session, principal, project)
        saved = saved_queries.list_saved_queries(
            session, principal, project, None, SAVED_QUERIES_SHOWN
        ).items
    return {
        "project": found,
        "project_name": project,
        "sql": sql,
        "chart_type": chart,
        "chart_choices": CHART_CHOICES,
        "tables": tables,
        "saved_queries": saved,
        "may_save": bool(found.role and found.role.covers(Role.EDITOR) and not found.archived),
        "result": None,
        "error": None,
        "save_form": EMPTY_SAVE_FORM,
        "save_errors": {},
        "saved": None,
        "chart_x": "",
        "chart_y": [],
        "name_pattern": NAME_INPUT_PATTERN,
        "format_value": format_value,
    }


def _with_result(
    context: dict[str, Any], platform: Platform, principal: Principal, project: str
) -> int:
    """Run the context's query into it; the status the page answers with."""
    result, error = run_result(
        platform, principal, project, context["sql"], ChartSpec(type=context["chart_type"])
    )
    context.update(result=result, error=error)
    return error.status if error else 200


@router.get("/projects/{project}/sql")
def get_sql_page(
    request: Request,
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    sql: str = "",
    chart: str = "bar",
) -> Response:
    """The editor; a query in the address (a link from a dataset) runs at once."""
    context = _editor_context(platform, principal, project, sql.strip(), chart_choice(chart))
    status_code = 200
    if context["sql"]:
        status_code = _with_result(context, platform, principal, project)
    else:
        context["sql"] = EXAMPLE_SQL
    return render(request, "data/sql.html", context, status_code=status_code)


@router.post("/ui/projects/{project}/sql", openapi_extra=READ_ONLY)
def run_sql_query(
    request: Request,
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    sql: Annotated[str, Form()] = "",
    chart: Annotated[str, Form()] = "bar",
) -> Response:
    """Run the editor's query: the result part of the page for htmx, or the whole page."""
    context = _editor_context(platform, principal, project, sql.strip(), chart_choice(chart))
    status_code = _with_result(context, platform, principal, project)
    return render_page(
        request, "data/sql.html", "data/_sql_result.html", context, status_code=status_code
    )


@router.post("/ui/projects/{project}/queries")
def create_saved_query(
    request: Request,
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    sql: Annotated[str, Form()] = "",
    chart: Annotated[str, Form()] = "bar",
    x: Annotated[str, Form()] = "",
    y: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the editor's query with its chart; the form again with what went wrong."""
    chart_type = chart_choice(chart)
    form = {"name": name.strip(), "description": description.strip()}
    values = {
        **form,
        "sql": sql.strip(),
        "chart": {"type": chart_type.value, "x": x or None, "y": y or []},
    }
    data = parse_form(SavedQueryCreate, values)
    errors: dict[str, str] = {}
    status_code = 201
    if isinstance(data, dict):
        errors, status_code = data, 422
    else:
        try:
            with platform.db.write() as session:
                saved_queries.create_saved_query(session, principal, project, data)
        except ProblemError as error:
            errors, status_code = problem_errors(error), error.status
        else:
            if not wants_fragment(request):
                report = f"/projects/{project}/queries/{quote(data.name, safe='')}"
                return RedirectResponse(report, status_code=303)
    context = _editor_context(platform, principal, project, sql.strip(), chart_type)
    context.update(
        save_form=form if errors else EMPTY_SAVE_FORM,
        save_errors=errors,
        saved=None if errors else form["name"],
        chart_x=x,
        chart_y=y or [],
    )
    if not wants_fragment(request):
        _with_result(context, platform, principal, project)
    return render_page(
        request, "data/sql.html", "data/_save_query.html", context, status_code=status_code
    )
