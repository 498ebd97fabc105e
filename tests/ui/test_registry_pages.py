"""The model registry pages over plain HTTP: models, one model, one version, approvals."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

import mlplane
from mlplane.tracking.schemas import Run


@pytest.fixture
def signed_in(app_http: httpx.Client, admin_token: str) -> httpx.Client:
    assert app_http.post("/ui/login", data={"token": admin_token}).status_code == 303
    return app_http


@pytest.fixture
def trained(client: mlplane.Client, project: str) -> Callable[[float], Run]:
    def make(accuracy: float) -> Run:
        run = client.runs.create(
            "training", project=project, name=f"acc-{accuracy}", create_experiment=True,
            git_commit="feedc0ffee",
        )  # fmt: skip
        client.runs.log_metric(run.id, "accuracy", accuracy, project=project)
        client.runs.log_inputs(
            run.id, [{"name": "transactions", "digest": "abc123"}], project=project
        )
        manifest = {
            "format_version": 1,
            "flavor": "sklearn",
            "signature": {"inputs": [{"name": "amount", "dtype": "float64", "shape": [-1]}]},
            "files": [{"path": "model.skops", "sha256": "f" * 64, "size": 3}],
        }
        client.runs.upload_bytes(
            run.id, "model/mlplane-model.json", json.dumps(manifest).encode(), project=project
        )
        client.runs.upload_bytes(run.id, "model/model.skops", b"abc", project=project)
        return run

    return make


def test_models_page_lists_models_with_aliases(
    signed_in: httpx.Client, client: mlplane.Client, project: str, trained: Callable[[float], Run]
) -> None:
    run = trained(0.9)
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    client.models.set_alias("fraud", "champion", 1, project=project)
    client.models.protect_alias("production", gate=["accuracy >= 0.95"], project=project)
    page = signed_in.get(f"/projects/{project}/models")
    assert page.status_code == 200
    assert 'data-model="fraud"' in page.text
    assert "@champion → v1" in page.text
    assert "accuracy &gt;= 0.95" in page.text


def test_model_page_shows_versions_lineage_and_history(
    signed_in: httpx.Client, client: mlplane.Client, project: str, trained: Callable[[float], Run]
) -> None:
    first, second = trained(0.8), trained(0.9)
    client.models.register("fraud", f"runs:/{first.id}/model", project=project)
    client.models.register("fraud", f"runs:/{second.id}/model", project=project)
    client.models.set_alias("fraud", "champion", 2, project=project)
    page = signed_in.get(f"/projects/{project}/models/fraud")
    assert page.status_code == 200
    assert 'data-version="1"' in page.text
    assert 'data-version="2"' in page.text
    assert 'data-kind="dataset" data-key="transactions@abc123"' in page.text
    assert f'data-kind="run" data-key="{first.id}"' in page.text
    assert "commit feedc0ff" in page.text
    assert 'id="alias-history"' in page.text
    assert ">direct<" in page.text


def test_approve_from_the_model_page_moves_the_alias(
    signed_in: httpx.Client, client: mlplane.Client, project: str, trained: Callable[[float], Run]
) -> None:
    run = trained(0.9)
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    client.models.protect_alias("production", project=project)
    request = client.models.request_approval("fraud", "production", 1, project=project)
    page = signed_in.get(f"/projects/{project}/models/fraud")
    assert f"/approvals/{request.id}/approve" in page.text
    answer = signed_in.post(f"/ui/projects/{project}/approvals/{request.id}/approve")
    assert answer.status_code == 303
    assert client.models.resolve("models:/fraud@production", project=project).version == 1
    assert "approved" in signed_in.get(f"/projects/{project}/models/fraud").text


def test_version_page_shows_signature_files_and_metrics(
    signed_in: httpx.Client, client: mlplane.Client, project: str, trained: Callable[[float], Run]
) -> None:
    run = trained(0.93)
    client.models.register("fraud", f"runs:/{run.id}/model", project=project)
    page = signed_in.get(f"/projects/{project}/models/fraud/versions/1")
    assert page.status_code == 200
    assert "amount" in page.text
    assert "float64" in page.text
    assert "sklearn" in page.text
    assert 'data-file="model.skops"' in page.text
    assert "ffffffffffff" in page.text
    assert 'data-metric="accuracy"' in page.text
    assert "0.93" in page.text
    assert "transactions" in page.text


def test_version_page_reads_an_mlflow_mlmodel(
    signed_in: httpx.Client, client: mlplane.Client, project: str, tmp_path: object
) -> None:
    run = client.runs.create("t", project=project, create_experiment=True)
    mlmodel = (
        "flavors:\n  python_function: {}\n  sklearn: {}\n"
        'signature:\n  inputs: \'[{"name": "x", "type": "double"}]\'\n'
        '  outputs: \'[{"type": "long"}]\'\n'
    )
    client.runs.upload_bytes(run.id, "model/MLmodel", mlmodel.encode(), project=project)
    client.models.register("clf", f"runs:/{run.id}/model", project=project)
    page = signed_in.get(f"/projects/{project}/models/clf/versions/1")
    assert "mlflow · sklearn" in page.text
    assert "double" in page.text
    assert "long" in page.text


def test_missing_model_page_is_404(signed_in: httpx.Client, project: str) -> None:
    assert signed_in.get(f"/projects/{project}/models/nope").status_code == 404


def test_project_page_links_to_models(signed_in: httpx.Client, project: str) -> None:
    assert f'href="/projects/{project}/models"' in signed_in.get(f"/projects/{project}").text
