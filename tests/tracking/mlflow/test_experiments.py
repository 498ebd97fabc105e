"""MLflow's experiment calls, and its default experiment "0"."""

from __future__ import annotations

from collections.abc import Callable

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

import mlplane

pytestmark = pytest.mark.platform


def test_create_experiment_and_get_it_by_id_and_name(
    tracking: str, unique: Callable[[str], str]
) -> None:
    name = unique("churn")
    experiment_id = mlflow.create_experiment(name, tags={"team": "growth"})

    by_id = mlflow.get_experiment(experiment_id)
    by_name = mlflow.get_experiment_by_name(name)

    assert by_id.experiment_id == by_name.experiment_id == experiment_id
    assert by_id.name == name
    assert by_id.tags == {"team": "growth"}
    assert by_id.lifecycle_stage == "active"
    assert by_id.artifact_location.startswith("mlflow-artifacts:/")
    assert by_id.creation_time <= by_id.last_update_time


def test_get_experiment_by_name_is_none_when_missing(tracking: str) -> None:
    assert mlflow.get_experiment_by_name("no-such-experiment-anywhere") is None


def test_create_experiment_with_a_taken_name_is_resource_already_exists(
    tracking: str, unique: Callable[[str], str]
) -> None:
    name = unique("taken")
    mlflow.create_experiment(name)

    with pytest.raises(MlflowException) as raised:
        mlflow.create_experiment(name)

    assert raised.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_rename_tag_delete_and_restore_an_experiment(
    tracking: str, unique: Callable[[str], str]
) -> None:
    client = MlflowClient()
    old, new = unique("old"), unique("new")
    experiment_id = client.create_experiment(old)

    client.rename_experiment(experiment_id, new)
    client.set_experiment_tag(experiment_id, "owner", "ana")
    client.set_experiment_tag(experiment_id, "stale", "yes")
    client.delete_experiment_tag(experiment_id, "stale")
    client.delete_experiment(experiment_id)
    deleted = client.get_experiment(experiment_id)
    client.restore_experiment(experiment_id)

    assert deleted.lifecycle_stage == "deleted"
    restored = client.get_experiment(experiment_id)
    assert restored.name == new
    assert restored.tags == {"owner": "ana"}
    assert restored.lifecycle_stage == "active"
    assert client.get_experiment_by_name(old) is None


def test_search_experiments_filters_orders_and_pages(
    tracking: str, unique: Callable[[str], str]
) -> None:
    client = MlflowClient()
    prefix = unique("search")
    for suffix in ("b", "a", "c"):
        client.create_experiment(f"{prefix}-{suffix}", tags={"kind": "search-test"})
    deleted = client.create_experiment(f"{prefix}-d")
    client.delete_experiment(deleted)

    first = client.search_experiments(
        filter_string=f"name LIKE '{prefix}%'", order_by=["name DESC"], max_results=2
    )
    second = client.search_experiments(
        filter_string=f"name LIKE '{prefix}%'",
        order_by=["name DESC"],
        max_results=2,
        page_token=first.token,
    )
    everything = client.search_experiments(
        view_type=ViewType.ALL, filter_string=f"name LIKE '{prefix}%'"
    )
    tagged = client.search_experiments(filter_string="tags.kind = 'search-test'")

    assert [e.name for e in first] == [f"{prefix}-c", f"{prefix}-b"]
    assert [e.name for e in second] == [f"{prefix}-a"]
    assert second.token is None
    assert len(everything) == 4
    assert {e.name for e in tagged} >= {f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"}


def test_a_run_without_an_experiment_lands_in_the_default_experiment(tracking: str) -> None:
    with mlflow.start_run() as run:
        mlflow.log_metric("m", 1.0)

    default = mlflow.get_experiment("0")
    found = mlflow.search_runs(experiment_ids=["0"], output_format="list")

    assert run.info.experiment_id == "0"
    assert default.name == "Default"
    assert default.experiment_id == "0"
    assert mlflow.get_experiment_by_name("Default").experiment_id == "0"
    assert run.info.run_id in {found_run.info.run_id for found_run in found}


def test_experiments_made_through_mlflow_live_in_the_default_project(
    tracking: str, unique: Callable[[str], str], admin: mlplane.Client
) -> None:
    name = unique("native")
    experiment_id = mlflow.create_experiment(name)

    native = admin.experiments.get(name, project="default")

    assert native.id == experiment_id
    assert native.project == "default"
