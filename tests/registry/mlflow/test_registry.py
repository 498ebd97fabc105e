"""MLflow's registry client against mlplane: register, aliases, stages, search, load."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

import mlplane

pytestmark = pytest.mark.platform

FEATURES = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
LABELS = np.array([0, 0, 0, 1, 1, 1])


@pytest.fixture
def logged(tracking: str, unique: Callable[[str], str]) -> tuple[str, LogisticRegression]:
    """A run that logged an sklearn model under `model`; returns the run id and the model."""
    mlflow.set_experiment(unique("registry"))
    model = LogisticRegression().fit(FEATURES, LABELS)
    with mlflow.start_run() as run:
        mlflow.log_metric("accuracy", 0.97)
        mlflow.sklearn.log_model(model, name="model")
    return run.info.run_id, model


def test_register_model_from_run_and_load_by_alias(
    logged: tuple[str, LogisticRegression], unique: Callable[[str], str]
) -> None:
    run_id, model = logged
    name = unique("clf")
    version = mlflow.register_model(f"runs:/{run_id}/model", name)
    assert version.version == "1"
    client = MlflowClient()
    client.set_registered_model_alias(name, "champion", version.version)

    by_alias = client.get_model_version_by_alias(name, "champion")
    loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    by_number = mlflow.sklearn.load_model(f"models:/{name}/1")

    assert (by_alias.version, by_alias.run_id) == ("1", run_id)
    assert by_alias.aliases == ["champion"]
    expected = model.predict(FEATURES).tolist()
    assert loaded.predict(FEATURES).tolist() == expected
    assert by_number.predict(FEATURES).tolist() == expected
    assert client.get_registered_model(name).aliases == {"champion": "1"}


def test_register_model_twice_adds_a_version(
    logged: tuple[str, LogisticRegression], unique: Callable[[str], str]
) -> None:
    run_id, _ = logged
    name = unique("clf")
    mlflow.register_model(f"runs:/{run_id}/model", name)
    second = mlflow.register_model(f"runs:/{run_id}/model", name)
    assert second.version == "2"


def test_search_model_versions_by_name_and_run(
    logged: tuple[str, LogisticRegression], unique: Callable[[str], str]
) -> None:
    run_id, _ = logged
    name = unique("clf")
    for _ in range(3):
        mlflow.register_model(f"runs:/{run_id}/model", name)
    client = MlflowClient()
    by_name = client.search_model_versions(f"name = '{name}'")
    by_run = client.search_model_versions(f"run_id = '{run_id}' and name = '{name}'")
    assert sorted(int(v.version) for v in by_name) == [1, 2, 3]
    assert len(by_run) == 3
    assert client.search_model_versions("name = 'no-such-model'") == []


def test_transition_stage_and_latest_versions(
    logged: tuple[str, LogisticRegression], unique: Callable[[str], str]
) -> None:
    run_id, _ = logged
    name = unique("clf")
    for _ in range(2):
        mlflow.register_model(f"runs:/{run_id}/model", name)
    client = MlflowClient()
    client.transition_model_version_stage(name, "1", "Production")
    moved = client.transition_model_version_stage(
        name, "2", "production", archive_existing_versions=True
    )
    assert moved.current_stage == "Production"
    assert client.get_model_version(name, "1").current_stage == "Archived"
    latest = client.get_latest_versions(name, stages=["Production"])
    assert [v.version for v in latest] == ["2"]


def test_registered_model_lifecycle(tracking: str, unique: Callable[[str], str]) -> None:
    client = MlflowClient()
    name, renamed = unique("clf"), unique("renamed")
    client.create_registered_model(name, tags={"team": "risk"}, description="first")
    with pytest.raises(MlflowException) as error:
        client.create_registered_model(name)
    assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"
    client.update_registered_model(name, description="second")
    client.set_registered_model_tag(name, "tier", "1")
    client.delete_registered_model_tag(name, "team")
    client.rename_registered_model(name, renamed)
    found = client.get_registered_model(renamed)
    assert (found.description, found.tags) == ("second", {"tier": "1"})
    assert [m.name for m in client.search_registered_models(f"name = '{renamed}'")] == [renamed]
    assert renamed in [m.name for m in client.search_registered_models("name LIKE 'renamed-%'")]
    client.delete_registered_model(renamed)
    with pytest.raises(MlflowException) as missing:
        client.get_registered_model(renamed)
    assert missing.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_version_tags_description_and_delete(
    logged: tuple[str, LogisticRegression], unique: Callable[[str], str]
) -> None:
    run_id, _ = logged
    name = unique("clf")
    mlflow.register_model(f"runs:/{run_id}/model", name)
    client = MlflowClient()
    client.set_model_version_tag(name, "1", "validated", "yes")
    client.update_model_version(name, "1", description="good")
    version = client.get_model_version(name, "1")
    assert (version.tags, version.description) == ({"validated": "yes"}, "good")
    assert client.get_model_version_download_uri(name, "1").startswith("mlflow-artifacts:/")
    client.delete_model_version_tag(name, "1", "validated")
    client.delete_model_version(name, "1")
    assert client.search_model_versions(f"name = '{name}'") == []


def test_protected_alias_refused_to_mlflow_client(
    logged: tuple[str, LogisticRegression],
    unique: Callable[[str], str],
    admin: mlplane.Client,
) -> None:
    run_id, _ = logged
    name = unique("clf")
    mlflow.register_model(f"runs:/{run_id}/model", name)
    alias = unique("prod").replace("-", "_")
    admin.models.protect_alias(alias, project="default")
    with pytest.raises(MlflowException) as error:
        MlflowClient().set_registered_model_alias(name, alias, "1")
    assert error.value.error_code == "PERMISSION_DENIED"


def test_unknown_registry_field_types_answer_mlflow_errors(api: httpx.Client) -> None:
    answer = api.get("/api/2.0/mlflow/model-versions/get", params={"name": "x", "version": "one"})
    assert answer.status_code == 400
    assert answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_log_model_with_registered_model_name_registers_the_logged_model(
    tracking: str, unique: Callable[[str], str], admin: mlplane.Client
) -> None:
    mlflow.set_experiment(unique("registry"))
    name = unique("clf")
    model = LogisticRegression().fit(FEATURES, LABELS)
    with mlflow.start_run() as run:
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name)

    version = MlflowClient().get_model_version(name, "1")
    loaded = mlflow.pyfunc.load_model(f"models:/{name}/1")

    assert version.run_id == run.info.run_id
    # MLflow's client does not read `model_id` back from the answer; mlplane's SDK does.
    registered = admin.models.version(name, 1, project="default")

    assert version.source == info.model_uri
    assert registered.logged_model_id == info.model_id
    assert loaded.predict(FEATURES).tolist() == model.predict(FEATURES).tolist()


def test_registry_answers_under_the_ajax_prefix(
    api: httpx.Client, unique: Callable[[str], str]
) -> None:
    name = unique("clf")
    created = api.post("/ajax-api/2.0/mlflow/registered-models/create", json={"name": name})
    found = api.get("/ajax-api/2.0/mlflow/registered-models/get", params={"name": name})
    assert created.status_code == 200
    assert found.json()["registered_model"]["name"] == name


def test_version_lists_in_mlplane_with_its_lineage(
    logged: tuple[str, LogisticRegression], unique: Callable[[str], str], admin: mlplane.Client
) -> None:
    run_id, _ = logged
    name = unique("clf")
    mlflow.register_model(f"runs:/{run_id}/model", name)
    made = admin.models.search_versions(project="default", run_id=run_id)
    assert [(v.model, v.version) for v in made] == [(name, 1)]
    assert admin.models.lineage(name, 1, project="default").metrics["accuracy"] == 0.97
