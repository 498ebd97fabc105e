"""Several runs side by side: params with their differences, latest metrics, overlaid charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from mlplane.core.clock import utcnow
from mlplane.core.errors import InvalidInput
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.tracking import service as tracking
from mlplane.ui.page_route import page_router
from mlplane.ui.pages.tracking.display import RunView, is_system_metric
from mlplane.ui.pages.tracking.metric_charts import MAX_POINTS, metric_charts, run_labels
from mlplane.ui.templating import render

router = page_router()

MAX_COMPARED_RUNS = 20


@dataclass(frozen=True)
class ComparedRow:
    """One param or metric across the runs; `differs` when they do not all agree."""

    key: str
    values: list[str]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def _run_ids(values: list[str] | None) -> list[str]:
    """`runs=a,b,c`, or `runs=a&runs=b` as a plain form sends it; repeats count once."""
    ids = [part.strip() for value in values or [] for part in value.split(",")]
    unique = list(dict.fromkeys(run_id for run_id in ids if run_id))
    if len(unique) < 2:
        raise InvalidInput("runs: select at least two runs to compare")
    if len(unique) > MAX_COMPARED_RUNS:
        raise InvalidInput(f"runs: compare at most {MAX_COMPARED_RUNS} runs at a time")
    return unique


@router.get("/projects/{project}/compare")
def compare_runs_page(
    request: Request,
    project: str,
    platform: PlatformDep,
    principal: PrincipalDep,
    runs: Annotated[list[str] | None, Query()] = None,
) -> Response:
    run_ids = _run_ids(runs)
    with platform.db.read() as session:
        found = [tracking.get_run(session, principal, run_id, project) for run_id in run_ids]
        experiments = {
            run.experiment_id: tracking.get_experiment(
                session, principal, run.experiment_id, project
            )
            for run in found
        }
        keys = sorted({key for run in found for key in run.metrics})
        histories = tracking.get_metric_histories(
            session, principal, run_ids, keys, project=project, max_points=MAX_POINTS
        ).series
    now = utcnow()
    views = [RunView(run, now) for run in found]
    labels = run_labels([(run.id, run.name) for run in found])
    param_keys = sorted({key for run in found for key in run.params})
    return render(
        request,
        "tracking/compare.html",
        {
            "project_name": project,
            "views": views,
            "labels": labels,
            "experiments": experiments,
            "params": [
                ComparedRow(key, [run.params.get(key, "—") for run in found]) for key in param_keys
            ],
            "metrics": [
                ComparedRow(key, [view.metric(key) for view in views])
                for key in keys
                if not is_system_metric(key)
            ],
            "charts": metric_charts(
                histories, [key for key in keys if not is_system_metric(key)], labels
            ),
            "system_charts": metric_charts(
                histories, [key for key in keys if is_system_metric(key)], labels
            ),
        },
    )
