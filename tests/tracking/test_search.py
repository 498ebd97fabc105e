from __future__ import annotations

import pytest

import mlplane
from mlplane.tracking.schemas import Experiment, Run

# name: (lr param, acc metric or None, team tag, status)
RUNS = {
    "alpha": ("0.01", 0.95, "risk", "FINISHED"),
    "beta": ("0.1", 0.80, "risk", "FAILED"),
    "gamma": ("0.01", None, "growth", "RUNNING"),
    "Delta": ("0.001", 0.90, "Growth", "FINISHED"),
}


@pytest.fixture
def runs(client: mlplane.Client, project: str, experiment: Experiment) -> dict[str, Run]:
    made = {}
    for index, (name, (lr, acc, team, status)) in enumerate(RUNS.items()):
        run = client.runs.create(
            experiment.id, project=project, name=name, start_time=1_000_000 + index
        )
        metrics = [{"key": "my acc", "value": acc}, {"key": "acc", "value": acc}] if acc else []
        client.runs.log_batch(
            run.id, project=project, params={"lr": lr}, tags={"team": team}, metrics=metrics
        )
        if status != "RUNNING":
            client.runs.update(run.id, project=project, status=status)
        made[name] = run
    return made


def _names(client: mlplane.Client, project: str, **search: object) -> list[str]:
    return [run.name for run in client.runs.search(project=project, **search)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("metrics.acc > 0.85", {"alpha", "Delta"}),
        ("metrics.acc >= 0.9 and params.lr = '0.01'", {"alpha"}),
        ("metrics.`my acc` < 0.9", {"beta"}),
        ('metrics."my acc" = 0.95', {"alpha"}),
        ("metric.acc != 0.8", {"alpha", "Delta"}),
        ("params.lr = '0.01'", {"alpha", "gamma"}),
        ("params.lr != '0.01'", {"beta", "Delta"}),
        ("params.lr IN ('0.1', '0.001')", {"beta", "Delta"}),
        ("params.lr NOT IN ('0.1', '0.001')", {"alpha", "gamma"}),
        ("tags.team = 'risk'", {"alpha", "beta"}),
        ("tags.team LIKE 'gr%'", {"gamma"}),
        ("tags.team ILIKE 'gr%'", {"gamma", "Delta"}),
        ("tags.team LIKE '_isk'", {"alpha", "beta"}),
        ("attributes.status = 'FINISHED'", {"alpha", "Delta"}),
        ("attributes.status != 'FINISHED' and tags.team = 'risk'", {"beta"}),
        ("status IN ('FAILED', 'RUNNING')", {"beta", "gamma"}),
        ("attributes.run_name = 'beta'", {"beta"}),
        ("attributes.run_name ILIKE 'd%'", {"Delta"}),
        ("tags.mlflow.runName = 'gamma'", {"gamma"}),
        ("tags.`mlflow.runName` LIKE '%a'", {"alpha", "beta", "gamma", "Delta"}),
        ("attributes.start_time >= 1000002", {"gamma", "Delta"}),
        ("attributes.end_time IS NULL", {"gamma"}),
        ("metrics.acc IS NULL", {"gamma"}),
        ("tags.missing IS NULL and params.lr IS NOT NULL", {"alpha", "beta", "gamma", "Delta"}),
        ("", {"alpha", "beta", "gamma", "Delta"}),
    ],
)
def test_search_runs_filters(
    client: mlplane.Client, project: str, runs: dict[str, Run], query: str, expected: set[str]
) -> None:
    assert set(_names(client, project, filter=query)) == expected


