"""Every rule on what a run may log: a 4xx that names the problem, and nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import mlplane
from mlplane.tracking.schemas import Run

GOOD_METRIC = {"key": "ok", "value": 1.0, "step": 1, "timestamp": 1}


def _post(raw: httpx.Client, project: str, run: Run, body: Any) -> httpx.Response:
    return raw.post(f"/api/v1/projects/{project}/runs/{run.id}/log-batch", json=body)


def _assert_nothing_logged(client: mlplane.Client, project: str, run: Run) -> None:
    stored = client.runs.get(run.id, project=project)
    assert (stored.metrics, stored.params, stored.tags) == ({}, {}, {})
    assert client.runs.metric_history(run.id, "ok", project=project).total == 0


BAD_BATCHES = [
    pytest.param({"metrics": [{"key": "bad!key", "value": 1}]}, "metrics[0].key", id="key-chars"),
    pytest.param({"metrics": [{"key": "k" * 251, "value": 1}]}, "longer than 250", id="key-long"),
    pytest.param({"metrics": [{"key": "", "value": 1}]}, "non-empty", id="key-empty"),
    pytest.param({"metrics": [{"key": 5, "value": 1}]}, "metrics[0].key", id="key-not-text"),
    pytest.param({"metrics": [{"key": "a/../b", "value": 1}]}, "relative path", id="key-dotdot"),
    pytest.param({"metrics": [{"key": "/abs", "value": 1}]}, "relative path", id="key-absolute"),
    pytest.param({"metrics": [{"key": "a//b", "value": 1}]}, "relative path", id="key-slashes"),
    pytest.param({"metrics": [{"key": "dir/", "value": 1}]}, "relative path", id="key-trailing"),
    pytest.param({"metrics": [{"key": "k"}]}, "metrics[0].value", id="value-missing"),
    pytest.param({"metrics": [{"key": "k", "value": "high"}]}, "must be a number", id="value-text"),
    pytest.param({"metrics": [{"key": "k", "value": True}]}, "must be a number", id="value-bool"),
    pytest.param({"metrics": [{"key": "k", "value": None}]}, "must be a number", id="value-null"),
    pytest.param({"metrics": [{"key": "k", "value": 1, "step": 1.5}]}, "step", id="step-float"),
    pytest.param({"metrics": [{"key": "k", "value": 1, "step": 2**63}]}, "64 bits", id="step-big"),
    pytest.param(
        {"metrics": [{"key": "k", "value": 1, "timestamp": -1}]}, "timestamp", id="ts-negative"
    ),
    pytest.param({"metrics": ["loss"]}, "metrics[0]", id="metric-not-object"),
    pytest.param({"metrics": {"key": "k"}}, "metrics: must be a list", id="metrics-not-list"),
    pytest.param({"params": [{"key": "p", "value": "v" * 6001}]}, "6000", id="param-long"),
    pytest.param({"params": [{"key": "p", "value": 3}]}, "must be a string", id="param-number"),
    pytest.param({"params": [{"key": "p q!", "value": "v"}]}, "params[0].key", id="param-key"),
    pytest.param({"params": [{"key": "p"}]}, "params[0].value", id="param-no-value"),
    pytest.param({"tags": [{"key": "t", "value": "v" * 8001}]}, "8000", id="tag-long"),
    pytest.param({"tags": [{"key": "t*", "value": "v"}]}, "tags[0].key", id="tag-key"),
    pytest.param({"tags": ["t=v"]}, "tags[0]", id="tag-not-object"),
    pytest.param(
        {"metrics": [GOOD_METRIC] * 10_001}, "at most 10000 metrics", id="too-many-metrics"
    ),
    pytest.param(
        {"params": [{"key": f"p{i}", "value": "v"} for i in range(101)]},
        "at most 100 params",
        id="too-many-params",
    ),
    pytest.param(
        {"tags": [{"key": f"t{i}", "value": "v"} for i in range(101)]},
        "at most 100 tags",
        id="too-many-tags",
    ),
    pytest.param({"metric": [GOOD_METRIC]}, "metric: unknown field", id="unknown-field"),
    pytest.param([GOOD_METRIC], "must be an object", id="body-not-object"),
]


@pytest.mark.parametrize(("body", "problem"), BAD_BATCHES)
def test_bad_batch_is_422_and_writes_nothing(
    client: mlplane.Client, raw: httpx.Client, project: str, run: Run, body: Any, problem: str
) -> None:
    # A good entry first: a batch is all-or-nothing, so it must not be stored either.
    if isinstance(body, dict):
        body = {"metrics": [GOOD_METRIC], **body} if "metrics" not in body else body
        body.setdefault("tags", [{"key": "good", "value": "tag"}])

    response = _post(raw, project, run, body)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert problem in response.json()["detail"]
    _assert_nothing_logged(client, project, run)


def test_invalid_json_is_400_and_writes_nothing(
    client: mlplane.Client, raw: httpx.Client, project: str, run: Run
) -> None:
    response = raw.post(
        f"/api/v1/projects/{project}/runs/{run.id}/log-batch",
        content=b'{"metrics": [',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]
    _assert_nothing_logged(client, project, run)


def test_bad_metric_in_the_middle_rejects_the_whole_batch(
    client: mlplane.Client, raw: httpx.Client, project: str, run: Run
) -> None:
    metrics = [{"key": "ok", "value": float(step), "step": step} for step in range(500)]
    metrics[250] = {"key": "ok", "value": "oops", "step": 250}

    response = _post(raw, project, run, {"metrics": metrics})

    assert response.status_code == 422
    assert "metrics[250].value" in response.json()["detail"]
    _assert_nothing_logged(client, project, run)


def test_keys_may_hold_slashes_dots_dashes_and_spaces(
    client: mlplane.Client, project: str, run: Run
) -> None:
    keys = ["train/loss", "val.acc", "f1-score", "my metric", "a_b"]

    client.runs.log_metrics(run.id, {key: 1.0 for key in keys}, project=project)
    client.runs.log_params(run.id, {key: "v" for key in keys}, project=project)

    stored = client.runs.get(run.id, project=project)
    assert set(stored.metrics) == set(keys)
    assert set(stored.params) == set(keys)


def test_limits_are_inclusive(
    client: mlplane.Client, raw: httpx.Client, project: str, run: Run
) -> None:
    body = {
        "metrics": [{"key": "k" * 250, "value": 1.0, "step": step} for step in range(900)],
        "params": [{"key": f"p{i}", "value": "v" * 6000} for i in range(50)],
        "tags": [{"key": f"t{i}", "value": "v" * 8000} for i in range(50)],
    }

    response = _post(raw, project, run, body)

    assert response.status_code == 200, response.text
    stored = client.runs.get(run.id, project=project)
    assert (len(stored.params), len(stored.tags)) == (50, 50)


@pytest.mark.parametrize(
    ("tags", "problem"),
    [({"bad key!": "v"}, "tags.bad key!"), ({"k": "v" * 8001}, "8000"), ({"a/../b": "v"}, "..")],
)
def test_create_run_with_bad_tags_is_422_and_creates_nothing(
    client: mlplane.Client, project: str, run: Run, tags: dict[str, str], problem: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.create(run.experiment_id, project=project, tags=tags)

    assert caught.value.status == 422
    assert problem in caught.value.detail
    assert [item.id for item in client.runs.list(project=project)] == [run.id]


def test_run_name_tag_longer_than_250_is_422_and_renames_nothing(
    client: mlplane.Client, raw: httpx.Client, project: str, run: Run
) -> None:
    body = {"metrics": [GOOD_METRIC], "tags": [{"key": "mlflow.runName", "value": "n" * 251}]}

    response = _post(raw, project, run, body)

    assert response.status_code == 422
    assert "250" in response.json()["detail"]
    assert client.runs.get(run.id, project=project).name == "run-1"
    _assert_nothing_logged(client, project, run)


def test_create_run_with_long_name_tag_is_422(
    client: mlplane.Client, project: str, run: Run
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.create(run.experiment_id, project=project, tags={"mlflow.runName": "n" * 251})

    assert caught.value.status == 422
    assert len(client.runs.list(project=project)) == 1


def test_check_batch_with_mlflow_limits_counts_all_entries() -> None:
    from mlplane.core.errors import InvalidInput
    from mlplane.tracking.limits import MLFLOW_BATCH_LIMITS
    from mlplane.tracking.validation import check_batch

    body = {
        "metrics": [GOOD_METRIC] * 950,
        "params": [{"key": f"p{i}", "value": "v"} for i in range(51)],
    }

    with pytest.raises(InvalidInput, match="1000 metrics, params and tags in all"):
        check_batch(body, "run", 0, MLFLOW_BATCH_LIMITS)
