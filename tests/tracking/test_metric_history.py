from __future__ import annotations

import math

import pytest

import mlplane
from mlplane.tracking.schemas import Run


def _log_wave(client: mlplane.Client, project: str, run: Run, points: int) -> None:
    metrics = [
        {"key": "loss", "value": math.sin(step / 10), "step": step, "timestamp": 1000 + step}
        for step in range(points)
    ]
    metrics[1234] = {"key": "loss", "value": 50.0, "step": 1234, "timestamp": 2234}
    client.runs.log_batch(run.id, project=project, metrics=metrics)


def test_metric_history_returns_every_point_in_step_order(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.log_batch(
        run.id,
        project=project,
        metrics=[
            {"key": "loss", "value": 3.0, "step": 3, "timestamp": 1},
            {"key": "loss", "value": 1.0, "step": 1, "timestamp": 9},
            {"key": "loss", "value": 2.0, "step": 2, "timestamp": 5},
            {"key": "other", "value": 7.0, "step": 0},
        ],
    )

    history = client.runs.metric_history(run.id, "loss", project=project)

    assert [(point.step, point.value) for point in history.points] == [(1, 1.0), (2, 2.0), (3, 3.0)]
    assert history.total == 3
    assert history.downsampled is False


def test_metric_history_of_unknown_key_is_empty(
    client: mlplane.Client, project: str, run: Run
) -> None:
    history = client.runs.metric_history(run.id, "never", project=project)

    assert (history.points, history.total) == ([], 0)


def test_downsampled_history_keeps_ends_and_spikes(
    client: mlplane.Client, project: str, run: Run
) -> None:
    _log_wave(client, project, run, 3000)

    history = client.runs.metric_history(run.id, "loss", project=project, max_points=200)

    steps = [point.step for point in history.points]
    values = [point.value for point in history.points]
    assert history.downsampled is True
    assert history.total == 3000
    assert len(history.points) <= 200
    assert (steps[0], steps[-1]) == (0, 2999)
    assert steps == sorted(steps)
    assert 50.0 in values
    assert min(values) == pytest.approx(-1.0, abs=1e-3)


def test_histories_of_several_runs_and_keys(client: mlplane.Client, project: str, run: Run) -> None:
    other = client.runs.create(run.experiment_id, project=project)
    for index, target in enumerate((run, other)):
        client.runs.log_batch(
            target.id,
            project=project,
            metrics=[
                {"key": key, "value": float(step * (index + 1)), "step": step}
                for key in ("loss", "acc")
                for step in range(50)
            ],
        )

    result = client.runs.metric_histories(
        [run.id, other.id], ["loss", "acc", "none"], project=project, max_points=10
    )

    assert [(series.run_id, series.key) for series in result.series] == [
        (run.id, "loss"),
        (run.id, "acc"),
        (run.id, "none"),
        (other.id, "loss"),
        (other.id, "acc"),
        (other.id, "none"),
    ]
    assert all(len(series.points) <= 10 for series in result.series)
    assert result.series[3].points[-1].value == 98.0


@pytest.mark.parametrize("max_points", [0, 1, 100_001])
def test_max_points_out_of_range_is_422(
    client: mlplane.Client, project: str, run: Run, max_points: int
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.metric_history(run.id, "loss", project=project, max_points=max_points)

    assert caught.value.status == 422
    assert "max_points" in caught.value.detail


def test_histories_of_a_run_in_another_project_is_404(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.projects.create("elsewhere")

    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.metric_histories([run.id], ["loss"], project="elsewhere")

    assert caught.value.status == 404
