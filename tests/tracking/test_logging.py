from __future__ import annotations

import math

import httpx
import pytest

import mlplane
from mlplane.tracking.schemas import Run


def _batch_url(project: str, run: Run) -> str:
    return f"/api/v1/projects/{project}/runs/{run.id}/log-batch"


def test_log_batch_stores_metrics_params_and_tags(
    client: mlplane.Client, project: str, run: Run
) -> None:
    logged = client.runs.log_batch(
        run.id,
        project=project,
        metrics=[{"key": "loss", "value": 1.0 / (step + 1), "step": step} for step in range(10)],
        params={"lr": 0.01, "layers": 3},
        tags={"team": "risk"},
    )

    stored = client.runs.get(run.id, project=project)
    assert (logged.metrics, logged.params, logged.tags) == (10, 2, 1)
    assert stored.params == {"lr": "0.01", "layers": "3"}
    assert stored.tags == {"team": "risk"}
    assert stored.metrics["loss"].value == pytest.approx(0.1)
    assert stored.metrics["loss"].step == 9
    assert client.runs.metric_history(run.id, "loss", project=project).total == 10


def test_latest_metric_is_highest_step_then_newest_timestamp(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.log_batch(
        run.id,
        project=project,
        metrics=[
            {"key": "acc", "value": 0.5, "step": 5, "timestamp": 1000},
            {"key": "acc", "value": 0.9, "step": 9, "timestamp": 500},
            {"key": "acc", "value": 0.7, "step": 7, "timestamp": 3000},
        ],
    )
    client.runs.log_batch(
        run.id,
        project=project,
        metrics=[
            {"key": "acc", "value": 0.1, "step": 3, "timestamp": 9000},
            {"key": "acc", "value": 0.95, "step": 9, "timestamp": 600},
        ],
    )
    client.runs.log_metric(run.id, "acc", 0.2, step=9, timestamp=100, project=project)

    latest = client.runs.get(run.id, project=project).metrics["acc"]

    assert (latest.value, latest.step, latest.timestamp) == (0.95, 9, 600)


def test_infinite_and_nan_metrics_round_trip(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.log_batch(
        run.id,
        project=project,
        metrics=[
            {"key": "up", "value": math.inf},
            {"key": "down", "value": -math.inf},
            {"key": "lost", "value": math.nan},
        ],
    )

    stored = client.runs.get(run.id, project=project).metrics
    history = client.runs.metric_history(run.id, "down", project=project)
    wire = client.transport.http.get(f"/api/v1/projects/{project}/runs/{run.id}").json()

    assert stored["up"].value == math.inf
    assert stored["down"].value == -math.inf
    assert math.isnan(stored["lost"].value)
    assert history.points[0].value == -math.inf
    assert wire["metrics"]["up"]["value"] == "Infinity"
    assert wire["metrics"]["lost"]["value"] == "NaN"


def test_json_infinity_tokens_are_accepted(raw: httpx.Client, project: str, run: Run) -> None:
    body = b'{"metrics": [{"key": "big", "value": Infinity}, {"key": "nan", "value": NaN}]}'

    response = raw.post(
        _batch_url(project, run), content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 200
    stored = raw.get(f"/api/v1/projects/{project}/runs/{run.id}").json()["metrics"]
    assert stored["big"]["value"] == "Infinity"
    assert stored["nan"]["value"] == "NaN"


def test_search_skips_nan_metrics_in_comparisons(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.log_metric(run.id, "score", math.nan, project=project)

    assert client.runs.list(project=project, filter="metrics.score > 0") == []
    assert client.runs.list(project=project, filter="metrics.score < 0") == []


def test_relogging_same_param_value_is_fine(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.log_param(run.id, "lr", "0.01", project=project)
    client.runs.log_param(run.id, "lr", "0.01", project=project)

    assert client.runs.get(run.id, project=project).params == {"lr": "0.01"}


def test_changing_param_is_rejected_and_batch_writes_nothing(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.log_param(run.id, "lr", "0.01", project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.transport.json(
            "POST",
            _batch_url(project, run),
            json={
                "metrics": [{"key": "loss", "value": 1.0}],
                "params": [{"key": "lr", "value": "0.02"}, {"key": "new", "value": "x"}],
                "tags": [{"key": "t", "value": "v"}],
            },
        )

    stored = client.runs.get(run.id, project=project)
    assert caught.value.status == 422
    assert "changing param" in caught.value.detail
    assert stored.params == {"lr": "0.01"}
    assert stored.metrics == {}
    assert stored.tags == {}


def test_same_param_twice_in_batch_with_different_values_is_422(
    raw: httpx.Client, client: mlplane.Client, project: str, run: Run
) -> None:
    body = {"params": [{"key": "lr", "value": "1"}, {"key": "lr", "value": "2"}]}

    response = raw.post(_batch_url(project, run), json=body)

    assert response.status_code == 422
    assert "params[1]" in response.json()["detail"]
    assert client.runs.get(run.id, project=project).params == {}


def test_set_tag_overwrites_and_delete_tag_removes(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.set_tag(run.id, "stage", "dev", project=project)
    client.runs.set_tag(run.id, "stage", "prod", project=project)
    client.runs.set_tag(run.id, "team/owner", "ana", project=project)
    client.runs.delete_tag(run.id, "team/owner", project=project)

    assert client.runs.get(run.id, project=project).tags == {"stage": "prod"}


def test_delete_missing_tag_is_404(client: mlplane.Client, project: str, run: Run) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.delete_tag(run.id, "ghost", project=project)

    assert caught.value.status == 404


def test_run_name_tag_renames_the_run(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.set_tag(run.id, "mlflow.runName", "renamed", project=project)

    stored = client.runs.get(run.id, project=project)
    assert stored.name == "renamed"
    assert "mlflow.runName" not in stored.tags


def test_logging_metrics_to_finished_run_is_409(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.end(run.id, project=project)

    for attempt in (
        lambda: client.runs.log_metric(run.id, "loss", 1.0, project=project),
        lambda: client.runs.log_param(run.id, "lr", 1, project=project),
    ):
        with pytest.raises(mlplane.ApiError) as caught:
            attempt()
        assert caught.value.status == 409
        assert "FINISHED" in caught.value.detail
    stored = client.runs.get(run.id, project=project)
    assert stored.metrics == {}
    assert stored.params == {}


def test_tags_can_still_be_set_on_finished_run(
    client: mlplane.Client, project: str, run: Run
) -> None:
    client.runs.end(run.id, project=project)

    client.runs.set_tag(run.id, "reviewed", "yes", project=project)

    assert client.runs.get(run.id, project=project).tags == {"reviewed": "yes"}


def test_logging_to_deleted_run_is_409(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.delete(run.id, project=project)

    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.set_tag(run.id, "t", "v", project=project)

    assert caught.value.status == 409
    assert "deleted" in caught.value.detail


def test_logging_to_missing_run_is_404(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.log_metric("0" * 32, "loss", 1.0, project=project)

    assert caught.value.status == 404


def test_log_inputs_records_datasets(client: mlplane.Client, project: str, run: Run) -> None:
    client.runs.log_inputs(
        run.id,
        [
            {
                "name": "customers",
                "digest": "abc123",
                "source_type": "mlplane",
                "source": "datasets/customers@3",
                "dataset_schema": '{"columns": ["id"]}',
                "context": "training",
                "tags": {"split": "train"},
            },
            {"name": "holdout", "digest": "def456", "context": "evaluation"},
        ],
        project=project,
    )
    client.runs.log_inputs(
        run.id, [{"name": "customers", "digest": "abc123", "context": "training"}], project=project
    )

    inputs = {item.name: item for item in client.runs.get(run.id, project=project).inputs}
    assert set(inputs) == {"customers", "holdout"}
    assert inputs["holdout"].context == "evaluation"
    assert inputs["customers"].source == ""
    assert client.runs.list(project=project, filter="datasets.context = 'evaluation'")


def test_log_inputs_with_bad_tag_key_writes_nothing(
    client: mlplane.Client, project: str, run: Run
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.log_inputs(
            run.id,
            [{"name": "a", "digest": "1"}, {"name": "b", "digest": "2", "tags": {"x!": "1"}}],
            project=project,
        )

    assert caught.value.status == 422
    assert client.runs.get(run.id, project=project).inputs == []


def test_sdk_splits_large_batches(client: mlplane.Client, project: str, run: Run) -> None:
    logged = client.runs.log_batch(
        run.id,
        project=project,
        metrics=[{"key": "loss", "value": float(step), "step": step} for step in range(2500)],
        params={f"p{index}": index for index in range(150)},
    )

    assert (logged.metrics, logged.params) == (2500, 150)
    assert client.runs.metric_history(run.id, "loss", project=project).total == 2500
    assert len(client.runs.get(run.id, project=project).params) == 150
