from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import mlplane
from mlplane.models import load_model, log_model
from mlplane.registry.packaging import MANIFEST_FILE
from mlplane.registry.packaging.checksums import ModelIntegrityError


def test_log_model_to_a_run_and_load_it_by_runs_uri(
    client: mlplane.Client, project: str, classifier: Any, table: pd.DataFrame
) -> None:
    with mlplane.start_run(experiment="churn", project=project, client=client) as run:
        logged = log_model(classifier, "model", input_example=table.head())

    predictor = load_model(f"runs:/{run.id}/model", client=client, project=project)

    assert logged.uri == f"runs:/{run.id}/model"
    entries = client.runs.list_artifacts(run.id, "model", project=project)
    assert sorted(entry.path for entry in entries) == [
        "model/mlplane-model.json",
        "model/model.pkl",
    ]
    assert predictor.flavor == "sklearn"
    assert predictor.predict(table)["prediction"].tolist() == classifier.predict(table).tolist()


def test_log_model_to_a_run_by_id_and_load_with_the_default_client(
    client: mlplane.Client,
    project: str,
    classifier: Any,
    table: pd.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = client.runs.create("churn", project=project, create_experiment=True)
    log_model(
        classifier,
        "models/tree",
        run=run.id,
        client=client,
        project=project,
        input_example=table.head(),
    )
    monkeypatch.setenv("MLPLANE_PROJECT", project)

    predictor = load_model(f"runs:/{run.id}/models/tree")

    assert len(predictor.predict(table)) == len(table)


def test_a_tampered_logged_model_is_refused(
    client: mlplane.Client, project: str, classifier: Any, table: pd.DataFrame
) -> None:
    run = client.runs.create("churn", project=project, create_experiment=True)
    log_model(classifier, "model", run=run.id, client=client, project=project)
    client.runs.upload_bytes(run.id, "model/model.pkl", b"swapped", project=project)

    with pytest.raises(ModelIntegrityError, match=r"'model.pkl'"):
        load_model(f"runs:/{run.id}/model", client=client, project=project)


def test_loading_a_run_without_a_model_is_not_found(client: mlplane.Client, project: str) -> None:
    run = client.runs.create("churn", project=project, create_experiment=True)

    with pytest.raises(Exception, match=r"no model files") as caught:
        load_model(f"runs:/{run.id}/model", client=client, project=project)

    assert getattr(caught.value, "status", None) == 404


def test_a_model_folder_loads_from_an_fsspec_url(
    tmp_path: Path, classifier: Any, table: pd.DataFrame
) -> None:
    import fsspec

    from mlplane.models import save_model

    url = f"memory://models/{tmp_path.name}/tree"
    save_model(classifier, url, input_example=table.head())

    predictor = load_model(url)

    assert fsspec.filesystem("memory").exists(f"/models/{tmp_path.name}/tree/{MANIFEST_FILE}")
    assert len(predictor.predict(table)) == len(table)


def test_registered_model_loads_by_alias(
    client: mlplane.Client, project: str, classifier: Any, table: pd.DataFrame
) -> None:
    with mlplane.start_run(experiment="churn", project=project, client=client) as run:
        log_model(classifier, "model", input_example=table.head())
    version = client.models.register("churn", f"runs:/{run.id}/model", project=project)
    client.models.set_alias("churn", "champion", version.version, project=project)

    predictor = load_model("models:/churn@champion", client=client, project=project)

    assert predictor.predict(table)["prediction"].tolist() == classifier.predict(table).tolist()
