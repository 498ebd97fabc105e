"""Studies: a search's trial jobs read back as one study, with values, best and importance."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import mlplane
from mlplane.client.errors import ApiError
from mlplane.compute.schemas import JobStatus, Study, StudyTrial
from mlplane.compute.service.studies import param_importance
from mlplane.compute.tuning import tune

# The loss depends on x only; `noise` is a parameter that does not matter.
OBJECTIVE = (
    "import mlplane\n"
    "from mlplane.compute.tuning import trial_params\n"
    "params = trial_params()\n"
    "mlplane.log_metric('loss', (params['x'] - 2) ** 2)\n"
)


def test_tune_study_is_listed_with_its_trials_and_best(
    client: mlplane.Client, project: str, home: Path, worker_thread: None
) -> None:
    result = tune(
        client,
        {"command": [sys.executable, "-c", OBJECTIVE], "timeout_seconds": 300},
        {
            "x": {"type": "float", "low": -5, "high": 5},
            "noise": {"type": "int", "low": 0, "high": 9},
        },
        metric="loss",
        n_trials=3,
        parallelism=3,
        project=project,
        study="sweep",
        storage=f"sqlite:///{home / 'optuna.db'}",
        poll_interval=0.2,
    )
    (listed,) = client.jobs.list_studies(project=project)
    assert (listed.name, listed.metric, listed.direction) == ("sweep", "loss", "minimize")
    study = client.jobs.get_study("sweep", project=project)
    assert [trial.number for trial in study.trials] == [0, 1, 2]
    by_number = {trial.number: trial for trial in result.trials}
    for trial in study.trials:
        assert trial.status == JobStatus.SUCCEEDED
        assert trial.params == by_number[trial.number].params
        assert trial.value == pytest.approx(by_number[trial.number].value)
    assert result.best is not None
    assert study.best is not None
    assert study.best.number == result.best.number


def test_get_unknown_study_is_not_found(client: mlplane.Client, project: str) -> None:
    assert client.jobs.list_studies(project=project) == []
    with pytest.raises(ApiError) as missing:
        client.jobs.get_study("nope", project=project)
    assert missing.value.status == 404


def _study(values: list[tuple[dict[str, object], float | None]]) -> Study:
    now = datetime.now(UTC)
    trials = [
        StudyTrial(
            number=number,
            job_id=f"job{number}",
            run_id=None,
            status=JobStatus.SUCCEEDED,
            params=params,
            value=value,
            created_at=now,
            finished_at=now,
        )
        for number, (params, value) in enumerate(values)
    ]
    return Study(
        name="s", project="p", metric="loss", direction="minimize", trials=trials, best=None,
        created_at=now, updated_at=now,
    )  # fmt: skip


def test_param_importance_ranks_the_parameter_that_drives_the_metric_first() -> None:
    study = _study(
        [
            ({"x": 1.0, "noise": 5, "kind": "a"}, 1.0),
            ({"x": 2.0, "noise": 1, "kind": "b"}, 2.0),
            ({"x": 3.0, "noise": 4, "kind": "a"}, 3.0),
            ({"x": 4.0, "noise": 2, "kind": "b"}, 4.0),
            ({"x": 5.0, "noise": 3, "kind": "a"}, 5.0),
        ]
    )
    importance = param_importance(study)
    assert next(iter(importance)) == "x"
    assert sum(importance.values()) == pytest.approx(1.0)
    assert set(importance) == {"x", "noise", "kind"}


def test_param_importance_waits_for_three_scored_trials() -> None:
    study = _study([({"x": 1.0}, 1.0), ({"x": 2.0}, None), ({"x": 3.0}, 2.0)])
    assert param_importance(study) == {}