def test_search_runs_by_run_id_list(
    client: mlplane.Client, project: str, runs: dict[str, Run]
) -> None:
    ids = f"'{runs['alpha'].id}', '{runs['gamma'].id}'"

    assert set(_names(client, project, filter=f"attributes.run_id IN ({ids})")) == {
        "alpha",
        "gamma",
    }


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        ([], ["Delta", "gamma", "beta", "alpha"]),
        (["metrics.acc DESC"], ["alpha", "Delta", "beta", "gamma"]),
        (["metrics.acc"], ["beta", "Delta", "alpha", "gamma"]),
        (["params.lr", "attributes.run_name"], ["Delta", "alpha", "gamma", "beta"]),
        (["attributes.start_time ASC"], ["alpha", "beta", "gamma", "Delta"]),
        (["tags.team DESC", "metrics.acc DESC"], ["alpha", "beta", "gamma", "Delta"]),
    ],
)
def test_search_runs_orders_with_missing_values_last(
    client: mlplane.Client,
    project: str,
    runs: dict[str, Run],
    order_by: list[str],
    expected: list[str],
) -> None:
    assert _names(client, project, order_by=order_by) == expected


def test_search_runs_pages_with_tokens(
    client: mlplane.Client, project: str, runs: dict[str, Run]
) -> None:
    url = f"/api/v1/projects/{project}/runs/search"
    body = {"order_by": ["attributes.run_name"], "max_results": 3}

    first = client.transport.json("POST", url, json=body)
    second = client.transport.json(
        "POST", url, json={**body, "page_token": first["next_page_token"]}
    )

    assert [run["name"] for run in first["items"]] == ["Delta", "alpha", "beta"]
    assert [run["name"] for run in second["items"]] == ["gamma"]
    assert second["next_page_token"] is None


@pytest.mark.parametrize("page_size", [1, 2, 3, 5])
def test_search_runs_by_metric_pages_across_runs_without_it(
    client: mlplane.Client, project: str, runs: dict[str, Run], page_size: int
) -> None:
    # Runs with the metric and runs without it are read separately; pages must join them.
    url = f"/api/v1/projects/{project}/runs/search"
    body: dict[str, object] = {"order_by": ["metrics.acc DESC"], "max_results": page_size}
    names: list[str] = []
    while True:
        page = client.transport.json("POST", url, json=body)
        names += [run["name"] for run in page["items"]]
        if page["next_page_token"] is None:
            break
        body["page_token"] = page["next_page_token"]

    assert names == ["alpha", "Delta", "beta", "gamma"]


def test_search_runs_by_metric_puts_nan_with_missing_values(
    client: mlplane.Client, project: str, experiment: Experiment, runs: dict[str, Run]
) -> None:
    nan_run = client.runs.create(experiment.id, project=project, name="nan", start_time=0)
    client.runs.log_batch(
        nan_run.id,
        project=project,
        params={"lr": "0.5"},
        metrics=[{"key": "acc", "value": float("nan")}],
    )

    ordered = _names(client, project, order_by=["metrics.acc"], filter="params.lr != '0.1'")

    assert ordered == ["Delta", "alpha", "gamma", "nan"]


def test_page_token_of_another_search_is_422(
    client: mlplane.Client, project: str, runs: dict[str, Run]
) -> None:
    url = f"/api/v1/projects/{project}/runs/search"
    first = client.transport.json("POST", url, json={"max_results": 1})

    with pytest.raises(mlplane.ApiError) as caught:
        client.transport.json(
            "POST",
            url,
            json={
                "max_results": 1,
                "filter": "params.lr = '0.01'",
                "page_token": first["next_page_token"],
            },
        )

    assert caught.value.status == 422
    assert "page_token" in caught.value.detail


def test_search_runs_by_lifecycle(
    client: mlplane.Client, project: str, runs: dict[str, Run]
) -> None:
    client.runs.delete(runs["beta"].id, project=project)

    assert "beta" not in _names(client, project)
    assert _names(client, project, view="DELETED_ONLY") == ["beta"]
    assert len(_names(client, project, view="ALL")) == 4


def test_search_runs_in_named_experiments_only(
    client: mlplane.Client, project: str, runs: dict[str, Run]
) -> None:
    other = client.runs.create("other", project=project, create_experiment=True, name="lonely")

    assert _names(client, project, experiments=["other"]) == ["lonely"]
    assert len(_names(client, project, experiments=["baseline", other.experiment_id])) == 5
    with pytest.raises(mlplane.ApiError) as caught:
        _names(client, project, experiments=["ghost"])
    assert caught.value.status == 404


