"""A project's experiments, and one experiment's runs: filtered, ordered, selected to compare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.core.clock import utcnow
from mlplane.core.errors import InvalidInput
from mlplane.governance.schemas import Principal
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.server.platform import Platform
from mlplane.tracking import service as tracking
from mlplane.tracking.schemas import ExperimentSearch, RunSearch
from mlplane.tracking.service import summaries
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.tracking.display import RunView, from_millis, is_system_metric
from mlplane.ui.templating import render, render_page, wants_fragment

router = page_router()

EXPERIMENTS_PAGE_SIZE = 50
RUNS_PAGE_SIZE = 50
DEFAULT_METRIC_COLUMNS = 4
DEFAULT_PARAM_COLUMNS = 4
DEFAULT_ORDER = "attributes.start_time"
ATTRIBUTE_ORDERS = [
    ("attributes.start_time", "Start time"),
    ("attributes.end_time", "End time"),
    ("attributes.run_name", "Name"),
    ("attributes.status", "Status"),
    ("attributes.user", "User"),
]
DIRECTIONS = [("DESC", "descending"), ("ASC", "ascending")]


@router.get("/projects/{project}/experiments")
def list_experiments_page(
    request: Request,
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
) -> Response:
    search = ExperimentSearch(page_token=page_token, max_results=EXPERIMENTS_PAGE_SIZE)
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        page = tracking.search_experiments(session, principal, project, search)
        activity = summaries.get_experiment_activity(
            session, principal, project, [experiment.id for experiment in page.items]
        )
    rows = [
        (
            experiment,
            activity[experiment.id].run_count,
            from_millis(activity[experiment.id].last_run_start),
        )
        for experiment in page.items
    ]
    path = f"/projects/{project}/experiments"
    return render(
        request,
        "tracking/experiments.html",
        {
            "project": found,
            "rows": rows,
            "next_url": (
                f"{path}?{urlencode({'page_token': page.next_page_token})}"
                if page.next_page_token
                else None
            ),
            "first_url": path if page_token else None,
        },
    )


@dataclass(frozen=True)
class RunsQuery:
    """What the filter box asks for, as the page's query string keeps it."""

    filter: str
    order: str
    direction: str
    metrics: list[str]
    params: list[str]
    chosen: bool
    """Whether the columns were chosen; otherwise the first few keys are shown."""

    @property
    def order_by(self) -> list[str]:
        return [f"{self.order} {self.direction}"]

    def query_string(self, **extra: str) -> str:
        values: list[tuple[str, str]] = []
        if self.filter:
            values.append(("filter", self.filter))
        if self.order != DEFAULT_ORDER or self.direction != "DESC":
            values += [("order", self.order), ("direction", self.direction)]
        if self.chosen:
            values.append(("columns", "chosen"))
            values += [("metric", key) for key in self.metrics]
            values += [("param", key) for key in self.params]
        values += list(extra.items())
        return urlencode(values)


def runs_query(
    filter_text: Annotated[str, Query(alias="filter")] = "",
    order: str = DEFAULT_ORDER,
    direction: str = "DESC",
    metric: Annotated[list[str] | None, Query()] = None,
    param: Annotated[list[str] | None, Query()] = None,
    columns: str | None = None,
) -> RunsQuery:
    direction = direction.upper()
    if direction not in ("ASC", "DESC"):
        raise InvalidInput("direction: must be ASC or DESC")
    return RunsQuery(
        filter=filter_text.strip(),
        order=order.strip() or DEFAULT_ORDER,
        direction=direction,
        metrics=metric or [],
        params=param or [],
        chosen=columns == "chosen",
    )


RunsQueryDep = Annotated[RunsQuery, Depends(runs_query)]


def _quoted_key(entity: str, key: str) -> str:
    return f"{entity}.`{key}`"


def _runs_context(
    platform: Platform,
    principal: Principal,
    project: str,
    experiment: str,
    query: RunsQuery,
    page_token: str | None,
) -> tuple[dict[str, Any], int]:
    """The runs page's values, and its status: 422 when the filter or order does not parse."""
    with platform.db.read() as session:
        found = tracking.get_experiment(session, principal, experiment, project)
        keys = summaries.list_logged_keys(session, principal, project, found.id)
        search = RunSearch(
            experiments=[found.id],
            filter=query.filter,
            order_by=query.order_by,
            max_results=RUNS_PAGE_SIZE,
            page_token=page_token,
        )
        error: str | None = None
        try:
            page = tracking.search_runs(session, principal, project, search)
        except InvalidInput as problem:
            error, runs, next_token = problem.detail, [], None
        else:
            runs, next_token = page.items, page.next_page_token
    model_metrics = [key for key in keys.metrics if not is_system_metric(key)]
    if query.chosen:
        metric_columns = [key for key in query.metrics if key in keys.metrics]
        param_columns = [key for key in query.params if key in keys.params]
    else:
        metric_columns = model_metrics[:DEFAULT_METRIC_COLUMNS]
        param_columns = keys.params[:DEFAULT_PARAM_COLUMNS]
    now = utcnow()
    base = f"/projects/{project}/experiments/{found.id}"
    context = {
        "project_name": project,
        "experiment": found,
        "query": query,
        "error": error,
        "runs": [RunView(run, now) for run in runs],
        "metric_keys": keys.metrics,
        "param_keys": keys.params,
        "metric_columns": metric_columns,
        "param_columns": param_columns,
        "orders": [
            ("Attributes", ATTRIBUTE_ORDERS),
            ("Metrics", [(_quoted_key("metrics", key), key) for key in keys.metrics]),
            ("Params", [(_quoted_key("params", key), key) for key in keys.params]),
        ],
        "directions": DIRECTIONS,
        "page_url": base,
        "more_url": (
            f"{base}/runs?{query.query_string(page_token=next_token)}" if next_token else None
        ),
        "first_url": f"{base}?{query.query_string()}" if page_token else None,
        "column_count": 6 + len(metric_columns) + len(param_columns),
    }
    return context, 422 if error else 200


@router.get("/projects/{project}/experiments/{experiment}")
def list_runs_page(
    request: Request,
    project: str,
    experiment: str,
    query: RunsQueryDep,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
) -> Response:
    """The runs table; htmx asks for its results part when the filter box changes."""
    context, status_code = _runs_context(
        platform, principal, project, experiment, query, page_token
    )
    return render_page(
        request,
        "tracking/runs.html",
        "tracking/_runs_results.html",
        context,
        status_code=status_code,
    )


@router.get("/projects/{project}/experiments/{experiment}/runs")
def list_more_runs(
    request: Request,
    project: str,
    experiment: str,
    query: RunsQueryDep,
    platform: PlatformDep,
    principal: PrincipalDep,
    page_token: str | None = None,
) -> Response:
    """The next page of rows, appended to the table in place of its "more runs" row."""
    context, status_code = _runs_context(
        platform, principal, project, experiment, query, page_token
    )
    template = "tracking/_runs_rows.html" if wants_fragment(request) else "tracking/runs.html"
    return render(request, template, context, status_code=status_code)
