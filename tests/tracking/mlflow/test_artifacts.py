"""MLflow's proxied artifact protocol: paths belong to runs, and roles apply to them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import mlflow
import pytest
from mlflow import MlflowClient

from tests.harness.platform import RunningPlatform

pytestmark = pytest.mark.platform


@pytest.fixture
def run(tracking: str, unique: Callable[[str], str], tmp_path: Path) -> mlflow.entities.Run:
    mlflow.set_experiment(unique("files"))
    (tmp_path / "weights.bin").write_bytes(b"\x00\x01" * 1000)
    with mlflow.start_run() as started:
        mlflow.log_artifact(str(tmp_path / "weights.bin"), artifact_path="model")
        mlflow.log_text("a,b\n1,2\n", "data/table.csv")
    return MlflowClient().get_run(started.info.run_id)


def _store_path(run: mlflow.entities.Run) -> str:
    return run.info.artifact_uri.removeprefix("mlflow-artifacts:/")


def test_the_proxied_listing_names_entries_of_one_folder(
    run: mlflow.entities.Run, api: httpx.Client
) -> None:
    root = _store_path(run)
    top = api.get("/api/2.0/mlflow-artifacts/artifacts", params={"path": root}).json()
    inner = api.get("/api/2.0/mlflow-artifacts/artifacts", params={"path": f"{root}/model"}).json()
    a_file = api.get(
        "/api/2.0/mlflow-artifacts/artifacts", params={"path": f"{root}/model/weights.bin"}
    ).json()

    assert {(item["path"], item["is_dir"]) for item in top["files"]} == {
        ("data", True),
        ("model", True),
    }
    assert inner["files"] == [{"path": "weights.bin", "is_dir": False, "file_size": 2000}]
    assert a_file.get("files", []) == []


def test_the_run_listing_answers_under_both_prefixes(
    run: mlflow.entities.Run, api: httpx.Client
) -> None:
    params = {"run_id": run.info.run_id, "path": "data"}
    answers = [
        api.get(f"{prefix}/2.0/mlflow/artifacts/list", params=params)
        for prefix in ("/api", "/ajax-api")
    ]

    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.json()["files"] == [
            {"path": "data/table.csv", "is_dir": False, "file_size": 8}
        ]
        assert answer.json()["root_uri"] == run.info.artifact_uri


def test_deleting_an_artifact_removes_it(run: mlflow.entities.Run, api: httpx.Client) -> None:
    root = _store_path(run)

    deleted = api.delete(f"/api/2.0/mlflow-artifacts/artifacts/{root}/data/table.csv")
    download = api.get(f"/api/2.0/mlflow-artifacts/artifacts/{root}/data/table.csv")

    assert deleted.status_code == 200
    assert download.status_code == 404
    assert download.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_a_viewer_downloads_but_cannot_upload(
    run: mlflow.entities.Run, platform: RunningPlatform, user_token: Callable[..., str]
) -> None:
    root = _store_path(run)
    headers = {"Authorization": f"Bearer {user_token('default', 'viewer')}"}
    url = f"{platform.url}/api/2.0/mlflow-artifacts/artifacts/{root}"

    download = httpx.get(f"{url}/data/table.csv", headers=headers)
    upload = httpx.put(f"{url}/data/other.csv", content=b"x", headers=headers)

    assert download.status_code == 200
    assert download.content == b"a,b\n1,2\n"
    assert upload.status_code == 403
    assert upload.json()["error_code"] == "PERMISSION_DENIED"


def test_paths_outside_any_run_are_refused(run: mlflow.entities.Run, api: httpx.Client) -> None:
    root = _store_path(run)
    experiment_folder = root.rsplit("/", 2)[0]

    orphan = api.put(f"/api/2.0/mlflow-artifacts/artifacts/{experiment_folder}/x.txt", content=b"x")
    escape = api.get("/api/2.0/mlflow-artifacts/artifacts", params={"path": f"{root}/../../x"})

    assert orphan.status_code == 404
    assert orphan.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert escape.status_code == 400
    assert escape.json()["error_code"] == "INVALID_PARAMETER_VALUE"