def test_list_runs_over_get_matches_search(
    client: mlplane.Client, project: str, runs: dict[str, Run]
) -> None:
    listed = client.runs.list(
        project=project, filter="metrics.acc > 0", order_by=["metrics.acc DESC"], limit=2
    )

    assert [run.name for run in listed] == ["alpha", "Delta"]


def test_search_returns_full_run_data(
    client: mlplane.Client, project: str, runs: dict[str, Run]
) -> None:
    (found,) = client.runs.search(project=project, filter="attributes.run_name = 'alpha'")

    assert found.params == {"lr": "0.01"}
    assert found.tags == {"team": "risk"}
    assert found.metrics["acc"].value == 0.95


def test_search_runs_as_dataframe(
    client: mlplane.Client, project: str, runs: dict[str, Run]
) -> None:
    frame = client.runs.search(project=project, order_by=["attributes.run_name"], output="pandas")

    assert list(frame["run_name"]) == ["Delta", "alpha", "beta", "gamma"]
    assert list(frame["params.lr"]) == ["0.001", "0.01", "0.1", "0.01"]
    assert frame["metrics.acc"].iloc[0] == 0.90
    assert str(frame["start_time"].dt.tz) == "UTC"


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("metrics.acc > 'high'", "compares with a number"),
        ("params.lr > '0.1'", "does not support >"),
        ("params.lr = 0.1", "quoted string"),
        ("tags.team LIKE 5", "quoted string"),
        ("metrics.acc LIKE '1%'", "does not support LIKE"),
        ("bogus.acc = 1", "'bogus' is not something runs can be searched by"),
        ("attributes.colour = 'red'", "'colour' is not an attribute"),
        ("metrics.acc > 0.9 or params.lr = '1'", "OR is not supported"),
        ("metrics.acc > 0.9 params.lr = '1'", "expected AND"),
        ("metrics.acc >", "ends early"),
        ("params.lr = 'open", "never closed"),
        ("params.lr IN '1'", "IN needs a list"),
        ("params.lr IN ('1', 2)", "must be quoted"),
        ("metrics.acc ~ 1", "unexpected character"),
        ("datasets.color = 'x'", "datasets.color is unknown"),
        ("metrics. = 1", "expected a quoted key"),
        ("params.lr NOT LIKE 'x'", "NOT is only supported as NOT IN"),
    ],
)
def test_bad_filter_is_422_naming_the_problem(
    client: mlplane.Client, project: str, experiment: Experiment, query: str, problem: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.search(project=project, filter=query)

    assert caught.value.status == 422
    assert problem in caught.value.detail
    assert caught.value.detail.startswith("filter:")


@pytest.mark.parametrize(
    ("order_by", "problem"),
    [
        ("metrics.acc SIDEWAYS", "after the direction"),
        ("colour", "'colour' is not an attribute"),
        ("datasets.name", "cannot be ordered by datasets"),
        ("", "empty clause"),
    ],
)
def test_bad_order_by_is_422(
    client: mlplane.Client, project: str, experiment: Experiment, order_by: str, problem: str
) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.runs.search(project=project, order_by=[order_by])

    assert caught.value.status == 422
    assert problem in caught.value.detail


def test_bad_experiment_filter_is_422(client: mlplane.Client, project: str) -> None:
    with pytest.raises(mlplane.ApiError) as caught:
        client.experiments.list(project=project, filter="metrics.acc > 1")

    assert caught.value.status == 422
    assert "experiments" in caught.value.detail


def test_search_runs_repeated_sees_new_runs_and_values(
    client: mlplane.Client, project: str, experiment: Experiment, runs: dict[str, Run]
) -> None:
    # Statements are kept per search; their results never are.
    assert set(_names(client, project, filter="metrics.acc > 0.85")) == {"alpha", "Delta"}
    assert set(_names(client, project, filter="metrics.acc > 0.92")) == {"alpha"}
    late = client.runs.create(experiment.id, project=project, name="late")
    client.runs.log_batch(late.id, project=project, metrics=[{"key": "acc", "value": 0.99}])
    assert set(_names(client, project, filter="metrics.acc > 0.85")) == {"alpha", "Delta", "late"}
