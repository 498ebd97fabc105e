"""Hyper-parameter searches as the platform sees them: studies made of their trial jobs.

`mlplane tune` keeps the Optuna study wherever the search runs; every trial it starts is a
job that names its study, metric and direction in its environment, and logs the metric to
its tracked run. A study here is those jobs, with each trial's value read from its run.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sqlalchemy.orm import Session

from mlplane.catalog import service as catalog
from mlplane.compute import store
from mlplane.compute.schemas import (
    STUDY_DIRECTION_VARIABLE,
    STUDY_METRIC_VARIABLE,
    STUDY_VARIABLE,
    TRIAL_NUMBER_VARIABLE,
    TRIAL_PARAMS_VARIABLE,
    JobStatus,
    Study,
    StudyTrial,
)
from mlplane.compute.tables import JobRow
from mlplane.core.errors import NotFound
from mlplane.governance.schemas import Principal, Role
from mlplane.tracking import service as tracking

# The trials a project's studies are read from, newest searches last.
MAX_TRIAL_JOBS = 5000


def _value(session: Session, principal: Principal, project: str, row: JobRow, metric: str) -> Any:
    if row.status != JobStatus.SUCCEEDED.value or row.run_id is None:
        return None
    try:
        run = tracking.get_run(session, principal, row.run_id, project=project)
    except NotFound:  # the run was deleted since
        return None
    found = run.metrics.get(metric)
    if found is None or not math.isfinite(found.value):
        return None
    return found.value


def _trial_params(environment: dict[str, Any]) -> dict[str, Any]:
    try:
        params = json.loads(environment.get(TRIAL_PARAMS_VARIABLE) or "{}")
    except ValueError:
        return {}
    return params if isinstance(params, dict) else {}


def _best(trials: list[StudyTrial], direction: str) -> StudyTrial | None:
    scored = [trial for trial in trials if trial.value is not None]
    if not scored:
        return None
    pick = max if direction == "maximize" else min
    return pick(scored, key=lambda trial: trial.value if trial.value is not None else 0.0)


def _studies(session: Session, principal: Principal, project: str) -> dict[str, Study]:
    access = catalog.access_project(session, principal, project, Role.VIEWER)
    studies: dict[str, Study] = {}
    for row in store.list_trial_jobs(session, access.id, MAX_TRIAL_JOBS):
        environment = (row.spec or {}).get("env") or {}
        name = environment.get(STUDY_VARIABLE)
        if not name:
            continue
        metric = str(environment.get(STUDY_METRIC_VARIABLE, ""))
        study = studies.get(name)
        if study is None:
            study = studies[name] = Study(
                name=name,
                project=access.name,
                metric=metric,
                direction=str(environment.get(STUDY_DIRECTION_VARIABLE, "minimize")),
                trials=[],
                best=None,
                created_at=row.created_at,
                updated_at=row.created_at,
            )
        number = environment.get(TRIAL_NUMBER_VARIABLE, "")
        study.trials.append(
            StudyTrial(
                number=int(number) if str(number).isdigit() else len(study.trials),
                job_id=row.id,
                run_id=row.run_id,
                status=JobStatus(row.status),
                params=_trial_params(environment),
                value=_value(session, principal, access.name, row, study.metric),
                created_at=row.created_at,
                finished_at=row.finished_at,
            )
        )
        study.updated_at = max(study.updated_at, row.finished_at or row.created_at)
    for study in studies.values():
        study.trials.sort(key=lambda trial: trial.number)
        study.best = _best(study.trials, study.direction)
    return studies


def list_studies(session: Session, principal: Principal, project: str) -> list[Study]:
    """The project's studies, the most recently active first."""
    studies = _studies(session, principal, project).values()
    return sorted(studies, key=lambda study: study.updated_at, reverse=True)


def get_study(session: Session, principal: Principal, project: str, name: str) -> Study:
    found = _studies(session, principal, project).get(name)
    if found is None:
        raise NotFound(f"study {name!r} does not exist in project {project!r}")
    return found


def _ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def _correlation(xs: list[float], ys: list[float]) -> float:
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    spread_x = math.sqrt(sum((x - mean_x) ** 2 for x in xs))
    spread_y = math.sqrt(sum((y - mean_y) ** 2 for y in ys))
    if spread_x == 0 or spread_y == 0:
        return 0.0
    return covariance / (spread_x * spread_y)


def _association(values: list[Any], scores: list[float]) -> float:
    """How much of the score's rank order a parameter explains, 0 to 1.

    A numeric parameter: the absolute Spearman correlation. A categorical one: the
    correlation ratio of the score's ranks over its categories.
    """
    score_ranks = _ranks(scores)
    if all(isinstance(value, int | float) and not isinstance(value, bool) for value in values):
        return abs(_correlation(_ranks([float(value) for value in values]), score_ranks))
    groups: dict[str, list[float]] = {}
    for value, rank in zip(values, score_ranks, strict=True):
        groups.setdefault(json.dumps(value, sort_keys=True, default=str), []).append(rank)
    mean = sum(score_ranks) / len(score_ranks)
    total = sum((rank - mean) ** 2 for rank in score_ranks)
    if total == 0:
        return 0.0
    between = sum(len(ranks) * (sum(ranks) / len(ranks) - mean) ** 2 for ranks in groups.values())
    return math.sqrt(between / total)


def param_importance(study: Study) -> dict[str, float]:
    """Each parameter's share of the association with the metric over the scored trials.

    A quick, model-free reading (rank correlations normalised to sum to 1), most
    important first; empty until three trials have a value.
    """
    scored = [trial for trial in study.trials if trial.value is not None]
    if len(scored) < 3:
        return {}
    names = sorted({name for trial in scored for name in trial.params})
    scores = [float(trial.value or 0.0) for trial in scored]
    raw: dict[str, float] = {}
    for name in names:
        pairs = [(trial.params[name], score) for trial, score in zip(scored, scores, strict=True)
                 if name in trial.params]  # fmt: skip
        if len(pairs) >= 3:
            raw[name] = _association([value for value, _ in pairs], [score for _, score in pairs])
    total = sum(raw.values())
    if total == 0:
        return {name: 0.0 for name in raw}
    return dict(sorted(((name, value / total) for name, value in raw.items()),
                       key=lambda item: item[1], reverse=True))  # fmt: skip
