from __future__ import annotations

import sys
from pathlib import Path

import optuna
import pytest

import mlplane
from mlplane.compute.tuning import tune

OBJECTIVE = (
    "import mlplane\n"
    "from mlplane.compute.tuning import trial_params\n"
    "x = trial_params()['x']\n"
    "mlplane.log_metric('loss', (x - 2) ** 2)\n"
)


def test_tune_runs_trials_as_tracked_jobs_and_keeps_the_study(
    client: mlplane.Client, project: str, home: Path, worker_thread: None
) -> None:
    storage = f"sqlite:///{home / 'optuna.db'}"
    result = tune(
        client,
        {"command": [sys.executable, "-c", OBJECTIVE], "timeout_seconds": 300},
        {"x": {"type": "float", "low": -5, "high": 5}},
        metric="loss",
        n_trials=3,
        parallelism=2,
        project=project,
        study="sweep",
        storage=storage,
        poll_interval=0.2,
    )
    assert [trial.status for trial in result.trials] == ["SUCCEEDED"] * 3
    assert result.best is not None
    assert result.best.value == min(trial.value or 0.0 for trial in result.trials)
    for trial in result.trials:
        assert trial.value == pytest.approx((trial.params["x"] - 2) ** 2)
        run = client.runs.get(trial.run_id or "", project=project)
        assert run.params == {"x": str(trial.params["x"])}
    jobs = client.jobs.list(project=project)
    assert sorted(job.name for job in jobs) == ["sweep-trial-0", "sweep-trial-1", "sweep-trial-2"]
    stored = optuna.load_study(study_name="sweep", storage=storage)
    assert len(stored.trials) == 3
    assert stored.best_value == pytest.approx(result.best.value)


def test_tune_rejects_bad_space_before_submitting(
    client: mlplane.Client, project: str, home: Path
) -> None:
    with pytest.raises(ValueError, match=r"space\.x"):
        tune(
            client,
            {"command": "true"},
            {"x": {"type": "normal"}},
            metric="loss",
            project=project,
            storage=f"sqlite:///{home / 'optuna.db'}",
        )
    assert client.jobs.list(project=project) == []
