"""Hyper-parameter search over Optuna: each trial is a job in a pool, and so a tracked run.

    result = tune(client, {"command": ["python", "train.py"]}, {"lr": {"type": "float",
                  "low": 1e-4, "high": 1e-1, "log": True}}, metric="loss", n_trials=20)

The study is kept in Optuna's RDB storage (by default a SQLite file in the home), so a search
interrupted part-way resumes where it stopped. A trial's job gets its parameters as its
run's params and as JSON in `MLPLANE_TRIAL_PARAMS` (read them with `trial_params()`); it
reports by logging `metric` to its run, which is the run `mlplane.start_run()` attaches to.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlplane.client.resolve import home_path
from mlplane.compute.schemas import (
    STUDY_DIRECTION_VARIABLE,
    STUDY_METRIC_VARIABLE,
    STUDY_VARIABLE,
    TRIAL_NUMBER_VARIABLE,
    TRIAL_PARAMS_VARIABLE,
    Job,
    JobSpec,
)

if TYPE_CHECKING:
    import optuna

    from mlplane.client.client import Client

PARAMS_VARIABLE = TRIAL_PARAMS_VARIABLE


def trial_params() -> dict[str, Any]:
    """Inside a trial's job: the parameters Optuna chose for it."""
    value: dict[str, Any] = json.loads(os.environ.get(PARAMS_VARIABLE, "{}"))
    return value


@dataclass
class TrialResult:
    number: int
    params: dict[str, Any]
    value: float | None
    job_id: str
    run_id: str | None
    status: str


@dataclass
class TuneResult:
    study: str
    direction: str
    best: TrialResult | None
    trials: list[TrialResult] = field(default_factory=list)


def default_storage(home: str | Path | None = None) -> str:
    return f"sqlite:///{home_path(home) / 'optuna.db'}"


def _suggest(trial: optuna.Trial, name: str, spec: Mapping[str, Any]) -> Any:
    kind = spec.get("type", "float")
    if kind == "float":
        return trial.suggest_float(
            name, float(spec["low"]), float(spec["high"]), log=bool(spec.get("log", False))
        )
    if kind == "int":
        return trial.suggest_int(
            name, int(spec["low"]), int(spec["high"]), log=bool(spec.get("log", False))
        )
    if kind == "categorical":
        return trial.suggest_categorical(name, list(spec["choices"]))
    raise ValueError(f"space.{name}: type must be float, int or categorical, not {kind!r}")


def trial_spec(
    base: Mapping[str, Any],
    study: str,
    number: int,
    params: dict[str, Any],
    metric: str,
    direction: str,
) -> dict[str, Any]:
    """The job of one trial as `tune` submits it: what makes it part of the study."""
    spec = dict(base)
    spec["name"] = f"{study}-trial-{number}"
    spec["experiment"] = spec.get("experiment") or study
    spec["params"] = {**dict(spec.get("params", {})), **params}
    spec["env"] = {
        **dict(spec.get("env", {})),
        PARAMS_VARIABLE: json.dumps(params),
        STUDY_VARIABLE: study,
        STUDY_METRIC_VARIABLE: metric,
        STUDY_DIRECTION_VARIABLE: direction,
        TRIAL_NUMBER_VARIABLE: str(number),
    }
    return spec


def _value(client: Client, job: Job, metric: str) -> float | None:
    if job.status != "SUCCEEDED" or job.run_id is None:
        return None
    run = client.runs.get(job.run_id, project=job.project)
    found = run.metrics.get(metric)
    if found is None or not math.isfinite(found.value):
        return None
    return found.value


def tune(
    client: Client,
    job: JobSpec | Mapping[str, Any],
    space: Mapping[str, Mapping[str, Any]],
    *,
    metric: str,
    direction: str = "minimize",
    n_trials: int = 10,
    parallelism: int = 1,
    project: str | None = None,
    study: str | None = None,
    storage: str | None = None,
    poll_interval: float = 1.0,
) -> TuneResult:
    """Run `n_trials` more trials of the study, at most `parallelism` jobs at a time."""
    import optuna

    if direction not in ("minimize", "maximize"):
        raise ValueError("direction must be minimize or maximize")
    if n_trials < 1 or parallelism < 1:
        raise ValueError("n_trials and parallelism must be at least 1")
    base = (
        job.model_dump(mode="json", exclude_unset=True) if isinstance(job, JobSpec) else dict(job)
    )
    JobSpec.model_validate(base)
    name = study or f"study-{int(time.time())}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna_study = optuna.create_study(
        study_name=name,
        storage=storage or default_storage(),
        direction=(
            optuna.study.StudyDirection.MINIMIZE
            if direction == "minimize"
            else optuna.study.StudyDirection.MAXIMIZE
        ),
        load_if_exists=True,
    )
    running: dict[str, optuna.Trial] = {}
    results: list[TrialResult] = []
    started = 0
    while started < n_trials or running:
        while started < n_trials and len(running) < parallelism:
            trial = optuna_study.ask()
            try:
                params = {key: _suggest(trial, key, spec) for key, spec in space.items()}
                submitted = client.jobs.submit(
                    trial_spec(base, name, trial.number, params, metric, direction),
                    project=project,
                )
            except Exception:
                optuna_study.tell(trial, state=optuna.trial.TrialState.FAIL)
                raise
            trial.set_user_attr("job_id", submitted.id)
            running[submitted.id] = trial
            started += 1
        time.sleep(poll_interval)
        for job_id, trial in list(running.items()):
            current = client.jobs.get(job_id, project=project)
            if not current.status.is_terminal:
                continue
            del running[job_id]
            value = _value(client, current, metric)
            if value is None:
                optuna_study.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                optuna_study.tell(trial, value)
            results.append(
                TrialResult(
                    number=trial.number,
                    params=dict(trial.params),
                    value=value,
                    job_id=job_id,
                    run_id=current.run_id,
                    status=current.status.value,
                )
            )
    scored = [item for item in results if item.value is not None]
    best = None
    if scored:
        pick = min if direction == "minimize" else max
        best = pick(scored, key=lambda item: item.value if item.value is not None else 0.0)
    results.sort(key=lambda item: item.number)
    return TuneResult(study=name, direction=direction, best=best, trials=results)
