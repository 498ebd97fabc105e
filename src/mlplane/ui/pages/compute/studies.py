"""A project's hyper-parameter searches, and one study: its trials, best value and charts."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from mlplane.catalog import service as catalog
from mlplane.compute import service as compute
from mlplane.compute.schemas import Study
from mlplane.server.deps import PlatformDep, PrincipalDep
from mlplane.ui.charts import Series, xy_chart
from mlplane.ui.page_route import page_router
from mlplane.ui.templating import render

router = page_router()


def history_chart(study: Study) -> dict[str, Any]:
    """Each scored trial's value by trial number, and the best value so far."""
    values: list[tuple[float, float | None]] = []
    best: list[tuple[float, float | None]] = []
    leader: float | None = None
    better = max if study.direction == "maximize" else min
    for trial in study.trials:
        if trial.value is None:
            continue
        leader = trial.value if leader is None else better(leader, trial.value)
        values.append((float(trial.number), trial.value))
        best.append((float(trial.number), leader))
    return xy_chart(
        [Series(study.metric or "value", values), Series("best so far", best)],
        x_axis="number",
        y_label=study.metric,
        height=240,
    )


def importance_chart(importance: dict[str, float]) -> dict[str, Any]:
    names = list(importance)
    points = [(float(index), round(importance[name], 4)) for index, name in enumerate(names)]
    return xy_chart(
        [Series("importance", points)],
        style="bar",
        x_axis="category",
        categories=names,
        y_label="share",
        height=200,
    )


@router.get("/projects/{project}/studies")
def list_studies_page(
    request: Request, project: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        found = catalog.get_project(session, principal, project)
        studies = compute.list_studies(session, principal, project)
    return render(
        request,
        "compute/studies.html",
        {"project": found, "project_name": found.name, "studies": studies},
    )


@router.get("/projects/{project}/studies/{name}")
def get_study_page(
    request: Request, project: str, name: str, platform: PlatformDep, principal: PrincipalDep
) -> Response:
    with platform.db.read() as session:
        study = compute.get_study(session, principal, project, name)
    importance = compute.param_importance(study)
    params = sorted({key for trial in study.trials for key in trial.params})
    context = {
        "project_name": project,
        "study": study,
        "params": params,
        "history": history_chart(study),
        "importance": importance,
        "importance_chart": importance_chart(importance) if importance else None,
        "scored": sum(1 for trial in study.trials if trial.value is not None),
    }
    return render(request, "compute/study.html", context)
